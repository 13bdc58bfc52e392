"""Bad input as a class would produce it: every slider and number box pushed to its ends, and
link (query-parameter) values that are garbage. Each gives a message or a clamped value, never
a traceback, under the hosted server's `client.showErrorDetails`."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from browser_helpers import act_and_wait, alerts, click, open_app, problems, screenshot

pytestmark = pytest.mark.browser

PAGES = ["The neuron", "One vs all", "Hidden layers", "Gradient descent",
         "Backprop, step by step", "The notes, checked", "Training playground"]
GARBAGE = {
    "words": lambda name: f"not-a-{name}",
    "huge": lambda name: "1e308",
    "nan": lambda name: "nan",
    "long": lambda name: "9" * 300,
}


def _link_names(page, url: str) -> list[str]:
    """The page's own link parameters: it writes them all back after its first run."""
    open_app(page, url)
    return [k for k, _ in parse_qsl(urlsplit(page.url).query)]


@pytest.mark.parametrize("title", PAGES)
def test_garbage_link_values_give_a_message(page, page_urls, screenshot_dir, title):
    names = _link_names(page, page_urls[title])
    assert names, f"{title} keeps no settings in its link"
    for kind, make in GARBAGE.items():
        open_app(page, page_urls[title], urlencode({n: make(n) for n in names}))
        assert problems(page) == [], f"{title} with {kind} link values"
        warned = " ".join(alerts(page))
        # Each bad value is named with what was used instead: ui.page_state's notices
        # ("The link's w₁ (“…”) was not a number, so the page shows −1.") or ui.params' ones.
        named = ("The link's" in warned and "so the page shows" in warned) or \
            "not valid" in warned or "was not" in warned
        assert named, f"{title}, {kind}: {warned[:300]}"
        if kind == "words":
            screenshot(page, screenshot_dir, f"bad-link-{title}")


@pytest.mark.parametrize("title", PAGES)
def test_every_slider_and_number_box_at_its_ends(page, page_urls, title):
    open_app(page, page_urls[title])
    sliders = page.locator('[data-testid="stSlider"] input[type="range"]')
    numbers = page.locator('[data-testid="stNumberInput"] input:not([disabled])')
    # A widget's code loads lazily in a fresh browser: wait until the first control is drawn.
    # Controls in a closed sidebar box are drawn once it opens: open each, so all are moved.
    closed = page.locator('[data-testid="stSidebar"] details:not([open]) > summary')
    sliders.or_(numbers).or_(closed).first.wait_for(timeout=20_000)
    for _ in range(8):
        if not closed.count():
            break
        act_and_wait(page, lambda: closed.first.click())
    sliders.or_(numbers).first.wait_for(timeout=20_000)
    n_sliders, n_numbers = sliders.count(), numbers.count()
    assert n_sliders + n_numbers > 0, f"{title} has no slider or number box"
    seen = []
    for i in range(n_sliders):
        for key in ("End", "Home"):
            thumb = page.locator('[data-testid="stSlider"] input[type="range"]').nth(i)
            if thumb.is_disabled() or not thumb.is_visible():
                continue
            act_and_wait(page, lambda t=thumb, k=key: (t.focus(), t.press(k)))
            seen.append((f"slider {i} {key}", problems(page)))
    for i in range(n_numbers):
        for value in ("-1e9", "1e9"):
            box = page.locator('[data-testid="stNumberInput"] input:not([disabled])').nth(i)
            if not box.is_visible():
                continue
            act_and_wait(page, lambda b=box, v=value: (b.fill(v), b.press("Enter")))
            seen.append((f"number {i} {value}", problems(page)))
    assert seen, f"no control of {title} could be moved"
    assert [(what, p) for what, p in seen if p] == []
    step = page.get_by_role("button", name="Step", exact=True)
    if title == "Training playground" and step.is_enabled():
        click(page, step)  # training at the extreme settings: a message, not a crash
        assert problems(page) == []
