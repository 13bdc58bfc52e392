"""The neuron page: formulas present, numbers equal nn_core's, widgets and links move them."""

import numpy as np
import pytest
from app_helpers import has_latex, notices, page, table

from derivations import formulas as F
from nn_core import Network, make_dataset


def _expected(w1, w2, b, theta, point, noise=0.1, seed=0):
    data = make_dataset("linear", 60, noise=noise, test_fraction=0.0, seed=seed)
    net = Network.from_weights([[[w1], [w2]]], [[b]], ["sigmoid"])
    fp = net.forward_pass(data.X_train)
    return data, float(fp.zs[0][point, 0]), float(fp.ys[1][point, 0])


@pytest.fixture(scope="module")
def default_page():
    return page("neuron")


def test_formulas_present(default_page):
    for key in ("weighted_sum", "sigmoid", "classifier", "decision_line"):
        assert has_latex(default_page, F.neuron_formulas(2)[key]), key
    assert has_latex(default_page, r"\frac{1}{1 + e^{- z}}")


def test_numbers_equal_nn_core(default_page):
    data, z, y = _expected(-1.0, 2.0, 0.0, 0.5, 0)
    t = table(default_page)
    assert t["x₁"] == pytest.approx(data.X_train[0, 0], abs=1e-12)
    assert t["weighted sum z"] == pytest.approx(z, abs=1e-12)
    assert t["output ŷ"] == pytest.approx(y, abs=1e-12)
    assert t["predicted class"] == int(y >= 0.5)
    assert t["true class"] == data.y_train[0]
    assert t["z_θ"] == pytest.approx(0.0, abs=1e-12)
    assert has_latex(default_page, F.weighted_sum_numbers([-1.0, 2.0], data.X_train[0], 0.0, z))


def test_moving_a_weight_moves_z_by_weight_times_input():
    at = page("neuron")
    before = table(at)
    at.slider(key="neuron.w1").set_value(1.5).run()
    after = table(at)
    # z = w₁x₁ + w₂x₂ + b: changing w₁ by 2.5 changes z by 2.5·x₁ and nothing else.
    assert after["weighted sum z"] - before["weighted sum z"] == pytest.approx(
        2.5 * before["x₁"], abs=1e-9)
    assert after["output ŷ"] == pytest.approx(1 / (1 + np.exp(-after["weighted sum z"])))
    assert at.query_params["w1"] == "1.5"


def test_threshold_moves_decision_value():
    at = page("neuron")
    at.slider(key="neuron.theta").set_value(0.8).run()
    t = table(at)
    assert t["z_θ"] == pytest.approx(np.log(0.8 / 0.2), abs=1e-9)
    assert t["predicted class"] == int(t["output ŷ"] >= 0.8)


def test_link_restores_state_and_bad_values_fall_back():
    at = page("neuron", {"w1": "2.5", "w2": "-0.5", "b": "1", "point": "7", "stage": "sigmoid",
                         "theta": "nan", "seed": "12345"})
    _, z, y = _expected(2.5, -0.5, 1.0, 0.5, 7)
    t = table(at)
    assert t["weighted sum z"] == pytest.approx(z, abs=1e-12)
    assert t["output ŷ"] == pytest.approx(y, abs=1e-12)
    assert "predicted class" not in t  # the sigmoid stage has no threshold yet
    text = " ".join(notices(at))
    assert "threshold θ (“nan”) was not a number" in text
    assert "data seed (“12345”) was not between 0 and 999" in text
    assert at.query_params["theta"] == "0.5"  # the link is repaired on write-back


def test_weighted_sum_stage_shows_no_sigmoid():
    at = page("neuron", {"stage": "weighted_sum"})
    assert not has_latex(at, F.neuron_formulas(2)["sigmoid"])
    assert "output ŷ" not in table(at)
