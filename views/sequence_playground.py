"""A sequence playground: an RNN and an LSTM trained live on the same small task.

Layout only: the tasks, caps, session and sentences come from page_model.recurrent and
page_model.sequence_playground, the figures from charts.recurrent / charts.training.
"""

from __future__ import annotations

import time

import streamlit as st

from charts.recurrent import hidden_state_chart, over_time
from charts.training import loss_curves
from page_model.numbers import fmt
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
    MAX_RUN_EPOCHS,
    MODELS,
    Playground,
    SequenceConfig,
    SequenceSession,
    tick_period,
)
from page_model.summaries import loss_summary
from ui.cached import plotly, session_section
from ui.escape import plain
from ui.layout import closed_summary, header, settings_box
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, Local, page_state
from ui.training_buttons import TrainingButtons

ss = st.session_state


STATE = page_state("sq", Playground, lambda: {
    "task": Choice("task", TASKS, TASK_LABELS), "T": Int("steps per sequence", MIN_T, MAX_T),
    "k": Int("steps to remember", 1, MAX_K), "n": Int("training sequences", 1, MAX_SEQUENCES),
    "hidden": Int("hidden units", 1, MAX_HIDDEN), "lr": Float("learning rate η", 0.001, MAX_LR),
    "clip": Float("clipping threshold", 0.0, MAX_CLIP), "seed": Int("seed", 0, MAX_SEED),
    "seq": Int("shown sequence", 1, MAX_SEQUENCES), "more": Local(),
})

header("A sequence playground", "“to be continued… (RNN and LSTM)”",
       "Two networks learn the same small task from the same sequences: a plain RNN and an "
       "LSTM with as many hidden units, each with the same kind of output ŷ_t = h_t W_y + b_y. "
       "Press Play and watch the losses, the answers and the hidden states over time. Every "
       "number is the networks' own.")

s = STATE.open()
with st.sidebar:
    # No headings "Task" and "Networks": the labels say it (one element fewer each per rerun).
    task = st.selectbox("task", TASKS, format_func=TASK_LABELS.get, key=s.key("task"))
    T = st.slider("steps per sequence T", MIN_T, MAX_T, key=s.key("T"))
    k = st.slider("remember for k steps", 1, MAX_K, disabled=task != "remember",
                  key=s.key("k", hi=max(1, min(MAX_K, T - 1))))
    n_hidden = st.slider("hidden units (each network)", 1, MAX_HIDDEN, key=s.key("hidden"))
    lr = st.number_input("learning rate η", step=0.01, format="%.3f", **s.number("lr"))
    s.said("lr")
    more = settings_box(s, "Training sequences, seed, clipping")
    with more:
        if more.open:
            n_seq = st.slider("training sequences", 1, MAX_SEQUENCES, key=s.key("n"))
            seed = st.number_input("seed", step=1, help="Same seed → same sequences, same "
                                   "initial weights, same run.", **s.number("seed"))
            s.said("seed")
            clip = st.number_input("clip the gradient's length at (0 = off)", step=0.5,
                                   **s.number("clip"))
            s.said("clip")
        else:
            n_seq, seed, clip = (s.clamped(n) for n in ("n", "seed", "clip"))
    closed_summary(more, f"{int(n_seq)} training sequence{'s' if n_seq > 1 else ''}, seed "
                         f"{int(seed)}, " + (f"gradient clipped at length {clip:g}." if clip
                                              else "no clipping."))
    # its label says what a heading of its own would (one element fewer per rerun)
    shown = st.slider("shown training sequence", 1, MAX_SEQUENCES, key=s.key("seq", hi=n_seq))
    s.reset_button()
s.show_notices()
shown = min(int(shown), int(n_seq))

st.info(TASK_INFO[task].replace("k steps", f"k = {k} steps") if task == "remember"
        else TASK_INFO[task])
cfg = SequenceConfig(task, int(T), int(k), int(n_seq), int(n_hidden), float(lr), float(clip),
                     int(seed))
try:
    sess = ss.get("sq#session")
    if sess is None or ss.get("sq#session_key") != cfg.data_key:
        sess = SequenceSession(cfg)
        ss["sq#session"], ss["sq#session_key"] = sess, cfg.data_key
        ss["sq#playing"] = False
    elif sess.cfg != cfg:
        sess.update_hyperparameters(cfg)
except ValueError as exc:
    st.error(f"{plain(exc)} The networks keep their last settings until this is changed.")
    s.finish()
    st.stop()


# ------------------------------------------------------------------ controls
# Outside the fragment, with callbacks: a click lands even while the animation redraws
# (ui.training_buttons).
TrainingButtons("sq.", run_key="sq#session", playing_key="sq#playing",
                step_help="Train both networks one epoch: one gradient step on all training "
                          "sequences.").draw()
