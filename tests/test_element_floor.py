"""bench.element_floor: the floor page draws what the page draws (the same kinds of elements,
in the same containers, widgets where the page has widgets), so the bench's "floor" is
Streamlit's cost of that page's elements and not of some other page."""

from __future__ import annotations

import pytest
from app_helpers import page
from streamlit.testing.v1 import AppTest

from bench.element_floor import floor_script, shape, widgets


def _run(tmp_path, source: str) -> AppTest:
    path = tmp_path / "floor.py"
    path.write_text(source)
    at = AppTest.from_file(str(path), default_timeout=120)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("name", ["neuron", "backprop_steps"])
def test_the_floor_page_draws_the_pages_elements(tmp_path, name):
    """Sidebar and main, columns, row containers, lazy expanders, charts that take clicks and
    charts that do not, tables, radios and sliders: node for node, widget for widget."""
    at = page(name)
    floor = _run(tmp_path, floor_script(at._tree))
    assert shape(floor._tree) == shape(at._tree)
    assert widgets(at._tree) > 3  # the comparison covers widgets, not only text
    only = _run(tmp_path, floor_script(at._tree, widgets_only=True))
    assert widgets(only._tree) == widgets(at._tree)
    assert len(shape(only._tree)) < len(shape(at._tree))  # the text and charts are left out
    assert not only.markdown and not only.caption


def test_an_element_it_has_no_stand_in_for_is_named(tmp_path):
    at = _run(tmp_path, "import streamlit as st\nst.color_picker('colour')\n")
    with pytest.raises(ValueError, match="color_picker"):
        floor_script(at._tree)
