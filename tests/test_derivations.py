"""derivations: the symbolic chain rule agrees with finite differences and nn_core's backprop,
and every chain-rule split is proved equal to the whole derivative."""

from __future__ import annotations

import ast
import itertools
import pathlib

import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import derivations as d
from derivations.chain import chain_rule
from derivations.symbolic import activation_derivative, is_zero, sym
from nn_core import Network

TOL = 1e-6


FD_FLOOR = 1e-10  # the 4th-order finite difference's rounding floor is ~1e-13 here


def _close(a: float, b: float, rel: float = TOL, floor: float = 1e-15) -> bool:
    """Relative error ≤ rel, or (for gradients near 0) absolute error ≤ floor."""
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


# --------------------------------------------------------------------- random networks
ARCHS = [
    ((2, 2), ("sigmoid",)),
    ((3, 1), ("tanh",)),
    ((2, 3, 2), ("sigmoid", "sigmoid")),
    ((2, 2, 1), ("tanh", "sigmoid")),
    ((1, 2, 2), ("relu", "linear")),
    ((2, 2, 2), ("linear", "tanh")),
    ((2, 3), ("softmax",)),
    ((2, 2, 3), ("tanh", "softmax")),
]


@st.composite
def cases(draw):
    sizes, acts = draw(st.sampled_from(ARCHS))
    loss = "squared_error"
    if acts[-1] in ("sigmoid", "softmax") and draw(st.booleans()):
        loss = "cross_entropy"
    floats = st.floats(-2, 2, allow_nan=False, allow_infinity=False)
    weights = [np.array(draw(st.lists(floats, min_size=a * b, max_size=a * b))).reshape(a, b)
               for a, b in itertools.pairwise(sizes)]
    biases = [np.array(draw(st.lists(floats, min_size=b, max_size=b))) for b in sizes[1:]]
    net = Network.from_weights(weights, biases, list(acts))
    x = np.array(draw(st.lists(floats, min_size=sizes[0], max_size=sizes[0])))
    y = np.array(draw(st.lists(st.sampled_from([0.0, 1.0]), min_size=sizes[-1],
                               max_size=sizes[-1])))
    layer = draw(st.integers(1, len(sizes) - 1))
    i = draw(st.integers(0, sizes[layer - 1] - 1))
    j = draw(st.integers(0, sizes[layer] - 1))
    param = draw(st.sampled_from(["weight", "bias"]))
    return net, x, y, layer, i, j, param, loss


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_symbolic_fd_and_backprop_agree(case):
    net, x, y, layer, i, j, param, loss = case
    if "relu" in net.activation_names:
        # Keep the finite difference off the kink at z = 0.
        zs = net.forward_pass(x).zs
        assume(all(np.all(np.abs(z) > 0.05) for z in zs))
    s = d.step_through(net, x, y, layer, i, j, loss=loss, lr=0.1, param=param)
    assert _close(s.gradient, s.backprop_gradient, rel=1e-9)
    assert _close(s.gradient, s.fd_gradient, floor=FD_FLOOR)
    assert s.rel_err_backprop <= TOL or s.abs_err_backprop <= 1e-15
    assert s.rel_err <= TOL or s.abs_err <= FD_FLOOR
    assert s.proved
    for t in s.terms:  # each factor against the matching nn_core number
        assert _close(t.value, t.check_value, rel=1e-9), (t.symbol_latex, t.check_source)
    deltas = [t for t in s.terms if t.delta_check is not None]
    assert deltas  # the error term δ appears along the way, and is nn_core's
    for t in deltas:
        assert _close(t.running_product, t.delta_check, rel=1e-9)
    # The last running product is the whole gradient.
    assert _close(s.terms[-1].running_product, s.gradient, rel=1e-9)
    assert np.isfinite(s.new_loss) and np.isfinite(s.new_value)
    assert s.new_value == pytest.approx(s.old_value - 0.1 * s.gradient)


def test_deeper_network_sums_over_every_route():
    net = Network.init([2, 2, 3, 2], ["tanh", "sigmoid", "sigmoid"], seed=3)
    x, y = np.array([0.3, -1.2]), np.array([1.0, 0.0])
    s = d.step_through(net, x, y, layer=1, i=1, j=0)
    assert len(s.paths) == 3 * 2  # through each neuron of hidden layer 2, to each output
    assert {p.route for p in s.paths} == {(m, k) for m in range(3) for k in range(2)}
    assert sum(p.product for p in s.paths) * np.prod(
        [t.value for t in s.terms if t.path is None]) == pytest.approx(s.gradient, rel=1e-12)
    assert s.rel_err_backprop < 1e-12 and s.rel_err < 1e-8
    assert s.proved


