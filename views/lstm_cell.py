"""Recurrent networks 4 — the LSTM cell: the gates as filters, live, step by step, with each
gate's formula beside its numbers; and a published worked example reproduced. Layout only:
numbers from nn_core's LSTM (and nn_core.golden_lstm), formulas from derivations, sentences
from page_model.recurrent, figures from charts.recurrent."""

import streamlit as st

from charts.recurrent import gates_chart, over_time, unrolled_diagram
from derivations.formulas import equation_lines
from derivations.lstm_cell import MAX_T as LSTM_MAX_T
from derivations.recurrent_formulas import (
    lstm_cell_numbers,
    lstm_gate_numbers,
    lstm_step_formulas,
)
from nn_core import GATES, LSTM
from nn_core import golden_lstm as golden
from page_model.numbers import fmt
from page_model.recurrent import (
    TASK_LABELS,
    TASKS,
    cell_path_sentence,
    derivation_limit_sentence,
    forget_sentence,
    golden_gradient_sentence,
    golden_gradient_table,
    golden_rows,
    golden_sentence,
    golden_table,
    golden_verdict,
    make_task,
)
from page_model.verdicts import factor_check
from ui.cached import plotly, section
from ui.claims_box import claim_box
from ui.compute import golden_check, lstm_local_check, recurrent_claims
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
from ui.page_state import Choice, Float, Int, Local, page_state, settings
from ui.recurrent import seed_input, sequence_settings, sequence_summary, step_choice

MAX_UNITS = 3
MAX_STEPS = 10
GATE_TITLES = {"a": "Candidate a (what could be written)", "i": "Input gate i (how much is "
               "written)", "f": "Forget gate f (how much is kept)", "o": "Output gate o (how "
               "much is read out)"}


@settings
class Cell:
    units: int = 1
    T: int = 4
    input: str = "sine"
    seed: int = 0
    forget_bias: float = 1.0
    t: int = 2
    j: int = 1
    more: bool = False  # the sidebar's box of cell units, seed and input sequence: open


STATE = page_state("lstm", Cell, lambda: {
    "units": Int("number of cell units", 1, MAX_UNITS), "T": Int("number of steps", 2, MAX_STEPS),
    "input": Choice("input sequence", TASKS, TASK_LABELS), "seed": Int("weight seed", 0, 999),
    "forget_bias": Float("forget-gate bias", -3.0, 6.0), "t": Int("time step", 1, MAX_STEPS),
    "j": Int("cell unit", 1, MAX_UNITS), "more": Local(),
})

header("The LSTM cell", "“LSTM is RNN with filter”",
       "An LSTM keeps a **cell state** c_t beside its output h_t. Three gates, each a number "
       "between 0 and 1 per unit, act as filters: the **input gate** scales what is written "
       "into the cell, the **forget gate** what it keeps of its last value, the **output gate** "
       "what is read out. Follow one step's numbers, gate by gate.",
       quote="LSTM is RNN with filter.")


s = STATE.open()
with st.sidebar:  # no heading "The cell": the whole page is about it (an element fewer)
    forget_bias = st.slider("forget-gate bias b_f", -3.0, 6.0, step=0.5,
                            key=s.key("forget_bias"),
                            help="A large b_f keeps f near 1: the cell remembers.")
    more = settings_box(s, "Cell units, seed, input sequence")
    with more:
        if more.open:
            units = st.slider("cell units", 1, MAX_UNITS, key=s.key("units"))
            seed = seed_input(s)
        else:
            units, seed = s.clamped("units"), int(s.clamped("seed"))
        source, T = sequence_settings(s, MAX_STEPS, more.open)
    closed_summary(more, f"{units} cell unit{'s' if units > 1 else ''}, weight seed {seed}; "
                         + sequence_summary(source, T) + ".", heading="Explain")
    t, j = step_choice(s, MAX_STEPS, T, "cell unit j", MAX_UNITS, units, heading=False)
s.show_notices()


