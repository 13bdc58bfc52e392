"""The hidden-layer page: every z and y equals nn_core's forward pass; the links restore it."""

import numpy as np
import pytest
from app_helpers import has_latex, notices, open_box, page, table

from derivations import formulas as F
from nn_core import Network


def _forward(sizes, acts, seed, x):
    net = Network.init(sizes, acts, seed=seed)
    return net, net.forward_pass(np.array([x]))


def _check_all_values(t, fp, sizes):
    for layer in range(1, len(sizes)):
        for j in range(sizes[layer]):
            # neurons are counted from 1 on the page, as the notes count them
            assert t[f"z({layer})_{j + 1}"] == pytest.approx(fp.zs[layer - 1][0, j], abs=1e-12)
            assert t[f"y({layer})_{j + 1}"] == pytest.approx(fp.ys[layer][0, j], abs=1e-12)


def test_default_forward_pass_matches_nn_core():
    at = page("hidden_layers")
    net, fp = _forward([2, 3, 2], ["sigmoid", "sigmoid"], 0, [0.5, -1.0])
    _check_all_values(table(at), fp, [2, 3, 2])
    forms = F.layer_formulas(1, "sigmoid")
    assert has_latex(at, forms["weighted_sum"]) and has_latex(at, forms["activation"])
    assert has_latex(at, F.weighted_sum_numbers(net.weights[0][:, 0], [0.5, -1.0],
                                                net.biases[0][0], fp.zs[0][0, 0]))


def test_widgets_change_numbers_consistently():
    at = page("hidden_layers")
    at.slider(key="hidden.x1").set_value(2.0).run()
    open_box(at, "hidden.more")  # the activations are drawn while their box is open
    at.selectbox(key="hidden.act").set_value("tanh").run()
    at.slider(key="hidden.layers").set_value(2).run()
    sizes = [2, 3, 3, 2]
    _, fp = _forward(sizes, ["tanh", "sigmoid"], 0, [2.0, -1.0])
    _check_all_values(table(at), fp, sizes)
    assert has_latex(at, F.layer_formulas(1, "tanh")["activation"])


def test_link_opens_layer_and_neuron():
    at = page("hidden_layers", {"layers": "2", "width": "4", "out": "softmax", "outputs": "3",
                                "layer": "3", "neuron": "3", "x1": "-1.5", "seed": "5"})
    sizes = [2, 4, 4, 3]
    _, fp = _forward(sizes, ["sigmoid", "softmax"], 5, [-1.5, -1.0])
    _check_all_values(table(at), fp, sizes)
    assert has_latex(at, F.layer_formulas(3, "softmax")["activation"])
    assert has_latex(at, F.softmax_numbers(fp.zs[2][0], 2, fp.ys[3][0, 2], 3))
    assert notices(at) == []


def test_stale_link_values_fall_back():
    at = page("hidden_layers", {"width": "99", "act": "softmax", "neuron": "5"})
    text = " ".join(notices(at))
    assert "neurons per hidden layer (“99”)" in text and "hidden activation (“softmax”)" in text
    # Neuron 5 does not exist in a 3-neuron layer: the page explains the last one instead.
    assert at.session_state["hidden.neuron"] == 3
    _, fp = _forward([2, 3, 2], ["sigmoid", "sigmoid"], 0, [0.5, -1.0])
    _check_all_values(table(at), fp, [2, 3, 2])


def test_switching_activation_keeps_the_weights_until_asked():
    at = open_box(page("hidden_layers"), "hidden.more")
    z_before = table(at)["z(1)_1"]
    at.selectbox(key="hidden.act").set_value("relu").run()
    # Same weights, new activation: the first weighted sums do not move.
    assert table(at)["z(1)_1"] == pytest.approx(z_before, abs=1e-12)
    net = Network.from_weights(Network.init([2, 3, 2], ["sigmoid", "sigmoid"], 0).weights,
                               None, ["relu", "sigmoid"])
    _check_all_values(table(at), net.forward_pass(np.array([[0.5, -1.0]])), [2, 3, 2])
    assert at.query_params["drawn"] == "sigmoid/sigmoid"
    at.button(key="hidden#redraw").click().run()
    _, fp = _forward([2, 3, 2], ["relu", "sigmoid"], 0, [0.5, -1.0])
    _check_all_values(table(at), fp, [2, 3, 2])
    assert table(at)["z(1)_1"] != pytest.approx(z_before)


def test_the_diagram_follows_the_weights_in_use():
    """The diagram is replayed from a server-wide cache: weights kept from other activations
    and weights drawn for these are two diagrams, though shape, activations and seed agree."""
    kept = open_box(page("hidden_layers"), "hidden.more")
    kept.selectbox(key="hidden.act").set_value("relu").run()
    fresh = page("hidden_layers", {"act": "relu"})
    assert table(kept)["z(1)_1"] != pytest.approx(table(fresh)["z(1)_1"])
    specs = [at.get("plotly_chart")[0].proto.spec for at in (kept, fresh)]
    assert specs[0] != specs[1]
    for at, spec in zip((kept, fresh), specs, strict=True):  # each shows its own z(1)_1
        assert f"z={table(at)['z(1)_1']:.3g}" in spec
