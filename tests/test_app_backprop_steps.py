"""The step-through page: each step's value is nn_core's matching backprop quantity, the last step's
gradient is net.gradients', Next/Previous walk every term, and a link reopens a step."""

import numpy as np
import pytest
from app_helpers import has_latex, notices, open_box, page, table

from derivations import chain_rule, notes_network, step_through
from nn_core import Network, encode, get_activation, get_loss


def _nn_core_factor(net, x, y, factor_kind, layer, neuron, source):
    """The nn_core number a chain-rule factor must equal, computed here from nn_core directly."""
    X, Y = x.reshape(1, -1), y.reshape(1, -1)
    fp = net.forward_pass(X)
    if factor_kind == "loss":
        return float(get_loss("squared_error").der(fp.ys[-1], Y)[0, neuron])
    if factor_kind == "activation":
        act = get_activation("sigmoid")
        return float(act.der(fp.zs[layer - 1], fp.ys[layer])[0, neuron])
    if factor_kind == "weight":
        return float(net.weights[layer - 1][source, neuron])
    return float(fp.ys[layer - 1][0, source]) if source is not None else 1.0


def _walk(at, n_steps):
    seen = []
    for s in range(n_steps):
        seen.append(table(at))
        if s < n_steps - 1:
            at.button(key="bp_next").click().run()
            assert not at.exception
    return seen


