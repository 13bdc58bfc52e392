"""Home: what the dashboard teaches and which page follows which part of the notes."""

import streamlit as st

from ui.lesson import lesson_links, next_page

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

st.subheader("The lesson, page by page")
st.caption("In the order of the notes; each page ends with a link to the next.")
lesson_links()
next_page("views/home.py")

st.caption("Teachers run it with `streamlit run app.py`; the pages are in the sidebar.")
