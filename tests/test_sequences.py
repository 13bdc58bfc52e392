"""nn_core.sequences.train_sequences: gradient descent through time, like nn_core.train."""

import math

import numpy as np
import pytest

from nn_core import LSTM, RNN, DivergenceError, History, train_sequences
from nn_core.sequences import leaves


def _running_sum(n=8, T=5, seed=0):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-0.5, 0.5, (n, T, 1))
    return xs, np.cumsum(xs, axis=1)


@pytest.mark.parametrize("kind", ["rnn", "lstm"])
def test_training_lowers_the_loss_and_matches_a_plain_loop(kind):
    xs, ys = _running_sum()
    model = RNN.init(1, 4, 1, seed=1) if kind == "rnn" else LSTM.init(1, 1, seed=1)
    twin, lr = model.copy(), 0.1 if kind == "rnn" else 0.3
    start = model.loss(xs, ys)
    history = train_sequences(model, xs, ys, lr=lr, epochs=30)
    assert history.epoch == list(range(1, 31))
    assert history.train_loss[-1] < 0.5 * start
    for _ in range(30):  # the plain loop train_sequences must equal (full batch)
        twin.apply_gradients(twin.gradients(xs, ys), lr)
    for a, b in zip(leaves(model.params()), leaves(twin.params()), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert history.train_loss[-1] == pytest.approx(twin.loss(xs, ys), rel=1e-12)
    assert history.train_accuracy == [None] * 30 and history.test_loss == [None] * 30


def test_mini_batches_callback_history_and_test_set():
    xs, ys = _running_sum(n=10)
    rnn = RNN.init(1, 3, 1, seed=2)
    seen = []

    def callback(epoch, history, model):
        seen.append((epoch, history.train_loss[-1], model is rnn))
        return epoch < 4

    history = train_sequences(rnn, xs[:7], ys[:7], lr=0.05, epochs=50, batch_size=3, seed=1,
                              callback=callback, xs_test=xs[7:], ys_test=ys[7:])
    assert history.stopped_early and history.epoch == [1, 2, 3, 4]
    assert [s[0] for s in seen] == [1, 2, 3, 4] and all(s[2] for s in seen)
    assert history.test_loss[-1] == pytest.approx(rnn.loss(xs[7:], ys[7:]), rel=1e-12)
    more = train_sequences(rnn, xs[:7], ys[:7], lr=0.05, epochs=2, history=history)
    assert more is history and history.epoch == [1, 2, 3, 4, 5, 6]


def test_divergence_is_detected_when_it_starts():
    xs, ys = _running_sum()
    rnn = RNN.init(1, 3, 1, seed=0, activation="linear")
    with pytest.raises(DivergenceError) as info:
        train_sequences(rnn, xs * 50, ys * 50, lr=50.0, epochs=200)
    err = info.value
    assert err.lr == 50.0 and err.suggested_lr == 5.0 and err.epoch < 200
    assert "smaller learning rate" in str(err)
    assert err.last_loss is None or math.isfinite(err.last_loss)


def test_clipping_keeps_an_exploding_run_finite():
    """The same steps that diverge without clipping stay finite with ‖g‖ capped at 1."""
    xs, ys = _running_sum()
    kwargs = dict(lr=2.0, epochs=40)
    with pytest.raises(DivergenceError):
        train_sequences(RNN.init(1, 3, 1, seed=0, activation="linear"), xs * 20, ys * 20,
                        **kwargs)
    rnn = RNN.init(1, 3, 1, seed=0, activation="linear")
    history = train_sequences(rnn, xs * 20, ys * 20, clip=1.0, **kwargs)
    assert len(history) == 40 and all(math.isfinite(v) for v in history.train_loss)


def test_validation_messages():
    xs, ys = _running_sum()
    rnn = RNN.init(1, 2, 1)
    with pytest.raises(ValueError, match="learning rate"):
        train_sequences(rnn, xs, ys, lr=-1, epochs=1)
    with pytest.raises(ValueError, match="Epochs"):
        train_sequences(rnn, xs, ys, lr=0.1, epochs="many")
    with pytest.raises(ValueError, match="batch size"):
        train_sequences(rnn, xs, ys, lr=0.1, epochs=1, batch_size=0)
    with pytest.raises(ValueError, match="ys must have shape"):
        train_sequences(rnn, xs, ys[:, :3], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="clipping threshold"):
        train_sequences(rnn, xs, ys, lr=0.1, epochs=1, clip=float("nan"))
    assert isinstance(train_sequences(rnn, xs, ys, lr=0.1, epochs=0), History)
