"""The "your turn" box: a student types a derivative, SymPy checks it (layout only).

Reading the text ("Understood as") and the check both run in worker processes under hard CPU
limits (``derivations.answer_verdicts.preview`` / ``start_check_text``): this module only lays
them out, and never holds a student's expression. A page calls::

    verdict = answer_box("dy1_dz1", r"\\frac{\\partial y_1}{\\partial z_1}", y * (1 - y),
                         {"y": y}, factors=None)
    show_progress(["dE_dy1", "dy1_dz1"])      # "2 of 2 right on this page"

Progress (which keys are right) lives in ``st.session_state[progress_key]`` as a
``page_model.answer_progress.AnswerProgress``; give each page its own ``progress_key`` to count
per page. A check that takes longer than ``WAIT_IN_RUN`` seconds (a queue of other students'
answers) is picked up on the next rerun; until then the box says "still checking".
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence

import streamlit as st
import sympy

from derivations.answer_verdicts import (
    STILL_CHECKING,
    PendingVerdict,
    Verdict,
    preview,
    start_check_text,
)
from derivations.proof_pool import warm_up
from page_model.answer_progress import AnswerProgress
from ui.escape import plain
from ui.run_gate import stepped_out

__all__ = ["answer_box", "get_progress", "session_id", "show_progress"]

_FUNCTION_LIST = "exp, log (= ln), sqrt, sin, cos, tan, tanh, σ (sigma), abs"
warm_up()  # the answer readers and checkers start while the page draws, not on first Enter
WAIT_IN_RUN = 15.0  # seconds a script run waits for a verdict before it says "still checking"


def session_id() -> str:
    """This browser session's name for the checkers' fair share (one check in flight each)."""
    sid = st.session_state.get("_answer_session")
    if not isinstance(sid, str):
        sid = st.session_state["_answer_session"] = uuid.uuid4().hex
    return sid


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
            "`2y` and `y(1-y)` multiply. Enter shows how your answer is read; Check marks it.")


def _show(verdict: Verdict) -> None:
    if verdict.equivalent:
        st.success(verdict.message)
    elif verdict.status in ("still_checking", "busy", "error"):
        st.info(verdict.message)
    else:
        body = verdict.message  # the checker's own sentences and LaTeX, no student text
        if verdict.hint:
            body += f"\n\n**Hint:** {verdict.hint}"
        st.warning(body)


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
    placeholder: str = "e.g. y*(1 - y)",
    **checker,
) -> Verdict | None:
    """Render the answer box for ``prompt_latex``; return the verdict shown, if any.

    ``key`` names this answer (widget keys and the progress entry); the other arguments, and
    any in ``checker`` (``chain``, ``swaps``, ``notation``, ``at``), go to the checker
    (``derivations.answer_verdicts.judge``).
    """
    progress = get_progress(progress_key)
    sid = session_id()
    done = " ✓" if progress.is_right(key) else ""
    st.markdown(f"**Your turn{done}:** ${prompt_latex} = \\;?$")
    if len(symbols) > 8:  # a whole network's names: out of the way until wanted
        with st.expander("Names you can type"):
            st.caption(_legend(symbols))
    else:
        st.caption(_legend(symbols))
    # Streamlit forgets a widget's value while its page is not shown: keep the text beside it,
    # so an answer typed, left and come back to is still there.
    text_key, kept_key = f"{key}__text", f"{key}__kept"
    if text_key not in st.session_state and isinstance(st.session_state.get(kept_key), str):
        st.session_state[text_key] = st.session_state[kept_key]
    text = st.text_input("Your answer", key=text_key, placeholder=placeholder)
    st.session_state[kept_key] = text

    readable = False
    if text.strip():
        # A rerun for another widget reads the same text again: remember this box's last one.
        seen_key, names = f"{key}__seen", tuple(sorted(symbols))
        cached = st.session_state.get(seen_key)
        if isinstance(cached, tuple) and cached[:2] == (text, names):
            seen = cached[2]
        else:
            with stepped_out():  # a worker parses it: other students' runs go meanwhile
                seen = preview(text, symbols, session=sid)
            if seen.status in ("ok", "error"):
                st.session_state[seen_key] = (text, names, seen)
        if seen.ok:
            readable = True
            st.caption("Understood as")
            st.latex(seen.latex)
        else:
            st.error(plain(seen.error))
            if seen.pointer:
                st.code(seen.pointer, language=None)

    verdict_key, pending_key = f"{key}__verdict", f"{key}__pending"
    if st.button("Check", key=f"{key}__check", disabled=not readable) and readable:
        pending = st.session_state.get(pending_key)
        if isinstance(pending, tuple) and not pending[1].done():
            st.info(STILL_CHECKING)  # one check in flight per session
        else:
            st.session_state[pending_key] = (text, start_check_text(
                text, expected, symbols=symbols, session=sid, factors=factors, paths=paths,
                definitions=definitions, positive=positive, timeout=timeout, **checker))

    pending = st.session_state.get(pending_key)
    if isinstance(pending, tuple) and isinstance(pending[1], PendingVerdict):
        with stepped_out():  # a worker checks it (ui.run_gate)
            verdict = pending[1].verdict(WAIT_IN_RUN)
        if verdict is None:
            st.info(STILL_CHECKING)
            return None
        del st.session_state[pending_key]
        if verdict.status == "checked":
            progress.record(key, verdict)
            st.session_state[verdict_key] = (pending[0], verdict)
        elif pending[0] == text:
            _show(verdict)  # busy: said once, nothing stored
            return verdict

    stored = st.session_state.get(verdict_key)
    if not stored or stored[0] != text:  # the verdict belongs to the text it was given for
        return None
    _show(stored[1])
    return stored[1]


def show_progress(keys: Sequence[str], progress_key: str = "answer_progress") -> None:
    """A one-line tally of the answers in ``keys`` the student has got right."""
    right, total = get_progress(progress_key).count(keys)
    if total:
        st.progress(right / total, text=f"{right} of {total} right on this page")
