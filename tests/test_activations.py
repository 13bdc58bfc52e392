"""nn_core.activations: each f beside f', in-place variants, stability at extreme inputs."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn_core import ACTIVATIONS, HIDDEN_ACTIVATIONS, get_activation

ELEMENTWISE = ("sigmoid", "tanh", "relu", "linear")
z_values = arrays(np.float64, st.integers(1, 12),
                  elements=st.floats(-30, 30, allow_nan=False, allow_infinity=False))


def test_outputs_follow_their_formulas():
    z = np.linspace(-5, 5, 41)
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].output(z), 1 / (1 + np.exp(-z)),
                               rtol=1e-15)
    np.testing.assert_allclose(ACTIVATIONS["tanh"].output(z), np.tanh(z), rtol=1e-15)
    np.testing.assert_array_equal(ACTIVATIONS["relu"].output(z), np.where(z > 0, z, 0.0))
    np.testing.assert_array_equal(ACTIVATIONS["linear"].output(z), z)
    rows = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    expected = np.exp(rows) / np.exp(rows).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(ACTIVATIONS["softmax"].output(rows), expected, rtol=1e-15)


def test_sigmoid_equals_the_two_branch_stable_formula_exactly():
    """σ = e^min(z,0) / (1 + e^-|z|) rounds exactly like 1/(1+e^-z) (z ≥ 0), e^z/(1+e^z)."""
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        z = (rng.standard_normal(2000) * 20).astype(dtype)
        e = np.exp(-np.abs(z))
        expected = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        got = ACTIVATIONS["sigmoid"].output(z)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, expected)


@settings(max_examples=40, deadline=None)
@given(z_values)
def test_derivatives_match_central_differences(z):
    h = 1e-6
    for name in ELEMENTWISE:
        act = ACTIVATIONS[name]
        if name == "relu":
            z = z[np.abs(z) > 1e-3]  # no derivative at the kink
        numeric = (act.output(z + h) - act.output(z - h)) / (2 * h)
        np.testing.assert_allclose(act.der(z, act.output(z)), numeric, rtol=1e-6, atol=1e-8)


def test_relu_kink_has_derivative_zero():
    relu = ACTIVATIONS["relu"]
    np.testing.assert_array_equal(relu.der(np.array([-1.0, 0.0, 2.0]), None), [0.0, 0.0, 1.0])


@settings(max_examples=40, deadline=None)
@given(arrays(np.float64, st.tuples(st.integers(1, 4), st.integers(2, 5)),
              elements=st.floats(-10, 10)),
       st.integers(0, 2**16))
def test_softmax_backward_is_the_jacobian_product(z, seed):
    softmax = ACTIVATIONS["softmax"]
    y = softmax.output(z)
    grad_y = np.random.default_rng(seed).normal(size=z.shape)
    jacobian = softmax.der(z, y)
    expected = np.einsum("nk,nkm->nm", grad_y, jacobian)
    np.testing.assert_allclose(softmax.backward(z, y, grad_y), expected, atol=1e-12)
    # and the Jacobian itself by central differences, one input at a time
    h = 1e-6
    for m in range(z.shape[1]):
        step = np.zeros_like(z)
        step[:, m] = h
        numeric = (softmax.output(z + step) - softmax.output(z - step)) / (2 * h)
        np.testing.assert_allclose(jacobian[:, :, m], numeric, atol=1e-8)


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_out_argument_gives_the_same_numbers_in_place(name):
    act = ACTIVATIONS[name]
    z = np.random.default_rng(1).normal(0, 3, (6, 4))
    y = act.output(z)
    out = np.full_like(z, np.nan)
    assert act.output(z, out=out) is out
    np.testing.assert_array_equal(out, y)
    # a transposed view (the training loop's layout) works too
    out_t = np.full((4, 6), np.nan)
    act.output(z.T.copy().T, out=out_t.T)
    np.testing.assert_array_equal(out_t.T, y)
    if act.elementwise:
        d = np.full_like(z, np.nan)
        assert act.der(z, y, out=d) is d
        np.testing.assert_array_equal(d, act.der(z, y))


def test_backward_is_chain_rule_through_the_activation():
    rng = np.random.default_rng(2)
    z, grad_y = rng.normal(size=(3, 4)), rng.normal(size=(3, 4))
    for name in ELEMENTWISE:
        act = ACTIVATIONS[name]
        y = act.output(z)
        np.testing.assert_allclose(act.backward(z, y, grad_y), grad_y * act.der(z, y))


def test_no_overflow_at_extreme_inputs():
    z = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name, act in ACTIVATIONS.items():
            values = z.reshape(1, -1) if name == "softmax" else z
            y = act.output(values)
            assert np.all(np.isfinite(y)), name
            if act.elementwise:
                assert np.all(np.isfinite(act.der(values, y))), name
        sig = ACTIVATIONS["sigmoid"].output(z)
    assert sig[0] == 0.0 and sig[-1] == 1.0 and sig[3] == 0.5
    assert np.all(np.diff(sig) >= 0)
    np.testing.assert_allclose(ACTIVATIONS["softmax"].output(z.reshape(1, -1)).sum(), 1.0)


def test_sigmoid_float32_is_stable_too():
    z = np.array([-1e4, -100.0, 0.0, 100.0, 1e4], dtype=np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = ACTIVATIONS["sigmoid"].output(z)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y, [0.0, 0.0, 0.5, 1.0, 1.0], rtol=0, atol=1e-30)


def test_scalars_and_lists_work():
    sigmoid = ACTIVATIONS["sigmoid"]
    assert float(sigmoid.output(0.0)) == 0.5
    np.testing.assert_allclose(sigmoid.output([0.0, 2.0]), [0.5, 1 / (1 + np.exp(-2.0))])


def test_lookup_by_name():
    assert get_activation("TANH") is ACTIVATIONS["tanh"]
    assert get_activation(ACTIVATIONS["relu"]) is ACTIVATIONS["relu"]
    assert set(HIDDEN_ACTIVATIONS) == set(ELEMENTWISE)
    with pytest.raises(ValueError, match="Unknown activation 'swish': choose one of sigmoid"):
        get_activation("swish")


def test_output_into_strided_views_equals_the_plain_output():
    """Writing through out= into a column view of any width (NumPy 2.4's in-place np.negative
    gets a 64-byte row stride wrong, i.e. a column of an (n, 8) float64 array)."""
    rng = np.random.default_rng(3)
    for name in ELEMENTWISE:
        act = ACTIVATIONS[name]
        for width in range(1, 17):
            z = rng.standard_normal((5, width)) * 3
            out = np.zeros((5, width))
            act.output(z[:, :1], out=out[:, :1])
            np.testing.assert_array_equal(out[:, 0], act.output(z[:, 0].copy()))
