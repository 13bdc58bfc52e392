"""The training playground in a real browser: what AppTest cannot do — clicking on the chart
to add a point (a Plotly selection event)."""

from __future__ import annotations

import pytest
from browser_helpers import go_to, open_app, problems, screenshot, wait_for_idle

pytestmark = pytest.mark.browser


def _open_playground(page, app_url) -> None:
    # Through the sidebar, as a student would: a direct /playground address can start the page
    # without app.py (Streamlit's pages/ folder mode), where a first click may be lost.
    open_app(page, app_url)
    go_to(page, "Training playground")
    page.get_by_text("Training playground").first.wait_for()


def test_click_on_chart_adds_a_point(page, app_url, screenshot_dir):
    _open_playground(page, app_url)
    page.get_by_text("Your own points (CSV or clicks)").click()
    page.get_by_text("Click on the chart to add points").click()
    page.get_by_text("Click anywhere on the chart").wait_for()
    wait_for_idle(page)
    chart = page.locator('[data-testid="stPlotlyChart"]').first
    chart.locator(".main-svg").first.wait_for(state="visible")
    box = chart.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.45, box["y"] + box["height"] * 0.45)
    page.get_by_text("Your data: 201 points, 2 classes.").wait_for(timeout=30_000)
    wait_for_idle(page)
    assert problems(page) == []
    assert "ds=custom" in page.url
    screenshot(page, screenshot_dir, "playground-click")
