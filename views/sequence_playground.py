"""A sequence playground: an RNN and an LSTM trained live on the same small task.

Layout only: the tasks, caps, session and sentences come from page_model.recurrent and
page_model.sequence_playground, the figures from charts.recurrent / charts.training.
"""

from __future__ import annotations

import time

import streamlit as st

from charts.recurrent import hidden_state_chart, over_time
from charts.training import loss_curves
from page_model.recurrent import (
    MAX_CLIP,
    MAX_CONTINUE,
    MAX_HIDDEN,
    MAX_K,
    MAX_LR,
    MAX_SEED,
    MAX_SEQUENCES,
    MAX_T,
    MIN_T,
    TASK_INFO,
    TASK_LABELS,
    TASKS,
    compare_sentence,
)
from page_model.sequence_playground import (
    MAX_EPOCHS,
    MODELS,
    SequenceConfig,
    SequenceSession,
    tick_period,
)
from ui.layout import header
from ui.params import Params

ss = st.session_state
p = Params("sq")
D = SequenceConfig()
header("A sequence playground", "“to be continued… (RNN and LSTM)”",
       "Two networks learn the same small task from the same sequences: a plain RNN and an "
       "LSTM with as many hidden units. Press Play and watch the losses, the answers and the "
       "hidden states over time. Every number is the networks' own.")

with st.sidebar:
    st.subheader("Task")
    task = st.selectbox("task", TASKS, format_func=TASK_LABELS.get,
                        key=p.bind("task", p.get_choice("task", D.task, TASKS)))
    T = st.slider("steps per sequence T", MIN_T, MAX_T,
                  key=p.bind("T", p.get_int("T", D.T, MIN_T, MAX_T)))
    k = st.slider("remember for k steps", 1, MAX_K, disabled=task != "remember",
                  key=p.bind("k", p.get_int("k", D.k, 1, MAX_K)))
    n_seq = st.slider("training sequences", 1, MAX_SEQUENCES,
                      key=p.bind("n", p.get_int("n", D.n_sequences, 1, MAX_SEQUENCES)))
    seed = st.number_input("seed", 0, MAX_SEED, step=1,
                           key=p.bind("seed", p.get_int("seed", D.seed, 0, MAX_SEED)),
                           help="Same seed → same sequences, same initial weights, same run.")
    st.subheader("Networks")
    n_hidden = st.slider("hidden units (each network)", 1, MAX_HIDDEN,
                         key=p.bind("hidden", p.get_int("hidden", D.n_hidden, 1, MAX_HIDDEN)))
    lr = st.number_input("learning rate η", 0.001, MAX_LR, step=0.01, format="%.3f",
                         key=p.bind("lr", p.get_float("lr", D.lr, 0.001, MAX_LR)))
    clip = st.number_input("clip the gradient's length at (0 = off)", 0.0, MAX_CLIP, step=0.5,
                           key=p.bind("clip", p.get_float("clip", D.clip, 0.0, MAX_CLIP)))

st.info(TASK_INFO[task].replace("k steps", f"k = {k} steps") if task == "remember"
        else TASK_INFO[task])
cfg = SequenceConfig(task, int(T), int(k), int(n_seq), int(n_hidden), float(lr), float(clip),
                     int(seed))
try:
    sess = ss.get("sq.session")
    if sess is None or ss.get("sq.session_key") != cfg.data_key:
        sess = SequenceSession(cfg)
        ss["sq.session"], ss["sq.session_key"] = sess, cfg.data_key
        ss["sq.playing"] = False
    elif sess.cfg != cfg:
        sess.update_hyperparameters(cfg)
except ValueError as exc:
    p.show_notices()
    st.error(f"{exc} The networks keep their last settings until this is changed.")
    p.write_back()
    st.stop()

with st.sidebar:
    st.subheader("Shown sequence")
    shown = st.slider("training sequence", 1, MAX_SEQUENCES,
                      key=p.bind("seq", p.get_int("seq", 1, 1, MAX_SEQUENCES)))
    if shown > sess.task.n_sequences:
        st.caption(f"There are {sess.task.n_sequences} sequences; showing the last.")
    shown = min(int(shown), sess.task.n_sequences)
p.show_notices()
p.write_back()


