"""Backprop through time, step by step: the Backprop page's walk for a weight of a recurrent
network, path by path, with the sum over time steps explicit, ending at the update and the new
loss. Layout only: every number and formula is derivations.recurrent's (SymPy on the unrolled
network, checked against nn_core), the verdicts page_model's, the figures charts.recurrent's."""

import streamlit as st

from charts.recurrent import contributions_chart, unrolled_diagram
from derivations.formulas import equation_lines
from derivations.recurrent import FD_STEP, MAX_T, MAX_UNITS, RNN_ACTIVATIONS
from page_model.numbers import fmt, fmt_share
from page_model.recurrent import (
    BPTT_PARAM_LABELS,
    BPTT_PARAMS,
    TASK_LABELS,
    TASKS,
    bptt_check,
    bptt_index_range,
    contribution_sentence,
    path_sentence,
)
from page_model.verdicts import factor_check, loss_change
from ui.cached import plotly, section
from ui.compute import rnn_step
from ui.escape import plain
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
from ui.recurrent import seed_input, sequence_summary

MAX_CHAIN_PATHS = 12  # the whole chain with its underbraces stays readable up to here


@settings
class Bptt:
    T: int = 3
    units: int = 1
    act: str = "tanh"
    seed: int = 0
    input: str = "sine"
    param: str = "W_h"
    i: int = 1
    j: int = 1
    lr: float = 0.5
    stage: int = 0
    more: bool = False  # the sidebar's box of the network and its sequence: open


STATE = page_state("bptt", Bptt, lambda: {
    "T": Int("number of steps", 2, MAX_T), "units": Int("hidden units", 1, MAX_UNITS),
    "act": Choice("activation", RNN_ACTIVATIONS), "seed": Int("weight seed", 0, 999),
    "input": Choice("input sequence", TASKS, TASK_LABELS),
    "param": Choice("weight", BPTT_PARAMS, BPTT_PARAM_LABELS),
    "i": Int("row i", 1, MAX_UNITS), "j": Int("column j", 1, MAX_UNITS),
    "lr": Float("learning rate η", 0.05, 5.0), "stage": Int("step of the walk", 0, 999),
    "more": Local(),
})

header("Backprop through time, step by step", "Training — the chain rule, through time",
       "Unrolled, a recurrent network is a deep network whose layers share their weights. So "
       "the gradient of a shared weight is a **sum over time steps**: every error E_t reaches "
       "the weight through every step k ≤ t that used it, along a path of chain-rule factors. "
       "Walk the paths one by one, then add them up step by step, then take the update.",
       quote=(r"$\frac{\partial E_{total}}{\partial w_{x_1h_{11}}} = \sum_{i}\bigg(\frac{\partial "
            r"E_i}{\partial y_i}\frac{\partial y_i}{\partial z_i}\frac{\partial z_i}{\partial "
            r"y_{h_{11}}}\bigg)\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}}\frac{\partial "
            r"z_{h_{11}}}{\partial w_{x_1h_{11}}}$"))

s = STATE.open()
with st.sidebar:
    more = settings_box(s, "Network and sequence")
    with more:
        if more.open:
            T = st.slider("steps T", 2, MAX_T, key=s.key("T"), help="SymPy differentiates the "
                          f"whole unrolled network: up to {MAX_T} steps.")
            units = st.slider("hidden units", 1, MAX_UNITS, key=s.key("units"))
            act = st.selectbox("activation", RNN_ACTIVATIONS, key=s.key("act"))
            seed = seed_input(s)
            source = st.selectbox("inputs like the task", TASKS, format_func=TASK_LABELS.get,
                                  key=s.key("input"))
        else:
            T, units, act, seed, source = (s.clamped(n) for n in ("T", "units", "act", "seed",
                                                                    "input"))
    closed_summary(more, f"{units} hidden unit{'s' if units > 1 else ''}, activation {act}, "
                         f"weight seed {seed}; " + sequence_summary(source, T) + ".",
                   heading="Which weight")
    param = st.radio("weight", BPTT_PARAMS, format_func=BPTT_PARAM_LABELS.get,
                     key=s.key("param"))
    rows, cols = bptt_index_range(param, 1, units, 1)
    # A weight with one row (column) leaves nothing to choose there: no radio, a widget less
    # on every rerun (s.clamped still pulls a link's value back, with its notice).
    i = st.radio("row i", list(range(1, MAX_UNITS + 1)), horizontal=True,
                 key=s.key("i", hi=rows)) if rows > 1 else s.clamped("i", hi=rows)
    j = st.radio("column j", list(range(1, MAX_UNITS + 1)), horizontal=True,
                 key=s.key("j", hi=cols)) if cols > 1 else s.clamped("j", hi=cols)
    lr = st.slider("learning rate η", 0.05, 5.0, step=0.05, key=s.key("lr"))
    s.reset_button()
i, j = min(int(i), rows), min(int(j), cols)

try:
    rnn, xs, ys, step = rnn_step(int(T), int(units), act, int(seed), source, param, i - 1,
                                 j - 1, float(lr))
except ValueError as err:
    s.show_notices()
    st.error(f"This walk cannot be built: {plain(err)}")
    s.finish()
    st.stop()

n_paths = len(step.paths)
n_stages = n_paths + 2  # every path, the sum over time steps, the update
stage = min(max(int(s["stage"]), 0), n_stages - 1)


def _move(delta: int) -> None:
    STATE.update(stage=min(max(STATE.get().stage + delta, 0), n_stages - 1))


