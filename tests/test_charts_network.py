"""The network diagram shows the network's own numbers and highlights the asked path."""

import numpy as np
import pytest

from charts import HIGHLIGHT, NEGATIVE, POSITIVE
from charts.network import network_diagram
from nn_core import Network


@pytest.fixture
def net_fp():
    net = Network.from_weights(
        [[[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]], [[1.0, -2.0], [0.5, 0.1], [-1.0, 3.0]]],
        [[0.1, 0.0, -0.2], [0.0, 0.3]], ["sigmoid", "sigmoid"],
    )
    X = np.array([[0.5, -1.0], [1.0, 2.0]])
    return net, net.forward_pass(X)


def _node_traces(fig):
    return [t for t in fig.data if t.mode == "markers+text"]


def _edge_traces(fig):
    return [t for t in fig.data if t.mode == "lines"]


def test_nodes_show_forward_values(net_fp):
    net, fp = net_fp
    fig = network_diagram(net, fp, point=1)
    layers = _node_traces(fig)
    assert [len(t.x) for t in layers] == net.sizes
    for layer in (1, 2):
        for i, text in enumerate(layers[layer].text):
            assert f"z={fp.zs[layer - 1][1, i]:.3g}" in text
            assert f"y={fp.ys[layer][1, i]:.3g}" in text
    assert f"{fp.ys[0][1, 1]:.3g}" in layers[0].text[1]


def test_edges_coloured_by_sign_and_sized_by_magnitude(net_fp):
    net, fp = net_fp
    fig = network_diagram(net, fp)
    edges = _edge_traces(fig)
    flat = np.concatenate([w.ravel() for w in net.weights])
    assert len(edges) == flat.size
    for e, w in zip(edges, flat, strict=True):
        assert e.line.color == (POSITIVE if w >= 0 else NEGATIVE)
    widths = np.array([e.line.width for e in edges])
    order = np.argsort(np.abs(flat))
    assert np.all(np.diff(widths[order]) >= 0)  # larger |w| never drawn thinner


def test_highlight_path(net_fp):
    net, fp = net_fp
    fig = network_diagram(net, fp, highlight=[(2, 2, 1)])
    edges = _edge_traces(fig)
    hi = [k for k, e in enumerate(edges) if e.line.color == HIGHLIGHT]
    # Layer 1 has 2×3 edges; edge (2, 2, 1) is row 2, column 1 of the 3×2 matrix.
    assert hi == [6 + 2 * 2 + 1]
    assert all(e.opacity < 1 for k, e in enumerate(edges) if k not in hi)
    nodes = _node_traces(fig)
    assert nodes[1].marker.line.color[2] == HIGHLIGHT
    assert nodes[2].marker.line.color[1] == HIGHLIGHT
    assert nodes[2].marker.line.color[0] != HIGHLIGHT


def test_without_forward_and_bad_point(net_fp):
    net, fp = net_fp
    fig = network_diagram(net)
    assert _node_traces(fig)[1].text == tuple(f"h₁{s}<br>sigmoid" for s in "₁₂₃")
    # The notes' names on every node (x₁, h₁₁, z₁), in text a projector shows (≥ 14 px).
    nodes = _node_traces(network_diagram(net, fp))
    assert [t.split("<br>")[0] for t in nodes[0].text] == ["x₁", "x₂"]
    assert [t.split("<br>")[0] for t in nodes[2].text] == ["z₁", "z₂"]
    assert all(n.textfont.size >= 14 for n in nodes)
    with pytest.raises(ValueError, match="point must be between 0 and 1"):
        network_diagram(net, fp, point=5)
    with pytest.raises(ValueError, match="highlight entries"):
        network_diagram(net, fp, highlight=[(1,)])
