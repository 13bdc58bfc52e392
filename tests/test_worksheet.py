"""The derivation to take away: the page's own formulas and numbers, as Markdown with LaTeX."""

import re

import pytest
from app_helpers import page, table

from derivations import notes_network, step_through
from page_model.numbers import fmt
from page_model.worksheet import backprop_worksheet, factor_numbers_latex, notes_worksheet


def _numbers(md: str) -> dict[str, str]:
    return dict(re.findall(r"^\| ([^|]+?) \| ([^|]+?) \|$", md, flags=re.M))


def test_backprop_worksheet_has_every_factor_the_update_and_the_page_numbers():
    case = notes_network("mlp", 0)
    result = step_through(case.net, case.x, case.y, 1, 0, 0, "squared_error", 0.5, "weight")
    md = backprop_worksheet(result, "setting", "✓ agrees")
    for term in result.terms:  # each factor exactly as the page typesets it
        assert factor_numbers_latex(term) in md
    assert result.chain_latex in md and result.update_latex in md
    # The update's numbers equal the page's last step (its number table, to 6 digits).
    at = page("backprop_steps", {"step": "99"})
    shown, written = table(at), _numbers(md)
    for name in ("∂E/∂w, chain rule", "old value", "new value", "loss before", "loss after"):
        assert written[name] == fmt(shown[name], 6)
        assert float(written[name].replace("×10", "e").replace("⁻", "-")
                     .translate(str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789"))) == pytest.approx(
            shown[name], rel=1e-5)
    assert md.count("### Factor") == len(result.terms)
    assert "## The sum over the paths" in md


def test_notes_worksheet_has_the_counter_example_and_the_run():
    from derivations import audit_notes, train_with_notes_formula

    rec = next(r for r in audit_notes() if r.key == "where_dy_dz")
    run = train_with_notes_formula("where_dy_dz", case="mlp", epochs=50, lr=0.5)
    md = notes_worksheet(rec, "✗ wrong", run, "setting")
    assert rec.stated_latex in md and rec.derived_latex in md and "✗ wrong" in md
    written = _numbers(md)
    assert written["after training, as stated"] == fmt(run.stated_loss[-1], 6)
    if rec.counterexample:
        assert written["stated gives"] == fmt(rec.counterexample["stated_value"], 6)
