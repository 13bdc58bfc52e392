"""The derivation a page shows, as Markdown with LaTeX to take away (a worksheet).

Built from the same objects and the same formatting as the page (``factor_numbers_latex`` is
what Backprop shows beside each factor), so a downloaded derivation has the page's numbers.
"""

from __future__ import annotations

from derivations.audit import quote_parts
from derivations.formulas import equation_lines, paths_total
from page_model.numbers import fmt, fmt_latex
from page_model.verdicts import factor_check, loss_change

DIGITS = 6  # as the page's number tables (%.6g) and formulas


def factor_numbers_latex(term) -> str:
    """A factor with the numbers put in: symbol = substituted = value."""
    return equation_lines(term.symbol_latex, term.substituted_latex,
                          fmt_latex(term.value, DIGITS))


def gradient_latex(result) -> str:
    return (f"\\frac{{\\partial E_{{total}}}}{{\\partial {result.weight_latex}}} = "
            f"{result.gradient_latex}")


def update_rule_latex(result) -> str:
    w = result.weight_latex
    return rf"{w} \gets {w} - \eta \frac{{\partial E_{{total}}}}{{\partial {w}}}"


def factor_rows(term) -> list[tuple[str, float]]:
    """The number table beside a factor (the page's and the worksheet's)."""
    return [("factor value", term.value), ("running product", term.running_product),
            ("NumPy network's number", term.check_value), ("absolute error", term.abs_err)]


def update_rows(result) -> list[tuple[str, float]]:
    """The number table of the update step: ∂E/∂w three ways, the weight and the loss."""
    return [("∂E/∂w, chain rule", result.gradient),
            ("∂E/∂w, backprop (NumPy network)", result.backprop_gradient),
            ("∂E/∂w, finite difference", result.fd_gradient),
            ("error vs finite difference", result.abs_err),
            ("old value", result.old_value), ("new value", result.new_value),
            ("loss before", result.old_loss), ("loss after", result.new_loss)]


def _math(latex: str) -> str:
    return f"$$\n{latex}\n$$"


def _table(rows) -> str:
    lines = ["| quantity | value |", "|---|---|"]
    lines += [f"| {name} | {fmt(value, DIGITS)} |" for name, value in rows]
    return "\n".join(lines)


def backprop_worksheet(result, setting: str, whole_check: str) -> str:
    """Backprop, step by step for one weight: the chain, each factor (derived, with numbers,
    checked), the path sum, ∂E/∂w three ways, the update and the new loss. ``setting`` says
    which network, point and η (a sentence); ``whole_check`` is the page's verdict on ∂E/∂w."""
    out = [f"# Backprop, step by step: ∂E/∂w for ${result.weight_latex}$", "", setting, "",
           "## The chain rule", "", _math(result.chain_latex), ""]
    for n, term in enumerate(result.terms, start=1):
        where = (f" (path {term.path + 1} of {len(result.paths)}, through output neuron "
                 f"{result.paths[term.path].k + 1})" if term.path is not None else
                 " (shared by every path)" if result.paths else "")
        check = factor_check(term.value, term.check_value, term.kind, term.check_source)
        out += [f"### Factor {n}: ${term.symbol_latex}${where}", "",
                "Derived by SymPy:", "", _math(f"{term.symbol_latex} = {term.general_latex}"), "",
                "With the numbers:", "", _math(factor_numbers_latex(term)), "",
                _table(factor_rows(term)), "",
                f"Check: {check.text}.", ""]
    if result.paths:
        out += ["## The sum over the paths", "",
                _table([(f"path via output {p.k + 1}", p.product) for p in result.paths]
                       + [("sum over paths", paths_total(result))]), ""]
    out += ["## ∂E/∂w", "", _math(gradient_latex(result)), "",
            _table(update_rows(result)[:4]), "",
            f"Check: {whole_check}", "",
            "## The update", "", _math(update_rule_latex(result)), "",
            _math(result.update_latex), "",
            _table(update_rows(result)[4:]), "",
            f"One step on this weight alone: {loss_change(result.old_loss, result.new_loss)}.",
            ""]
    out += [f"> {note}" for note in result.notes]
    return "\n".join(out).rstrip() + "\n"


def notes_worksheet(rec, verdict: str, run=None, run_setting: str = "") -> str:
    """The notes, checked for one formula: the notes' words, as stated, as derived, the
    verdict, the counter-example's numbers and (for a derivative used in training) the run."""
    out = [f"# The notes, checked: {rec.title or rec.key}", ""]
    if rec.quote:
        out += ["The notes write:", ""]
        for kind, piece in quote_parts(rec.quote):  # verbatim, as the page shows it
            out += [f"> {piece}" if kind == "prose" else
                    _math(rf"\begin{{aligned}} {piece} \end{{aligned}}"), ""]
    out += ["## As stated", "", _math(f"{rec.label} = {rec.stated_latex}"), "",
            "## As derived by SymPy", "", _math(f"{rec.label} = {rec.derived_latex}"), ""]
    if rec.ratio_latex:
        out += ["Stated ÷ derived:", "", _math(rec.ratio_latex), ""]
    out += [f"**Verdict:** {verdict}", "", rec.consequence, ""]
    if rec.counterexample:
        at_point = {k: v for k, v in rec.counterexample.items()
                    if k not in ("stated_value", "derived_value")}
        out += ["## Counter-example", ""]
        if at_point:
            out += [_math(r",\; ".join(f"{k} = {fmt_latex(v)}" for k, v in at_point.items())),
                    ""]
        out += [_table([("stated gives", rec.counterexample.get("stated_value", float("nan"))),
                        ("derived gives",
                         rec.counterexample.get("derived_value", float("nan")))]), ""]
    if run is not None:
        out += ["## Training with each", "", run_setting, "",
                _table([("loss at the start", run.derived_loss[0]),
                        ("after training, as derived", run.derived_loss[-1]),
                        ("after training, as stated", run.stated_loss[-1])]), ""]
    return "\n".join(out).rstrip() + "\n"
