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
# Every epoch value the counter shows from now on (the first: the one on screen now).
_WATCH_EPOCH_JS = """() => {
  const read = () => parseInt(document.querySelector('[data-testid="stMetricValue"]')
    .innerText.replace(/\\D/g, ''));
  window.__epochsShown = [read()];
  new MutationObserver(() => {
    const e = read();
    if (e !== window.__epochsShown[window.__epochsShown.length - 1]) window.__epochsShown.push(e);
  }).observe(document.querySelector('[data-testid="stMain"]'),
             {subtree: true, childList: true, characterData: true});
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
    # Pause lands within one frame: after the click the counter shows at most the frame that
    # was being drawn (frames once queued behind each other, ~100 epochs).
    page.evaluate(_WATCH_EPOCH_JS)
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()  # the pause's full rerun is done
    wait_for_idle(page, settle=1.0)
    paused = _epoch(page)
    shown_after = page.evaluate("() => window.__epochsShown")
    # Issue 11 asks for a pause within one frame; measured alone on this machine it lands
    # after up to ~5 frames (about 1.5 s, 100 epochs), still open there. This bounds today's
    # behaviour so it cannot get worse: frames once queued for ~100 epochs and 25 s.
    assert len(set(shown_after)) <= 8, f"epochs shown after Pause: {shown_after}"
    assert paused - shown_after[0] <= 8 * MAX_EPOCHS_PER_TICK
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
