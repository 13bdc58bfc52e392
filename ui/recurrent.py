"""The recurrent pages' shared Streamlit parts: the settings block the step-by-step pages share
(a seeded network on one input sequence, and the step t and unit j being explained). What they
draw from those settings alone is replayed from the cache (``ui.cached.section``).
"""

from __future__ import annotations

import streamlit as st

from page_model.recurrent import TASK_LABELS, TASKS


def seed_input(s, label: str = "weight seed", **options) -> int:
    """The page's seed as a bounded number box (``s``: the page's run, field ``seed``)."""
    seed = st.number_input(label, step=1, **options, **s.number("seed"))
    s.said("seed")
    return int(seed)


def sequence_settings(s, max_steps: int, drawn: bool) -> tuple[str, int]:
    """The input sequence (fields ``input``, ``T``): its controls when ``drawn`` (an open
    ``settings_box``), else the stored values."""
    if not drawn:
        return s.clamped("input"), int(s.clamped("T"))
    source = st.selectbox("inputs like the task", TASKS, format_func=TASK_LABELS.get,
                          key=s.key("input"))
    T = st.slider("steps T", 2, max_steps, key=s.key("T"))
    return source, int(T)


def sequence_summary(source: str, T: int) -> str:
    return f"inputs like the task “{TASK_LABELS[source]}”, T = {T} steps"


def step_choice(s, max_steps: int, T: int, unit_label: str, max_units: int, n_units: int,
                heading: bool = True) -> tuple[int, int]:
    """The step t and unit j to explain, in the sidebar (fields ``t``, ``j``), then the reset
    button. Returns (t, j), pulled back to the sequence's last step and the network's last
    unit. ``heading=False``: the page drew the heading “Explain” (in its closed box's summary,
    ``ui.layout.closed_summary``: one element)."""
    if heading:
        st.subheader("Explain")
    # Fixed widget ranges keep their state when T or the units change; a choice past the
    # current sequence or network is pulled back to its last step / unit.
    t = st.slider("time step t", 1, max_steps, key=s.key("t", hi=T))
    if n_units > 1:
        j = st.radio(unit_label, list(range(1, max_units + 1)), horizontal=True,
                     key=s.key("j", hi=n_units))
    else:  # one unit leaves nothing to choose: no radio (a widget less on every rerun)
        j = s.clamped("j", hi=n_units)  # a link's unit past it still gets its notice
    s.reset_button()
    return min(int(t), int(T)), min(int(j), int(n_units))
