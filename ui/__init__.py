"""Streamlit helpers shared by the pages (layout support only; no maths here).

- ``ui.params``: page settings in the link (``st.query_params``) with typed, validated getters
  that fall back to defaults with a notice, and a write-back of changed values.
- ``ui.layout``: the formula · numbers · chart columns, notes quotes, number tables, page style.
"""