# --------------------------------------------------------------------- the notes' cases
@pytest.mark.parametrize("case, layer, name, n_paths", [
    ("single_layer", 1, "w_{x_{1} z_{1}}", 0),
    ("mlp", 2, "w_{h_{11} z_{1}}", 0),
    ("mlp", 1, "w_{x_{1} h_{11}}", 2),
])
def test_notes_cases_step_through(case, layer, name, n_paths):
    net, x, y, label = d.notes_network(case, seed=0)
    assert x.shape == (2,) and y.shape == (2,) and label in (0, 1, 2)
    s = d.step_through(net, x, y, layer, 0, 0)
    assert s.weight_latex == name
    assert len(s.paths) == n_paths
    if n_paths:
        assert sum(p.share for p in s.paths) == pytest.approx(1.0)
        assert [p.k for p in s.paths] == [0, 1]
        # Each path: ∂E_k/∂ŷ_k, ∂ŷ_k/∂z_k, ∂z_k/∂y_h; then ∂y_h/∂z_h, ∂z_h/∂w.
        assert [t.path for t in s.terms] == [0, 0, 0, 1, 1, 1, None, None]
        assert s.terms[2].general_latex == "w_{h_{11} z_{1}}"
        assert s.terms[-2].general_latex == r"y_{h_{11}} \left(1 - y_{h_{11}}\right)"
    else:
        assert s.terms[0].symbol_latex.startswith(r"\frac{\partial E_{total}}")
        assert s.terms[1].general_latex == r"\hat{y}_{1} \left(1 - \hat{y}_{1}\right)"
    # The input factor shows the live number that feeds the weight.
    feed = x[0] if layer == 1 else net.forward_pass(x).ys[1][0, 0]
    assert s.terms[-1].value == pytest.approx(feed)
    assert sp.latex(sp.Float(feed, 4)) in s.terms[-1].substituted_latex
    assert s.rel_err_backprop < 1e-12 and s.rel_err < 1e-8 and s.proved
    # Gradient descent with a small step lowers the loss on this point.
    small = d.step_through(net, x, y, layer, 0, 0, lr=1e-3)
    assert small.new_loss < small.old_loss


def test_bias_step_through():
    net, x, y, _ = d.notes_network("mlp", seed=2)
    s = d.step_through(net, x, y, 1, 5, 2, param="bias")  # i is ignored for a bias
    assert s.weight_latex == "b_{h_{13}}"
    assert s.terms[-1].value == 1.0 and s.terms[-1].general_latex == "1"
    assert s.gradient == pytest.approx(net.gradients(x, y)[0][1][2], rel=1e-12)


def test_substituted_latex_has_the_numbers_in_the_general_formula():
    net, x, y, _ = d.notes_network("mlp", seed=1)
    s = d.step_through(net, x, y, 2, 1, 0)
    y_hat = net.forward(x)[0, 0]
    term = s.terms[1]  # ∂ŷ_1/∂z_1 = ŷ_1(1 − ŷ_1)
    assert term.general_latex == r"\hat{y}_{1} \left(1 - \hat{y}_{1}\right)"
    shown = sp.latex(sp.Float(y_hat, 4))
    assert term.substituted_latex == rf"{shown} \left(1 - {shown}\right)"
    assert term.value == pytest.approx(y_hat * (1 - y_hat))


