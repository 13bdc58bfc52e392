"""Shared page layout: the formula · numbers · chart columns, notes quotes, number tables."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

COLUMN_WIDTHS = (1.0, 0.9, 1.6)  # formula, numbers, chart: fits 1280 px without scrolling


def header(title: str, notes_section: str, intro: str) -> None:
    st.title(title)
    st.caption(f"In the notes: {notes_section}")
    st.markdown(intro)


def columns():
    """(formula, numbers, chart) columns."""
    return st.columns(COLUMN_WIDTHS, gap="medium")


def formula(latex: str, label: str | None = None) -> None:
    if label:
        st.markdown(f"**{label}**")
    st.latex(latex)


def notes_quote(text: str) -> None:
    """A quote from the notes, marked as theirs."""
    st.markdown(f"> *The notes write:* {text}")


def numbers_table(rows: Iterable[tuple[str, float]]) -> None:
    """Quantity/value rows; values keep full precision (shown to 6 significant digits)."""
    rows = list(rows)
    data = {"quantity": [r[0] for r in rows], "value": [float(r[1]) for r in rows]}
    st.dataframe(data, hide_index=True, width="stretch",
                 column_config={"value": st.column_config.NumberColumn(format="%.6g")})