def test_hidden_weight_every_step_matches_nn_core():
    at = page("backprop_steps")
    net, x, y, _ = notes_network("mlp", 0)
    rule = chain_rule((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", 1, 0, 0, "weight")
    n_steps = len(rule.factors) + 1
    assert n_steps == 9  # 2 paths × 3 factors + 2 shared factors + the update
    seen = _walk(at, n_steps)
    running, path_sum = 1.0, 0.0
    for s, f in enumerate(rule.factors):
        expected = _nn_core_factor(net, x, y, f.kind, f.layer, f.neuron, f.source)
        assert seen[s]["factor value"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        assert seen[s]["NumPy network's number"] == pytest.approx(expected, rel=1e-9, abs=1e-12)
        if s in (0, 3):  # each path's running product restarts
            path_sum += running if s else 0.0
            running = 1.0
        if s == 6:  # the shared factors continue from the sum over paths
            running = path_sum + running
        running *= expected
        assert seen[s]["running product"] == pytest.approx(running, rel=1e-9)
    last = seen[-1]
    grad = net.gradients(x.reshape(1, -1), y.reshape(1, -1))[0][0][0, 0]
    assert last["∂E/∂w, chain rule"] == pytest.approx(grad, rel=1e-12)
    assert last["∂E/∂w, backprop (NumPy network)"] == pytest.approx(grad, rel=1e-12)
    assert last["∂E/∂w, finite difference"] == pytest.approx(grad, rel=1e-7)
    assert last["new value"] == pytest.approx(net.weights[0][0, 0] - 0.5 * grad)
    moved = net.copy()
    moved.weights[0][0, 0] -= 0.5 * grad
    assert last["loss after"] == pytest.approx(moved.loss(x.reshape(1, -1), y.reshape(1, -1)))
    assert at.query_params["step"] == str(n_steps - 1)
    st_ = step_through(net, x, y, 1, 0, 0, "squared_error", 0.5, "weight")
    assert has_latex(at, st_.gradient_latex) and has_latex(at, st_.update_latex)
    # and back again, one step at a time, to the first factor
    for _ in range(n_steps - 1):
        at.button(key="bp_prev").click().run()
    assert table(at)["factor value"] == pytest.approx(seen[0]["factor value"])
    assert at.button(key="bp_prev").disabled


def test_output_weight_link_opens_the_named_step():
    at = page("backprop_steps", {"layer": "2", "i": "2", "j": "1", "step": "1", "x1": "1.5",
                                 "cls": "1", "lr": "1"})
    net, _, _, _ = notes_network("mlp", 0)
    x, y = np.array([1.5, notes_network("mlp", 0).x[1]]), encode([1], 3, "notes_2neuron")[0]
    # step 1 (0-based) of an output weight is ∂ŷ_2/∂z_2 = σ'(z_2)
    expected = _nn_core_factor(net, x, y, "activation", 2, 1, None)
    assert table(at)["factor value"] == pytest.approx(expected, rel=1e-9)
    assert has_latex(at, r"\hat{y}_{2} \left(1 - \hat{y}_{2}\right)")
    at.button(key="bp_next").click().run()
    at.button(key="bp_next").click().run()
    last = table(at)
    grad = net.gradients(x.reshape(1, -1), y.reshape(1, -1))[1][0][2, 1]
    assert last["∂E/∂w, chain rule"] == pytest.approx(grad, rel=1e-12)
    assert last["new value"] == pytest.approx(net.weights[1][2, 1] - 1.0 * grad)


def test_hand_set_weights_travel_in_the_link():
    sizes = [(2, 3), (3,), (3, 2), (2,)]
    values = np.round(np.linspace(-1.2, 1.4, 17), 3)
    at = page("backprop_steps", {"hand": "1", "wts": ",".join(map(str, values)), "step": "8",
                                 "x1": "0.5", "x2": "-0.25", "cls": "0"})
    parts, k = [], 0
    for shape in sizes:
        n = int(np.prod(shape))
        parts.append(values[k:k + n].reshape(shape))
        k += n
    net = Network.from_weights([parts[0], parts[2]], [parts[1], parts[3]], "sigmoid")
    X, Y = np.array([[0.5, -0.25]]), encode([0], 3, "notes_2neuron")
    assert table(at)["∂E/∂w, chain rule"] == pytest.approx(net.gradients(X, Y)[0][0][0, 0])
    at.number_input(key="bp.mlp.w1_0_0").set_value(2.0).run()
    net.weights[0][0, 0] = 2.0
    assert table(at)["∂E/∂w, chain rule"] == pytest.approx(net.gradients(X, Y)[0][0][0, 0])
    assert at.query_params["wts"].split(",")[0] == "2"


def test_bad_and_stale_link_values():
    at = page("backprop_steps", {"layer": "2", "step": "8", "case": "lstm", "wts": "1,2"})
    text = " ".join(notices(at))
    assert "case (“lstm”) was not one of" in text and "step (9) is past the last step" in text
    assert "Next" in at.button(key="bp_next").label and at.button(key="bp_next").disabled
    at = page("backprop_steps", {"hand": "1", "wts": "1,2,nan"})
    assert any("hand-set weights (“1,2,nan”) were not all numbers" in n for n in notices(at))


def test_your_turn_box_checks_the_current_factor():
    at = open_box(page("backprop_steps"), "bp.turn")
    key = "bp.mlp.1.0.0.weight.0"  # ∂E₁/∂ŷ₁ of the first hidden weight
    at.text_input(key=key + "__text").set_value("yhat1 - y1").run()
    at.button(key=key + "__check").click().run()
    assert any("Correct" in s.value for s in at.success)
    at.text_input(key=key + "__text").set_value("y1 - yhat1").run()
    at.button(key=key + "__check").click().run()
    assert any("negative of the right one" in w.value for w in at.warning)


def test_case_switch_clamps_layer_quietly_and_a_new_weight_starts_at_step_1():
    at = page("backprop_steps", {"layer": "2"})
    at.button(key="bp_next").click().run()
    at.button(key="bp_next").click().run()
    assert "Step 3 of" in at.get("progress")[0].proto.text
    open_box(at, "bp.more")
    at.radio(key="bp.case").set_value("single_layer").run()
    assert at.radio(key="bp.layer").value == 1  # the only layer left, not an empty radio
    assert notices(at) == []  # no link was used: nothing to explain
    assert "Step 1 of" in at.get("progress")[0].proto.text
    assert at.query_params["layer"] == "1" and at.query_params["step"] == "0"


def test_a_new_weight_stays_at_its_first_step_on_later_reruns():
    at = page("backprop_steps")
    for _ in range(3):
        at.button(key="bp_next").click().run()
    at.radio(key="bp.layer").set_value(2).run()
    step = lambda: [p.proto.text for p in at.get("progress")]  # noqa: E731
    assert step() == ["Step 1 of 4"]
    open_box(at, "bp.more")
    assert step() == ["Step 1 of 4"]  # opening the box changes nothing either
    at.slider(key="bp.lr").set_value(1.0).run()  # another control: the step must not come back
    assert step() == ["Step 1 of 4"] and at.query_params["step"] == "0"
