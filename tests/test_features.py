"""Feature transforms: each column is the named function of (x1, x2)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from nn_core.features import FEATURES, check_features, feature_labels, transform

points = arrays(np.float64, st.tuples(st.integers(1, 20), st.just(2)),
                elements=st.floats(-50, 50, allow_nan=False))


@settings(max_examples=40, deadline=None)
@given(points)
def test_every_feature_matches_its_formula(X):
    out = transform(X, FEATURES)
    x1, x2 = X[:, 0], X[:, 1]
    expected = np.c_[x1, x2, x1 ** 2, x2 ** 2, x1 * x2, np.sin(x1), np.sin(x2)]
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


def test_order_is_canonical_and_repeats_dropped():
    X = np.array([[2.0, 3.0]])
    assert check_features(["x2", "x1", "x2"]) == ("x1", "x2")
    np.testing.assert_array_equal(transform(X, ["x1x2", "x1"]), [[2.0, 6.0]])
    assert feature_labels(["x1sq", "sin_x2"]) == ["x₁²", "sin x₂"]


def test_circle_becomes_linear_with_squares():
    # x1² + x2² < 1 is one weighted sum of the squared features: a single neuron suffices.
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, (200, 2))
    F = transform(X, ["x1sq", "x2sq"])
    inside = X[:, 0] ** 2 + X[:, 1] ** 2 < 1
    assert np.array_equal(F @ [1.0, 1.0] < 1, inside)


@pytest.mark.parametrize("bad, match", [([], "at least one"), (["x3"], "Unknown feature"),
                                        (["x1", "cos"], "'cos'")])
def test_bad_feature_names(bad, match):
    with pytest.raises(ValueError, match=match):
        transform(np.zeros((1, 2)), bad)


def test_bad_shape():
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        transform(np.zeros((3, 3)))
    assert transform(np.empty((0, 2)), ["x1", "x1sq"]).shape == (0, 2)
