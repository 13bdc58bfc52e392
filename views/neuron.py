"""The “The neuron” page: weighted sum (linear regression), + sigmoid (logistic regression),
+ threshold (a classifier). Layout only: numbers from nn_core, formulas from derivations."""

import streamlit as st

from charts.neuron import activation_curve, neuron_plane
from derivations import formulas as F
from nn_core import get_activation
from ui.cached import chart
from ui.compute import NEURON_POINTS, neuron_data, neuron_numbers
from ui.layout import (
    closed_summary,
    columns,
    formula_markdown,
    header,
    numbers_table,
    settings_box,
)
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, Local, page_state, settings

N_POINTS = NEURON_POINTS
STAGES = {
    "weighted_sum": "1 · weighted sum (linear regression)",
    "sigmoid": "2 · + sigmoid (logistic regression)",
    "classifier": "3 · + threshold (a classifier)",
}




@settings
class Neuron:
    stage: str = "classifier"
    w1: float = -1.0
    w2: float = 2.0
    b: float = 0.0
    theta: float = 0.5
    point: int = 0
    noise: float = 0.1
    seed: int = 0
    more: bool = False  # the sidebar's data box: open


STATE = page_state("neuron", Neuron, lambda: {
    "stage": Choice("stage", tuple(STAGES), STAGES), "w1": Float("weight w₁", -5.0, 5.0),
    "w2": Float("weight w₂", -5.0, 5.0), "b": Float("bias b", -5.0, 5.0),
    "theta": Float("threshold θ", 0.05, 0.95), "point": Int("data point i", 0, N_POINTS - 1),
    "noise": Float("noise", 0.0, 1.0), "seed": Int("data seed", 0, 999), "more": Local(),
})


header("The neuron", "Background — weighted sum, sigmoid, threshold",
       "One neuron computes a **weighted sum** of its inputs. On its own that is linear "
       "regression; passing it through the **sigmoid** turns it into logistic regression; a "
       "**threshold** on the output makes it a classifier for two classes.",
       quote="Neural Network without hidden layer can be thought of Linear Regression, "
             "weighted sum. Adding the Sigmoid function it then becomes Logistic Regression.")

s = STATE.open()
with st.sidebar:
    st.subheader("Neuron settings")
    stage = st.radio("Stage", list(STAGES), format_func=STAGES.get, key=s.key("stage"))
    w1 = st.slider("weight w₁", -5.0, 5.0, step=0.1, key=s.key("w1"))
    w2 = st.slider("weight w₂", -5.0, 5.0, step=0.1, key=s.key("w2"))
    b = st.slider("bias b", -5.0, 5.0, step=0.1, key=s.key("b"))
    # θ only matters once the threshold is part of the neuron (stage 3).
    theta = st.slider("threshold θ", 0.05, 0.95, step=0.05, key=s.key("theta"),
                      disabled=stage != "classifier",
                      help=None if stage == "classifier" else "Used from stage 3 on.")
    # Drawn only while open (each control costs every rerun); the page state keeps the values.
    more = settings_box(s, "Data: point, noise, seed", icon=":material/scatter_plot:")
    with more:
        if more.open:
            point = st.number_input("data point i", step=1, **s.number("point"))
            s.said("point")
            noise = st.slider("noise", 0.0, 1.0, step=0.05, key=s.key("noise"))
            seed = st.number_input("data seed", step=1, **s.number("seed"))
            s.said("seed")
        else:
            point, noise, seed = s.clamped("point"), s.clamped("noise"), s.clamped("seed")
    closed_summary(more, f"Data point {int(point)} of {N_POINTS}, noise {noise:g}, "
                         f"seed {int(seed)}.")
    s.reset_button()
s.show_notices()

data = neuron_data(int(seed), float(noise))
X, labels = data.X_train, data.y_train
net, nums = neuron_numbers(int(seed), float(noise), float(w1), float(w2), float(b), int(point),
                           float(theta))
x_i = X[point]
z_i, y_i, cls_i = nums.z, nums.y_hat, nums.predicted
z_theta = F.threshold_z_value(theta)
forms = F.neuron_formulas(2)

f_col, n_col, c_col = columns()
with f_col:
    shown = [forms["notes_weighted_sum"]]
    if stage != "weighted_sum":
        shown.append(("Sigmoid", forms["sigmoid"]))
    if stage == "classifier":
        shown += [("Threshold", forms["classifier"]),
                  ("Decision line (solved by SymPy from σ(z) = θ)", forms["decision_line"])]
    # One element: the heading, ours, then the notes' form and the stages after it.
    st.markdown("### Formula\n\n" + formula_markdown(("Weighted sum", forms["weighted_sum"]))
                + "\n\n*The notes' form, for data point i and feature j (no bias term):*\n\n"
                + formula_markdown(*shown))
with n_col:
    lines = [F.weighted_sum_numbers([w1, w2], x_i, b, z_i)]
    rows = [("x₁", x_i[0]), ("x₂", x_i[1]), ("weighted sum z", z_i)]
    if stage != "weighted_sum":
        lines.append(F.activation_numbers("sigmoid", z_i, y_i))
        rows.append(("output ŷ", y_i))
    if stage == "classifier":
        lines += [F.threshold_numbers(theta, y_i, cls_i), F.threshold_z_numbers(theta, z_theta)]
        rows += [("predicted class", cls_i), ("true class", int(labels[point])),
                 ("z_θ", z_theta), ("accuracy on all points", nums.accuracy)]
    # The heading and the numbers' formulas: one element.
    st.markdown(f"### Numbers for point {point}\n\n" + formula_markdown(*lines))
    numbers_table(rows)
with c_col:
    # The charts are drawn from the data (seed, noise), the neuron and the stage.
    chart("neuron_plane", (int(seed), float(noise), w1, w2, b, stage, theta, int(point)),
          lambda: neuron_plane(lambda pts: (lambda f: (f.zs[0][:, 0], f.ys[1][:, 0]))(
              net.forward_pass(pts)), X, labels, stage=stage, theta=theta, point=x_i))
    if stage != "weighted_sum":
        th = (theta, z_theta) if stage == "classifier" else (None, None)
        chart("neuron_curve", (float(z_i), float(y_i), *th), lambda: activation_curve(
            get_activation("sigmoid"), z_i, y_i, *th))
    else:
        st.caption("Without an activation the output is the weighted sum itself: an unbounded "
                   "number, like a linear regression's prediction.")

next_page("views/neuron.py")
s.finish()
