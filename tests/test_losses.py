"""nn_core.losses: values, ∂E/∂ŷ and the output error term δ against finite differences."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_core import ACTIVATIONS, LOSS_NAMES, LOSSES, get_loss


def test_squared_error_is_the_batch_mean_of_half_squares():
    y_hat = np.array([[0.2, 0.9], [0.5, 0.5]])
    y = np.array([[0.0, 1.0], [1.0, 0.0]])
    expected = (0.5 * (0.04 + 0.01) + 0.5 * (0.25 + 0.25)) / 2
    assert LOSSES["squared_error"].value(y_hat, y) == pytest.approx(expected, rel=1e-14)
    # ∂E/∂ŷ = (ŷ − y)/n: the notes' −(y − ŷ), averaged over the batch
    np.testing.assert_allclose(LOSSES["squared_error"].der(y_hat, y), (y_hat - y) / 2)


def test_cross_entropy_values():
    y_hat = np.array([[0.8], [0.3]])
    y = np.array([[1.0], [0.0]])
    expected = -(np.log(0.8) + np.log(0.7)) / 2
    assert LOSSES["binary_cross_entropy"].value(y_hat, y) == pytest.approx(expected)
    probs = np.array([[0.7, 0.2, 0.1]])
    assert LOSSES["categorical_cross_entropy"].value(probs, np.array([[0.0, 1.0, 0.0]])) == (
        pytest.approx(-np.log(0.2)))


def _problem(seed, n, k, loss_name):
    rng = np.random.default_rng(seed)
    z = rng.normal(0, 2, (n, k))
    if loss_name == "categorical_cross_entropy":
        return z, np.eye(k)[rng.integers(0, k, n)]
    if loss_name == "binary_cross_entropy":
        return z, rng.integers(0, 2, (n, k)).astype(float)
    return z, rng.normal(0, 1, (n, k))


PAIRS = [("squared_error", act) for act in ACTIVATIONS] + [
    ("binary_cross_entropy", "sigmoid"), ("categorical_cross_entropy", "softmax")]


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(PAIRS), st.integers(0, 2**16), st.integers(1, 5), st.integers(2, 4))
def test_delta_is_the_derivative_of_the_loss_by_the_weighted_sum(pair, seed, n, k):
    loss_name, act_name = pair
    loss, act = LOSSES[loss_name], ACTIVATIONS[act_name]
    z, y = _problem(seed, n, k, loss_name)
    if act_name == "relu":
        z[np.abs(z) < 1e-3] = 0.5  # no derivative at the kink

    def E(z):
        return loss.value(act.output(z), y, z)

    h = 1e-6
    numeric = np.zeros_like(z)
    for idx in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[idx] = h
        numeric[idx] = (E(z + step) - E(z - step)) / (2 * h)
    delta = loss.delta(z, act.output(z), y, act)
    np.testing.assert_allclose(delta, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(LOSSES))
def test_der_is_the_derivative_by_the_prediction(name):
    loss = LOSSES[name]
    rng = np.random.default_rng(3)
    y_hat = rng.uniform(0.1, 0.9, (4, 3))
    if name == "categorical_cross_entropy":
        y_hat /= y_hat.sum(axis=1, keepdims=True)
    y = np.eye(3)[rng.integers(0, 3, 4)]
    h = 1e-7
    numeric = np.zeros_like(y_hat)
    for idx in np.ndindex(y_hat.shape):
        step = np.zeros_like(y_hat)
        step[idx] = h
        numeric[idx] = (loss.value(y_hat + step, y) - loss.value(y_hat - step, y)) / (2 * h)
    np.testing.assert_allclose(loss.der(y_hat, y), numeric, rtol=1e-6, atol=1e-9)


def test_cross_entropy_from_weighted_sum_is_exact_and_finite():
    bce = LOSSES["binary_cross_entropy"]
    z = np.array([[-3.0], [0.5], [2.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    y_hat = ACTIVATIONS["sigmoid"].output(z)
    assert bce.value(y_hat, y, z) == pytest.approx(bce.value(y_hat, y), rel=1e-12)
    extreme = np.array([[-1e4], [1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        wrong = bce.value(ACTIVATIONS["sigmoid"].output(extreme), np.array([[1.0], [0.0]]), extreme)
        cce = LOSSES["categorical_cross_entropy"]
        zs = np.array([[1e4, -1e4, 0.0]])
        wrong_cce = cce.value(ACTIVATIONS["softmax"].output(zs), np.array([[0.0, 1.0, 0.0]]), zs)
    assert wrong == pytest.approx(1e4) and wrong_cce == pytest.approx(2e4)


def test_fused_delta_stays_finite_when_saturated():
    z = np.array([[50.0], [-50.0]])
    y = np.array([[0.0], [1.0]])
    y_hat = ACTIVATIONS["sigmoid"].output(z)
    delta = LOSSES["binary_cross_entropy"].delta(z, y_hat, y, ACTIVATIONS["sigmoid"])
    np.testing.assert_allclose(delta, [[0.5], [-0.5]], rtol=1e-12)


def test_get_loss_by_name_and_output():
    assert get_loss("cross_entropy", "sigmoid") is LOSSES["binary_cross_entropy"]
    assert get_loss("cross_entropy", "softmax") is LOSSES["categorical_cross_entropy"]
    assert get_loss("Squared_Error", "linear") is LOSSES["squared_error"]
    assert get_loss(LOSSES["squared_error"]) is LOSSES["squared_error"]
    assert "cross_entropy" in LOSS_NAMES and "squared_error" in LOSS_NAMES
    with pytest.raises(ValueError, match="Unknown loss 'hinge': choose squared_error or "):
        get_loss("hinge")
    with pytest.raises(ValueError, match=r"needs an output activation of sigmoid.*uses tanh"):
        get_loss("cross_entropy", "tanh")
    with pytest.raises(ValueError, match="softmax"):
        get_loss("categorical_cross_entropy", "sigmoid")
