"""A claim of the notes tested (a derivations ``ClaimRecord``): its verdict, what is right
about it and what is not, each finding marked by whether its evidence holds."""

from __future__ import annotations

import streamlit as st


def claim_box(record, expanded: bool = False) -> None:
    """The record as an expander: the computed verdict in the title, then each finding."""
    with st.expander(f"The claim, tested: {record.title} — {record.verdict}", expanded=expanded):
        for heading, findings, holds_word in (("What is right", record.right, "✓"),
                                              ("What is not", record.not_right, "✗")):
            st.markdown(f"**{heading}**")
            for f in findings:
                mark = holds_word if f.holds else "?"
                st.markdown(f"{mark} {f.statement}" + ("" if f.holds else
                                                       " *(not borne out by the numbers)*"))
                if f.latex:
                    st.latex(f.latex)
