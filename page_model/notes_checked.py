"""What the “The notes, checked” page shows that never changes: its settings, the audit's keys and
names, and the formulas' Markdown, built once per process from derivations.audit_notes.

A Streamlit rerun costs about as much per element as the page's own work, so the page draws a
record's formulas as one Markdown element (KaTeX ``$$…$$``, what ``st.latex`` sends too) and the
list of every formula as one element, instead of a caption, a formula and a column each.
No Streamlit here; the page lays these strings out.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from derivations import audit_notes
from derivations.audit import AuditRecord, quote_parts
from derivations.formulas import typed_symbols
from page_model.numbers import fmt_latex

VERDICTS = {"ok": "✓ agrees", "error": "✗ wrong", "omission": "⚠ leaves something out",
            "notation": "✎ notation"}
HIDDEN_VERDICT = "? (practice: derive it first)"


@dataclass(frozen=True)
class NotesChecked:
    rec: str = "where_dy_dz"
    case: str = "mlp"
    epochs: int = 200
    lr: float = 0.5
    mode: str = "explore"  # "practice": a derivative's derivation hidden until answered
    more: bool = False  # the sidebar's training-run box: open
    turn: bool = False  # the "Your turn" answer box: open


def verdict(rec: AuditRecord) -> str:
    return VERDICTS.get(rec.severity, rec.severity)


def display(latex: str) -> str:
    """A display formula as Markdown: exactly what ``st.latex(latex)`` sends."""
    return f"$$\n{latex.strip()}\n$$"


@lru_cache(maxsize=1)
def fixed() -> dict:
    """The audit's keys, records by key, titles, the derivable "where" lines, and every name a
    student may type in practice (the legend lists them all, so it gives no answer away)."""
    records = audit_notes()
    keys = tuple(r.key for r in records)
    by_key = {r.key: r for r in records}
    derivable = tuple(k for k in keys if k.startswith("where_") and k != "where_block")
    symbols = {name: sym for k in derivable
               for name, sym in typed_symbols(by_key[k].derived * by_key[k].stated).items()}
    return {"records": records, "keys": keys, "by_key": by_key,
            "titles": {r.key: r.title or r.key for r in records}, "derivable": derivable,
            "practice_symbols": symbols,
            "typed": {k: typed_symbols(by_key[k].derived) for k in derivable}}


@lru_cache(maxsize=64)
def formula_column(key: str, concealed: bool) -> str:
    """The record's left column: the notes' words verbatim, as stated, as derived (unless
    practice hides it), stated ÷ derived."""
    rec = fixed()["by_key"][key]
    parts = []
    if rec.quote:
        parts.append("*The notes write:*")
        for kind, piece in quote_parts(rec.quote):  # verbatim: the notes' own text
            parts.append(f"> {piece}" if kind == "prose"
                         else display(rf"\begin{{aligned}} {piece} \end{{aligned}}"))
    parts += ["**As stated**", display(f"{rec.label} = {rec.stated_latex}")]
    if concealed:
        parts.append("**As derived by SymPy:** your turn first — is the notes' line right?")
    else:
        parts += ["**As derived by SymPy**", display(f"{rec.label} = {rec.derived_latex}")]
        if rec.ratio_latex:
            parts += ["**Stated ÷ derived**", display(rec.ratio_latex)]
    return "\n\n".join(parts)


@lru_cache(maxsize=64)
def verdict_column(key: str) -> str:
    """The record's verdict, what it means and the counter-example's point (the two sides'
    numbers are the table under it)."""
    rec = fixed()["by_key"][key]
    parts = [f"**Verdict:** {verdict(rec)}", rec.consequence]
    if rec.counterexample:
        parts.append("**Counter-example** (the two sides at these numbers):")
        at_point = {k: v for k, v in rec.counterexample.items()
                    if k not in ("stated_value", "derived_value")}
        if at_point:
            parts.append(display(r",\; ".join(f"{k} = {fmt_latex(v)}"
                                              for k, v in at_point.items())))
    return "\n\n".join(parts)


# One bordered card per record, two columns inside (as a container with st.columns(2) drew
# them): raw HTML around Markdown, blank lines between so the Markdown and maths are read.
_CARD = ('<div style="border: 1px solid rgba(49, 51, 63, 0.2); border-radius: 0.5rem; '
         'padding: calc(1em - 1px); margin-bottom: 1rem;">')
_TWO = ('<div style="display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); '
        'gap: 1rem;">')  # minmax: a wide formula scrolls in its column, as in st.columns
_CAPTION = '<div class="nn-caption">{}</div>'
_CARDS_STYLE = """<style>
.nn-cards .katex {font-size: 1.0em;}
.nn-cards .katex-display {margin: 1em 0 0.5em;}
.nn-cards .nn-caption {font-size: 0.875rem; color: #4a4a4a; margin-bottom: 1rem;}
</style>"""


@lru_cache(maxsize=64)
def every_formula(hidden: frozenset = frozenset()) -> str:
    """Every record stated beside derived, one card each, as one Markdown (HTML allowed: fixed
    text of the audit and the notes, never a student's). ``hidden``: keys practice hides."""
    out = [_CARDS_STYLE, '<div class="nn-cards">', ""]
    for r in fixed()["records"]:
        concealed = r.key in hidden
        said = HIDDEN_VERDICT if concealed else verdict(r)
        out += [_CARD, "", f"**{r.title or r.key}** — {said}",
                "", _TWO, "<div>", "", _CAPTION.format("as the notes state it"), "",
                display(f"{r.label} = {r.stated_latex}"), "", "</div>", "<div>", "",
                _CAPTION.format("as derived"), ""]
        if concealed:
            out += [_CAPTION.format("hidden until you answer it (practice)"), ""]
        else:
            out += [display(f"{r.label} = {r.derived_latex}"), ""]
        out += ["</div>", "</div>", "</div>", ""]
    out.append("</div>")
    return "\n".join(out)


@lru_cache(maxsize=64)
def overview(hidden: frozenset = frozenset()) -> dict[str, list[str]]:
    """The table of every formula, its verdict and its kind."""
    records = fixed()["records"]
    return {"formula": [r.title or r.key for r in records],
            "verdict": [HIDDEN_VERDICT if r.key in hidden else verdict(r) for r in records],
            "kind": [r.kind for r in records]}
