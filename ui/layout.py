"""Shared page layout: the formula · numbers · chart columns, notes quotes, number tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import streamlit as st

from ui import cached

COLUMN_WIDTHS = (1.0, 1.2, 1.35)  # formula, numbers, chart: fits 1280 px without scrolling

# Projector-friendly at 1280 px: less side padding for the three columns, and a formula wider
# than its column scrolls inside it instead of being cut off.
_STYLE = """
<style>
[data-testid="stMainBlockContainer"] {padding-left: 1.5rem; padding-right: 1.5rem;
  padding-top: 2rem; max-width: 100%;}
[data-testid="stMain"] .katex-display {overflow-x: auto; overflow-y: hidden;
  padding: 0.2rem 0; max-width: 100%;}
[data-testid="stColumn"] .katex {font-size: 1.0em;}
section[data-testid="stSidebar"] {width: 270px !important; min-width: 270px !important;}
/* Captions: Streamlit fades them with opacity, which drops inline code below WCAG AA contrast;
   a solid dark grey reads as secondary and keeps 4.5:1 for everything inside. */
[data-testid="stCaptionContainer"] {opacity: 1; color: #4a4a4a;}
/* header's "In the notes" line: the paragraph after the title, in one Markdown element with it,
   looks as st.caption draws it (size, line height, colour). */
[data-testid="stHeadingWithActionElements"]:has(> h1) + p {font-size: 0.875rem;
  line-height: 1.6; color: #4a4a4a;}
/* The page's last page link ("Next: …") opens its footer with a rule above it, drawn as
   st.divider draws one (an element fewer on every rerun): same line, same spacing. */
[data-testid="stMain"] [data-testid="stElementContainer"]:has(> [data-testid="stPageLink"]):not(
  :has(~ [data-testid="stElementContainer"] > [data-testid="stPageLink"])) {width: 100%;
  margin-top: 2rem; padding-top: 1.625rem;
  border-top: 1px solid color-mix(in srgb, currentColor 20%, transparent);}
[data-testid="stMain"] [data-testid="stPageLink"] {width: fit-content;}
</style>
"""


# A formula wider than its column scrolls inside its box; a keyboard user can reach it only if
# the box takes focus (WCAG's scrollable-region-focusable), so such boxes get a tab stop.
_FOCUSABLE_FORMULAS = """
<script>
(() => {
  if (window.__nnFormulaFocus) return;
  window.__nnFormulaFocus = true;
  const mark = () => document.querySelectorAll('.katex-display').forEach(el => {
    if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute('tabindex')) {
      el.tabIndex = 0;
      el.setAttribute('role', 'region');
      el.setAttribute('aria-label', 'Formula: wider than its box, scroll with the arrow keys');
    }
  });
  new MutationObserver(() => requestAnimationFrame(mark))
    .observe(document.body, {subtree: true, childList: true});
  window.addEventListener('resize', mark);
  mark();
})();
</script>
"""


def app_chrome(styled: bool = True) -> None:
    """What every page of the app shares, drawn by app.py on every run as ONE sidebar element
    (each element costs the server CPU on every rerun): the history guard (ui.page_state), the
    formula-focus script and, if ``styled``, the style. Our own fixed code, never user text; in
    the sidebar, so the page's first element is its title and this takes no room on the page.
    A page file run on its own (the tests) goes without: they change only what a browser shows."""
    from ui.page_state import history_guard

    history_guard(_FOCUSABLE_FORMULAS + (_STYLE if styled else ""))


def header_markdown(title: str, notes_section: str, intro: str, quote: str | None = None,
                    heading: str | None = None) -> str:
    """``header``'s one Markdown element (its title is the page's one h1)."""
    parts = [f"# {title}", small(f"In the notes: {notes_section}"), intro] + \
        ([_quote_markdown(quote)] if quote else []) + ([f"## {heading}"] if heading else [])
    return "\n\n".join(parts)


def header(title: str, notes_section: str, intro: str, quote: str | None = None,
           heading: str | None = None) -> None:
    """The page's title (as ``st.title`` draws it), where it is in the notes (a caption's look),
    its introduction and (``quote``) the notes' own words, as ``notes_quote`` draws them, and
    (``heading``) the first section's heading, as ``st.header`` draws it: all one element (each
    element costs the server CPU on every rerun). The style comes with app.py (app_chrome)."""
    st.markdown(header_markdown(title, notes_section, intro, quote, heading))


def settings_box(s, label: str, icon: str = ":material/tune:"):
    """A sidebar box for the settings a student changes rarely, drawn only while open (every
    control costs the server CPU on every rerun); the page's field ``more`` (a ``Local``) keeps
    whether it is open. Returns the expander: draw its controls only ``if box.open``, else take
    the stored values with ``s.clamped`` and say them in ``closed_summary``."""
    return st.expander(label, key=s.key("more"), on_change="rerun", icon=icon)


def closed_summary(box, text: str, heading: str | None = None) -> None:
    """What a closed ``settings_box`` holds, in one line under it (our own words and numbers);
    ``heading``: the next section's heading (as ``st.subheader`` draws it), in the same element
    (each element costs the server CPU on every rerun)."""
    if heading is None:
        if not box.open:
            st.caption(text)
        return
    st.markdown("\n\n".join(([] if box.open else [small(text)]) + [f"### {heading}"]))


def columns():
    """(formula, numbers, chart) columns."""
    return st.columns(COLUMN_WIDTHS, gap="medium")


def formula_markdown(*items: str | tuple[str | None, str]) -> str:
    """Markdown of display formulas, each a LaTeX string or a (bold label, LaTeX) pair: what
    ``st.latex`` sends (``$$`` blocks), so KaTeX draws the same."""
    parts = []
    for item in items:
        label, latex = item if isinstance(item, tuple) else (None, item)
        if label:
            parts.append(f"**{label}**")
        parts.append(f"$$\n{latex}\n$$")
    return "\n\n".join(parts)


def small(text: str) -> str:
    """Markdown of ``text`` drawn small, as a caption looks, for a line inside a larger Markdown
    element (one element instead of a caption of its own). ``text``: our own sentence, never a
    student's, and without square brackets (they would end the directive)."""
    if "[" in text or "]" in text:
        raise ValueError(f"square brackets would end :small[…]: {text!r}")
    return f":small[{text}]"