# --------------------------------------------------------------------- symbolic facts
@pytest.mark.parametrize("sizes, acts, loss, layer, i, j", [
    ((2, 2), ("sigmoid",), "squared_error", 1, 1, 0),
    ((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", 1, 0, 0),
    ((2, 3, 2), ("tanh", "sigmoid"), "binary_cross_entropy", 1, 1, 2),
    ((2, 2, 2), ("relu", "linear"), "squared_error", 1, 0, 1),
])
def test_chain_rule_product_equals_whole_derivative(sizes, acts, loss, layer, i, j):
    rule = chain_rule(sizes, acts, loss, layer, i, j)
    assert rule.proof()
    # The proof is not vacuous: a wrong factor or a missing path is caught.
    subs = rule.net.full_subs()
    shared = sp.Mul(*(f.z_form for f in rule.shared))
    paths = [sp.Mul(*(f.z_form for f in p)) for p in rule.path_factors]
    flipped = (-shared * sp.Add(*paths)).xreplace(subs)
    assert not is_zero(flipped - rule.gradient)
    if len(paths) > 1:
        missing = (shared * sp.Add(*paths[1:])).xreplace(subs)
        assert not is_zero(missing - rule.gradient)


def test_activation_derivatives_are_derived_in_terms_of_the_activation():
    y, z = sym("y"), sym("z")
    sig = activation_derivative("sigmoid")
    assert sig.proved and sp.simplify(sig.y_form - y * (1 - y)) == 0
    assert sp.simplify(sig.z_form - sp.diff(1 / (1 + sp.exp(-z)), z)) == 0
    tanh = activation_derivative("tanh")
    assert tanh.proved and sp.simplify(tanh.y_form - (1 - y ** 2)) == 0
    assert activation_derivative("linear").y_form == 1


def test_sigmoid_and_cross_entropy_cancel():
    d_loss, d_act, delta = d.error_term("sigmoid", "binary_cross_entropy")
    y_hat, y = sym(r"\hat{y}_{k}"), sym("y_{k}")
    assert sp.simplify(delta - (y_hat - y)) == 0
    assert sp.simplify(d_act - y_hat * (1 - y_hat)) == 0
    assert y_hat in sp.denom(sp.together(d_loss)).free_symbols  # cancels only in the product
    _, _, delta_se = d.error_term("sigmoid", "squared_error")
    assert sp.simplify(delta_se - (y_hat - y)) != 0  # with squared error σ' stays


def test_step_through_shows_the_cancellation():
    net, x, y, _ = d.notes_network("mlp", seed=0)
    se = d.step_through(net, x, y, 2, 0, 0)
    ce = d.step_through(net, x, y, 2, 0, 0, loss="cross_entropy")
    assert not se.activation_cancels and ce.activation_cancels
    assert ce.delta_latex == r"\hat{y}_{k} - y_{k}"
    # With cross-entropy the running product after σ' is ŷ − y itself.
    y_hat = net.forward(x)[0, 0]
    assert ce.terms[1].running_product == pytest.approx(y_hat - y[0], rel=1e-12)
    assert ce.rel_err_backprop < 1e-12


def test_derivation_is_cached_per_architecture_not_per_number():
    net, x, y, _ = d.notes_network("mlp", seed=0)
    chain_rule.cache_clear()
    d.step_through(net, x, y, 1, 0, 0)
    other = Network.init([2, 3, 2], "sigmoid", seed=9)
    d.step_through(other, x * 2, 1 - y, 1, 0, 0)
    info = chain_rule.cache_info()
    assert info.misses == 1 and info.hits == 1


# --------------------------------------------------------------------- bad input
@pytest.mark.parametrize("kwargs, message", [
    ({"x": np.zeros(3)}, "one data point with 2 features"),
    ({"y": np.zeros(3)}, "one target with 2 entries"),
    ({"layer": 3}, "layer must be between 1 and 2"),
    ({"i": 2}, "Input i=2 does not exist"),
    ({"j": 5}, "Neuron j=5 does not exist"),
    ({"lr": -1}, "learning rate"),
    ({"param": "slope"}, "param must be 'weight' or 'bias'"),
    ({"x": np.array([np.nan, 1.0])}, "finite"),
    ({"layer": "first"}, "whole numbers"),
    ({"loss": "hinge"}, "Unknown loss"),
])
def test_bad_input_raises_clear_value_error(kwargs, message):
    net, x, y, _ = d.notes_network("mlp", seed=0)
    args = {"net": net, "x": x, "y": y, "layer": 1, "i": 0, "j": 0} | kwargs
    with pytest.raises(ValueError, match=message):
        d.step_through(**args)


def test_softmax_output_is_one_error_term_per_output():
    net = Network.init([2, 2, 3], ["tanh", "softmax"], seed=5)
    x, y = np.array([0.7, -0.2]), np.array([0.0, 0.0, 1.0])
    s = d.step_through(net, x, y, 1, 0, 1, loss="cross_entropy")
    # Softmax couples the outputs: ∂E/∂z_k is one factor (δ_k), not ∂E/∂ŷ_k · ∂ŷ_k/∂z_k.
    firsts = [t for t in s.terms if t.symbol_latex.startswith(r"\frac{\partial E_{total}}")]
    assert len(firsts) == 3 and len(s.paths) == 3
    y_hat = net.forward(x)[0]
    for k, t in enumerate(firsts):
        assert t.value == pytest.approx(y_hat[k] - y[k], rel=1e-12)
        total = r"\left(y_{1} + y_{2} + y_{3}\right)"
        assert t.general_latex == rf"\hat{{y}}_{{{k + 1}}} {total} - y_{{{k + 1}}}"
    assert s.activation_cancels and s.proved
    assert s.rel_err_backprop < 1e-12 and s.rel_err < 1e-8


def test_unsupported_networks_say_what_to_change():
    x, y = np.zeros(2), np.array([1.0, 0.0, 0.0])
    big = Network.init([2, 20, 20, 3], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="small networks"):
        d.step_through(big, x, y, 1, 0, 0)
    wide = Network.init([2, 3, 5, 5, 3], ["tanh", "sigmoid"], seed=0)
    with pytest.raises(ValueError, match="paths"):
        d.step_through(wide, x, y, 1, 0, 0)
    with pytest.raises(ValueError, match="Unknown case"):
        d.notes_network("deep")


def test_saturated_networks_stay_finite_or_say_why():
    net = Network.from_weights([np.array([[400.0, -400.0]]), np.array([[1.0], [2.0]])], None,
                               ["sigmoid", "sigmoid"])
    x, y = np.array([2.0]), np.array([1.0])
    s = d.step_through(net, x, y, 1, 0, 1)  # e^{800} overflows in the composed derivative
    assert np.isfinite(s.gradient) and s.gradient == pytest.approx(s.backprop_gradient, abs=1e-300)
    assert s.notes and all(np.isfinite(t.value) for t in s.terms)
    net1 = Network.from_weights([np.array([[400.0]])], None, ["sigmoid"])
    with pytest.raises(ValueError, match="smaller weights"):
        d.step_through(net1, np.array([-2.0]), y, 1, 0, 0, loss="cross_entropy")


def test_no_streamlit_in_derivations():
    for path in pathlib.Path(d.__file__).parent.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n.split(".")[0] == "streamlit" for n in names), path