s.set(stage=stage)
s.show_notices()
b1 = b2 = b3 = b4 = st.container(horizontal=True, vertical_alignment="center")  # not columns:
# one row container is fewer elements per rerun
b1.button("◀ Previous", on_click=_move, args=(-1,), key="bptt#prev", disabled=stage == 0)
b2.button("Next ▶", on_click=_move, args=(1,), key="bptt#next", disabled=stage == n_stages - 1)
b3.button("⟲ Restart", on_click=_move, args=(-999,), key="bptt#restart")
b4.progress((stage + 1) / n_stages, text=f"Step {stage + 1} of {n_stages}")


def _walk(rnn, xs, step, T: int, units: int, act: str, seed: int, source: str, param: str,
          i: int, j: int, stage: int) -> None:
    """The walk's stage: drawn from the settings alone (the seeded network and sequence, the
    weight, η), so replayed from the cache."""
    n_paths = len(step.paths)
    if n_paths <= MAX_CHAIN_PATHS:
        st.latex(step.chain_latex)
    else:
        st.caption(f"The whole chain has {n_paths} paths: too long to print in one line; walk "
                   "them below.")
    run = rnn.forward(xs)
    f_col, n_col, c_col = columns()
    if stage < n_paths:
        path = step.paths[stage]
        terms = [t for t in step.terms if t.path == stage]
        # Each run of heading, formulas and text is one element: fewer elements per rerun.
        with f_col:
            st.markdown(f"### Path {stage + 1}\n\n" + formula_markdown(
                r"\underbrace{" + path.product_latex + "}_{" + f"E_{{{path.t}}}" + "}"))
            st.info(path_sentence(path, stage, n_paths, int(units)))
            st.markdown("Each factor, derived by SymPy:\n\n" + formula_markdown(
                *(f"{t.symbol_latex} = {t.general_latex}" for t in terms)))
        with n_col:
            st.markdown("\n\n".join(["### With the numbers", *(
                formula_markdown(equation_lines(t.symbol_latex, t.substituted_latex,
                                                fmt(t.value, 6)))
                + "\n\n" + small(factor_check(t.value, t.check_value, t.kind,
                                               t.check_source).text) for t in terms)]))
            numbers_table([(f"factor {n + 1}", t.value) for n, t in enumerate(terms)]
                          + [("path product", path.product)], replayed=False)
        with c_col:
            plotly(unrolled_diagram(
                xs, run.h, run.y, span=(path.k, path.t),
                title=f"From the error of step {path.t} back to step {path.k}"),
                key="bptt_diagram")
    elif stage == n_paths:
        use = step.by_use_step
        with f_col:
            st.markdown(
                "### The sum over time steps\n\nGrouped by the step k that **uses** the weight, "
                "the paths give each step's term of the sum; each is compared below with "
                "backprop through time's own term for that step.\n\n" + formula_markdown(
                    rf"\frac{{\partial E}}{{\partial {step.weight_latex}}} = "
                    rf"\sum_{{k=1}}^{{{T}}}\left(\text{{term of step }} k\right)"))
            for note in step.notes:
                st.info(note)
        with n_col:
            st.markdown("### Each step's term")
            numbers_table([(f"step {c.t}", c.value) for c in use]
                          + [("sum = ∂E/∂w", step.sum_of_paths)], replayed=False)
            st.markdown("\n\n".join([*(small(
                f"Step {c.t}: {fmt_share(c.magnitude_share)} of the total size; "
                + factor_check(c.value, c.check, "input", c.check_source).text) for c in use),
                contribution_sentence([c.value for c in use])]))
        with c_col:
            plotly(contributions_chart([c.value for c in use],
                                       [c.magnitude_share for c in use],
                                       title="Each step's term of ∂E/∂w"), key="bptt_terms")
            st.markdown("Grouped instead by the error E_t each path starts from:")
            numbers_table([(f"from E_{c.t}", c.value) for c in step.by_error_step], replayed=False)
    else:
        check = bptt_check(step, FD_STEP)
        with f_col:
            st.markdown("### The update\n\n" + formula_markdown(
                rf"{step.weight_latex} \gets {step.weight_latex} - \eta "
                rf"\frac{{\partial E}}{{\partial {step.weight_latex}}}")
                + "\n\nSymPy's split into paths equals its derivative of the whole unrolled "
                f"error: {'✓ proved' if step.proved else '✗ not proved'} (difference at these "
                f"numbers {fmt(step.abs_err_whole, 2)}).")
        with n_col:
            st.markdown("### With the numbers\n\n" + formula_markdown(step.update_latex))
            numbers_table([
                ("∂E/∂w, sum of the paths", step.sum_of_paths),
                ("∂E/∂w, sympy.diff of the whole E", step.gradient),
                ("∂E/∂w, BPTT (NumPy network)", step.bptt_gradient),
                ("∂E/∂w, finite difference", step.fd_gradient),
                ("old value", step.old_value), ("new value", step.new_value),
                ("loss before", step.old_loss), ("loss after", step.new_loss),
            ], replayed=False)
            {True: st.success, False: st.error, None: st.info}[check.ok](check.text)
            st.markdown("One step on this weight alone: "
                        f"{loss_change(step.old_loss, step.new_loss)}.")
        with c_col:
            plotly(unrolled_diagram(xs, run.h, run.y, title="The sequence"),
                   key="bptt_diagram")


walk = (int(T), int(units), act, seed, source, param, i, j, float(lr), stage)
section("bptt_walk", walk, lambda: _walk(rnn, xs, step, *walk[:8], stage))

next_page("views/rnn_bptt.py")
s.finish()
