"""Every page, reached through the sidebar as a person would, renders cleanly."""

from __future__ import annotations

import pytest
from browser_helpers import go_to, nav_links, open_app, problems, screenshot, tex_sources

pytestmark = pytest.mark.browser


def test_first_page_loads_clean(page, app_url, screenshot_dir):
    open_app(page, app_url)
    assert page.title(), "the app has no page title"
    assert problems(page) == []
    assert screenshot(page, screenshot_dir, "home").stat().st_size > 5_000


def test_tour_every_sidebar_page(page, app_url, screenshot_dir):
    open_app(page, app_url)
    links = nav_links(page)
    labels = [link["label"] for link in links]
    assert len(set(labels)) == len(labels), f"two pages share a name: {labels}"
    seen = {}
    for label in labels:
        go_to(page, label)
        seen[label] = problems(page)
        screenshot(page, screenshot_dir, f"tour-{label}")
    assert {k: v for k, v in seen.items() if v} == {}
    # Formulas that rendered came through KaTeX with their TeX readable.
    assert all(t.strip() for t in tex_sources(page))
