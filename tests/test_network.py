"""nn_core.network: forward pass, backprop against finite differences, validation, round trips."""

import warnings

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from nn_core import HIDDEN_ACTIVATIONS, Network

OUTPUTS = ("sigmoid", "tanh", "relu", "linear", "softmax")


def numeric_gradients(net, X, Y, loss, h=1e-4):
    """Central finite differences of ``net.loss`` for every weight and bias (the fourth-order
    stencil, so rounding and truncation stay far below the 1e-6 being checked)."""
    grads = []
    for W, b in zip(net.weights, net.biases, strict=True):
        pair = []
        for param in (W, b):
            g = np.zeros_like(param)
            for idx in np.ndindex(param.shape):
                old = param[idx]
                values = []
                for step in (2 * h, h, -h, -2 * h):
                    param[idx] = old + step
                    values.append(net.loss(X, Y, loss))
                param[idx] = old
                g[idx] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * h)
            pair.append(g)
        grads.append(tuple(pair))
    return grads


def relative_error(a, b):
    scale = max(np.linalg.norm(a), np.linalg.norm(b))
    return 0.0 if scale < 1e-10 else float(np.linalg.norm(a - b) / scale)


def flat(grads):
    return np.concatenate([g.ravel() for pair in grads for g in pair])


def flat_pairs(grads):
    return [np.concatenate([dW.ravel(), db]) for dW, db in grads]


@st.composite
def architectures(draw):
    hidden = draw(st.lists(st.integers(1, 6), min_size=1, max_size=3))
    n_in, n_out = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    hidden_acts = draw(st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=len(hidden),
                                max_size=len(hidden)))
    loss = draw(st.sampled_from(["squared_error", "cross_entropy"]))
    out = draw(st.sampled_from(("sigmoid", "softmax") if loss == "cross_entropy" else OUTPUTS))
    seed = draw(st.integers(0, 2**16))
    return [n_in, *hidden, n_out], [*hidden_acts, out], loss, seed


@settings(max_examples=50, deadline=None)
@given(architectures())
def test_backprop_matches_central_finite_differences(arch):
    sizes, acts, loss, seed = arch
    rng = np.random.default_rng(seed)
    net = Network.init(sizes, acts, seed=seed)
    for b in net.biases:
        b[:] = rng.normal(0, 0.3, b.shape)  # non-zero biases exercise ∂E/∂b too
    X = rng.normal(0, 1, (5, sizes[0]))
    if acts[-1] == "softmax" or (loss == "squared_error" and acts[-1] == "sigmoid"):
        Y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], 5)]
    else:
        Y = rng.uniform(0, 1, (5, sizes[-1])) if loss == "cross_entropy" else (
            rng.normal(0, 1, (5, sizes[-1])))
    # ReLU's kink: a weighted sum within the finite-difference step of 0 has no derivative.
    zs = net.forward_pass(X).zs
    assume(all(np.min(np.abs(z)) > 1e-3 for z, a in zip(zs, acts, strict=True) if a == "relu"))
    backprop = net.gradients(X, Y, loss)
    numeric = numeric_gradients(net, X, Y, loss)
    assert relative_error(flat(backprop), flat(numeric)) <= 1e-6
    # Layer by layer too, so that a wrong small layer cannot hide behind a large one.
    for mine, theirs in zip(flat_pairs(backprop), flat_pairs(numeric), strict=True):
        assert relative_error(mine, theirs) <= 1e-5


def test_notes_single_neuron_gradient():
    """The notes' chain rule for one sigmoid neuron: ∂E/∂w = −(y − ŷ) ŷ(1 − ŷ) x."""
    x = np.array([[0.7, -1.2]])
    y = np.array([[1.0]])
    net = Network.from_weights([[[0.3], [0.8]]], [[0.1]], "sigmoid")
    y_hat = 1 / (1 + np.exp(-(x @ net.weights[0] + net.biases[0])))
    expected = -(y - y_hat) * y_hat * (1 - y_hat) * x.T
    (dW, db), = net.gradients(x, y)
    np.testing.assert_allclose(dW, expected, rtol=1e-12)
    np.testing.assert_allclose(db, expected[0] / x[0, 0], rtol=1e-12)


