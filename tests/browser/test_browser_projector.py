"""Backprop on a projector (1280×720) and the derivation to take away: after Next the current
factor, its numbers and its check are on screen without scrolling, no formula is cut off, and
the downloaded Markdown holds the very formulas and numbers the page shows."""

from __future__ import annotations

import pytest
from browser_helpers import click, open_app, problems, tex_sources

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}

_BOXES_JS = """() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.top, r.bottom]; };
  const para = text => [...document.querySelectorAll('[data-testid="stMain"] p')]
    .find(p => p.innerText.includes(text));
  const heading = para('This factor'), numbersHead = para('With the numbers');
  const column = el => el && el.closest('[data-testid="stColumn"]');
  const formula = column(heading) && column(heading).querySelector('.katex-display');
  const numbers = column(numbersHead) && column(numbersHead).querySelector('.katex-display');
  const check = column(numbersHead)
    && column(numbersHead).querySelector('[data-testid="stAlertContainer"]');
  const cut = [...document.querySelectorAll('[data-testid="stMain"] .katex-display')]
    .filter(el => el.scrollWidth > el.clientWidth + 1
                  && !['auto', 'scroll'].includes(getComputedStyle(el).overflowX))
    .map(el => el.innerText.slice(0, 40));
  return {heading: heading && box(heading), formula: formula && box(formula),
          numbers: numbers && box(numbers), check: check && box(check), cut,
          height: window.innerHeight};
}"""


def test_after_next_the_factor_and_its_numbers_fit_a_projector(browser, page_urls):
    ctx = browser.new_context(viewport=PROJECTOR)
    try:
        page = ctx.new_page()
        open_app(page, page_urls["Backprop, step by step"])
        click(page, page.get_by_role("button", name="Next ▶"))
        tex_sources(page, at_least=3)
        boxes = page.evaluate(_BOXES_JS)
        for name in ("heading", "formula", "numbers", "check"):
            assert boxes[name], f"no {name} on the page"
            top, bottom = boxes[name]
            assert 0 <= top and bottom <= boxes["height"], (name, boxes)
        assert boxes["cut"] == [], "a formula is wider than its box and cannot scroll"
        assert problems(page) == []
    finally:
        ctx.close()


def _derivation_tex(page) -> list[str]:
    """The page's formulas that belong to the derivation (not the notes' quote, whose i is
    generic, nor the answer box's prompt), read once the factor's numbers are typeset."""
    page.wait_for_function("""() => [...document.querySelectorAll(
        '.katex annotation[encoding="application/x-tex"]')].some(
        a => a.textContent.includes('aligned') || a.textContent.includes('\\\\gets'))""")
    tex = tex_sources(page, at_least=4)
    return [t.strip() for t in tex if "=" in t and "?" not in t and "E_i" not in t]


def _download(page) -> str:
    with page.expect_download() as info:
        page.get_by_role("button", name="Download this derivation").click()
    return open(info.value.path(), encoding="utf-8").read()


def test_downloaded_derivation_has_the_page_formulas_and_numbers(page, page_urls):
    for step in ("1", "99"):  # a factor with its numbers; the update and the new loss
        open_app(page, page_urls["Backprop, step by step"], f"step={step}")
        shown = _derivation_tex(page)
        assert len(shown) >= 3, shown
        md = _download(page)
        missing = [t for t in shown if t not in md]
        assert missing == [], f"step {step}: the download lacks {missing}"
        assert problems(page) == []
