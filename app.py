"""Entry point: `streamlit run app.py`. Page config and the navigation, grouped as the notes are.

Each page is its own file under pages/ (so it can be tested and linked on its own). To add a
page, add one ``st.Page`` line to its section in ``PAGES``.
"""

import streamlit as st

st.set_page_config(page_title="How a neural network learns", layout="wide")

PAGES = {
    "Start": [
        st.Page("pages/home.py", title="Home", icon=":material/home:",
                default=True),
    ],
    "Background: one neuron": [
        st.Page("pages/neuron.py", title="The neuron", icon=":material/radio_button_checked:",
                url_path="neuron"),
        st.Page("pages/one_vs_all.py", title="One vs all", icon=":material/call_split:",
                url_path="one-vs-all"),
    ],
    "Hidden layers": [
        st.Page("pages/hidden_layers.py", title="Hidden layers", icon=":material/hub:",
                url_path="hidden-layers"),
    ],
    "Training": [
        st.Page("pages/gradient_descent.py", title="Gradient descent", icon=":material/landscape:",
                url_path="gradient-descent"),
        st.Page("pages/backprop_steps.py", title="Backprop, step by step", icon=":material/link:",
                url_path="backprop"),
        st.Page("pages/notes_checked.py", title="The notes, checked", icon=":material/fact_check:",
                url_path="notes-checked"),
    ],
    "Practice": [
        st.Page("pages/playground.py", title="Training playground", icon="🎮",
                url_path="playground"),
    ],
}

st.navigation(PAGES).run()