# ------------------------------------------------------------------ controls
# Outside the fragment, with callbacks: a click lands even while the animation redraws.
def _set_playing(value: bool):
    ss["sq.playing"] = value  # the value the button showed: a replayed click cannot undo itself


def _on_step(at_epoch: int):
    if ss["sq.session"].epoch == at_epoch:  # a replayed click does not train twice
        ss["sq.session"].step(1)


def _on_reset():
    ss["sq.session"].reset()
    ss["sq.playing"] = False


playing = ss.get("sq.playing", False)
b1, b2, b3, _ = st.columns([1, 1, 1, 3])
b1.button("Pause" if playing else "Play", key="sq.play", type="primary", on_click=_set_playing,
          args=(not playing,), disabled=sess.done and not playing)
b2.button("Step", key="sq.step", on_click=_on_step, args=(sess.epoch,), disabled=playing,
          help="Train both networks one epoch: one gradient step on all training sequences.")
b3.button("Reset", key="sq.reset", on_click=_on_reset,
          help="Back to the initial weights of this seed, epoch 0.")


@st.fragment(run_every=tick_period(ss.get("sq.render_s")) if playing else None)
def live():
    started = time.perf_counter()
    s = ss["sq.session"]
    if ss.get("sq.playing", False):
        s.tick()
        if s.done:
            ss["sq.playing"] = False
            st.rerun(scope="app")
    st.progress(min(s.epoch / MAX_EPOCHS, 1.0), text=f"Epoch {s.epoch} of at most {MAX_EPOCHS}")
    for name in MODELS:
        if s.errors[name]:
            st.error(s.errors[name])
    if s.epoch >= MAX_EPOCHS:
        st.info(f"Reached the {MAX_EPOCHS}-epoch cap of the shared server: Reset to start again.")

    losses = {name: (s.loss(name), s.loss(name, "test")) for name in MODELS}
    m = st.columns(len(MODELS) + 1)
    m[0].metric("Epoch", s.epoch)
    for col, name in zip(m[1:], MODELS, strict=True):
        col.metric(f"{name} loss (train / held-out)",
                   f"{losses[name][0]:.4g} / {losses[name][1]:.4g}")
    st.markdown(compare_sentence(losses["RNN"][0], losses["LSTM"][0], s.epoch))

    left, right = st.columns(2)
    with left:
        series, x = {}, None
        for name in MODELS:
            h = s.histories[name]
            series[f"{name} train"] = h.train_loss
            series[f"{name} held-out"] = h.test_loss
            x = h.epoch if len(h.epoch) > len(x or []) else x
        st.plotly_chart(loss_curves(series, title="Loss E = Σ_t ½(ŷ_t − y_t)², mean per "
                                    "sequence", log_y=True, x=x), key="sq.loss_chart")
    examples = {name: s.example(name, shown - 1) for name in MODELS}
    with right:
        ex = examples["RNN"]
        st.plotly_chart(over_time({"input x_t": ex.x, "target y_t": ex.y,
                                   "RNN ŷ_t": ex.y_hat, "LSTM ŷ_t": examples["LSTM"].y_hat},
                                  title=f"Sequence {shown}: answers over time",
                                  dashed=("target y_t",)), key="sq.answers")
    h1, h2 = st.columns(2)
    h1.plotly_chart(hidden_state_chart(examples["RNN"].h, "RNN hidden state h_t"),
                    key="sq.h_rnn")
    h2.plotly_chart(hidden_state_chart(examples["LSTM"].h, "LSTM output h_t"), key="sq.h_lstm")
    if examples["LSTM"].c is not None:
        st.plotly_chart(hidden_state_chart(examples["LSTM"].c, "LSTM cell state c_t",
                                           label="c"), key="sq.c_lstm")
    if s.cfg.task == "sine":
        cont = {name: s.continuation(name, shown - 1)[0] for name in MODELS}
        true = s.continuation("RNN", shown - 1)[1]
        st.plotly_chart(over_time({"true wave": true, **{f"{n} on its own": v
                                                         for n, v in cont.items()}},
                                  title=f"Continuing the wave for {MAX_CONTINUE} steps, each "
                                  "answer fed back as the next input", dashed=("true wave",)),
                        key="sq.continue")
        st.caption(f"Step 1 of this chart is step {s.task.T + 1} of the sequence.")
    ss["sq.render_s"] = time.perf_counter() - started  # sets the next Play's frame period


live()
