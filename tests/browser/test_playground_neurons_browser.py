"""The playground's neuron pictures, the graph of one point and the new training controls in a
real browser: what AppTest cannot check (the picture is drawn, a click on a neuron or a data
point selects it, Graphviz lays the graph out client-side, the link follows a typed value)."""

from __future__ import annotations

import re

import pytest
from browser_helpers import act_and_wait, open_app, problems, screenshot, wait_for_idle

pytestmark = pytest.mark.browser
PATH = "/playground"


def _centre_click(page, locator) -> None:
    box = locator.bounding_box()
    act_and_wait(page, lambda: page.mouse.click(box["x"] + box["width"] / 2,
                                                box["y"] + box["height"] / 2))


def test_neuron_pictures_point_graph_and_new_controls(page, app_url, screenshot_dir):
    open_app(page, app_url.rstrip("/") + PATH,
             "ds=xor&hidden=4,3&act=tanh,tanh&mom=0.5&sched=inverse_time&stop_epoch=40")
    page.get_by_role("button", name="Play").wait_for()
    wait_for_idle(page)
    # The link's options are in force in the closed group, whose title says them; opened, its
    # boxes show them.
    more = page.get_by_text("More training options: η 1/t decay (k = 0.01), momentum 0.5, "
                            "stop at epoch 40")
    act_and_wait(page, more.click)
    momentum = page.get_by_role("spinbutton", name="Momentum μ (0 = plain gradient descent)")
    assert momentum.input_value() == "0.50"
    # The neuron map: one picture (a PNG in the figure) and a clickable marker per neuron.
    chart = page.locator(".st-key-pg-neuron_map .js-plotly-plot")
    chart.scroll_into_view_if_needed()
    chart.locator("image").first.wait_for(state="attached")
    assert chart.locator("image").first.get_attribute("href").startswith("data:image/png")
    neurons = chart.locator(".scatterlayer .trace").last.locator(".point")
    assert neurons.count() == 2 + 4 + 3 + 1
    _centre_click(page, neurons.nth(3))  # the neurons in order: 2 inputs, then layer 1's
    page.locator(".st-key-pg-boundary_view .gtitle").filter(
        has_text=re.compile(r"^What hidden layer 1, neuron 2 computes$")).wait_for()
    # The graph of one point, laid out by Graphviz in the browser.
    page.get_by_text("The graph of one point").click()
    graph = page.locator('[data-testid="stGraphVizChart"] svg')
    graph.wait_for()
    assert graph.locator("g.node").count() == 2 + 2 * (4 + 3 + 1) + 1
    assert "∂E/∂" in graph.text_content()
    # A click on a data point of the large chart picks that point's graph.
    page.get_by_role("combobox", name="Large chart shows").scroll_into_view_if_needed()
    before = page.get_by_text("point", exact=False).filter(has_text="its loss E").inner_text()
    big = page.locator(".st-key-pg-boundary_view .js-plotly-plot")
    points = big.locator(".scatterlayer .trace .point")
    _centre_click(page, points.nth(points.count() // 2))
    wait_for_idle(page)
    after = page.get_by_text("point", exact=False).filter(has_text="its loss E").inner_text()
    assert after != before
    # A typed value goes into the link, as every control's does.
    act_and_wait(page, lambda: (momentum.fill("0.8"), momentum.press("Enter")))
    assert "mom=0.8" in page.url
    # The open group's title follows its values, and the group stays open.
    page.get_by_text("More training options: η 1/t decay (k = 0.01), momentum 0.8").wait_for()
    assert momentum.is_visible() and momentum.input_value() == "0.80"
    assert problems(page) == []
    screenshot(page, screenshot_dir, "playground-neurons-and-point-graph")
