"""The "your turn" box: a student types a derivative, SymPy checks it (layout only).

Parsing is ``derivations.parser.parse_answer`` (a whitelist, never eval) and checking is
``derivations.answers.check_answer``; this module only lays them out. A page calls::

    verdict = answer_box("dy1_dz1", r"\\frac{\\partial y_1}{\\partial z_1}", y * (1 - y),
                         {"y": y}, factors=None)
    show_progress(["dE_dy1", "dy1_dz1"])      # "2 of 2 right on this page"

Progress (which keys are right) lives in ``st.session_state[progress_key]`` as an
``AnswerProgress``; give each page its own ``progress_key`` to count per page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import streamlit as st
import sympy

from derivations.answers import AnswerProgress, Verdict, check_answer
from derivations.parser import AnswerParseError, parse_answer

__all__ = ["answer_box", "get_progress", "show_progress"]

_FUNCTION_LIST = "exp, log (= ln), sqrt, sin, cos, tan, tanh, σ (sigma), abs"


def get_progress(progress_key: str = "answer_progress") -> AnswerProgress:
    """The session's ``AnswerProgress`` under ``progress_key`` (created on first use)."""
    progress = st.session_state.get(progress_key)
    if not isinstance(progress, AnswerProgress):
        progress = AnswerProgress()
        st.session_state[progress_key] = progress
    return progress


def _legend(symbols: Mapping[str, sympy.Symbol]) -> str:
    by_symbol: dict[sympy.Symbol, list[str]] = {}
    for name, sym in symbols.items():
        by_symbol.setdefault(sym, []).append(name)
    parts = [f"`{' or '.join(names)}` for ${sympy.latex(sym)}$"
             for sym, names in by_symbol.items()]
    return ("Type " + ", ".join(parts) + f". Functions: {_FUNCTION_LIST}; powers with `^`; "
            "`2y` and `y(1-y)` multiply.")


def answer_box(
    key: str,
    prompt_latex: str,
    expected: sympy.Expr,
    symbols: Mapping[str, sympy.Symbol],
    factors: Sequence[tuple[str, sympy.Expr]] | None = None,
    paths: Sequence[sympy.Expr] | None = None,
    *,
    definitions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    positive: bool = True,
    timeout: float = 2.0,
    progress_key: str = "answer_progress",
) -> Verdict | None:
    """Render the answer box for ``prompt_latex``; return the verdict shown, if any.

    ``key`` names this answer (widget keys and the progress entry); the other arguments go to
    ``check_answer``.
    """
    progress = get_progress(progress_key)
    done = " ✓" if progress.is_right(key) else ""
    st.markdown(f"**Your turn{done}:** ${prompt_latex} = \\;?$")
    st.caption(_legend(symbols))
    # A typed answer outlives its box: Streamlit forgets the widget when another page is shown,
    # the saved copy (no widget owns it) puts it back.
    text_key, saved_key = f"{key}__text", f"{key}__saved"
    if text_key not in st.session_state and saved_key in st.session_state:
        st.session_state[text_key] = st.session_state[saved_key]
    text = st.text_input("Your answer", key=text_key, placeholder="e.g. y*(1 - y)")
    st.session_state[saved_key] = text

    expr = None
    if text.strip():
        try:
            expr = parse_answer(text, symbols)
        except AnswerParseError as err:
            st.error(err.reason)
            st.code(err.pointer, language=None)
        else:
            st.caption("Understood as")
            st.latex(sympy.latex(expr))

    verdict_key = f"{key}__verdict"
    if st.button("Check", key=f"{key}__check", disabled=expr is None) and expr is not None:
        verdict = check_answer(expr, expected, symbols=symbols, factors=factors, paths=paths,
                               definitions=definitions, positive=positive, timeout=timeout)
        progress.record(key, verdict)
        st.session_state[verdict_key] = (text, verdict)

    stored = st.session_state.get(verdict_key)
    if not stored or stored[0] != text:  # the verdict belongs to the text it was given for
        return None
    verdict = stored[1]
    if verdict.equivalent:
        st.success(verdict.message)
    else:
        body = verdict.message
        if verdict.hint:
            body += f"\n\n**Hint:** {verdict.hint}"
        st.warning(body)
    return verdict


def show_progress(keys: Sequence[str], progress_key: str = "answer_progress") -> None:
    """A one-line tally of the answers in ``keys`` the student has got right."""
    right, total = get_progress(progress_key).count(keys)
    if total:
        st.progress(right / total, text=f"{right} of {total} right on this page")