playing = ss.get("sq#playing", False)


def _frame(run: SequenceSession, shown: int) -> None:
    """The run as it stands: its epoch, losses, answers and hidden states (no widget)."""
    st.progress(min(run.epoch / MAX_RUN_EPOCHS, 1.0),
                text=f"Epoch {run.epoch} of at most {MAX_RUN_EPOCHS}")
    for name in MODELS:
        if run.errors[name]:
            st.error(run.errors[name])
    if run.epoch >= MAX_RUN_EPOCHS:
        st.info(f"Reached the {MAX_RUN_EPOCHS}-epoch cap of the shared server: Reset to start "
                "again.")

    losses = {name: (run.loss(name), run.loss(name, "test")) for name in MODELS}
    with st.container(horizontal=True):  # one row container, not columns: fewer elements
        st.metric("Epoch", run.epoch)
        for name in MODELS:
            st.metric(f"{name} loss (train / held-out)",
                      f"{fmt(losses[name][0])} / {fmt(losses[name][1])}")
    st.markdown(compare_sentence(losses["RNN"][0], losses["LSTM"][0], run.epoch))

    # Figures converted once for sending (charts.wire): a playing run draws a new frame each tick.
    # One pair of columns (the run on the left, the shown sequence on the right): fewer elements.
    left, right = st.columns(2)
    examples = {name: run.example(name, shown - 1) for name in MODELS}
    with left:
        # epoch 0 is the loss at the initial weights, so the chart has a point before Play
        series, x = {}, [0]
        for name in MODELS:
            h = run.histories[name]
            series[f"{name} train"] = [run.initial_loss[name], *h.train_loss]
            series[f"{name} held-out"] = [run.initial_test_loss[name], *h.test_loss]
            x = [0, *h.epoch] if len(h.epoch) + 1 > len(x) else x
        plotly(loss_curves(series, title="Loss E = Σ_t ½(ŷ_t − y_t)², mean per "
                           "sequence", log_y=True, x=x, wire=True), key="sq.loss_chart",
               note=loss_summary(series))
        plotly(hidden_state_chart(examples["RNN"].h, "RNN hidden state h_t", wire=True),
               key="sq.h_rnn")
    with right:
        ex = examples["RNN"]
        plotly(over_time({"input x_t": ex.x, "target y_t": ex.y,
                          "RNN ŷ_t": ex.y_hat, "LSTM ŷ_t": examples["LSTM"].y_hat},
                         title=f"Sequence {shown}: answers over time",
                         dashed=("target y_t",), wire=True), key="sq.answers")
        plotly(hidden_state_chart(examples["LSTM"].h, "LSTM output h_t", wire=True),
               key="sq.h_lstm")
    if examples["LSTM"].c is not None:
        plotly(hidden_state_chart(examples["LSTM"].c, "LSTM cell state c_t",
                                  label="c", wire=True), key="sq.c_lstm")
    if run.cfg.task == "sine":
        cont = {name: run.continuation(name, shown - 1) for name in MODELS}
        true = cont["RNN"][1]  # the true wave: the same beside either network
        plotly(over_time({"true wave": true, **{f"{n} on its own": v
                                                for n, (v, _) in cont.items()}},
                         title=f"Continuing the wave for {MAX_CONTINUE} steps, each "
                         "answer fed back as the next input", dashed=("true wave",), wire=True),
               key="sq.continue",
               note=f"Step 1 of this chart is step {run.task.T + 1} of the sequence.")


def live():
    started = time.perf_counter()
    run = ss["sq#session"]
    if ss.get("sq#playing", False):
        run.tick()
        if run.done:
            ss["sq#playing"] = False
            st.rerun(scope="app")
        _frame(run, shown)  # a new state every frame: nothing to replay
    else:
        # Paused: a rerun that changes nothing replays this state's drawing.
        session_section("sq.frame", (run.version, shown), lambda: _frame(run, shown))
    # The JSON made on the click, not on every rerun and frame (a playing run's weights change
    # each tick): from the networks as drawn here, which training never changes in place.
    st.download_button("Download both networks' weights (JSON)", run.weights_download(),
                       file_name="sequence-playground-weights.json", mime="application/json",
                       key="sq.dl_weights", on_click="ignore")
    ss["sq#render_s"] = time.perf_counter() - started  # sets the next Play's frame period


if playing:  # a fragment: its timer reruns it alone, a frame each tick
    st.fragment(run_every=tick_period(ss.get("sq#render_s")))(live)()
else:  # paused: nothing reruns this part alone, so no fragment (its bookkeeping costs every
    with st.container():  # rerun), in a container as the fragment's, the page keeps its shape
        live()
next_page("views/sequence_playground.py")
s.finish()
