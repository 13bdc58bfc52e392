"""Streamlit helpers shared by the pages (layout support only; no maths here).

- ``ui.params``: page settings in the link (``st.query_params``) with typed, validated getters.
"""
