"""Every page, reached through the sidebar as a person would: no traceback or error text,
formulas rendered by KaTeX with readable TeX, Plotly charts drawn, and a screenshot."""

from __future__ import annotations

import pytest
from browser_helpers import (
    drawn_plotly_charts,
    go_to,
    nav_links,
    open_app,
    problems,
    screenshot,
    tex_sources,
)

pytestmark = pytest.mark.browser

# Sidebar title → (at least this many KaTeX formulas, at least this many charts with data).
PAGES = {
    "Home": (0, 0),
    "The neuron": (3, 1),
    "One vs all": (3, 1),
    "Hidden layers": (2, 1),
    "Gradient descent": (3, 1),
    "Backprop, step by step": (3, 1),
    "The notes, checked": (5, 1),
    "Training playground": (1, 2),
    "Unrolled through time": (7, 2),
    "Backprop through time, step by step": (8, 1),
    "Vanishing and exploding gradients": (4, 1),
    "The LSTM cell": (15, 3),
    "A sequence playground": (0, 5),
}


def test_sidebar_lists_every_page_once(page, app_url):
    open_app(page, app_url)
    labels = [link["label"] for link in nav_links(page)]
    # A page added to app.py without a test here fails this test (and vice versa).
    assert sorted(labels) == sorted(PAGES)
    assert len(set(labels)) == len(labels)


@pytest.mark.parametrize("title", list(PAGES))
def test_page_through_sidebar(page, app_url, page_urls, screenshot_dir, title):
    min_tex, min_charts = PAGES[title]
    open_app(page, app_url)
    if title != "Home":
        go_to(page, title)
    assert page.url.split("?")[0].rstrip("/") == page_urls[title].rstrip("/")
    total, with_marks = drawn_plotly_charts(page, at_least=min_charts)
    assert with_marks != -1, f"not all of the {total} Plotly charts were drawn"
    assert with_marks >= min_charts, f"{with_marks} of {total} charts show data"
    tex = tex_sources(page, at_least=min_tex)
    assert len(tex) >= min_tex, f"only {len(tex)} KaTeX formulas"
    # KaTeX keeps the TeX it rendered: every formula has readable, non-empty source.
    assert all(t.strip() for t in tex)
    assert problems(page) == []
    shot = screenshot(page, screenshot_dir, title)
    assert shot.stat().st_size > 10_000


def test_the_lessons_links_lead_through_the_pages(page, app_url, page_urls):
    """Home's numbered links and each page's "Next" (st.page_link on the pages built once per
    server, ui.navigation) open the page they name."""
    open_app(page, app_url)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("link", name="1. The neuron").click()
    page.wait_for_url(page_urls["The neuron"].rstrip("/") + "*")
    main.get_by_role("heading", name="The neuron").first.wait_for()
    main.get_by_role("link", name="Next: One vs all").click()
    page.wait_for_url(page_urls["One vs all"].rstrip("/") + "*")
    main.get_by_role("heading", name="One vs all").first.wait_for()
    assert problems(page) == []
