"""nn_core.rnn / nn_core.lstm: BPTT against finite differences, batches, clipping, gradient flow."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_core import LSTM, RNN, clip_by_norm
from nn_core.sequences import MAX_STEPS, global_norm, leaves

H = 1e-3  # 4th-order central difference: truncation ~h⁴, far below the 1e-6 tolerance


def fd_gradients(model, xs, ys):
    """∂E/∂w for every weight by the 4th-order central difference of the model's loss."""
    grads = []
    for w in leaves(model.params()):
        g = np.empty_like(w)
        for idx in np.ndindex(w.shape):
            old = w[idx]
            values = []
            for step in (2, 1, -1, -2):
                w[idx] = old + step * H
                values.append(model.loss(xs, ys))
            w[idx] = old
            g[idx] = (-values[0] + 8 * values[1] - 8 * values[2] + values[3]) / (12 * H)
        grads.append(g)
    return grads


def rel_err(a, b):
    a = np.concatenate([np.ravel(x) for x in a])
    b = np.concatenate([np.ravel(x) for x in b])
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-300)


shapes = st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 2), st.integers(1, 5),
                   st.integers(0, 2), st.integers(0, 10_000))


@settings(max_examples=25, deadline=None)
@given(shapes, st.sampled_from(["tanh", "sigmoid", "linear"]))
def test_rnn_bptt_matches_central_differences(shape, activation):
    n_in, n_h, n_out, T, n, seed = shape
    rng = np.random.default_rng(seed)
    rnn = RNN.from_weights(rng.uniform(-1, 1, (n_in, n_h)), rng.uniform(-1, 1, (n_h, n_h)),
                           rng.uniform(-1, 1, n_h), rng.uniform(-1, 1, (n_h, n_out)),
                           rng.uniform(-1, 1, n_out), activation)
    lead = (n, T) if n else (T,)  # n = 0: one 2-D sequence
    xs, ys = rng.uniform(-1, 1, (*lead, n_in)), rng.uniform(-1, 1, (*lead, n_out))
    g = rnn.gradients(xs, ys)
    assert list(g) == ["W_x", "W_h", "b_h", "W_y", "b_y"]
    for name, w in rnn.params().items():
        assert g[name].shape == w.shape
    assert rel_err(list(g.values()), fd_gradients(rnn, xs, ys)) <= 1e-6


@settings(max_examples=25, deadline=None)
@given(st.tuples(st.integers(1, 3), st.integers(1, 3), st.integers(1, 5), st.integers(0, 2),
                 st.integers(0, 10_000)))
def test_lstm_bptt_matches_central_differences(shape):
    n_in, n_h, T, n, seed = shape
    rng = np.random.default_rng(seed)
    lstm = LSTM.from_weights(*({k: rng.uniform(-1, 1, s) for k in "aifo"}
                               for s in ((n_in, n_h), (n_h, n_h), (n_h,))))
    lead = (n, T) if n else (T,)
    xs, ys = rng.uniform(-1, 1, (*lead, n_in)), rng.uniform(-1, 1, (*lead, n_h))
    g = lstm.gradients(xs, ys)
    assert set(g) == {"W", "U", "b"} and all(set(g[p]) == set("aifo") for p in g)
    assert g["W"]["f"].shape == (n_in, n_h) and g["U"]["o"].shape == (n_h, n_h)
    assert rel_err(list(leaves(g)), fd_gradients(lstm, xs, ys)) <= 1e-6


def test_rnn_forward_follows_its_formula():
    rnn = RNN.init(2, 3, 2, seed=4)
    xs = np.random.default_rng(0).standard_normal((5, 2))
    run = rnn.forward(xs)
    h = np.zeros(3)
    for t in range(5):
        h = np.tanh(xs[t] @ rnn.W_x + h @ rnn.W_h + rnn.b_h)
        np.testing.assert_allclose(run.h[t], h, rtol=1e-14)
        np.testing.assert_allclose(run.y[t], h @ rnn.W_y + rnn.b_y, rtol=1e-14)
    assert run.h.shape == run.z.shape == (5, 3) and run.y.shape == (5, 2)
    ys = np.zeros((5, 2))
    assert rnn.loss(xs, ys) == pytest.approx(0.5 * np.sum(run.y ** 2), rel=1e-14)


