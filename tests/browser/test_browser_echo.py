"""Text a student or a link controls is echoed as text: a link value written as Markdown shows
its characters, and the page makes no image, no link and no request to the named host."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest
from browser_helpers import act_and_wait, alerts, open_app, problems

pytestmark = pytest.mark.browser

HOST = "evil.invalid"
HOSTILE = {
    "w1": f"![](//{HOST}/x)",
    "w2": f"[Log in](//{HOST})",
    "b": "$\\href{//" + HOST + "}x$",
    "theta": "<img src=//" + HOST + ">",
}

# Elements inside the alert boxes that Markdown or HTML would have made.
_MADE_JS = """() => [...document.querySelectorAll('[data-testid="stAlertContainer"]')]
  .flatMap(box => [...box.querySelectorAll('img, a, .katex, iframe, script')])
  .map(el => el.tagName + ' ' + (el.getAttribute('src') || el.getAttribute('href') || ''))"""


def test_markdown_in_link_values_shows_as_text(page, page_urls):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    open_app(page, page_urls["The neuron"], urlencode(HOSTILE))
    assert problems(page) == []
    shown = " ".join(alerts(page))
    for name, value in HOSTILE.items():
        assert value in shown, (name, shown[:500])
    assert page.evaluate(_MADE_JS) == []
    assert page.locator(f'img[src*="{HOST}"], a[href*="{HOST}"]').count() == 0
    assert not [url for url in requested if urlsplit(url).hostname == HOST]


def test_typed_answers_echo_as_text_and_bombs_are_refused(page, page_urls):
    requested = []
    page.on("request", lambda req: requested.append(req.url))
    open_app(page, page_urls["Backprop, step by step"])
    act_and_wait(page, lambda: page.locator(".st-key-bp-turn summary").click())
    box = page.get_by_label("Your answer").first
    act_and_wait(page, lambda: (box.fill(f"y ![x](//{HOST}/x)"), box.press("Enter")))
    assert "Unexpected character '!'" in " ".join(alerts(page, "error"))
    bomb = "abs(cos((((((e^10)^10)^10)^10)^10)^10))"
    act_and_wait(page, lambda: (box.fill(bomb), box.press("Enter")))
    assert "exponent of e is too large" in " ".join(alerts(page, "error"))
    assert problems(page) == []
    assert page.evaluate(_MADE_JS) == []
    assert not [url for url in requested if urlsplit(url).hostname == HOST]
