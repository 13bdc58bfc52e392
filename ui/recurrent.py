"""The recurrent pages' shared Streamlit parts: a drawn section replayed from the cache, and the
settings block the step-by-step pages share (a seeded network on one input sequence, and the
step t and unit j being explained).

A rerun that changes nothing should cost the server (almost) nothing: what a page draws from its
settings alone (formulas, numbers, tables, charts) is drawn once per server for those settings
and then replayed by ``st.cache_resource``, which records every element a cached function
draws. Widgets cannot be replayed, so they stay outside a section, and so does any other
cached drawing (``ui.cached``): nested in a section it would be replayed in the wrong place.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable, Iterable

import streamlit as st

from page_model.recurrent import TASK_LABELS, TASKS

MAX_SECTIONS = 512  # drawn sections kept for the whole server (a few charts each at most)
MAX_SESSION_SECTIONS = 64  # one session's own state (a paused playground): kept apart, few


@st.cache_resource(max_entries=MAX_SECTIONS, show_spinner=False)
def _replay(*, token: bytes, _draw: Callable[[], None]) -> None:  # by name: see ui.cached
    _draw()


def section(name: str, inputs: Hashable, draw: Callable[[], None]) -> None:
    """``draw()`` (elements only, no widget), replayed from the cache while ``name`` and
    ``inputs`` stay the same. ``inputs`` must determine everything ``draw`` shows (the settings
    it is drawn from); the key is their pickle, which Streamlit hashes at once."""
    _replay(token=pickle.dumps((name, inputs), protocol=pickle.HIGHEST_PROTOCOL), _draw=draw)


@st.cache_resource(max_entries=MAX_SESSION_SECTIONS, show_spinner=False)
def _replay_own(*, token: bytes, _draw: Callable[[], None]) -> None:
    _draw()


def session_section(name: str, state: Hashable, draw: Callable[[], None]) -> None:
    """``section`` for what one session's state alone determines (``state``: a number that
    names it, e.g. a training run's version), in a small cache of its own, so that many
    sessions' states do not push the shared sections out."""
    _replay_own(token=pickle.dumps((name, state), protocol=pickle.HIGHEST_PROTOCOL),
                _draw=draw)


def numbers_table(rows: Iterable[tuple[str, float]]) -> None:
    """``ui.layout.numbers_table``'s table, drawn directly: a cached call nested in a section
    would be replayed outside the column it was drawn in (Streamlit keys a nested cached
    element by the innermost cached call's blocks only)."""
    rows = list(rows)
    st.dataframe({"quantity": [r[0] for r in rows], "value": [float(r[1]) for r in rows]},
                 column_config={"value": st.column_config.NumberColumn(format="%.6g")},
                 hide_index=True, width="stretch")


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