def _cell(units: int, seed: int, forget_bias: float, source: str, T: int, t: int, j: int
          ) -> None:
    """The notes' claim, then the cell's step t, unit j: drawn from the settings alone (seeded
    weights and inputs), so replayed from the cache (one section: one cache call per rerun)."""
    claim_box(recurrent_claims()["lstm_is_rnn_with_filter"])
    cell = LSTM.init(1, units, seed=seed, forget_bias=forget_bias)
    xs = make_task(source, 1, T, k=1, seed=seed).xs[0]
    run = cell.forward(xs)
    plotly(unrolled_diagram(xs, run.h, cs=run.c, step=t,
                            weight_names={"x": "W", "h": "U", "c": "× f"},
                            title=f"The cell unrolled over {T} steps: step {t} highlighted"),
           key="lstm_diagram",
           note="The cell state runs along the top: from one step to the next it is only "
                "multiplied by the forget gate and added to. The outputs h feed every gate of "
                "the next step through U.")

    forms = lstm_step_formulas()
    x_t = xs[t - 1]
    h_prev = run.h[t - 2] if t > 1 else [0.0] * units
    c_prev = float(run.c[t - 2, j - 1]) if t > 1 else 0.0
    g = {k: float(run.gates[k][t - 1, j - 1]) for k in GATES}
    f_col, n_col, c_col = columns()
    # Each column's heading and formulas are one element (ui.layout.formula_markdown): fewer
    # elements to replay on every rerun.
    with f_col:
        st.markdown("### The gates\n\n" + formula_markdown(
            *(item for k in ("a", "i", "f", "o")
              for item in ((GATE_TITLES[k], forms[f"z_{k}"]), forms[k])),
            ("Cell state and output (unit by unit)", forms["c"]), forms["h"], forms["start"]))
    with n_col:
        lines = []
        for k in ("a", "i", "f", "o"):
            lines += lstm_gate_numbers(
                k, t, j, x_t, h_prev, cell.W[k][:, j - 1], cell.U[k][:, j - 1],
                float(cell.b[k][j - 1]), float(run.z[k][t - 1, j - 1]), g[k])
        lines += lstm_cell_numbers(t, j, g["a"], g["i"], g["f"], c_prev,
                                   float(run.c[t - 1, j - 1]), g["o"],
                                   float(run.h[t - 1, j - 1]))
        st.markdown(f"### Step {t}, unit {j}, with the numbers\n\n" + formula_markdown(*lines))
        numbers_table([("input x_t", float(x_t[0])), ("c_(t−1)", c_prev),
                       *((GATE_TITLES[k].split(" (")[0], g[k]) for k in ("a", "i", "f", "o")),
                       ("cell state c_t", float(run.c[t - 1, j - 1])),
                       ("output h_t", float(run.h[t - 1, j - 1]))], replayed=False)
    with c_col:
        plotly(gates_chart(run.gates, j - 1, mark_step=t), key="lstm_gates")
        plotly(over_time({f"cell state c, unit {j}": run.c[:, j - 1],
                          f"output h, unit {j}": run.h[:, j - 1]},
                         title="Cell state and output over time", mark_step=t), key="lstm_state")
        st.markdown(forget_sentence(run.gates["f"]))

    heading = f"### Each gate's derivative at step {t}, derived"
    if units == 1 and T <= LSTM_MAX_T:
        chk = lstm_local_check(T, seed, forget_bias, source)
        st.markdown(f"{heading}\n\nSymPy differentiates each local formula of the cell; every "
                    "derivative is evaluated at this cell's numbers and compared with the NumPy "
                    "network's.")
        # Each column one element: the derivative's name, its formula, and its check (small).
        halves: tuple[list[str], list[str]] = ([], [])
        for n, term in enumerate(tm for tm in chk.terms if tm.t == t):
            halves[n % 2].extend((
                f"*{term.description}*",
                formula_markdown(equation_lines(term.symbol_latex, term.general_latex,
                                                term.substituted_latex, fmt(term.value, 6))),
                small(factor_check(term.value, term.check_value, "activation",
                                   "the NumPy network's number").text)))
        for col, half in zip(st.columns(2), halves, strict=True):
            col.markdown("\n\n".join(half))
        st.markdown("The cell path, multiplied out: " + cell_path_sentence(chk.cell_path,
                                                                           chk.cell_path_check))
    else:
        st.markdown(heading)
        st.info(derivation_limit_sentence(units, T, LSTM_MAX_T))


def _golden() -> None:
    """The published worked example: the same for every setting."""
    rows = golden_rows()
    st.markdown(f"Source: {golden.SOURCE}. One cell unit with two inputs, two time steps, the "
                "squared error ½(h_t − y_t)² at each step, then one gradient step with "
                f"η = {golden.LEARNING_RATE:g}. The post counts steps from 0; here they count "
                "from 1.")
    (st.success if all(r.matches for r in rows) else st.error)(golden_sentence(rows,
                                                                               golden.DIGITS))
    gx, gy = golden.inputs()
    numbers_table([(f"x, step {n + 1}, input {m + 1}", float(gx[n, m]))
                   for n in range(gx.shape[0]) for m in range(gx.shape[1])]
                  + [(f"label y, step {n + 1}", float(gy[n, 0])) for n in range(gy.shape[0])],
                  replayed=False)
    st.dataframe(golden_table(rows), hide_index=True)
    st.caption("Provenance, plainly: the post shows its numbers as images, which could not be "
               "transcribed automatically. The “published” column was recomputed at the post's "
               "precision from its weights and inputs, independently of the NumPy network; "
               "compare it by eye with the post. Its second label, 1.25, cannot be reached: "
               "h = tanh(c)·o stays below 1.")


def _golden_gradients() -> None:
    gold = golden_check()
    st.dataframe(golden_gradient_table(gold.gradients), hide_index=True)
    st.markdown(golden_gradient_sentence(gold.gradients))


shown = (int(units), seed, float(forget_bias), source, T, t, j)
section("lstm_cell", shown, lambda: _cell(*shown))
# The worked example is the same for every setting: its verdict in the title, its tables drawn
# only while open (fewer elements per rerun).
golden_box = st.expander("A published worked example: "
                         + golden_verdict(golden_rows()), key="lstm#golden_open",
                         on_change="rerun")
with golden_box:
    if golden_box.open:
        section("lstm_golden", (), _golden)
        if st.toggle("Also derive every weight's gradient with SymPy (a few seconds the first "
                     "time)", key="lstm#golden_sympy"):
            section("lstm_golden_gradients", (), _golden_gradients)

next_page("views/lstm_cell.py")
s.finish()
