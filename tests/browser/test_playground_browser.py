"""The training playground in a real browser: what AppTest cannot do — the animation that runs
while playing and stops when paused, and clicking on the chart to add a point."""

from __future__ import annotations

import re

import pytest
from browser_helpers import _IDLE_JS, open_app, problems, screenshot, wait_for_idle

pytestmark = pytest.mark.browser


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


def test_play_animates_and_pause_stops_reruns(page, app_url, screenshot_dir):
    open_app(page, app_url.rstrip("/") + "/playground", "ds=linear&n=80")
    assert problems(page) == []
    assert _epoch(page) == 0
    page.get_by_role("button", name="Play").click()
    first = _wait_epoch_above(page, 0)
    later = _wait_epoch_above(page, first)  # it keeps going without any click
    assert later > first
    page.get_by_role("button", name="Pause").click()
    wait_for_idle(page, settle=1.0)
    paused = _epoch(page)
    # Paused: no rerun starts by itself (no idle animation), and the counter stays.
    for _ in range(10):
        page.wait_for_timeout(200)
        assert page.evaluate(_IDLE_JS), "the page reran while paused"
    assert _epoch(page) == paused
    assert problems(page) == []
    screenshot(page, screenshot_dir, "playground-paused")


def test_click_on_chart_adds_a_point(page, app_url, screenshot_dir):
    open_app(page, app_url.rstrip("/") + "/playground", "ds=linear&n=50")
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
