"""Accessibility in a real browser: axe-core's WCAG 2 A and AA rules on every page, and the
step-through driven by the keyboard alone.

Streamlit's own navigation markup has violations we cannot change (its section lists); they are
listed here as known, so any new violation, ours or the framework's, fails the test.
"""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from browser_helpers import (
    act_and_wait,
    drawn_plotly_charts,
    go_to,
    nav_links,
    open_app,
    tex_sources,
    wait_for_idle,
)

pytestmark = pytest.mark.browser

WCAG_AA = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}
NAV = '[data-testid="stSidebarNav"]'
#: rule ids axe reports inside Streamlit's sidebar navigation (its <ul> holds non-<li> children)
KNOWN_IN_NAVIGATION = {"list", "listitem"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


_CHARTS_IN_WORDS_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
  .map(el => {
    const box = el.closest('[data-testid="stElementContainer"]');
    const next = box && box.nextElementSibling;
    const caption = next && next.querySelector('[data-testid="stCaptionContainer"]');
    const title = el.querySelector('.gtitle');
    return {words: caption ? caption.innerText.trim() : '',
            title: title ? title.textContent.trim() : ''};
  })"""


def _violations(axe: Axe, page, context) -> dict[str, list]:
    result = axe.run(page, context=context, options=WCAG_AA)
    return {v["id"]: [(n["target"], n["failureSummary"][:300]) for n in v["nodes"]]
            for v in result.response["violations"]}


def test_every_page_has_no_wcag_violation_of_ours(page, app_url, axe):
    open_app(page, app_url)
    titles = [link["label"] for link in nav_links(page)]
    assert len(titles) >= 8
    ours, framework = {}, set()
    for title in titles:
        if title != "Home":
            go_to(page, title)
        drawn_plotly_charts(page)
        tex_sources(page, at_least=0, timeout=3)
        page.wait_for_timeout(300)  # the formula focus marker runs on the next animation frame
        found = _violations(axe, page, {"exclude": [[NAV]]})
        # Every chart says what it shows (a title) and has its numbers in words beside it.
        for k, c in enumerate(page.evaluate(_CHARTS_IN_WORDS_JS)):
            if not c["title"]:
                found[f"chart {k + 1} has no title"] = []
            if len(c["words"]) < 20:
                found[f"chart {k + 1} has no text summary"] = [c["words"]]
        if found:
            ours[title] = found
        framework |= set(_violations(axe, page, {"include": [[NAV]]}))
    assert ours == {}, f"WCAG 2 A/AA violations in the markup we write: {ours}"
    assert framework <= KNOWN_IN_NAVIGATION, (
        f"new violations in Streamlit's navigation: {framework - KNOWN_IN_NAVIGATION}")


def test_a_wide_formula_can_be_reached_and_scrolled_with_the_keyboard(page, app_url):
    # A phone-width window: the chain rule's formula is wider than its box there.
    page.set_viewport_size({"width": 480, "height": 900})
    open_app(page, app_url.rstrip("/") + "/backprop")
    tex_sources(page, at_least=3)
    page.wait_for_timeout(300)
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.katex-display')]
        .filter(el => el.scrollWidth > el.clientWidth + 1)
        .map(el => el.getAttribute('tabindex'))""")
    assert overflowing, "no formula is wider than its box at 480 px"
    assert all(t == "0" for t in overflowing), "a wide formula the keyboard cannot reach"
    box = page.locator('.katex-display[tabindex="0"]').first
    box.focus()
    assert page.evaluate("document.activeElement.classList.contains('katex-display')")
    assert box.evaluate("el => el.scrollLeft") == 0
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    # The browser scrolls smoothly: give it a moment on a busy machine.
    page.wait_for_function("() => document.activeElement.scrollLeft > 0", timeout=5_000)


def test_step_through_with_the_keyboard_alone(page, app_url):
    """Tab to Next and press Enter/Space, as a student without a mouse would."""
    open_app(page, app_url)
    go_to(page, "Backprop, step by step")
    next_button = page.get_by_role("button", name="Next ▶", exact=True)
    next_button.wait_for()

    def step_label() -> str:
        return page.get_by_text("Step ", exact=False).filter(has_text=" of ").first.inner_text()

    start = step_label()
    # Walk the focus with Tab until the Next button has it (a sensible order reaches it).
    for _ in range(120):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.innerText"
                         " && document.activeElement.innerText.trim() === 'Next ▶'"):
            break
    else:
        pytest.fail("Tab never reached the Next button")
    act_and_wait(page, lambda: page.keyboard.press("Enter"))
    wait_for_idle(page)
    after = step_label()
    assert after != start
    # The focus stays on Next across the rerun, so Space steps on without the mouse.
    assert page.evaluate("document.activeElement.innerText.trim()") == "Next ▶"
    act_and_wait(page, lambda: page.keyboard.press("Space"))
    assert step_label() not in (start, after)