def formulas(*items: str | tuple[str | None, str]) -> None:
    """Several formulas (LaTeX, or (label, LaTeX) pairs) in a row as ONE element: each element
    costs the server ~0.07 ms of CPU per rerun, so a column of formulas is drawn as one."""
    st.markdown(formula_markdown(*items))


def formula(latex: str, label: str | None = None) -> None:
    formulas((label, latex))


def _quote_markdown(text: str) -> str:
    return f"> *The notes write:* {text}"


def notes_quote(text: str) -> None:
    """A quote from the notes, marked as theirs."""
    st.markdown(_quote_markdown(text))


def numbers_table(rows: Iterable[tuple[str, float]], replayed: bool = True) -> None:
    """Quantity/value rows; values keep full precision (shown to 6 significant digits).
    ``replayed``: from the table cache (``ui.cached.dataframe``); False inside a
    ``ui.cached.section``, which replays it with the rest."""
    rows = list(rows)
    data = {"quantity": [r[0] for r in rows], "value": [float(r[1]) for r in rows]}
    config = {"value": st.column_config.NumberColumn(format="%.6g")}
    if replayed:
        cached.dataframe(data, config, hide_index=True, width="stretch")
    else:
        st.dataframe(data, column_config=config, hide_index=True, width="stretch")


def numbers_by(columns: Mapping[str, Mapping[str, float]],
               helps: Mapping[str, str] | None = None) -> None:
    """One table of quantities (rows) by several columns (schemes, say), each a mapping
    quantity → value, at full precision (shown to 6 significant digits); a quantity a column
    lacks stays empty. One element where a table per column would be several."""
    quantities = list(dict.fromkeys(q for col in columns.values() for q in col))
    data: dict[str, list] = {"quantity": quantities}
    config = {}
    for name, col in columns.items():
        data[name] = [float(col[q]) if q in col else None for q in quantities]
        config[name] = st.column_config.NumberColumn(
            format="%.6g", help=(helps or {}).get(name))
    cached.dataframe(data, config, hide_index=True, width="stretch")
