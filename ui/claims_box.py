"""A claim of the notes tested (a derivations ``ClaimRecord``): its verdict, what is right
about it and what is not, each finding marked by whether its evidence holds."""

from __future__ import annotations

import streamlit as st

from ui.layout import formula_markdown


def claim_box(record, expanded: bool = False) -> None:
    """The record as an expander: the computed verdict in the title, then each finding. The
    findings are one Markdown element (formulas as ``$$`` blocks, as ``st.latex`` sends them):
    each element costs the server CPU on every rerun."""
    parts = []
    for heading, findings, holds_word in (("What is right", record.right, "✓"),
                                          ("What is not", record.not_right, "✗")):
        parts.append(f"**{heading}**")
        for f in findings:
            mark = holds_word if f.holds else "?"
            parts.append(f"{mark} {f.statement}" + ("" if f.holds else
                                                    " *(not borne out by the numbers)*"))
            if f.latex:
                parts.append(formula_markdown(f.latex))
    with st.expander(f"The claim, tested: {record.title} — {record.verdict}", expanded=expanded):
        st.markdown("\n\n".join(parts))
