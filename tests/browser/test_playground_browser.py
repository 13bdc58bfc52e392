"""The training playground in a real browser: what AppTest cannot do — the animation that runs
while playing and stops when paused, a shared link opened directly, and clicking on the chart
to add a point (a Plotly selection event)."""

from __future__ import annotations

import re

import pytest
from browser_helpers import _IDLE_JS, open_app, problems, screenshot, wait_for_idle

from page_model.playground import MAX_EPOCHS_PER_TICK

pytestmark = pytest.mark.browser
PATH = "/playground"  # app.py's url_path
# From the moment the page receives the next click (pointerdown, before any handler of the
# app's): the epoch then on screen, every other epoch shown after it, and how many of those came
# before the button said Play again. Measured from the click as the page gets it, not from when
# Playwright is asked to click: Playwright first checks the button over several round trips to
# a renderer busy drawing frames, which took 0.05-5.8 s here, frames a person never waits for.
_WATCH_PAUSE_JS = """() => {
  const read = () => parseInt(document.querySelector('[data-testid="stMetricValue"]')
    .innerText.replace(/\\D/g, ''));
  const playShown = () => [...document.querySelectorAll('button')]
    .some(b => b.innerText.trim() === 'Play');
  const w = window.__pause = {atClick: null, after: [], beforePlay: null};
  document.addEventListener('pointerdown', () => {
    w.atClick = read();
    new MutationObserver(() => {
      const e = read(), last = w.after.length ? w.after[w.after.length - 1] : w.atClick;
      if (e !== last) w.after.push(e);
      if (w.beforePlay === null && playShown()) w.beforePlay = w.after.length;
    }).observe(document.querySelector('[data-testid="stMain"]'),
               {subtree: true, childList: true, characterData: true});
  }, {capture: true, once: true});
}"""


def _open(page, app_url, query: str) -> None:
    open_app(page, app_url.rstrip("/") + PATH, query)
    page.get_by_role("button", name="Play").wait_for()


def _epoch(page) -> int:
    text = page.locator('[data-testid="stMetricValue"]').first.inner_text()
    return int(re.sub(r"\D", "", text))


def _wait_epoch_above(page, n: int, timeout_s: float = 30.0) -> int:
    for _ in range(int(timeout_s / 0.25)):
        page.wait_for_timeout(250)
        e = _epoch(page)
        if e > n:
            return e
    raise AssertionError(f"the epoch counter stayed at {n} while playing")


def test_shared_link_opens_the_same_configuration(page, app_url):
    _open(page, app_url, "ds=xor&seed=4&hidden=3&act=relu")
    assert "seed=4" in page.url and "hidden=3" in page.url and "ds=xor" in page.url
    assert page.get_by_role("spinbutton", name="Seed", exact=True).input_value() == "4"
    assert page.get_by_role("spinbutton", name="Hidden layers", exact=True).input_value() == "1"
    neurons = page.get_by_role("spinbutton", name="Neurons in layer 1", exact=True)
    assert neurons.input_value() == "3"
    assert problems(page) == []


@pytest.mark.serial  # timing: measured alone, after the parallel run
def test_play_animates_and_pause_stops_reruns(page, app_url, screenshot_dir):
    _open(page, app_url, "ds=linear&n=80")
    assert problems(page) == []
    start = _epoch(page)
    page.get_by_role("button", name="Play").click()
    first = _wait_epoch_above(page, start)
    later = _wait_epoch_above(page, first)  # it keeps going without any click
    assert later > first
    # Pause lands within one frame of the click: training stops when the click reaches the
    # server (its full rerun preempts the frame being drawn), so the page shows at most the
    # frames already on their way: the one the browser had not painted yet and the one the
    # server was drawing. Then Play, with no further frame.
    page.evaluate(_WATCH_PAUSE_JS)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for(timeout=20_000)  # a hang-safe bound
    wait_for_idle(page, settle=1.0)
    paused = _epoch(page)
    seen = page.evaluate("() => window.__pause")
    assert seen["atClick"] is not None, "the click never reached the page"
    assert len(seen["after"]) <= 2, f"epochs shown after the click: {seen}"
    assert paused - seen["atClick"] <= 2 * MAX_EPOCHS_PER_TICK, seen
    assert seen["beforePlay"] is not None and seen["beforePlay"] <= 2, seen
    # Paused: no rerun starts by itself (no idle animation), and the counter stays.
    for _ in range(10):
        page.wait_for_timeout(200)
        assert page.evaluate(_IDLE_JS), "the page reran while paused"
    assert _epoch(page) == paused
    assert problems(page) == []
    screenshot(page, screenshot_dir, "playground-paused")


def test_click_on_chart_adds_a_point(page, app_url, screenshot_dir):
    _open(page, app_url, "ds=linear&n=50")
    page.get_by_text("Your own points (CSV or clicks)").click()
    page.get_by_text("Click on the chart to add points").click()
    page.get_by_text("Click anywhere on the chart").wait_for()
    wait_for_idle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for(state="visible")
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.45)
    page.get_by_text("Your data: 51 points, 2 classes.").wait_for(timeout=30_000)
    wait_for_idle(page)
    assert problems(page) == []
    assert "ds=custom" in page.url
    screenshot(page, screenshot_dir, "playground-click")
