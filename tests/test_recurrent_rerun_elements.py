"""The recurrent pages draw few elements on a rerun that changes nothing (issue 13): each element
costs the server CPU on every rerun, so formulas, headings and their text are merged into one
Markdown element, rarely read detail and rarely changed settings wait in a box drawn only while
open (its values said beside it), and a choice with one option is not drawn. Their element
ceilings are in app_helpers.ELEMENT_LIMITS with every page's (test_app_rerun_elements); here,
that the merged Markdown stays whole."""

from __future__ import annotations

import re

import pytest
from app_helpers import notices, page, table

from ui.compute import shared

RECURRENT = ("lstm_cell", "sequence_playground", "rnn_bptt", "rnn_gradients", "rnn_unrolled")


@pytest.mark.parametrize("name", RECURRENT)
def test_a_default_rerun_keeps_its_merged_markdown_whole(name):
    """(The element ceilings of these pages: app_helpers.ELEMENT_LIMITS, checked with every
    page's in test_app_rerun_elements.)"""
    at = page(name)
    at.run()  # the rerun that changes nothing (replayed from the caches)
    assert not at.exception
    # the merged Markdown still renders every formula as a display block of its own
    for md in at.markdown:
        assert md.value.count("$$") % 2 == 0, md.value[:80]
    # a check merged as a small line keeps its words whole (no bracket ends it early)
    for md in at.markdown:
        for line in re.findall(r":small\[([^\]]*)\]", md.value):
            assert line.strip() and "[" not in line


def test_the_front_memo_returns_the_cached_result_and_forgets_the_oldest():
    calls = []

    @shared(memo=2, show_spinner=False)
    def square(x: int) -> list[int]:
        calls.append(x)
        return [x * x]

    square.clear()
    first = square(3)
    assert square(x=3) is first and calls == [3]  # by position or by name: one key
    square(4)
    square(5)  # pushes 3 out of the memo; Streamlit's cache still holds it
    assert square(3) is first and calls == [3, 4, 5]
    square.clear()
    assert square(3) is not first and calls == [3, 4, 5, 3]


def test_one_unit_draws_no_unit_choice_and_a_link_past_it_still_says_so():
    at = page("lstm_cell", {"units": "1", "j": "3"})
    assert "lstm.j" not in [r.key for r in at.radio]  # nothing to choose between
    assert any("cell unit (3) does not fit" in n for n in notices(at))
    assert at.query_params["j"] == "1"
    at.session_state["lstm.more"] = True  # the units are in the sidebar's box, drawn while open
    at.run()
    at.slider(key="lstm.units").set_value(2).run()
    at.radio(key="lstm.j").set_value(2).run()
    assert table(at)["output h_t"] == pytest.approx(_lstm_h(2, 2, 2))
    at.slider(key="lstm.units").set_value(1).run()  # the radio goes, j is pulled back to 1
    assert "lstm.j" not in [r.key for r in at.radio] and at.query_params["j"] == "1"
    at.slider(key="lstm.units").set_value(2).run()  # and comes back at 1, no stale value
    assert at.radio(key="lstm.j").value == 1 and at.query_params["j"] == "1"
    assert table(at)["output h_t"] == pytest.approx(_lstm_h(2, 2, 1))


def _lstm_h(units: int, t: int, j: int) -> float:
    from nn_core import LSTM
    from page_model.recurrent import make_task

    run = LSTM.init(1, units, seed=0, forget_bias=1.0).forward(
        make_task("sine", 1, 4, k=1, seed=0).xs[0])
    return float(run.h[t - 1, j - 1])


def sidebar_text(at) -> str:
    """The sidebar's captions and Markdown (a closed box's summary shares its element with the
    next heading)."""
    return " ".join(el.value for el in [*at.sidebar.caption, *at.sidebar.markdown])


def test_the_closed_settings_box_keeps_its_values_and_says_them():
    from nn_core import RNN
    from page_model.recurrent import make_task

    at = page("rnn_unrolled", {"T": "6", "seed": "5", "act": "relu"})  # box closed: from the link
    said = sidebar_text(at)
    assert "activation relu, weight seed 5" in said and "T = 6 steps" in said
    run = RNN.init(1, 2, 1, seed=5, activation="relu").forward(
        make_task("sine", 1, 6, k=1, seed=5).xs[0])
    assert table(at)["h_t, unit 1"] == pytest.approx(run.h[0, 0], rel=1e-12)
    at.session_state["unroll.more"] = True
    at.run()  # open: the controls show the same values
    assert at.slider(key="unroll.T").value == 6 and at.number_input(key="unroll.seed").value == 5
    at.slider(key="unroll.T").set_value(7).run()
    at.session_state["unroll.more"] = False
    at.run()  # closed again: the new value kept, said, and in the link
    assert "T = 7 steps" in sidebar_text(at)
    assert at.query_params["T"] == "7" and at.query_params["seed"] == "5"
    assert "unroll.T" not in [s.key for s in at.slider]
