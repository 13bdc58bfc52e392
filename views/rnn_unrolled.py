"""Recurrent networks 1 — unrolled through time: the same weights at every step, the forward pass
step by step. Layout only: numbers from nn_core's RNN, formulas from derivations, the input
sequences from page_model.recurrent, figures from charts.recurrent."""

import streamlit as st

from charts.recurrent import hidden_state_chart, unrolled_diagram
from derivations.recurrent import RNN_ACTIVATIONS as SYMBOLIC_ACTIVATIONS
from derivations.recurrent_formulas import output_numbers, rnn_step_formulas, rnn_step_numbers
from nn_core import HIDDEN_ACTIVATIONS, RNN
from page_model.recurrent import TASK_LABELS, TASKS, make_task
from ui.cached import plotly, section
from ui.claims_box import claim_box
from ui.compute import recurrent_claims, unrolled_formulas
from ui.layout import (
    closed_summary,
    columns,
    formula_markdown,
    header,
    numbers_table,
    settings_box,
    small,
)
from ui.lesson import next_page
from ui.page_state import Choice, Int, Local, page_state, settings
from ui.recurrent import seed_input, sequence_settings, sequence_summary, step_choice

MAX_UNITS = 3  # readable numbers on the diagram
MAX_STEPS = 8
UNROLLED_STEPS = 3  # the composed formula of more steps no longer fits a line

@settings
class Unrolled:
    units: int = 2
    act: str = "tanh"
    seed: int = 0
    input: str = "sine"
    T: int = 5
    t: int = 1
    j: int = 1
    more: bool = False  # the sidebar's box of the network and its input sequence: open


STATE = page_state("unroll", Unrolled, lambda: {
    "units": Int("number of hidden units", 1, MAX_UNITS),
    "act": Choice("hidden activation", HIDDEN_ACTIVATIONS), "seed": Int("weight seed", 0, 999),
    "input": Choice("input sequence", TASKS, TASK_LABELS),
    "T": Int("number of steps", 2, MAX_STEPS),
    "t": Int("time step", 1, MAX_STEPS), "j": Int("hidden unit", 1, MAX_UNITS),
    "more": Local(),
})


def _notes() -> None:
    st.markdown("> *A comment under the notes:* […] is just NN of fixed parameters at each "
                "hidden […]")
    claim_box(recurrent_claims()["rnn_is_nn_with_fixed_parameters"])


header("Unrolled through time", "“to be continued… (RNN and LSTM)”",
       "A recurrent network reads a sequence one step at a time and keeps a hidden state h_t "
       "between steps. Drawn out over time (unrolled) it is an ordinary feed-forward network "
       "with one layer per time step, where every layer uses the same weights W_x, W_h, b_h. "
       "Pick a step and follow its numbers.",
       quote="LSTM is a kind of Recurrent Neural Network (RNN).")
section("unroll_notes", (), _notes)

s = STATE.open()
with st.sidebar:
    more = settings_box(s, "Network and input sequence")
    with more:
        if more.open:
            n_h = st.slider("hidden units", 1, MAX_UNITS, key=s.key("units"))
            act = st.selectbox("hidden activation f", HIDDEN_ACTIVATIONS, key=s.key("act"))
            seed = seed_input(s)
        else:
            n_h, act, seed = s.clamped("units"), s.clamped("act"), int(s.clamped("seed"))
        source, T = sequence_settings(s, MAX_STEPS, more.open)
    closed_summary(more, f"{n_h} hidden unit{'s' if n_h > 1 else ''}, activation {act}, "
                         f"weight seed {seed}; " + sequence_summary(source, T) + ".",
                   heading="Explain")
    t, j = step_choice(s, MAX_STEPS, T, "hidden unit j", MAX_UNITS, n_h, heading=False)
s.show_notices()


def _move(to: int) -> None:
    STATE.update(t=to)


