"""Entry point: `streamlit run app.py`. Page config and the navigation, grouped as the notes are.

Each page is its own file under views/, so it can be tested and linked on its own. (Not pages/:
that folder name turns on Streamlit's older file-based navigation, which answers a direct link
without running app.py.) To add a page, add one ``st.Page`` line to its section in ``_pages``
(built once per server process: ui.navigation).
"""

import streamlit as st

from ui import navigation
from ui.compute import warm_up
from ui.layout import app_chrome
from ui.run_gate import gate_script_runs
from ui.threads import one_blas_thread
from ui.widget_key_lookup import lazy_widget_key_lookup

one_blas_thread()  # a class shares the cores: spinning BLAS threads only burn CPU (ui.threads)
gate_script_runs()  # a few reruns at a time, in arrival order: shorter waits (ui.run_gate)
lazy_widget_key_lookup()  # widgets test their key without copying all session state (its module)
st.set_page_config(page_title="How a neural network learns", layout="wide")
warm_up()  # SymPy derives the notes' audit and chain rules in the background, once


def _pages():
    return {
        "Start": [
            st.Page("views/home.py", title="Home", icon=":material/home:",
                    default=True),
        ],
        "Background: one neuron": [
            st.Page("views/neuron.py", title="The neuron", icon=":material/radio_button_checked:",
                    url_path="neuron"),
            st.Page("views/one_vs_all.py", title="One vs all", icon=":material/call_split:",
                    url_path="one-vs-all"),
        ],
        "Hidden layers": [
            st.Page("views/hidden_layers.py", title="Hidden layers", icon=":material/hub:",
                    url_path="hidden-layers"),
        ],
        "Training": [
            st.Page("views/gradient_descent.py", title="Gradient descent",
                    icon=":material/landscape:", url_path="gradient-descent"),
            st.Page("views/backprop_steps.py", title="Backprop, step by step",
                    icon=":material/link:", url_path="backprop"),
            st.Page("views/notes_checked.py", title="The notes, checked",
                    icon=":material/fact_check:", url_path="notes-checked"),
        ],
        "Practice": [
            st.Page("views/playground.py", title="Training playground",
                    icon=":material/sports_esports:", url_path="playground"),
        ],
        "Recurrent networks": [
            st.Page("views/rnn_unrolled.py", title="Unrolled through time",
                    icon=":material/view_week:", url_path="rnn-unrolled"),
            st.Page("views/rnn_bptt.py", title="Backprop through time, step by step",
                    icon=":material/history:", url_path="bptt"),
            st.Page("views/rnn_gradients.py", title="Vanishing and exploding gradients",
                    icon=":material/trending_down:", url_path="vanishing-gradients"),
            st.Page("views/lstm_cell.py", title="The LSTM cell", icon=":material/filter_alt:",
                    url_path="lstm"),
            st.Page("views/sequence_playground.py", title="A sequence playground",
                    icon=":material/timeline:", url_path="sequence-playground"),
        ],
    }


page = st.navigation(navigation.pages(_pages))
# One element for every page: one browser-history entry per page opened (not one per setting
# changed), wide formulas reachable by keyboard, and the layout's style (not on the playground,
# which has always kept Streamlit's own layout).
app_chrome(styled=page.url_path != "playground")
page.run()