def test_backprop_error_terms_and_gradients_fit_together():
    rng = np.random.default_rng(0)
    net = Network.init([3, 4, 2], ["tanh", "sigmoid"], seed=1)
    X, Y = rng.normal(size=(6, 3)), rng.uniform(size=(6, 2))
    bp = net.backprop(X, Y)
    assert [d.shape for d in bp.deltas] == [(6, 4), (6, 2)]
    for (dW, db), y_prev, delta in zip(bp.grads, bp.forward.ys[:-1], bp.deltas, strict=True):
        np.testing.assert_allclose(dW, y_prev.T @ delta)
        np.testing.assert_allclose(db, delta.sum(axis=0))
    # Hidden error term: δ_1 = (δ_2 W_2ᵀ) · tanh'(z_1)
    np.testing.assert_allclose(
        bp.deltas[0], (bp.deltas[1] @ net.weights[1].T) * (1 - bp.forward.ys[1] ** 2))
    assert bp.loss == pytest.approx(net.loss(X, Y))


def test_forward_pass_keeps_every_layer():
    net = Network.init([2, 3, 3, 1], ["relu", "sigmoid"], seed=0)
    X = np.array([[0.5, -1.0], [2.0, 0.1]])
    fp = net.forward_pass(X)
    assert fp.ys[0] is not None and np.array_equal(fp.ys[0], X)
    assert [z.shape for z in fp.zs] == [(2, 3), (2, 3), (2, 1)]
    np.testing.assert_allclose(fp.zs[0], X @ net.weights[0] + net.biases[0])
    assert np.all(fp.ys[1] >= 0) and np.all((fp.output > 0) & (fp.output < 1))
    assert net.forward([0.5, -1.0]).shape == (1, 1)
    assert net.activation_names == ["relu", "relu", "sigmoid"]
    assert net.sizes == [2, 3, 3, 1] and net.n_layers == 3 and net.n_params == 9 + 12 + 4


def test_squared_error_loss_is_the_notes_half_square():
    net = Network.from_weights([[[1.0, 0.0], [0.0, 1.0]]], None, "linear")
    X = np.array([[0.2, 0.4], [1.0, 0.0]])
    Y = np.array([[0.0, 1.0], [1.0, 1.0]])
    # mean over points of Σ_k ½(y_k − ŷ_k)²
    expected = np.mean([0.5 * (0.2**2 + 0.6**2), 0.5 * (0.0 + 1.0)])
    assert net.loss(X, Y) == pytest.approx(expected, rel=1e-14)


# ----------------------------------------------------------------------------- determinism
def test_init_is_reproducible_by_seed():
    a = Network.init([2, 5, 3], ["tanh", "softmax"], seed=7)
    b = Network.init([2, 5, 3], ["tanh", "softmax"], seed=7)
    c = Network.init([2, 5, 3], ["tanh", "softmax"], seed=8)
    assert all(np.array_equal(x, y) for x, y in zip(a.weights, b.weights, strict=True))
    assert not np.array_equal(a.weights[0], c.weights[0])
    assert all(np.all(bias == 0) for bias in a.biases)


def test_init_scales_to_the_activation():
    relu = Network.init([400, 400], "relu", seed=0).weights[0]
    tanh = Network.init([400, 400], "tanh", seed=0).weights[0]
    sig = Network.init([400, 400], "sigmoid", seed=0).weights[0]
    assert relu.std() == pytest.approx(np.sqrt(2 / 400), rel=0.02)
    assert tanh.std() == pytest.approx(np.sqrt(2 / 800), rel=0.02)
    assert sig.std() == pytest.approx(4 * np.sqrt(2 / 800), rel=0.02)


def test_float32_network_computes_in_float32():
    net = Network.init([2, 3, 1], ["tanh", "sigmoid"], seed=0, dtype=np.float32)
    X = np.array([[0.1, 0.2]])
    assert net.forward(X).dtype == np.float32
    assert all(g.dtype == np.float32 for pair in net.gradients(X, [[1.0]]) for g in pair)
    back = net.astype(np.float64)
    assert back.dtype == np.float64
    np.testing.assert_allclose(back.forward(X), net.forward(X), rtol=1e-6)


