"""The “Gradient descent” page: the update rule walked on the loss curve / surface, and what the
learning rate does. Losses, gradients and paths come from page_model.descent."""

import streamlit as st

from charts.descent import descent_curve, descent_surface
from charts.training import loss_curves
from derivations import formulas as F
from page_model.descent import (
    WEIGHT_GRID,
    capped_steps,
    critical_lr,
    lowest_loss,
    lr_ratio,
    preset_lr,
    preset_runs,
    progress,
)
from page_model.numbers import fmt
from page_model.summaries import descent_summary
from page_model.verdicts import descent_verdict
from ui.cached import chart
from ui.compute import DESCENT_POINTS, descent, descent_data, descent_landscape
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
from ui.page_state import Bool, Choice, Float, Int, Local, page_state, settings

MODELS = {
    "linear": "linear neuron ŷ = z (linear regression)",
    "sigmoid": "sigmoid neuron ŷ = σ(z) (logistic regression)",
}
# Neutral sizes: what each η does is the verdict's to say (a "large" sigmoid η may settle).
RATES = {
    "small": "small",
    "good": "medium",
    "large": "large",
    "custom": "custom",
}
N_POINTS = DESCENT_POINTS



@settings
class Descent:
    model: str = "linear"
    two: bool = False
    w1: float = -3.0
    w2: float = 0.5
    rate: str = "good"
    eta: float = 0.5
    steps: int = 20
    more: bool = False  # the sidebar's box of model, weights learned and steps: open


STATE = page_state("gd", Descent, lambda: {
    "model": Choice("model", tuple(MODELS), MODELS), "two": Bool("two weights"),
    "w1": Float("start w₁", -3.5, 3.5), "w2": Float("w₂", -3.5, 3.5),
    "rate": Choice("learning rate", tuple(RATES), RATES),
    "eta": Float("custom η", 0.001, 200.0), "steps": Int("steps", 1, 60), "more": Local(),
})


header("Gradient descent", "Training — “We can use Least Squares or Gradient Descent”",
       "Gradient descent moves each weight a small step downhill: the step is the slope "
       "∂E/∂w times the learning rate η. Too small and it crawls; too large and every step "
       "overshoots the bottom by more than the last.",
       quote=r"$w_{x_1z_1} \gets w_{x_1z_1} - \eta\frac{\partial E_{total}}{\partial w_{x_1z_1}}$")

s = STATE.open()
with st.sidebar:
    st.subheader("Model and weights")
    # Drawn only while open (each control costs every rerun); the page state keeps the values.
    more = settings_box(s, "Model, weights learned, steps")
    with more:
        if more.open:
            model = st.radio("model", list(MODELS), format_func=MODELS.get,
                             key=s.key("model"))
            two = st.toggle("learn two weights (w₁ and w₂)", key=s.key("two"))
            steps = st.slider("steps", 1, 60, key=s.key("steps"))
        else:
            model, two, steps = s.clamped("model"), s.clamped("two"), s.clamped("steps")
    closed_summary(more, f"The {MODELS[model]}; {'w₁ and w₂' if two else 'w₁ alone'} learned; "
                         f"{int(steps)} steps.")
    w1_0 = st.slider("start w₁", -3.5, 3.5, step=0.1, key=s.key("w1"))
    w2_0 = st.slider("start w₂" if two else "w₂ (held fixed)", -3.5, 3.5, step=0.1,
                     key=s.key("w2"))
    X, Y = descent_data(model)
    learn = [True, bool(two)]
    # The choice as this run draws it (the widget's key holds it already): a preset's η goes
    # under the heading, one element with it.
    rate_key = s.key("rate")
    rate = s["rate"]
    preset = None if rate == "custom" else preset_lr(rate, model, X, learn)
    st.markdown("### Learning rate" + ("" if preset is None else "\n\n" + small(
        f"η = {fmt(preset)}, the “{RATES[rate]}” preset for this model.")))
    rate = st.radio("η", list(RATES), format_func=RATES.get, horizontal=True, key=rate_key)
    if rate == "custom":  # the box only while it is the η in use
        custom = st.number_input("custom η", step=0.01, format="%.3f", **s.number("eta"))
        s.said("eta")
    else:
        custom = s["eta"]
    s.reset_button()
