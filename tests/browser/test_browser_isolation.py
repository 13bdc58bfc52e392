"""Two students at once, each in their own browser context (own Streamlit session): changing
the network or training in one never changes what the other sees."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    VIEWPORT,
    act_and_wait,
    click,
    key_class,
    open_app,
    pause,
    problems,
    tex_sources,
)

pytestmark = pytest.mark.browser

LINK = "ds=linear&n=60&hidden=3&act=tanh&seed=3"


def _epoch(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Epoch").first
    return int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def _weights_text(page) -> str:
    # The diagram's weights as Plotly holds them (the tables are canvas-drawn).
    return page.locator(".st-key-pg-diagram .js-plotly-plot").evaluate(
        "el => JSON.stringify(el.data.map(t => [t.x ?? null, t.y ?? null, t.text ?? null]))"
    )


@pytest.fixture
def two_students(browser):
    a, b = browser.new_context(viewport=VIEWPORT), browser.new_context(viewport=VIEWPORT)
    yield a.new_page(), b.new_page()
    a.close()
    b.close()


@pytest.mark.serial  # timing: measured alone, after the parallel run
def test_training_in_one_session_leaves_the_other_alone(two_students, page_urls):
    alice, bob = two_students
    for p in (alice, bob):
        open_app(p, page_urls["Training playground"], LINK)
        click(p, p.get_by_text("Network diagram and current weights"))  # built while open
        p.locator(".st-key-pg-diagram .js-plotly-plot").wait_for()
    bob_weights = _weights_text(bob)
    assert _weights_text(alice) == bob_weights  # same link, same starting network

    for _ in range(3):
        click(alice, alice.get_by_role("button", name="Step", exact=True))
    box = alice.locator(f".st-key-{key_class('pg.h0')} input")
    box.fill("5")
    act_and_wait(alice, lambda: box.press("Enter"))
    alice.get_by_role("button", name="Play", exact=True).click()

    # While Alice trains, Bob's page reruns for Bob only.
    click(bob, bob.get_by_role("button", name="Step", exact=True))
    assert _epoch(bob) == 1
    assert bob.locator(f".st-key-{key_class('pg.h0')} input").input_value() == "3"
    assert "hidden=3" in bob.url and "hidden=5" in alice.url

    pause(alice)
    assert _epoch(alice) >= 1  # Alice's network changed (reset to epoch 0) then trained
    click(bob, bob.get_by_role("button", name="Reset", exact=True))
    assert _epoch(bob) == 0
    assert _weights_text(bob) == bob_weights  # Bob's reset is Bob's own starting network
    assert problems(alice) == [] and problems(bob) == []


def test_hand_set_weights_stay_in_their_session(two_students, page_urls):
    alice, bob = two_students
    for p in (alice, bob):
        open_app(p, page_urls["Backprop, step by step"])
    before = tex_sources(bob)
    assert tex_sources(alice) == before

    click(alice, alice.locator(".st-key-bp-more summary"))  # the box with the toggle
    click(alice, alice.get_by_text("set every weight by hand"))
    weight = alice.get_by_label("w⁽1⁾ 1→1")
    weight.fill("4.5")
    act_and_wait(alice, lambda: weight.press("Enter"))
    assert tex_sources(alice) != before, "changing a weight changed nothing on screen"

    # Bob reruns (Next, then Previous) and sees his own network's numbers, unchanged.
    click(bob, bob.get_by_role("button", name="Next ▶", exact=True))
    click(bob, bob.get_by_role("button", name="◀ Previous", exact=True))
    assert tex_sources(bob) == before
    assert "hand=1" in alice.url and "hand=0" in bob.url
    assert problems(alice) == [] and problems(bob) == []