def test_round_trip_through_dict_and_json():
    import json

    net = Network.init([2, 4, 3], ["relu", "softmax"], seed=3)
    again = Network.from_dict(json.loads(net.to_json()))
    X = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(again.forward(X), net.forward(X))
    assert again.activation_names == net.activation_names
    with pytest.raises(ValueError, match="'weights'"):
        Network.from_dict({"weights": []})


def test_copy_is_independent():
    net = Network.init([2, 2, 1], "sigmoid", seed=0)
    twin = net.copy()
    twin.weights[0][0, 0] += 1.0
    assert twin.weights[0][0, 0] != net.weights[0][0, 0]


def test_apply_gradients_with_weight_decay():
    net = Network.from_weights([[[2.0]]], [[1.0]], "linear")
    net.apply_gradients([(np.array([[0.5]]), np.array([0.25]))], lr=0.1, l2=0.5)
    assert net.weights[0][0, 0] == pytest.approx(2.0 * (1 - 0.05) - 0.05)
    assert net.biases[0][0] == pytest.approx(1.0 - 0.025)  # no decay on the bias


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(("build", "message"), [
    (lambda: Network.init([2], "sigmoid"), "at least two layer sizes"),
    (lambda: Network.init([2, 0, 1], "sigmoid"), "no empty layers"),
    (lambda: Network.init([2, 10**6, 1], "sigmoid"), "capped"),
    (lambda: Network.init([2, 3, 1], "swish"), "Unknown activation"),
    (lambda: Network.init([2, 3, 1], ["softmax", "sigmoid"]), "only be the output"),
    (lambda: Network.init([2, 3, 3, 1], ["tanh", "tanh", "tanh", "tanh"]), "one activation"),
    (lambda: Network.from_weights([], [], []), "at least one layer"),
    (lambda: Network.from_weights([np.zeros((2, 0))], [np.zeros(0)], "tanh"),
     "empty .* at least one input and one neuron"),
    (lambda: Network.from_weights([[[1.0, 2.0]]], [[0.0]], "tanh"), "one bias per neuron"),
    (lambda: Network.from_weights([[[1.0]], [[1.0]]], [[0.0]], "tanh"), "one bias vector"),
    (lambda: Network.from_weights([np.ones((2, 3)), np.ones((2, 1))], None, "tanh"),
     "rows must equal"),
    (lambda: Network.from_weights([[[np.nan]]], None, "tanh"), "NaN"),
    (lambda: Network.from_weights([[1.0, 2.0]], None, "tanh"), "2-D matrix"),
    (lambda: Network.from_weights([[["a"]]], None, "tanh"), "matrix of numbers"),
])
def test_bad_networks_raise_clear_errors(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_bad_data_raise_clear_errors():
    net = Network.init([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    X = np.zeros((4, 2))
    with pytest.raises(ValueError, match=r"X must have shape \(n_points, 2\)"):
        net.forward(np.zeros((4, 3)))
    with pytest.raises(ValueError, match="X must have shape"):
        net.forward(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        net.forward([[np.inf, 0.0]])
    with pytest.raises(ValueError, match=r"Y must have shape \(4, 1\)"):
        net.loss(X, np.zeros((4, 2)))
    with pytest.raises(ValueError, match="NaN"):
        net.gradients(X, [np.nan, 0, 0, 0])
    with pytest.raises(ValueError, match="Unknown loss"):
        net.loss(X, np.zeros(4), loss="hinge")


def test_extreme_inputs_give_finite_numbers_without_warnings():
    rng = np.random.default_rng(0)
    X = rng.choice([-1e4, 1e4], size=(8, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for acts, loss in ((["tanh", "sigmoid"], "cross_entropy"),
                           (["sigmoid", "softmax"], "cross_entropy"),
                           (["relu", "sigmoid"], "squared_error")):
            net = Network.init([2, 4, 3 if acts[-1] == "softmax" else 1], acts, seed=0)
            net.weights[0] *= 100
            Y = np.eye(net.sizes[-1])[rng.integers(0, net.sizes[-1], 8)] if net.sizes[-1] > 1 \
                else rng.integers(0, 2, (8, 1)).astype(float)
            bp = net.backprop(X, Y, loss)
            assert np.isfinite(bp.loss)
            assert all(np.all(np.isfinite(g)) for pair in bp.grads for g in pair)
            assert np.all(np.isfinite(net.forward(X)))
