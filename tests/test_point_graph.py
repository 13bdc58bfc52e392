"""The graph of one point: every node's gradient is nn_core's backprop and central differences;
a weight's paths sum to its gradient."""

import itertools

import numpy as np
import pytest

from nn_core import Network, get_loss
from page_model.point_graph import point_graph, weight_paths

CASES = [  # sizes, activations, loss, target
    ([2, 3, 2, 1], ["tanh", "sigmoid"], "squared_error", [1.0]),
    ([3, 4, 3], ["relu", "softmax"], "cross_entropy", [0.0, 1.0, 0.0]),
    ([2, 3, 1], ["sigmoid", "sigmoid"], "cross_entropy", [0.0]),
    ([2, 2, 2], ["tanh", "linear"], "squared_error", [0.3, -0.7]),
]
H = 1e-6


def _loss_from(net, loss, y, layer, kind, index, shift, x):
    """E with one node's value shifted: run the network from that node on."""
    loss_fn = get_loss(loss, net.activations[-1])
    a = np.array(x, float).reshape(1, -1)
    if layer == 0:
        a[0, index] += shift
    z = None
    for l in range(1, net.n_layers + 1):
        z = a @ net.weights[l - 1] + net.biases[l - 1]
        if l == layer and kind == "sum":
            z[0, index] += shift
        a = net.activations[l - 1].output(z)
        if l == layer and kind == "activation":
            a[0, index] += shift
    return loss_fn.value(a, np.array(y, float).reshape(1, -1))


@pytest.mark.parametrize("sizes, acts, loss, y", CASES)
def test_every_node_gradient_is_backprop_and_central_differences(sizes, acts, loss, y):
    net = Network.init(sizes, acts, seed=3)
    for b in net.biases:
        b += 0.1  # nonzero biases: their gradients count
    x = np.linspace(-0.8, 0.9, sizes[0])
    g = point_graph(net, x, y, loss)
    bp = net.backprop(x.reshape(1, -1), np.reshape(y, (1, -1)), loss)
    assert g.loss == pytest.approx(bp.loss, rel=1e-12)
    for node in g.nodes.values():
        if node.kind == "loss":
            assert node.grad == 1.0
            continue
        if node.kind == "sum":
            assert node.grad == pytest.approx(bp.deltas[node.layer - 1][0, node.index],
                                              rel=1e-12, abs=1e-15)
        numeric = (_loss_from(net, loss, y, node.layer, node.kind, node.index, H, x)
                   - _loss_from(net, loss, y, node.layer, node.kind, node.index, -H, x)) / (2 * H)
        assert node.grad == pytest.approx(numeric, rel=1e-5, abs=1e-8), node.name
    for e in g.edges:
        if e.weight is None:
            continue
        l, i, j = e.weight
        assert e.grad == pytest.approx(bp.grads[l - 1][0][i, j], rel=1e-12, abs=1e-15)
        up, down = net.copy(), net.copy()
        up.weights[l - 1][i, j] += H
        down.weights[l - 1][i, j] -= H
        X, Y = x.reshape(1, -1), np.reshape(y, (1, -1))
        numeric = (up.loss(X, Y, loss) - down.loss(X, Y, loss)) / (2 * H)
        assert e.grad == pytest.approx(numeric, rel=1e-5, abs=1e-8)


@pytest.mark.parametrize("sizes, acts, loss, y", CASES)
def test_paths_of_a_weight_sum_to_its_gradient(sizes, acts, loss, y):
    net = Network.init(sizes, acts, seed=5)
    g = point_graph(net, np.linspace(0.4, -0.6, sizes[0]), y, loss)
    for weight in [(1, 0, 1), (net.n_layers, 1, 0)]:
        p = weight_paths(g, weight)
        assert p.total == pytest.approx(p.gradient, rel=1e-10, abs=1e-14)
        assert len(p.per_output) == sizes[-1]
        assert len(p.paths) == p.n_paths  # small networks: every path listed
        assert sum(c for _, c in p.paths) == pytest.approx(p.gradient, rel=1e-10, abs=1e-14)
        local = {(e.tail, e.head): e.local for e in g.edges}
        for path, contribution in p.paths:  # each path's number is its local derivatives'
            product = g.nodes[path[0]].value * np.prod([local[a, b] for a, b in
                                                        itertools.pairwise(path[1:])])
            assert contribution == pytest.approx(product, rel=1e-12, abs=1e-15)


def test_large_networks_list_the_paths_that_add_most():
    net = Network.init([2, 16, 16, 16, 3], ["tanh", "softmax"], seed=0)
    g = point_graph(net, [0.3, -0.2], [0, 0, 1], "cross_entropy")
    p = weight_paths(g, (1, 0, 0), top=8)
    assert p.n_paths == 16 * 16 * 3 * 3 and len(p.paths) == 8 and not p.all_listed
    assert p.total == pytest.approx(p.gradient, rel=1e-9)
    every = weight_paths(g, (1, 0, 0), max_listed=10**6)
    assert every.all_listed and sum(c for _, c in every.paths) == pytest.approx(p.gradient)
    largest = sorted(every.paths, key=lambda pc: -abs(pc[1]))[:8]
    assert [c for _, c in p.paths] == pytest.approx([c for _, c in largest])
    with pytest.raises(ValueError, match="no weight"):
        weight_paths(g, (9, 0, 0))
