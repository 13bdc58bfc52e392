"""The playground's sidebar groups built only while open (More training options, Your own
points, Load trained weights): a closed group's values stay in force (the run, the link, its
title), survive leaving the page, show when it opens, and Reset this page resets them; a click on
the chart adds a point while "Your own points" is closed; a default rerun draws fewer widgets."""

import json

from app_helpers import ELEMENT_LIMITS, ROOT, drawn, drawn_in
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from page_model.playground import CUSTOM

PAGE = str(ROOT / "views" / "playground.py")
MORE, OWN = "pg.more_open", "pg.own_open"


def param(at, name: str) -> str:
    value = at.query_params[name]
    return value[-1] if isinstance(value, list) else value


def label(at, start: str) -> str:
    found = [e.label for e in at.sidebar.expander if e.label.startswith(start)]
    assert len(found) == 1, [e.label for e in at.sidebar.expander]
    return found[0]


def test_closed_options_keep_their_values_in_force_across_pages_and_reset():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/playground.py").run()
    assert label(at, "More training options") == (
        "More training options: η constant, momentum 0, no stop condition")
    at.session_state[MORE] = True
    at.run()
    at.selectbox(key="pg.schedule").set_value("step").run()
    at.number_input(key="pg.gamma").set_value(0.7).run()
    at.number_input(key="pg.momentum").set_value(0.5).run()
    at.number_input(key="pg.stop_epoch").set_value(30).run()
    at.session_state[MORE] = False  # closed: its widgets are not drawn
    at.run()
    assert not at.exception
    said = ("More training options: η step decay (× 0.7 every 100 epochs), momentum 0.5, "
            "stop at epoch 30")
    assert label(at, "More training options") == said
    assert not [n for n in at.number_input if n.key in ("pg.momentum", "pg.gamma")]
    cfg = at.session_state["pg.session"].cfg
    assert (cfg.schedule, cfg.gamma, cfg.momentum, cfg.stop_epoch) == ("step", 0.7, 0.5, 30)
    assert {k: param(at, k) for k in ("sched", "gamma", "mom", "stop_epoch")} == {
        "sched": "step", "gamma": "0.7", "mom": "0.5", "stop_epoch": "30"}
    at.button(key="pg.step").click().run()  # the kept values train
    assert at.session_state["pg.session"].current_lr == 0.3 and not at.exception
    # Away and back: still in force, and opening the group shows them.
    at.switch_page("views/home.py").run()
    at.switch_page("views/playground.py").run()
    assert not at.exception
    assert label(at, "More training options") == said
    assert at.session_state["pg.session"].cfg == cfg
    at.session_state[MORE] = True
    at.run()
    assert at.selectbox(key="pg.schedule").value == "step"
    assert at.number_input(key="pg.gamma").value == 0.7
    assert at.number_input(key="pg.momentum").value == 0.5
    assert at.number_input(key="pg.stop_epoch").value == 30
    at.session_state[MORE] = False
    at.run()
    # Reset this page: the closed group's values too.
    at.button(key="pg.reset_page").click().run()
    assert not at.exception
    assert label(at, "More training options") == (
        "More training options: η constant, momentum 0, no stop condition")
    cfg = at.session_state["pg.session"].cfg
    assert (cfg.schedule, cfg.gamma, cfg.momentum, cfg.stop_epoch) == ("constant", 0.5, 0.0, 0)


def test_link_options_apply_while_the_group_is_closed():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"sched": "inverse_time", "k": "0.05", "mom": "0.9",
                            "stop_loss": "0.02"})
    at.run()
    assert label(at, "More training options") == (
        "More training options: η 1/t decay (k = 0.05), momentum 0.9, stop at loss ≤ 0.02")
    cfg = at.session_state["pg.session"].cfg
    assert (cfg.schedule, cfg.k, cfg.momentum, cfg.stop_loss) == ("inverse_time", 0.05, 0.9, 0.02)
    assert param(at, "mom") == "0.9" and param(at, "k") == "0.05"


def _click_chart(at, x: float, y: float) -> None:
    """A click on the click-to-add chart, as the browser sends it (a Plotly selection)."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("pg.boundary"))
    states = WidgetStates()
    states.widgets.extend(s for s in at._tree.get_widget_states().widgets
                          if s.id != chart.proto.id)
    click = states.widgets.add()
    click.id = chart.proto.id
    click.string_value = json.dumps({"selection": {"points": [{"x": x, "y": y}],
                                                   "point_indices": [0], "box": [],
                                                   "lasso": []}})
    at._run(states)
    assert not at.exception, [e.value for e in at.exception]


def test_click_mode_stays_on_while_own_points_is_closed():
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update({"ds": "linear", "n": "50"})
    at.session_state[OWN] = True
    at.run()
    at.toggle(key="pg.click_mode").set_value(True).run()
    at.radio(key="pg.click_class").set_value(1).run()
    at.session_state[OWN] = False  # closed: click mode and its class stay in force
    at.run()
    assert label(at, "Your own points") == (
        "Your own points (CSV or clicks): none yet; clicks on the chart add class 1")
    assert not [t for t in at.toggle if t.key == "pg.click_mode"]
    assert any("point of class 1" in c.value for c in at.caption)
    _click_chart(at, 0.25, -0.5)
    assert at.session_state["pg.dataset"] == CUSTOM
    X, y, _ = at.session_state["pg.custom"]
    assert len(X) == 51 and list(X[-1]) == [0.25, -0.5] and y[-1] == 1
    # Becoming the student's own points opens the group, which shows them.
    assert at.session_state[OWN] is True
    assert label(at, "Your own points") == ("Your own points (CSV or clicks): 51 points, "
                                            "2 classes; clicks on the chart add class 1")
    assert at.toggle(key="pg.click_mode").value is True
    assert any("Your data: 51 points" in c.value for c in at.caption)
    # Closed again by the student, it stays closed while clicks add points.
    at.session_state[OWN] = False
    at.run()
    _click_chart(at, -0.25, 0.5)
    assert len(at.session_state["pg.custom"][0]) == 52
    assert at.session_state[OWN] is False
    assert label(at, "Your own points").startswith("Your own points (CSV or clicks): 52 points")


#: widget types counted below (everything a student can set or press)
WIDGETS = ("button", "checkbox", "download_button", "file_uploader", "multiselect",
           "number_input", "radio", "selectbox", "slider", "text_input", "toggle")


def test_a_default_rerun_draws_fewer_widgets_and_elements():
    """Every element costs a rerun CPU, a widget more: the closed groups' widgets are not
    drawn, rows are one container each (before: 30 widgets in the sidebar, 37 in all, and 113
    elements and containers)."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    at.run()
    assert drawn_in(at.sidebar, WIDGETS) <= 17
    assert drawn_in(at.sidebar, WIDGETS) + drawn_in(at.main, WIDGETS) <= 25
    assert drawn(at)[0] <= ELEMENT_LIMITS["playground"][0]  # app_helpers' table
    for key in ("pg.schedule", "pg.momentum", "pg.click_mode", "pg.csv", "pg.weights_file"):
        assert key not in at.session_state
