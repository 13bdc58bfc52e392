"""A rerun that changes nothing costs the server CPU for every element a page draws (issue 13):
the pages' default views keep the counts they were brought down to. Details and rarely used
controls sit in boxes that draw their content only while open; the page state keeps their
values (tests/test_app_* and the browser tests check those survive)."""

import pytest
from app_helpers import drawn, page

#: page → (elements and containers, widgets) on a default rerun; before issue 13's work:
#: backprop_steps (59, 19), one_vs_all (61, 8), neuron (38, 9), hidden_layers (43, 12),
#: notes_checked (39, 9), gradient_descent (40, 7)
LIMITS = {
    "backprop_steps": (42, 10),
    "one_vs_all": (44, 5),
    "neuron": (34, 6),
    "hidden_layers": (39, 7),
    "notes_checked": (34, 4),
    "gradient_descent": (38, 4),
}


@pytest.mark.parametrize("name", sorted(LIMITS))
def test_a_default_rerun_draws_no_more_than_its_limit(name):
    at = page(name)
    at.run()  # a rerun that changes nothing
    assert not at.exception
    elements, widgets = drawn(at)
    most_elements, most_widgets = LIMITS[name]
    assert elements <= most_elements and widgets <= most_widgets, (name, elements, widgets)
