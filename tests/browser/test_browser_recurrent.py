"""The sequence playground in a real browser: Play trains both networks on a timer until Pause,
a shared link reopens the same task, and the page stays free of errors while animating."""

from __future__ import annotations

import pytest
from browser_helpers import _IDLE_JS, open_app, problems, screenshot, wait_for_idle
from test_playground_browser import _epoch, _wait_epoch_above  # the same metric, read the same

pytestmark = pytest.mark.browser
PATH = "/sequence-playground"  # app.py's url_path


@pytest.mark.serial  # timing: measured alone, after the parallel run
def test_sequence_playground_plays_and_pauses(page, app_url, screenshot_dir):
    open_app(page, app_url.rstrip("/") + PATH, "task=sine&T=8&n=8&hidden=3")
    page.get_by_role("button", name="Play").wait_for()
    assert "task=sine" in page.url and problems(page) == []
    assert _epoch(page) == 0
    page.get_by_role("button", name="Play").click()
    first = _wait_epoch_above(page, 0)
    assert _wait_epoch_above(page, first) > first  # it keeps going without a click
    page.get_by_role("button", name="Pause").click()
    page.get_by_role("button", name="Play").wait_for()
    wait_for_idle(page, settle=1.0)
    paused = _epoch(page)
    for _ in range(10):  # paused: no rerun starts by itself
        page.wait_for_timeout(200)
        assert page.evaluate(_IDLE_JS), "the page reran while paused"
    assert _epoch(page) == paused
    assert "After " in page.locator('[data-testid="stMain"]').inner_text()  # the comparison
    assert problems(page) == []
    screenshot(page, screenshot_dir, "sequence-playground-paused")
