"""Recurrent networks 3 — vanishing and exploding gradients: |∂h_T/∂h_t| against T − t for a
tanh RNN at several recurrent weights, against the LSTM's cell path Π f_k, and what gradient
clipping changes. Layout only: the curves are nn_core's (RNN.gradient_flow, LSTM.cell_path),
the sentences page_model.recurrent's, the figures charts.recurrent's."""

import streamlit as st

from charts.recurrent import gradient_decay_chart
from derivations.recurrent_formulas import gradient_product_formulas
from page_model.recurrent import (
    MAX_T,
    W_H_CHOICES,
    clip_sentence,
    clipping_step,
    decay_sentence,
    lstm_cell_path,
    product_check,
    product_check_sentence,
    rnn_flows,
)
from page_model.verdicts import loss_change
from ui.cached import plotly, section
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
from ui.page_state import Bool, Choice, Float, Floats, Int, Local, page_state, settings
from ui.recurrent import seed_input


@settings
class Gradients:
    T: int = 12
    w_h: tuple = (0.5, 0.9, 1.5)
    amplitude: float = 0.02
    forget_bias: float = 3.0
    seed: int = 0
    clip_on: bool = True
    clip: float = 1.0
    clip_w: float = 1.5
    more: bool = False  # the sidebar's clipping box: open


STATE = page_state("grads", Gradients, lambda: {
    "T": Int("number of steps T", 2, MAX_T), "w_h": Floats("recurrent weights", 0.05, 5.0, 8),
    "amplitude": Float("input size", 0.0, 2.0), "forget_bias": Float("forget-gate bias", -3, 6),
    "seed": Int("input seed", 0, 999), "clip_on": Bool("clipping"),
    "clip": Float("clipping threshold", 0.01, 100.0),
    "clip_w": Choice("recurrent weight to clip", W_H_CHOICES), "more": Local(),
})

header("Vanishing and exploding gradients",
       "“LSTM is RNN with filter” — why the filter matters",
       "Backprop through time multiplies one factor ∂h_k/∂h_{k−1} per step. Over many steps "
       "that product shrinks towards 0 (the gradient **vanishes**: early steps stop mattering) "
       "or grows without bound (it **explodes**: one step swamps the update). The LSTM's cell "
       "state is carried by the forget gate alone, so its path multiplies only f_k.",
       quote="LSTM is RNN with filter.")

s = STATE.open()
with st.sidebar:
    # No headings "The sequence" and "The networks": the labels say which each control sets
    # (an element fewer each on every rerun).
    T = st.slider("number of steps T", 2, MAX_T, key=s.key("T"))
    amplitude = st.slider("input size (|x_t| up to)", 0.0, 2.0, step=0.01, key=s.key("amplitude"),
                          help="Large inputs saturate tanh: f'(z) → 0 shrinks every factor.")
    seed = seed_input(s, "input seed")
    w_key = s.key("w_h")
    known = [w for w in st.session_state[w_key] if w in W_H_CHOICES]
    if known != st.session_state[w_key]:  # a list as the widget keeps it; a write costs more
        st.session_state[w_key] = known
    w_h = st.multiselect("RNN recurrent weights w_h", W_H_CHOICES, key=w_key,
                         help="One scalar tanh RNN per weight: h_t = tanh(x_t + w_h h_{t−1}).")
    forget_bias = st.slider("LSTM forget-gate bias b_f", -3.0, 6.0, step=0.5,
                            key=s.key("forget_bias"),
                            help="f = σ(… + b_f): a large b_f keeps f near 1.")
    more = settings_box(s, "Gradient clipping")
    with more:
        if more.open:
            clip_on = st.toggle("clip the gradient's length", key=s.key("clip_on"))
            clip = st.number_input("threshold", step=0.5, format="%.2f", disabled=not clip_on,
                                   **s.number("clip"))
            s.said("clip")
            clip_w = st.selectbox("for the RNN with w_h =", W_H_CHOICES, key=s.key("clip_w"))
        else:
            clip_on, clip, clip_w = (s.clamped(n) for n in ("clip_on", "clip", "clip_w"))
    closed_summary(more, (f"Clipped at length {clip:g}" if clip_on else "Not clipped")
                   + f", the RNN with w_h = {clip_w:g}.")
    s.reset_button()
s.show_notices()
if not w_h:
    st.warning("Choose at least one recurrent weight; showing w_h = 0.5.")
    w_h = [0.5]


def _curves(w_h: tuple, T: int, amplitude: float, forget_bias: float, seed: int,
            clip_on: bool, clip: float, clip_w: float) -> None:
    """Everything below the settings: drawn from them alone, so replayed from the cache."""
    flows = rnn_flows(list(w_h), T, amplitude, seed)
    cell = lstm_cell_path(T, amplitude, forget_bias, seed)
    curves = {f"RNN, w_h = {w:g}": f.norms for w, f in flows.items()}
    curves[f"LSTM cell path, b_f = {forget_bias:g}"] = cell.norms

    forms = gradient_product_formulas("tanh")
    f_col, n_col, c_col = columns()
    # Each column's heading, formulas and text are one element: fewer elements per rerun.
    with f_col:
        st.markdown(
            "### The product\n\nOne step's factor, derived by SymPy from h_k = tanh(x_k + w_h "
            "h_{k−1}), and the chain rule's product over the steps:\n\n"
            + formula_markdown(forms["rnn_factor"], forms["rnn_product"])
            + "\n\nThe LSTM's cell path, from c_k = a_k i_k + f_k c_{k−1}:\n\n"
            + formula_markdown(forms["cell_factor"], forms["cell_product"]) + "\n\n"
            + small("Each factor is at most |w_h| in size (1 − h_k² ≤ 1): with |w_h| < 1 the "
                    "product shrinks at least as fast as |w_h|^(T−t); with |w_h| > 1 it can "
                    "grow, unless tanh saturates (h_k near ±1) and the factors fall below 1."))
    with n_col:
        st.markdown("\n\n".join([
            "### With the numbers",
            "\n".join("- " + decay_sentence(norms, label) for label, norms in curves.items()),
            *(small(product_check_sentence(product_check(w, T, amplitude, seed), f"w_h = {w:g}"))
              for w in sorted(w_h))]))
        numbers_table([(f"{label}: |∂h_T/∂h_1|" if "RNN" in label else f"{label}: ∂c_T/∂c_1",
                        float(norms[-1])) for label, norms in curves.items()], replayed=False)
    with c_col:
        plotly(gradient_decay_chart(curves, title=f"How far back the gradient reaches "
                                    f"(T = {T})"), key="grads_decay")

    step = clipping_step(clip_w, T, amplitude, seed, clip if clip_on else None)
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("### Gradient clipping\n\n" + formula_markdown(forms["clip"]) + "\n\n"
                    + (clip_sentence(step.norm, clip) if clip_on else
                       "Clipping is off: the update uses the whole gradient, however long."))
    with c2:
        numbers_table([("‖g‖ before clipping", step.norm), ("‖g‖ used", step.used_norm),
                       ("loss before the step", step.loss_before),
                       ("loss after the step", step.loss_after)], replayed=False)
        st.markdown(f"One step with η = {step.lr:g}: "
                    + loss_change(step.loss_before, step.loss_after) + ".")


shown = (tuple(sorted(w_h)), int(T), float(amplitude), float(forget_bias), seed, bool(clip_on),
         float(clip), float(clip_w))
section("grads_curves", shown, lambda: _curves(*shown))

next_page("views/rnn_gradients.py")
s.finish()
