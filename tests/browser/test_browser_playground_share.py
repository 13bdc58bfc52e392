"""The training playground as a class uses it: Play, wait, Pause (epochs, loss curve and decision
boundary all move on), and a shared link that rebuilds the same settings in a fresh browser."""

from __future__ import annotations

import re

import pytest
from browser_helpers import (
    act_and_wait,
    click,
    drawn_plotly_charts,
    key_class,
    open_app,
    pause,
    plotly_data,
    problems,
    screenshot,
)

pytestmark = pytest.mark.browser


def _epoch(page) -> int:
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Epoch").first
    return int(re.sub(r"\D", "", metric.locator('[data-testid="stMetricValue"]').inner_text()))


def _loss_points(page) -> int:
    return sum(t["n"] for t in plotly_data(page, key="pg.loss_chart"))


def _boundary(page) -> str:
    return repr([(t["z"], t["xy"]) for t in plotly_data(page, key="pg.boundary_view")])


def _select(page, key: str, option: str) -> None:
    page.locator(f".st-key-{key_class(key)} [role='combobox']").click()
    click(page, page.get_by_role("option", name=option, exact=True))


def _fill_number(page, key: str, value: str) -> None:
    box = page.locator(f".st-key-{key_class(key)} input")
    box.fill(value)
    act_and_wait(page, lambda: box.press("Enter"))


@pytest.mark.serial  # timing: measured alone, after the parallel run
def test_play_wait_pause_moves_epoch_loss_and_boundary(page, page_urls, screenshot_dir):
    open_app(page, page_urls["Training playground"], "ds=linear&n=60&hidden=3&act=tanh")
    drawn_plotly_charts(page, at_least=2)
    epoch0, points0, boundary0 = _epoch(page), _loss_points(page), _boundary(page)
    page.get_by_role("button", name="Play", exact=True).click()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes('Epoch')
                   && parseInt(m.querySelector('[data-testid="stMetricValue"]').innerText) >= 5)""",
        timeout=60_000,
    )
    pause(page)
    drawn_plotly_charts(page, at_least=2)
    epoch1 = _epoch(page)
    assert epoch1 >= epoch0 + 5
    assert _loss_points(page) > points0, "the loss chart gained no points while playing"
    assert _boundary(page) != boundary0, "the decision boundary was not redrawn"
    assert problems(page) == []
    screenshot(page, screenshot_dir, "playground-trained")
    # Paused means paused: the epoch stays put.
    page.wait_for_timeout(1500)
    assert _epoch(page) == epoch1


def _metric(page, label: str) -> str:
    m = page.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return m.locator('[data-testid="stMetricValue"]').inner_text()


def _boundary_z(page) -> list[float]:
    """The decision boundary's grid values (Plotly may ship them base64-packed)."""
    import base64
    import json

    import numpy as np

    out: list[float] = []
    for t in plotly_data(page, key="pg.boundary_view"):
        z = json.loads(t["z"])
        if isinstance(z, dict) and "bdata" in z:
            out += np.frombuffer(base64.b64decode(z["bdata"]), dtype=z["dtype"]).tolist()
        elif isinstance(z, list):
            out += [v for row in z for v in (row if isinstance(row, list) else [row])]
    return out


def test_shared_trained_link_restores_weights_and_epoch(browser, page, page_urls):
    open_app(page, page_urls["Training playground"])
    _select(page, "pg.dataset", "moons")
    _fill_number(page, "pg.lr", "0.05")
    _fill_number(page, "pg.seed", "7")
    for _ in range(2):
        click(page, page.get_by_role("button", name="Step", exact=True))
    assert _epoch(page) == 2
    drawn_plotly_charts(page, at_least=2)
    trained, loss = _boundary_z(page), _metric(page, "Training loss")
    link = page.url
    assert "ds=moons" in link and "lr=0.05" in link and "seed=7" in link and "run=" in link
    assert len(link) < 6000

    fresh = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = fresh.new_page()
        open_app(other, link)
        drawn_plotly_charts(other, at_least=2)
        assert other.locator(".st-key-pg-dataset [role='combobox']").input_value() == "moons"
        assert float(other.locator(".st-key-pg-lr input").input_value()) == 0.05
        # The trained moment itself: the same epoch, loss and decision boundary (weights are
        # carried as float32, so the network's answers agree to ~1e-6).
        assert _epoch(other) == 2
        assert _metric(other, "Training loss") == loss
        restored = _boundary_z(other)
        assert trained and len(restored) == len(trained)
        assert max(abs(a - b) for a, b in zip(trained, restored, strict=True)) < 1e-4
        assert problems(other) == []
    finally:
        fresh.close()