def test_lstm_forward_follows_its_formula():
    lstm = LSTM.init(2, 2, seed=1)
    xs = np.random.default_rng(1).standard_normal((4, 2))
    run = lstm.forward(xs)
    h, c = np.zeros(2), np.zeros(2)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    for t in range(4):
        z = {k: xs[t] @ lstm.W[k] + h @ lstm.U[k] + lstm.b[k] for k in "aifo"}
        a, i, f, o = np.tanh(z["a"]), sig(z["i"]), sig(z["f"]), sig(z["o"])
        c = a * i + f * c
        h = np.tanh(c) * o
        for k, v in zip("aifo", (a, i, f, o), strict=True):
            np.testing.assert_allclose(run.gates[k][t], v, rtol=1e-14)
        np.testing.assert_allclose(run.c[t], c, rtol=1e-14)
        np.testing.assert_allclose(run.h[t], h, rtol=1e-14)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_batch_is_the_mean_of_its_sequences(kind):
    rng = np.random.default_rng(7)
    model = RNN.init(2, 3, 1, seed=2) if kind == "rnn" else LSTM.init(2, 1, seed=2)
    xs, ys = rng.standard_normal((4, 6, 2)), rng.standard_normal((4, 6, 1))
    per_seq = [model.loss(x, y) for x, y in zip(xs, ys, strict=True)]
    assert model.loss(xs, ys) == pytest.approx(np.mean(per_seq), rel=1e-14)
    batch = list(leaves(model.gradients(xs, ys)))
    singles = [list(leaves(model.gradients(x, y))) for x, y in zip(xs, ys, strict=True)]
    for k, g in enumerate(batch):
        np.testing.assert_allclose(g, np.mean([s[k] for s in singles], axis=0), rtol=1e-12,
                                   atol=1e-15)
    run = model.forward(xs)
    np.testing.assert_allclose(run.h[2], model.forward(xs[2]).h, rtol=1e-14)


def test_rnn_per_step_contributions_sum_to_the_gradient():
    rnn = RNN.init(1, 2, 1, seed=3)
    xs = np.linspace(-1, 1, 4).reshape(4, 1)
    bp = rnn.bptt(xs, np.ones(4), per_step=True)
    for name, g in bp.grads.items():
        assert bp.per_step[name].shape == (4, *g.shape)
        np.testing.assert_allclose(bp.per_step[name].sum(0), g, rtol=1e-13, atol=1e-16)
    np.testing.assert_array_equal(bp.per_step["W_h"][0], 0.0)  # h_0 = 0: W_h unused at step 1


def test_clipping_caps_the_norm_and_keeps_the_direction():
    rnn = RNN.from_weights([[3.0]], [[2.5]], [0.0], [[4.0]], [0.0])
    xs, ys = np.ones((6, 1)), -np.ones(6)
    raw = rnn.bptt(xs, ys)
    clipped = rnn.bptt(xs, ys, clip=1.0)
    assert raw.grad_norm > 1 and not raw.clipped and clipped.clipped
    assert clipped.grad_norm == pytest.approx(raw.grad_norm)
    assert global_norm(clipped.grads) == pytest.approx(1.0, rel=1e-12)
    for name in raw.grads:
        np.testing.assert_allclose(clipped.grads[name], raw.grads[name] / raw.grad_norm,
                                   rtol=1e-12)
    same, norm = clip_by_norm(raw.grads, 10 * raw.grad_norm)
    assert same is raw.grads and norm == pytest.approx(raw.grad_norm)
    with pytest.raises(ValueError, match="clipping threshold"):
        rnn.gradients(xs, ys, clip=0)


def test_rnn_gradient_flow_is_the_jacobian_product():
    """Each product column matches a finite difference of h_T in h_t; scalar tanh cell:
    |∂h_T/∂h_t| = Π |w tanh'(z_k)|, shrinking for |w| < 1."""
    rnn = RNN.init(2, 2, 1, seed=5)
    xs = np.random.default_rng(2).standard_normal((5, 2)) * 0.5
    flow = rnn.gradient_flow(xs)
    assert list(flow.t) == [5, 4, 3, 2, 1] and list(flow.gap) == [0, 1, 2, 3, 4]
    np.testing.assert_allclose(flow.products[0], np.eye(2))

    def h_T_from(t, h_t):  # rerun steps t+1 … T from a given h_t (t 1-based)
        h = h_t
        for k in range(t, 5):
            h = np.tanh(xs[k] @ rnn.W_x + h @ rnn.W_h + rnn.b_h)
        return h

    run = rnn.forward(xs)
    for k, t in enumerate(flow.t[1:], start=1):
        J = np.empty((2, 2))
        for b in range(2):
            e = np.zeros(2)
            e[b] = 1e-6
            J[:, b] = (h_T_from(t, run.h[t - 1] + e) - h_T_from(t, run.h[t - 1] - e)) / 2e-6
        np.testing.assert_allclose(flow.products[k], J, rtol=1e-6, atol=1e-9)
        assert flow.norms[k] == pytest.approx(np.linalg.norm(J, 2), rel=1e-6)
    small = RNN.from_weights([[0.0]], [[0.5]], [0.0], [[1.0]], [0.0]).gradient_flow(
        np.zeros((6, 1)))
    np.testing.assert_allclose(small.norms, 0.5 ** np.arange(6), rtol=1e-14)  # tanh'(0) = 1
    big = RNN.from_weights([[0.0]], [[1.5]], [0.0], [[1.0]], [0.0]).gradient_flow(
        np.zeros((6, 1)))
    assert np.all(np.diff(big.norms) > 0)  # explodes while tanh stays linear (h = 0)