s.show_notices()
s.finish()

eta_max = critical_lr(X, learn) if model == "linear" else None
lr = float(custom) if rate == "custom" else preset
try:
    path = descent(model, (w1_0, w2_0), lr, capped_steps(steps), tuple(learn))
except ValueError as err:
    st.error(plain(err))
    st.stop()
surface = descent_landscape(model, bool(two), float(w2_0))
done = progress(path, surface)
floor = lowest_loss(path, surface)


def _run(eta):
    other = descent(model, (w1_0, w2_0), eta, capped_steps(steps), tuple(learn))
    return other.losses, other.weights, other.blew_up


verdict = descent_verdict(path.losses, path.weights, path.grads, floor, lr, _run, eta_max,
                          path.blew_up)
forms = F.gradient_descent_formulas()

f_col, n_col, c_col = columns()
with f_col:  # the heading, formulas and notes: one element
    column = ["### Formula",
              formula_markdown(("The update rule", forms["update"]),
                               ("The error of one point (the notes' E)", forms["squared_error"])),
              small("The bias is held at 0 here so the loss is a function of the weights "
                    "alone; E is averaged over the data points.")]
    if model == "linear":
        column += [
            "**Why a large η diverges** (one weight, one point; SymPy derives E″):",
            formula_markdown(forms["linear_loss"], forms["curvature"]),
            "Each step multiplies the distance to the minimum by",
            formula_markdown(forms["factor"]),
            "so the steps settle only while |ρ| < 1, that is below",
            formula_markdown(forms["eta_max"]),
            small("With many points and weights, x² becomes the largest eigenvalue of XᵀX/n.")]
    st.markdown("\n\n".join(column))
with n_col:  # the heading and the first step's numbers: one element
    g0 = path.grads[0][0] if len(path.grads) else 0.0
    st.markdown("### Numbers" + ("\n\n" + formula_markdown(F.update_numbers(
        path.weights[0][0], lr, g0, path.weights[1][0])) if len(path.weights) > 1 else ""))
    rows = [("learning rate η", lr)]
    if eta_max is not None:
        rows.append(("η_max = 2/λ_max", eta_max))
        rows.append(("η / η_max", lr_ratio(lr, X, learn)))
    rows += [("loss at start", path.losses[0]), ("loss at the end", path.losses[-1]),
             ("steps taken", len(path.weights) - 1), ("w₁ at the end", path.weights[-1][0])]
    if two:
        rows.append(("w₂ at the end", path.weights[-1][1]))
    rows.append(("share of the way down", done))
    numbers_table(rows)
    (getattr(st, verdict.level))(verdict.text)
with c_col:
    # The charts are drawn from the data (the model), the start, η and the steps.
    drawn = (model, bool(two), w1_0, w2_0, lr, int(steps))
    if two:
        chart("gd_surface", drawn, lambda: descent_surface(
            WEIGHT_GRID, WEIGHT_GRID, surface, path.weights,
            title="Loss over (w₁, w₂) and the steps"),
            summary=lambda: descent_summary(path.weights, path.losses))
    else:
        chart("gd_curve", drawn, lambda: descent_curve(
            WEIGHT_GRID, surface, path.weights[:, 0], path.losses,
            title="Loss E(w₁) and the steps"),
            summary=lambda: descent_summary(path.weights[:, 0], path.losses))

    def steps_chart():
        series = {}
        runs = preset_runs(model, X, learn,
                           lambda eta: descent(model, (w1_0, w2_0), eta, int(steps), tuple(learn)))
        for r, (eta_r, run_r) in runs.items():
            short = descent_verdict(run_r.losses, run_r.weights, run_r.grads, floor, eta_r,
                                    blew_up=run_r.blew_up).short
            series[f"{RATES[r]} (η = {fmt(eta_r, 3)}): {short}"] = list(run_r.losses)
        if rate == "custom":
            series[f"custom (η = {fmt(lr, 3)}): {verdict.short}"] = list(path.losses)
        fig = loss_curves(series, title="Loss per step, every preset", log_y=True,
                          x=range(int(steps) + 1))
        return fig.update_layout(xaxis_title="step")

    chart("gd_steps", (*drawn, rate), steps_chart)

next_page("views/gradient_descent.py")
