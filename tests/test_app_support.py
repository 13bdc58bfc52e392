"""The pages' numeric helpers (page_model.one_vs_all, page_model.descent) and SymPy formulas
(derivations.formulas) agree with nn_core and with the maths they print."""

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from derivations import formulas as F
from nn_core import Network, make_dataset
from page_model.descent import (
    critical_lr,
    descent_path,
    loss_curve,
    loss_grid,
    loss_surface,
    neuron,
    progress,
)
from page_model.one_vs_all import code_order, fit_scheme, relabel


@pytest.fixture(scope="module")
def reg():
    d = make_dataset("regression", 60, noise=0.05, test_fraction=0.0, seed=3)
    return d.X_train, d.y_train


# ------------------------------------------------------------------ landscape
def test_loss_grid_equals_one_neuron_at_a_time(reg):
    X, Y = reg
    grid = np.array([[0.3, -0.2], [1.5, 2.0], [-3.0, 0.0]])
    for act in ("linear", "sigmoid"):
        values = loss_grid(X, Y, grid, 0.25, act)
        for w, v in zip(grid, values, strict=True):
            assert v == pytest.approx(neuron(w, 0.25, act).loss(X, Y.reshape(-1, 1)), rel=1e-12)


def test_curve_and_surface_layout(reg):
    X, Y = reg
    ws = np.linspace(-1, 1, 5)
    curve = loss_curve(X, Y, ws, [0.0, 0.7], 0, 0.0, "linear")
    surf = loss_surface(X, Y, ws, np.linspace(-2, 2, 3), 0.0, "linear")
    assert surf.shape == (3, 5)
    assert surf[2, 1] == pytest.approx(neuron([ws[1], 2.0], 0.0, "linear").loss(X, Y))
    assert curve[3] == pytest.approx(neuron([ws[3], 0.7], 0.0, "linear").loss(X, Y))


def test_descent_path_follows_nn_core_gradients(reg):
    X, Y = reg
    path = descent_path(X, Y, [1.0, -1.0], 0.0, "linear", 0.3, 5, [True, False])
    net = neuron([1.0, -1.0], 0.0, "linear")
    g = net.gradients(X, Y.reshape(-1, 1))[0][0][:, 0]
    assert path.grads[0] == pytest.approx([g[0], 0.0])
    assert path.weights[1] == pytest.approx([1.0 - 0.3 * g[0], -1.0])
    assert path.losses[0] == pytest.approx(net.loss(X, Y))
    assert path.weights.shape == (6, 2) and not path.diverged
    with pytest.raises(ValueError, match="learning rate"):
        descent_path(X, Y, [1.0, -1.0], 0.0, "linear", -1, 5)
    with pytest.raises(ValueError, match="Steps"):
        descent_path(X, Y, [1.0, -1.0], 0.0, "linear", 0.1, 0)


@settings(max_examples=30, deadline=None)
@given(st.floats(0.2, 0.9), st.booleans())
def test_critical_learning_rate_separates_settling_from_diverging(frac, two):
    d = make_dataset("regression", 40, noise=0.05, test_fraction=0.0, seed=1)
    learn = [True, two]
    eta = critical_lr(d.X_train, learn)
    below = descent_path(d.X_train, d.y_train, [2.0, -2.0], 0.0, "linear", frac * eta, 60, learn)
    above = descent_path(d.X_train, d.y_train, [2.0, -2.0], 0.0, "linear", 1.3 * eta, 60, learn)
    assert not below.diverged and below.losses[-1] < below.losses[0]
    assert above.diverged and np.all(np.isfinite(above.losses))
    assert progress(below, below.losses) == pytest.approx(1.0)


def test_one_point_critical_rate_matches_sympy_formula():
    # For one weight and one point, SymPy's η_max = 2/x² is nn_core's 2/λ_max.
    x = 1.7
    eta_max = sp.solve(sp.Eq(1 - F.eta * x ** 2, -1), F.eta)[0]
    assert critical_lr(np.array([[x, 0.0]]), [True, False]) == pytest.approx(float(eta_max))
    assert F.gradient_descent_formulas()["eta_max"] == r"\eta_{\max} = \frac{2}{x^{2}}"


# ------------------------------------------------------------------ compare
def test_relabel_moves_the_neither_class_last():
    assert list(relabel(np.array([0, 1, 2]), 0)) == [2, 0, 1]
    assert list(relabel(np.array([0, 1, 2]), 2)) == [0, 1, 2]
    assert code_order(0) == (1, 2, 0) and code_order(1) == (0, 2, 1)
    with pytest.raises(ValueError, match="neither"):
        relabel(np.array([0]), 3)


def test_fit_scheme_reports_what_the_network_does():
    data = make_dataset("blobs3", 90, noise=0.3, test_fraction=0.2, seed=0)
    r = fit_scheme(data, "notes_2neuron", epochs=100, lr=2.0, seed=0, neither=0)
    # The data keeps its classes: recall and predictions are in the data's names.
    assert r.classes == (1, 2, 0)
    pred = r.predict_classes(data.X_train)
    assert r.recall == pytest.approx([np.mean(pred[data.y_train == c] == c) for c in range(3)])
    assert np.all((pred == 0) == (r.net.forward(data.X_train) < 0.5).all(axis=1))
    out = r.net.forward(data.X_train)
    assert r.net.sizes == [2, 2]
    assert r.ambiguous_fraction == pytest.approx(np.mean((out >= 0.5).sum(axis=1) > 1))
    assert r.none_fraction == pytest.approx(np.mean((out < 0.5).all(axis=1)))
    assert len(r.history) == 100 and r.train_accuracy > 0.6
    assert fit_scheme(data, "softmax", epochs=50).net.activation_names == ["softmax"]
    with pytest.raises(ValueError, match="class labels"):
        fit_scheme(make_dataset("regression", 20), "binary")
    with pytest.raises(ValueError, match="Epochs"):
        fit_scheme(data, "softmax", epochs=0)


