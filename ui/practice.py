"""Practice mode's pieces (layout only): the mode switch, an answer box with "Show me", and the
summary a student hands in (shown and downloadable as Markdown and CSV).

A page in practice mode keeps a part's derived formula and numbers hidden until
``revealed(key)``: the student has had a verdict (Check) or pressed "Show me". Everything lives
in the session (``ui.answer_box.get_progress``); nothing is stored on the server.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from derivations.answer_notes import BY_TAG
from page_model.answer_progress import (
    credit,
    credit_text,
    summary_csv,
    summary_markdown,
    summary_rows,
)
from ui.answer_box import answer_box, get_progress

__all__ = ["MODES", "MODE_LABELS", "practice_box", "revealed", "show_summary"]

MODES = ("explore", "practice")
MODE_LABELS = {"explore": "Explore: every step shown",
               "practice": "Practice: derive it before the page shows it"}
HIDDEN = ("Practice: derive this yourself first — the derivation and its numbers appear here "
          "after you press Check or Show me.")


def revealed(key: str, progress_key: str) -> bool:
    return get_progress(progress_key).revealed(key)


def practice_box(key: str, prompt_latex: str, expected, symbols, *, progress_key: str,
                 **kwargs) -> bool:
    """``answer_box`` plus a "Show me" button; True when the part may be revealed."""
    answer_box(key, prompt_latex, expected, symbols, progress_key=progress_key, **kwargs)
    progress = get_progress(progress_key)
    if not progress.revealed(key):
        st.button("Show me", key=f"{key}__show", on_click=progress.show, args=(key,),
                  help="Reveal the derivation without answering (the summary counts it).")
    return progress.revealed(key)


def show_summary(parts: Sequence[tuple[str, str]], *, progress_key: str, title: str,
                 about: str, file_stem: str) -> None:
    """The per-part table, the partial credit and the two downloads."""
    progress = get_progress(progress_key)
    rows = summary_rows(progress, parts, {tag: n.title for tag, n in BY_TAG.items()})
    totals = credit(progress, [k for k, _ in parts])
    st.subheader("Your practice summary")
    st.markdown(f"**{credit_text(*totals)}**")
    st.dataframe(rows, hide_index=True, width="stretch")
    left, right = st.columns(2)
    left.download_button("Download summary (Markdown)", key=f"{file_stem}_summary_md",
                         data=summary_markdown(title, about, rows, totals),
                         file_name=f"{file_stem}-summary.md", mime="text/markdown",
                         on_click="ignore", icon=":material/download:")
    right.download_button("Download summary (CSV)", key=f"{file_stem}_summary_csv",
                          data=summary_csv(rows), file_name=f"{file_stem}-summary.csv",
                          mime="text/csv", on_click="ignore", icon=":material/download:")
    st.caption("The summary is built in your browser session only: nothing is stored on the "
               "server. Download it to hand it in.")
