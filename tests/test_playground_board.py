"""The paused playground's board (a fragment): a Step or Reset reruns it alone, not the
sidebar's widgets, and still redraws what the click changed (the live part, the weights tables,
the link, Play's state); Play reruns the whole page (its timer starts there). AppTest runs
every click as a full rerun, so these send it as the browser does: a rerun of the fragment the
button is in."""

from unittest.mock import patch

from app_helpers import ROOT, drawn_in
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1 import local_script_runner as runner

from page_model.numbers import fmt

PAGE = str(ROOT / "views" / "playground.py")


def open_page(query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(query)
    at.run()
    assert not at.exception
    return at


def click_in_fragment(at, key: str) -> None:
    """Click button ``key`` as the browser does: a rerun of the fragment that drew it."""
    board = list(at._fragment_storage._ids_by_target_key["pg_board"])
    assert len(board) == 1
    button = at.button(key=key)
    states = WidgetStates()
    states.widgets.extend(s for s in at._tree.get_widget_states().widgets if s.id != button.id)
    clicked = states.widgets.add()
    clicked.id, clicked.trigger_value = button.id, True
    rerun_data = runner.RerunData
    with patch.object(runner, "RerunData",
                      lambda **kw: rerun_data(**kw, fragment_id_queue=board)):
        at._run(states)
    assert not at.exception, [e.value for e in at.exception]


def epoch_shown(at) -> str:
    return {m.label: m.value for m in at.metric}["Epoch"]


def test_a_paused_step_or_reset_reruns_the_board_alone():
    at = open_page({"ds": "xor", "hidden": "3", "act": "tanh", "n": "60"})
    assert not [t for t in at.dataframe if "from" in t.value.columns]  # closed: not built
    at.session_state["pg.diagram_open"] = True  # the diagram's box is built only while open
    at.run()
    assert drawn_in(at.sidebar) > 20
    for epoch in (1, 2):  # the second click finds the epoch the first one drew
        click_in_fragment(at, "pg.step")
        sess = at.session_state["pg.session"]
        assert sess.epoch == epoch and epoch_shown(at) == str(epoch)
        assert drawn_in(at.sidebar) == 0  # not rebuilt
        assert at.query_params["run"]  # the link holds the trained moment
        tables = [t.value for t in at.dataframe if "from" in t.value.columns]  # redrawn
        assert list(tables[0]["neuron 1"][:-1]) == [fmt(v) for v in sess.net.weights[0][:, 0]]
    click_in_fragment(at, "pg.reset")
    assert at.session_state["pg.session"].epoch == 0 and epoch_shown(at) == "0"
    assert "run" not in at.query_params and drawn_in(at.sidebar) == 0
    click_in_fragment(at, "pg.play")  # its callback asks for the whole page: the timer starts
    assert at.session_state["pg.playing"] is True
    assert drawn_in(at.sidebar) > 20
    assert [b.label for b in at.button if b.label in ("Play", "Pause")] == ["Pause"]
    assert int(epoch_shown(at)) >= 1


def test_play_follows_the_stop_condition_in_the_boards_rerun():
    at = open_page({"ds": "linear", "stop_epoch": "2"})
    for _ in range(2):
        click_in_fragment(at, "pg.step")
    assert at.session_state["pg.session"].done
    assert at.button(key="pg.play").disabled  # redrawn by the board's rerun
    click_in_fragment(at, "pg.reset")
    assert not at.button(key="pg.play").disabled