def _body(n_h: int, act: str, seed: int, source: str, T: int, t: int, j: int) -> None:
    """Everything below the step buttons: drawn from the settings alone (seeded weights and
    inputs), so replayed from the cache."""
    rnn = RNN.init(1, n_h, 1, seed=seed, activation=act)
    xs = make_task(source, 1, T, k=1, seed=seed).xs[0]
    run = rnn.forward(xs)
    plotly(unrolled_diagram(xs, run.h, run.y, step=t,
                            title=f"Unrolled over {T} steps: step {t} highlighted"),
           key="unroll_diagram",
           note="Every step's arrows carry the same W_x (input → hidden), W_h (hidden → next "
                "hidden) and W_y (hidden → output); only the numbers flowing through them "
                "change.")

    forms = rnn_step_formulas(act)
    h_prev = run.h[t - 2] if t > 1 else [0.0] * n_h
    z_line, h_line = rnn_step_numbers(t, j, xs[t - 1], h_prev, rnn.W_x[:, j - 1],
                                      rnn.W_h[:, j - 1], float(rnn.b_h[j - 1]),
                                      float(run.z[t - 1, j - 1]), float(run.h[t - 1, j - 1]), act)
    f_col, n_col, c_col = columns()
    # Each column's heading, formulas and text are one element: fewer elements per rerun.
    with f_col:
        st.markdown("### One step\n\n" + formula_markdown(
            *(forms[key] for key in ("weighted_sum", "activation", "output", "start")))
            + "\n\nThe hidden state carries what the network has read so far; W_h decides "
            "how much of h_{t−1} goes into h_t.")
    with n_col:
        st.markdown(f"### Step {t}, unit {j}, with the numbers\n\n" + formula_markdown(
            z_line, h_line, output_numbers(t, 1, run.h[t - 1], rnn.W_y[:, 0],
                                           float(rnn.b_y[0]), float(run.y[t - 1, 0]))))
        numbers_table([("input x_t", float(xs[t - 1, 0])),
                       (f"h_(t−1), unit {j}", float(h_prev[j - 1])),
                       (f"z_t, unit {j}", float(run.z[t - 1, j - 1])),
                       (f"h_t, unit {j}", float(run.h[t - 1, j - 1])),
                       ("output ŷ_t", float(run.y[t - 1, 0]))], replayed=False)
    with c_col:
        plotly(hidden_state_chart(run.h, mark_step=t), key="unroll_hidden")

    with st.expander("The whole unrolled network as one formula (SymPy)"):
        if act in SYMBOLIC_ACTIVATIONS:
            steps = min(T, UNROLLED_STEPS)
            st.markdown(small(f"One hidden unit, the first {steps} steps: each h_t is the step "
                              "formula with h_{t−1} put in, down to the inputs; E adds every "
                              "step's error.") + "\n\n" + formula_markdown(
                *(f"{lhs} = {rhs}" for lhs, rhs in unrolled_formulas(steps, act))))
        else:
            st.caption(f"SymPy unrolls the {', '.join(SYMBOLIC_ACTIVATIONS)} activations; choose "
                       "one of them to see the formula.")

    with st.expander("The shared weights (the same at every step)"):
        st.markdown("**W_x** (input → hidden unit j)")
        st.dataframe({f"unit {c + 1}": [f"{v:.4f}" for v in rnn.W_x[:, c]] for c in range(n_h)},
                     hide_index=True)
        st.markdown("**W_h** (row: unit of h_{t−1}, column: unit of h_t) and **b_h**")
        st.dataframe({"from": [f"h_(t−1), unit {r + 1}" for r in range(n_h)] + ["bias b_h"],
                      **{f"unit {c + 1}": [f"{v:.4f}" for v in rnn.W_h[:, c]]
                         + [f"{rnn.b_h[c]:.4f}"] for c in range(n_h)}}, hide_index=True)


b1 = b2 = st.container(horizontal=True)  # one row container, not columns: fewer elements
b1.button("◀ Previous step", key="unroll#prev", on_click=_move, args=(t - 1,), disabled=t == 1)
b2.button("Next step ▶", key="unroll#next", on_click=_move, args=(t + 1,), disabled=t == T)
shown = (int(n_h), act, seed, source, T, t, j)
section("unroll_body", shown, lambda: _body(*shown))

next_page("views/rnn_unrolled.py")
s.finish()