def test_lstm_cell_path_is_the_product_of_forget_gates():
    lstm = LSTM.init(1, 2, seed=0)
    xs = np.linspace(-1, 1, 5).reshape(5, 1)
    flow = lstm.cell_path(xs)
    f = lstm.forward(xs).gates["f"]
    for k, t in enumerate(flow.t):
        np.testing.assert_allclose(flow.products[k], np.prod(f[t:], axis=0), rtol=1e-14)
    np.testing.assert_allclose(flow.norms, np.abs(flow.products).max(axis=1))
    with pytest.raises(ValueError, match="one sequence"):
        lstm.cell_path(np.zeros((2, 5, 1)))


def test_validation_messages():
    with pytest.raises(ValueError, match=r"W_h must have shape \(2, 2\)"):
        RNN.from_weights(np.ones((1, 2)), np.ones((2, 3)), np.zeros(2), np.ones((2, 1)), [0.0])
    with pytest.raises(ValueError, match="W_x must have shape"):
        RNN.from_weights(np.ones((2, 3)), np.ones((2, 2)), np.zeros(2), np.ones((2, 1)), [0.0])
    with pytest.raises(ValueError, match="NaN or infinite"):
        RNN.from_weights([[1.0]], [[np.nan]], [0.0], [[1.0]], [0.0])
    with pytest.raises(ValueError, match="activation must be one of"):
        RNN.from_weights([[1.0]], [[1.0]], [0.0], [[1.0]], [0.0], activation="softmax")
    with pytest.raises(ValueError, match="Unknown activation"):
        RNN.init(1, 1, 1, activation="cosh")
    with pytest.raises(ValueError, match="hidden units"):
        RNN.init(1, 0, 1)
    rnn = RNN.init(2, 2, 1)
    with pytest.raises(ValueError, match=r"xs must have shape \(T, 2\)"):
        rnn.forward(np.zeros((3, 5)))
    with pytest.raises(ValueError, match="at least one time step"):
        rnn.forward(np.zeros((0, 2)))
    with pytest.raises(ValueError, match="capped"):
        rnn.forward(np.zeros((MAX_STEPS + 1, 2)))
    with pytest.raises(ValueError, match="NaN or infinite"):
        rnn.forward([[0.0, np.inf]])
    with pytest.raises(ValueError, match=r"ys must have shape \(3, 1\)"):
        rnn.loss(np.zeros((3, 2)), np.zeros((4, 1)))
    with pytest.raises(ValueError, match="keys a, i, f, o"):
        LSTM.from_weights({"a": 1}, {}, {})
    with pytest.raises(ValueError, match=r"U\['f'\] must have shape \(1, 1\)"):
        LSTM.from_weights({k: [1.0] for k in "aifo"},
                          {k: ([1.0, 2.0] if k == "f" else 1.0) for k in "aifo"},
                          {k: 0.0 for k in "aifo"})
    with pytest.raises(ValueError, match="not a batch"):
        rnn.gradient_flow(np.zeros((2, 3, 2)))


def test_scalar_shortcuts():
    """A 1-unit cell takes scalars; a scalar input/target per step may be a flat list."""
    rnn = RNN.from_weights(0.5, 0.9, 0.0, 2.0, 0.1)
    assert (rnn.n_in, rnn.n_h, rnn.n_out) == (1, 1, 1)
    assert rnn.forward([1.0, 0.0, 0.0]).h.shape == (3, 1)
    assert rnn.loss([1.0, 0.0], [0.0, 0.0]) == rnn.loss([[1.0], [0.0]], [[0.0], [0.0]])


@pytest.mark.parametrize("T", [1, 2, 3, 4])
def test_lstm_batch_rows_follow_the_formula_for_every_layout(T):
    """Every sequence of a batch (not only the first): the stacked gates are strided views,
    and NumPy 2.4's in-place ufuncs miscompute some of those (a row stride of 64 bytes, e.g.
    T = 2 with one unit), so the engine must not write gates through out= views."""
    rng = np.random.default_rng(T)
    lstm = LSTM.init(1, 1, seed=T)
    xs = rng.uniform(-1, 1, (3, T, 1))
    batch = lstm.forward(xs)
    for n in range(3):
        single = lstm.forward(xs[n])
        for k in "aifo":
            np.testing.assert_allclose(batch.gates[k][n], single.gates[k], rtol=1e-14)
        np.testing.assert_allclose(batch.h[n], single.h, rtol=1e-14)


def test_to_dict_round_trips_and_bad_dicts_say_what_is_missing():
    import json

    rnn = RNN.init(2, 2, 1, seed=3, activation="sigmoid")
    back = RNN.from_dict(json.loads(json.dumps(rnn.to_dict())))
    assert back.activation.name == "sigmoid"
    for a, b in zip(leaves(rnn.params()), leaves(back.params()), strict=True):
        np.testing.assert_array_equal(a, b)
    lstm = LSTM.init(1, 2, seed=1)
    again = LSTM.from_dict(json.loads(json.dumps(lstm.to_dict())))
    for a, b in zip(leaves(lstm.params()), leaves(again.params()), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match="needs the entries W_x"):
        RNN.from_dict({"W_x": [[1.0]]})
    with pytest.raises(ValueError, match="needs the entries W, U and b"):
        LSTM.from_dict({"W": {}})
