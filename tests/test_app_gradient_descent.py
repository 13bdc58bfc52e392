"""Gradient-descent page: its numbers are page_model.descent's; η presets show the three regimes."""

import pytest
from app_helpers import has_latex, notices, page, table

from derivations import formulas as F
from nn_core import make_dataset
from page_model.descent import critical_lr, descent_path


def _linear_data():
    d = make_dataset("regression", 80, noise=0.05, test_fraction=0.0, seed=3)
    return d.X_train, d.y_train


def test_formulas_and_numbers_match_nn_core():
    at = page("gradient_descent")
    forms = F.gradient_descent_formulas()
    for key in ("update", "squared_error", "curvature", "eta_max"):
        assert has_latex(at, forms[key]), key
    X, Y = _linear_data()
    eta_max = critical_lr(X, [True, False])
    path = descent_path(X, Y, [-3.0, 0.5], 0.0, "linear", 0.3 * eta_max, 20, [True, False])
    t = table(at)
    assert t["η_max = 2/λ_max"] == pytest.approx(eta_max)
    assert t["learning rate η"] == pytest.approx(0.3 * eta_max)
    assert t["loss at start"] == pytest.approx(path.losses[0])
    assert t["loss at the end"] == pytest.approx(path.losses[-1])
    assert t["w₁ at the end"] == pytest.approx(path.weights[-1][0])
    assert has_latex(at, F.update_numbers(-3.0, 0.3 * eta_max, path.grads[0][0],
                                          path.weights[1][0]))
    assert [s.value for s in at.success]


def test_learning_rate_regimes():
    at = page("gradient_descent")
    at.radio(key="gd.rate").set_value("large").run()
    assert table(at)["η / η_max"] > 1
    assert any("Diverging" in e.value for e in at.error)
    at.radio(key="gd.rate").set_value("small").run()
    assert table(at)["η / η_max"] < 0.1
    assert table(at)["share of the way down"] < 0.5
    assert any("Barely moving" in w.value for w in at.warning)
    assert not at.error


def test_link_restores_two_weights_and_custom_rate():
    at = page("gradient_descent", {"two": "1", "rate": "custom", "eta": "0.25", "w1": "2",
                                   "w2": "-2", "steps": "7"})
    X, Y = _linear_data()
    path = descent_path(X, Y, [2.0, -2.0], 0.0, "linear", 0.25, 7, [True, True])
    t = table(at)
    assert t["learning rate η"] == pytest.approx(0.25)
    assert t["steps taken"] == 7
    assert t["w₂ at the end"] == pytest.approx(path.weights[-1][1])
    assert notices(at) == []


def test_bad_link_values():
    at = page("gradient_descent", {"eta": "-1", "model": "quadratic", "steps": "1e9"})
    assert len(notices(at)) == 3
    assert table(at)["steps taken"] == 20


def test_custom_box_only_for_custom_and_shows_the_rate_in_force():
    at = page("gradient_descent")
    assert not [n for n in at.number_input if n.key == "gd.eta"]  # a preset: no custom box
    at.radio(key="gd.rate").set_value("custom").run()
    at.number_input(key="gd.eta").set_value(500.0).run()
    # Over the maximum: the box itself shows the value in force, and says why.
    assert at.number_input(key="gd.eta").value == 200.0
    assert table(at)["learning rate η"] == pytest.approx(200.0)
    assert any("using 200" in c.value for c in at.caption)
