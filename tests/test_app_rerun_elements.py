"""A rerun that changes nothing costs the server CPU for every element a page draws (issue 13):
the pages' default views keep the counts they were brought down to. Details and rarely used
controls sit in boxes that draw their content only while open; the page state keeps their
values (tests/test_app_* and the browser tests check those survive)."""

import pytest
from app_helpers import ELEMENT_LIMITS, drawn, open_box, page


@pytest.mark.parametrize("name", sorted(ELEMENT_LIMITS))
def test_a_default_rerun_draws_no_more_than_its_limit(name):
    at = page(name)
    at.run()  # a rerun that changes nothing
    assert not at.exception
    elements, widgets = drawn(at)
    most_elements, most_widgets = ELEMENT_LIMITS[name]
    assert elements <= most_elements and widgets <= most_widgets, (name, elements, widgets)


#: page → (its lazy sidebar box, a widget inside: kind, key, new value, link name)
BOXED = {
    "backprop_steps": ("bp.more", "slider", "bp.lr", 1.5, "lr"),
    "one_vs_all": ("ova.more", "slider", "ova.epochs", 100, "epochs"),
    "neuron": ("neuron.more", "slider", "neuron.noise", 0.5, "noise"),
    "hidden_layers": ("hidden.more", "selectbox", "hidden.act", "tanh", "act"),
    "notes_checked": ("notes.more", "slider", "notes.epochs", 100, "epochs"),
    "gradient_descent": ("gd.more", "slider", "gd.steps", 30, "steps"),
}


@pytest.mark.parametrize("name", sorted(BOXED))
def test_a_value_set_in_a_box_stays_once_the_box_is_closed(name):
    """Streamlit keeps a key set in a run that drew no widget for it beside the widget drawn
    later, and brings it back once that widget is gone: the box's values must not revert."""
    box, kind, key, value, link = BOXED[name]
    at = open_box(page(name), box)
    getattr(at, kind)(key=key).set_value(value).run()
    written = at.query_params[link]
    for _ in range(3):  # closed, then reruns that change nothing
        at.session_state[box] = False
        at.run()
        assert not at.exception
        assert at.query_params[link] == written, name
    assert not [w for w in getattr(at, kind) if w.key == key]  # really closed
    open_box(at, box)
    assert getattr(at, kind)(key=key).value == value
