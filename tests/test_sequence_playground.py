"""page_model.sequence_playground: the RNN-vs-LSTM session behind the sequence playground."""

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_core import RNN, train_sequences
from nn_core.sequences import leaves
from page_model.recurrent import MAX_CONTINUE, make_task
from page_model.sequence_playground import (
    MAX_RUN_EPOCHS,
    ReadoutLSTM,
    SequenceConfig,
    SequenceSession,
    check_sequence_config,
)

SMALL = SequenceConfig(T=6, n_sequences=8, n_hidden=3)


@settings(max_examples=8, deadline=None)
@given(n_h=st.integers(1, 3), T=st.integers(2, 5), n=st.integers(1, 3), seed=st.integers(0, 99))
def test_readout_lstm_gradients_are_the_derivative_of_its_loss(n_h, T, n, seed):
    """The readout composed on nn_core's LSTM: every gradient entry (gates, W_y, b_y) equals a
    central finite difference of the loss."""
    model = ReadoutLSTM.init(1, n_h, 1, seed=seed)
    task = make_task("remember", n, T, k=1, seed=seed)
    grads = model.gradients(task.xs, task.ys)
    for w, g in zip(leaves(model.params()), leaves(grads), strict=True):
        for idx in np.ndindex(w.shape):
            old = w[idx]
            w[idx] = old + 1e-6
            up = model.loss(task.xs, task.ys)
            w[idx] = old - 1e-6
            down = model.loss(task.xs, task.ys)
            w[idx] = old
            fd = (up - down) / 2e-6
            assert g[idx] == pytest.approx(fd, rel=1e-5, abs=1e-8)


def test_session_is_nn_core_train_sequences_epoch_by_epoch():
    sess = SequenceSession(SMALL)
    sess.step(3)
    rnn = RNN.init(1, 3, 1, seed=0)
    hist = train_sequences(rnn, sess.task.xs, sess.task.ys, SMALL.lr, 3, seed=SMALL.seed,
                           xs_test=sess.test.xs, ys_test=sess.test.ys)
    assert sess.histories["RNN"].train_loss == pytest.approx(hist.train_loss, rel=1e-12)
    assert sess.loss("RNN") == pytest.approx(rnn.loss(sess.task.xs, sess.task.ys), rel=1e-12)
    assert sess.epoch == 3 and len(sess.histories["LSTM"].epoch) == 3


def test_ticks_and_steps_give_the_same_run_and_reset_restarts():
    a, b = SequenceSession(SMALL), SequenceSession(SMALL)
    a.step(6)
    while b.epoch < 6:
        b.tick(max_epochs=2, budget_s=10.0)
    assert b.epoch == 6
    assert a.loss("LSTM") == b.loss("LSTM") and a.loss("RNN") == b.loss("RNN")
    first = a.loss("LSTM")
    saved = json.loads(a.weights_json())
    assert saved["epoch"] == 6 and saved["config"]["n_hidden"] == 3
    np.testing.assert_array_equal(saved["weights"]["RNN"]["W_h"], a.models["RNN"].W_h)
    np.testing.assert_array_equal(saved["weights"]["LSTM"]["W_y"], a.models["LSTM"].W_y)
    a.reset()
    assert a.epoch == 0 and not a.histories["RNN"].epoch
    assert a.loss("LSTM") != first == b.loss("LSTM")


def test_version_names_the_state_a_page_may_draw_once():
    a, b = SequenceSession(SMALL), SequenceSession(SMALL)
    assert a.version != b.version  # two sessions never share a drawing
    v = a.version
    a.loss("RNN"), a.example("LSTM", 0), a.weights_json()
    assert a.version == v  # reading changes nothing
    a.step(1)
    assert a.version != v
    stepped = a.version
    text = a.weights_json()
    assert json.loads(text)["epoch"] == 1 and a.weights_json() is text  # made once per state
    a.update_hyperparameters(SequenceConfig(T=6, n_sequences=8, n_hidden=3, lr=0.01))
    assert json.loads(a.weights_json())["config"]["lr"] == 0.01  # the download says the new η
    a.reset()
    assert a.version not in (v, stepped)
    assert json.loads(a.weights_json())["epoch"] == 0


def test_a_download_made_later_holds_the_networks_as_drawn():
    """The download's JSON is made on the click (another thread, maybe mid-training): it is the
    state when the button was drawn, and training never changes those networks in place."""
    a = SequenceSession(SequenceConfig(T=6, n_sequences=8, n_hidden=3))
    a.step(2)
    later, drawn = a.weights_download(), a.weights_json()
    W_h = a.models["RNN"].W_h.copy()
    a.step(3)
    assert not np.array_equal(a.models["RNN"].W_h, W_h)  # trained on
    assert later() == drawn and json.loads(later())["epoch"] == 2
    np.testing.assert_array_equal(json.loads(later())["weights"]["RNN"]["W_h"], W_h)
    assert json.loads(a.weights_download()())["epoch"] == 5 == json.loads(a.weights_json())["epoch"]


def test_a_runaway_network_is_stopped_as_it_starts():
    sess = SequenceSession(SequenceConfig(T=12, lr=0.1))
    sess.step(40)
    err = sess.errors["RNN"]
    assert err is not None and "diverging" in err and "Lower η (e.g. 0.01)" in err
    h = sess.histories["RNN"]
    assert max(h.train_loss) <= 1e3 * sess.initial_loss["RNN"]  # the runaway epoch is undone
    assert np.isfinite(sess.loss("RNN"))
    assert sess.epoch == 40  # the other network trained on
    assert sess.errors["LSTM"] is None and len(sess.histories["LSTM"].epoch) == 40


def test_examples_and_the_sine_continuation():
    sess = SequenceSession(SequenceConfig(task="sine", T=8, n_sequences=4, n_hidden=2))
    ex = sess.example("LSTM", 2)
    assert ex.x.shape == ex.y.shape == ex.y_hat.shape == (8,)
    assert ex.h.shape == ex.c.shape == (8, 2) and set(ex.gates) == {"a", "i", "f", "o"}
    out, true = sess.continuation("RNN", 1, steps=5)
    assert out.shape == true.shape == (5,)
    # the first continued value is the network's answer at the last step of the sequence
    assert out[0] == pytest.approx(sess.example("RNN", 1).y_hat[-1])
    np.testing.assert_array_equal(true, sess.task.future[1, :5])
    assert sess.continuation("RNN", 1, steps=99)[0].shape == (MAX_CONTINUE,)
    with pytest.raises(ValueError):
        SequenceSession(SMALL).continuation("RNN")
    with pytest.raises(ValueError, match="from 1 to 8"):
        SequenceSession(SMALL).example("RNN", 8)


def test_config_caps_and_hyperparameter_changes():
    for bad, words in ((SequenceConfig(n_hidden=99), "hidden units"),
                       (SequenceConfig(lr=0.0), "learning rate"),
                       (SequenceConfig(clip=-1.0), "clipping"), (SequenceConfig(k=12, T=10), "k")):
        with pytest.raises(ValueError, match=words):
            check_sequence_config(bad)
    sess = SequenceSession(SMALL)
    sess.update_hyperparameters(SequenceConfig(T=6, n_sequences=8, n_hidden=3, lr=0.2, clip=1.0))
    assert sess.cfg.lr == 0.2
    with pytest.raises(ValueError, match="new session"):
        sess.update_hyperparameters(SequenceConfig(T=7, n_sequences=8, n_hidden=3))
    sess.epoch = MAX_RUN_EPOCHS
    assert sess.done and sess.step(5) == 0
