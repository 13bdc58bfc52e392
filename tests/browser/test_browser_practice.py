"""One full practice exercise in a browser: an output weight of the notes' MLP, typed with a
keyboard's ŷ and subscripts, each part previewed with Enter, marked with Check, revealed only
then; the summary counts it and downloads as CSV."""

from __future__ import annotations

import csv
import io

import pytest
from browser_helpers import act_and_wait, alerts, click, open_app, problems, tex_sources

from derivations import notes_network, step_through

pytestmark = pytest.mark.browser

SEED = 17
ANSWERS = ["ŷ₁ − y₁", "ŷ₁(1 − ŷ₁)", "yₕ₁₁"]  # ∂E/∂ŷ₁, ∂ŷ₁/∂z₁, ∂z₁/∂w


def _answer(page, box_index: int, text: str) -> None:
    box = page.get_by_label("Your answer").nth(box_index)
    act_and_wait(page, lambda: (box.fill(text), box.press("Enter")))
    page.get_by_text("Understood as").nth(box_index).wait_for()
    assert not alerts(page, "success")[box_index:]  # Enter previews; it does not mark
    click(page, page.get_by_role("button", name="Check").nth(box_index))


def test_one_full_exercise(page, page_urls):
    net, x, y, _ = notes_network("mlp", SEED)
    result = step_through(net, x, y, 2, 0, 0, "squared_error", 0.5, "weight")
    open_app(page, page_urls["Backprop, step by step"],
             f"mode=practice&seed={SEED}&layer=2&i=0&j=0")
    next_button = page.get_by_role("button", name="Next ▶", exact=True)
    for step, text in enumerate(ANSWERS):
        term = result.terms[step]
        derived = f"{term.symbol_latex} = {term.general_latex}"
        assert not [t for t in tex_sources(page) if derived in t], step
        _answer(page, 0, text)
        assert any("Correct" in a for a in alerts(page, "success")), alerts(page)
        assert [t for t in tex_sources(page) if derived in t], step
        click(page, next_button)
    # The last step: the whole formula, then the number.
    assert not [t for t in tex_sources(page) if result.gradient_latex in t]
    _answer(page, 0, "(ŷ₁ − y₁)·ŷ₁·(1 − ŷ₁)·yₕ₁₁")
    _answer(page, 1, f"{result.gradient:.5g}")
    assert sum("Correct" in a for a in alerts(page, "success")) == 2, alerts(page)
    assert [t for t in tex_sources(page) if result.gradient_latex in t]
    assert page.get_by_text("5 of 5 parts tried right (5 parts in all)").count() == 1
    with page.expect_download() as info:
        page.get_by_role("button", name="Download summary (CSV)").click()
    rows = list(csv.DictReader(io.StringIO(open(info.value.path(), encoding="utf-8").read())))
    assert len(rows) == 5
    assert all(r["right first time"] == "yes" and r["attempts"] == "1" for r in rows)
    assert f"seed={SEED}" in page.url and "mode=practice" in page.url
    assert problems(page) == []
