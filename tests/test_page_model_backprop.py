"""page_model.backprop (the step-through page's weights list and highlighted path) and the
descent page's helpers in page_model.descent."""

from types import SimpleNamespace

import numpy as np
import pytest

from derivations import notes_network
from page_model.backprop import flat_params, highlight, layer_starts, param_inputs, with_params
from page_model.descent import MAX_STEPS, capped_steps, lowest_loss, preset_lr, preset_runs


def test_flat_params_round_trip_in_the_links_order():
    net = notes_network("mlp", 0).net  # 2 → 3 → 2
    flat = flat_params(net)
    assert len(flat) == net.n_params == len(param_inputs(net)) == 17
    # W¹ row by row, then b¹: entry 1 is W¹[0, 1], entry 6 is b¹[0]
    assert flat[1] == net.weights[0][0, 1] and flat[6] == net.biases[0][0]
    assert param_inputs(net)[1] == ("w⁽1⁾ 1→2", "w1_0_1")
    assert param_inputs(net)[6] == ("b⁽1⁾ 1", "b1_0")
    assert layer_starts(net) == {0: 1, 9: 2}
    changed = [v + 1.0 for v in flat]
    other = with_params(net, changed)
    assert flat_params(other) == pytest.approx(changed)
    assert other.activation_names == net.activation_names
    np.testing.assert_allclose(other.weights[1], net.weights[1] + 1.0)
    with pytest.raises(ValueError, match="17 weights and biases"):
        with_params(net, flat[:-1])


def test_highlight_follows_the_path_and_the_factor():
    assert highlight(1, 0, 2, "weight") == [(1, 0, 2)]
    assert highlight(2, 0, 1, "bias") == [(2, 1)]
    paths = [SimpleNamespace(route=[1])]  # hidden neuron 2 → output neuron 2
    term = SimpleNamespace(path=0)
    factor = SimpleNamespace(kind="weight", layer=2, source=2, neuron=1)
    assert highlight(1, 0, 2, "weight", term, factor, paths) == [(1, 0, 2), (2, 2, 1), (2, 2, 1)]
    act = SimpleNamespace(kind="activation", layer=1, neuron=2)
    shared = SimpleNamespace(path=None)
    assert highlight(1, 0, 2, "weight", shared, act, paths) == [(1, 0, 2), (1, 2)]


def test_descent_helpers():
    X = np.array([[1.0, 0.5], [0.2, -1.0]])
    assert capped_steps(10_000) == MAX_STEPS and capped_steps(7) == 7
    path = SimpleNamespace(losses=np.array([3.0, 2.0, np.nan]))
    assert lowest_loss(path, np.array([[5.0, 1.5], [np.nan, 4.0]])) == 1.5
    asked = []
    runs = preset_runs("linear", X, None, lambda eta: asked.append(eta) or len(asked))
    assert list(runs) == ["small", "good", "large"]
    assert [eta for eta, _ in runs.values()] == asked == [
        preset_lr(p, "linear", X) for p in ("small", "good", "large")]
    assert [run for _, run in runs.values()] == [1, 2, 3]