# ------------------------------------------------------------------ formulas
def test_threshold_z_is_where_the_sigmoid_equals_theta():
    for theta in (0.1, 0.5, 0.77):
        z = F.threshold_z_value(theta)
        net = Network.from_weights([[[1.0]]], [[0.0]], ["sigmoid"])
        assert net.forward([[z]])[0, 0] == pytest.approx(theta, rel=1e-12)


def test_number_substitution_prints_the_same_arithmetic():
    # The general formula's tree with a number for each symbol: + (−1.0)·0.3, not − 1.0·0.3;
    # e^{−(−2.9)}, not e^{2.9}.
    text = F.weighted_sum_numbers([0.5, -1.0], [1.2, 0.3], 0.1, 0.4)
    assert text == (r"\begin{aligned} z &= 0.5 \cdot 1.2 + \left(-1.0\right) \cdot 0.3 + 0.1 "
                    r"\\ &= 0.4 \end{aligned}")
    general = F.neuron_formulas(2)["weighted_sum"].split(" = ", 1)[1]
    expected = general
    for name, v in (("w_{1}", "0.5"), ("x_{1}", "1.2"), ("w_{2}", r"\left(-1.0\right)"),
                    ("x_{2}", "0.3"), ("b", "0.1")):
        expected = expected.replace(name, v)
    assert expected.replace(" ", "") == text.split("&=")[1].split(r"\\")[0].replace(
        r"\cdot", "").replace(" ", "")
    assert r"\hat{y} &= \frac{1}{1 + e^{- 0.4}} \\ &= 0.5987" in F.activation_numbers(
        "sigmoid", 0.4, 0.5987)
    assert r"e^{- \left(-2.9\right)}" in F.activation_numbers("sigmoid", -2.9, 0.052)
    assert r"&= 0.5 - 0.1 \cdot \left(-0.3\right) \\ &= 0.53" in F.update_numbers(
        0.5, 0.1, -0.3, 0.53)


def test_activation_formulas_match_nn_core():
    from derivations.symbolic import activation_derivative, activation_expr
    from nn_core import get_activation

    zs = np.linspace(-3, 3, 7)
    for name in ("sigmoid", "tanh", "relu", "linear"):
        f = sp.lambdify(F.z, activation_expr(name, F.z), "numpy")
        d = sp.lambdify(F.z, activation_derivative(name).z_form, "numpy")  # z_form is in F.z
        act = get_activation(name)
        ys = act.output(zs)
        assert np.allclose(np.broadcast_to(f(zs), zs.shape), ys)
        nonzero = zs != 0  # ReLU's kink
        assert np.allclose(np.broadcast_to(d(zs), zs.shape)[nonzero], act.der(zs, ys)[nonzero])
    with pytest.raises(ValueError, match="No symbolic form"):
        activation_expr("softmax", F.z)


def test_typed_names():
    syms = F.typed_symbols(sp.Symbol(r"\hat{y}_{1}") * sp.Symbol("w_{h_{11} z_{1}}"))
    assert set(syms) == {"yhat1", "wh11z1"}


def test_page_support_helpers():
    from derivations import notes_network, step_through
    from page_model.descent import lr_ratio, preset_lr
    from page_model.one_vs_all import neuron_point

    data = make_dataset("linear", 30, noise=0.1, test_fraction=0.0, seed=0)
    net = Network.from_weights([[[-1.0], [2.0]]], [[0.2]], ["sigmoid"])
    nums = neuron_point(net, data.X_train, data.y_train, 4, 0.7)
    out = net.forward(data.X_train)[:, 0]
    assert nums.y_hat == pytest.approx(out[4]) and nums.predicted == int(out[4] >= 0.7)
    assert nums.accuracy == pytest.approx(np.mean((out >= 0.7) == data.y_train))
    with pytest.raises(ValueError, match="threshold"):
        neuron_point(net, data.X_train, data.y_train, 0, 1.0)
    X = make_dataset("regression", 30, test_fraction=0.0).X_train
    assert lr_ratio(preset_lr("large", "linear", X), X) == pytest.approx(1.08)
    assert preset_lr("good", "sigmoid", X) == 5.0
    with pytest.raises(ValueError, match="preset"):
        preset_lr("huge", "linear", X)
    case = notes_network("mlp", 0)
    st_ = step_through(case.net, case.x, case.y, 1, 0, 0)
    # the sum over paths times the shared factors is the gradient
    shared = st_.terms[-2].value * st_.terms[-1].value
    assert F.paths_total(st_) * shared == pytest.approx(st_.gradient)
    r = fit_scheme(make_dataset("blobs3", 60, noise=0.8, test_fraction=0.0), "notes_2neuron",
                   epochs=50)
    assert r.recall[r.weakest_class] == min(r.recall)
