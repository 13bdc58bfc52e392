"""Helpers for the walkthrough pages' AppTests (not a test module)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, query: dict[str, str] | None = None, timeout: float = 120) -> AppTest:
    """An AppTest of views/<name>.py, run once with the given link values."""
    at = AppTest.from_file(str(ROOT / "views" / f"{name}.py"), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, index: int = 0) -> dict[str, float]:
    """The quantity → value table at position ``index`` (ui.layout.numbers_table)."""
    df = at.dataframe[index].value
    return dict(zip(df["quantity"], df["value"], strict=True))


_DISPLAY_MATH = re.compile(r"\$\$\n(.*?)\n\$\$", re.S)


def latex_bodies(at: AppTest) -> list[str]:
    """Every display formula shown: ``st.latex`` elements, and the ``$$…$$`` blocks of Markdown
    (a page may draw several formulas in one Markdown element; KaTeX renders both alike)."""
    return [el.value for el in at.latex] + [
        body for el in at.markdown for body in _DISPLAY_MATH.findall(el.value)]


def has_latex(at: AppTest, body: str) -> bool:
    return any(body in v for v in latex_bodies(at))


def page_title(at: AppTest) -> str:
    """The page's one title: an ``st.title``, or the ``# …`` line opening a Markdown element
    (ui.layout.header draws title, "In the notes" line and introduction as one)."""
    titles = [el.value for el in at.title] + [
        el.value.split("\n", 1)[0][2:] for el in at.markdown if el.value.startswith("# ")]
    assert len(titles) == 1, titles
    return titles[0]


_NOTES_LINE = re.compile(r"^(?::small\[)?(In the notes: .*?)\]?$", re.M)


def notes_lines(at: AppTest) -> list[str]:
    """The "In the notes: …" lines (where the page is in the notes): a caption, or a line of
    the header's Markdown drawn small (ui.layout.header)."""
    return [c.value for c in at.caption if c.value.startswith("In the notes:")] + [
        m.group(1) for el in at.markdown for m in _NOTES_LINE.finditer(el.value)]


def notices(at: AppTest) -> list[str]:
    return [el.value for el in at.info]


_SUPER = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻", "0123456789-")
_SCI = re.compile(r"^(-?[\d.]+×)?10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)$")


def shown_number(text: str) -> float:
    """A number as page_model.numbers.fmt prints it (1.2×10⁻⁵, 10⁸, ∞), back to a float."""
    text = text.strip().replace("−", "-")
    if text in ("∞", "-∞"):
        return float(text.replace("∞", "inf"))
    m = _SCI.match(text)
    if m:
        return float((m.group(1) or "1×")[:-1]) * 10.0 ** int(m.group(2).translate(_SUPER))
    return float(text)


def open_box(at: AppTest, key: str) -> AppTest:
    """Open a page's lazy box (an ``st.expander`` with ``key`` that draws its content only
    while open), as a click on it does, and rerun."""
    at.session_state[key] = True
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def drawn_in(block, types: tuple[str, ...] | None = None) -> int:
    """Elements and containers the last run drew under ``block`` (an AppTest block: ``at.main``,
    ``at.sidebar``, the whole tree), of the element ``types`` only if given."""
    count = 0
    for child in getattr(block, "children", {}).values():
        count += types is None or getattr(child, "type", "") in types
        count += drawn_in(child, types)
    return count


def drawn(at: AppTest) -> tuple[int, int]:
    """(elements and containers, of which widgets) the last run drew, sidebar included: each
    costs the server CPU on every rerun."""
    from streamlit.testing.v1.element_tree import Widget

    def widgets(node) -> int:
        return sum(isinstance(child, Widget) + widgets(child)
                   for child in getattr(node, "children", {}).values())

    return drawn_in(at._tree), widgets(at._tree)


#: page → (elements and containers, widgets) at most on a default rerun that changes nothing
#: (issue 13: each costs the server CPU on every rerun). Before issue 13's work: backprop_steps
#: (59, 19), one_vs_all (61, 8), neuron (38, 9), hidden_layers (43, 12), notes_checked (39, 9),
#: gradient_descent (40, 7), playground (113, 37), lstm_cell 118, sequence_playground 57,
#: rnn_bptt 55, rnn_gradients 52, rnn_unrolled 64 elements.
ELEMENT_LIMITS = {
    "backprop_steps": (36, 10),
    "one_vs_all": (33, 4),
    "neuron": (27, 6),
    "hidden_layers": (27, 7),
    "notes_checked": (28, 4),
    "gradient_descent": (27, 4),
    "playground": (75, 24),
    "lstm_cell": (36, 3),
    "sequence_playground": (41, 11),
    "rnn_bptt": (29, 6),
    "rnn_gradients": (30, 6),
    "rnn_unrolled": (36, 5),
}


def table_by(at: AppTest, index: int = 0) -> dict[str, dict[str, float]]:
    """The quantity × column table at position ``index`` (ui.layout.numbers_by): column →
    quantity → value, without the cells a column leaves empty."""
    df = at.dataframe[index].value
    return {col: {q: v for q, v in zip(df["quantity"], df[col], strict=True) if v == v}
            for col in df.columns if col != "quantity"}
