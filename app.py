"""Entry point: `streamlit run app.py`."""

import streamlit as st

st.set_page_config(page_title="How a neural network learns", layout="wide")
st.title("How a neural network learns")
st.write("The dashboard pages are on their way; nn_core and derivations come first.")
