"""The neuron pictures (one PNG, NumPy + zlib), their hover/click markers, and the point graph's
DOT text."""

import base64
import io

import numpy as np
import pytest
from PIL import Image

from charts import NEGATIVE, POSITIVE
from charts.neuron_maps import neuron_map, tile_pixels
from charts.png import diverging_rgb, png_bytes
from charts.point_graph import _escape_record, point_graph_dot
from charts.training import grid
from nn_core import Network
from page_model.playground import Config, TrainingSession, make_data
from page_model.point_graph import point_graph, weight_paths


@pytest.mark.parametrize("channels", [3, 4])
def test_png_round_trips_through_a_decoder(channels):
    rgb = np.random.default_rng(0).integers(0, 256, (5, 7, channels), dtype=np.uint8)
    back = np.asarray(Image.open(io.BytesIO(png_bytes(rgb))))
    np.testing.assert_array_equal(back, rgb)
    with pytest.raises(ValueError, match="shape"):
        png_bytes(np.zeros((4, 4)))


def test_diverging_colours_white_at_zero_full_at_scale():
    out = diverging_rgb(np.array([0.0, 2.0, -2.0, np.nan, 9.0]), 2.0, NEGATIVE, POSITIVE)
    np.testing.assert_allclose(out[0], [255, 255, 255])
    np.testing.assert_allclose(out[1], [int(POSITIVE[i:i + 2], 16) for i in (1, 3, 5)])
    np.testing.assert_allclose(out[2], [int(NEGATIVE[i:i + 2], 16) for i in (1, 3, 5)])
    np.testing.assert_allclose(out[3], [128, 128, 128])
    np.testing.assert_allclose(out[4], out[1])  # beyond the scale: the full colour


def _decoded(fig) -> np.ndarray:
    uri = fig.layout.images[0].source
    return np.asarray(Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1]))))


def test_one_forward_pass_gives_every_picture_and_the_boundary():
    cfg = Config(dataset="xor", n_points=40, hidden=(3, 2), hidden_activations=("tanh", "relu"))
    sess = TrainingSession(cfg, make_data(cfg))
    pts = grid((-3, 3, -3, 3), 20)[2]
    layers = sess.plane(pts)
    fp = sess.net.forward_pass(pts)  # features x1, x2: the raw points
    for a, b in zip(layers, fp.ys, strict=True):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(sess.predict_points(pts), layers[-1])


def test_neuron_map_draws_each_neuron_and_carries_weights_and_biases():
    net = Network.from_weights([[[1.0, -1.0], [0.0, 0.5]], [[2.0], [-3.0]]],
                               [[0.1, -0.2], [0.3]], ["tanh", "sigmoid"])
    res = 30
    pts = grid((-2, 2, -2, 2), res)[2]
    layers = net.forward_pass(pts).ys
    fig = neuron_map(net, layers, res, ["x₁", "x₂"], selected=(1, 0))
    assert len(fig.layout.images) == 1  # the whole network is one picture
    traces = {t.name: t for t in fig.data}
    ids = np.asarray(traces["neurons"].customdata)
    assert [tuple(map(int, r[:2])) for r in ids] == [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]
    np.testing.assert_allclose(ids[:, 3], [layers[l][:, i].max() for l, i in
                                           [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0)]], rtol=0.2)
    np.testing.assert_array_equal(np.asarray(traces["weights"].customdata)[:, 3],
                                  [1.0, -1.0, 0.0, 0.5, 2.0, -3.0])
    np.testing.assert_array_equal(np.asarray(traces["biases"].customdata)[:, 0], [0.1, -0.2, 0.3])
    img = _decoded(fig)
    assert img.shape[2] == 4 and (img[..., 3] == 0).mean() > 0.5  # transparent between pictures
    px = tile_pixels(net.sizes)
    opaque = img[img[..., 3] == 255][:, :3].astype(int)
    assert len(opaque) >= 5 * px * px
    # The output σ(…) > 0 everywhere: its picture (the right-most) is blue, the positive colour.
    cols = np.nonzero((img[..., 3] == 255).any(axis=0))[0]
    right = img[:, cols[-1] - px // 2][img[:, cols[-1] - px // 2, 3] == 255][:, :3].astype(int)
    assert len(right) and np.all(right[:, 2] >= right[:, 0])
    with pytest.raises(ValueError, match="all 3 layers"):
        neuron_map(net, layers[:2], res, ["x₁", "x₂"])


def test_dot_labels_are_escaped_and_every_node_drawn():
    assert _escape_record('a{b}|<c> "d" \\') == 'a\\{b\\}\\|\\<c\\> \\"d\\" \\\\'
    net = Network.init([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    g = point_graph(net, [0.2, -0.4], [1.0])
    dot = point_graph_dot(g, ['x"1{', "x2"], weight_paths(g, (1, 0, 2)), net.activation_names)
    assert dot.startswith("digraph") and dot.rstrip().endswith("}")
    for name in g.nodes:
        assert f'"{name}" [label=' in dot
    assert 'input x\\"1\\{ |' in dot  # the odd feature name stays text in its field
    assert dot.count("penwidth=3.5") == 1  # the chosen weight


def test_text_alternatives_name_the_most_varied_neuron_and_the_loss():
    from page_model.summaries import neuron_map_summary, point_graph_summary
    layers = [np.zeros((4, 2)), np.array([[0, -1.0], [0, 2.0], [0.1, 0.0], [0, 0]]),
              np.ones((4, 1))]
    text = neuron_map_summary([2, 2, 1], layers)
    assert text.startswith("Layers of 2 → 2 → 1 neurons")
    assert "layer 1, neuron 2 (-1 to 2)" in text
    assert "E = 0.5" in point_graph_summary(11, "train", 0, 0.5, "z₁⁽¹⁾ weighted sum")
