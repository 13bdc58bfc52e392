"""Home: what the dashboard teaches and which page follows which part of the notes."""

import streamlit as st

from ui.layout import page_style

page_style()

st.title("How a neural network learns")
st.markdown(
    "This dashboard walks through a learner's notes on neural networks, from one neuron to "
    "training a network with a hidden layer. Every page puts three things side by side: "
    "**the formula** (derived by SymPy), **the numbers** it gives for the current network "
    "(computed by the NumPy network), and **a chart**. Change a slider and all three follow.\n\n"
    "Where the notes' own formulas are wrong, the dashboard says so and shows what following "
    "them would do. Every page's settings live in its link: copy the address bar to share the "
    "exact moment with a class."
)

st.subheader("The pages and the notes")
ROWS = [
    ("The neuron", "Background: weighted sum, sigmoid, perceptron",
     "Weighted sum = linear regression; + sigmoid = logistic regression; + threshold = "
     "a classifier."),
    ("One vs all", "“1 Neuron can classify 2 classes whereas 2 Neurons can classify 3”",
     "The notes' 2-neuron code beside one-vs-rest and softmax, and where it is ambiguous."),
    ("Hidden layers", "Hidden layers, Multi Layer Perceptron",
     "The forward pass: every weighted sum and activation on the network diagram."),
    ("Gradient descent", "“We can use Least Squares or Gradient Descent”, w ← w − η ∂E/∂w",
     "The update rule on the loss curve; a learning rate too small, good, too large."),
    ("Backprop, step by step", "The chain rule for the output and hidden layer weights",
     "Each factor of ∂E/∂w derived, with numbers, checked against finite differences."),
    ("The notes, checked", "The derivative list at the end of the notes",
     "Each stated formula beside the derived one, and a training run with each."),
]
for title, notes, what in ROWS:
    st.markdown(f"- **{title}** — *{notes}*. {what}")

st.caption("Teachers run it with `streamlit run app.py`; the pages are in the sidebar.")
