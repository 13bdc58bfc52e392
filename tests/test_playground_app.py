"""The playground page in Streamlit's AppTest: every data set and output, Step, Reset, the link,
CSV uploads, and that the numbers shown are nn_core's."""

from pathlib import Path

import numpy as np
import pytest
from app_helpers import shown_number
from streamlit.testing.v1 import AppTest

from nn_core import make_dataset, train
from page_model.numbers import fmt
from page_model.playground import CUSTOM, Config, loss_choices, output_choices
from ui.playground_state import config_to_params, n_classes_of

PAGE = str(Path(__file__).resolve().parent.parent / "views" / "playground.py")


def run(query=None, opened=()) -> AppTest:
    """The page from ``query``, with the sidebar groups ``opened`` (keys) open."""
    at = AppTest.from_file(PAGE, default_timeout=30)
    if query:
        at.query_params.update(query)
    for key in opened:  # a group's widgets are built only while it is open
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def session(at):
    return at.session_state["pg.session"]


def combos():
    for ds in ("linear", "blobs3", "xor", "circles", "moons", "spiral", "regression"):
        for out in output_choices(n_classes_of(ds)):
            for loss in loss_choices(out):
                yield ds, out, loss


@pytest.mark.parametrize("ds, out, loss", list(combos()))
def test_page_runs_for_every_dataset_and_output(ds, out, loss):
    cfg = Config(dataset=ds, n_points=60, output=out, loss=loss, hidden=(3,),
                 hidden_activations=("relu",))
    at = run(config_to_params(cfg))
    assert not at.error and not at.warning
    assert session(at).cfg == cfg
    at.button(key="pg.step").click().run()
    assert not at.exception
    assert metrics(at)["Epoch"] == "1"
    assert len(at.get("plotly_chart")) >= 2  # boundary and loss curve (and the diagram)


def test_step_advances_and_lowers_loss_on_easy_data():
    at = run({"ds": "linear", "hidden": "", "act": "", "lr": "0.5"})
    before = shown_number(metrics(at)["Training loss"])
    for _ in range(5):
        at.button(key="pg.step").click().run()
    m = metrics(at)
    assert m["Epoch"] == "5"
    assert shown_number(m["Training loss"]) < before


def test_numbers_shown_equal_nn_core_history():
    at = run({"ds": "moons", "seed": "3", "hidden": "4", "act": "tanh", "lr": "0.3"})
    for _ in range(3):
        at.button(key="pg.step").click().run()
    data = make_dataset("moons", 200, 0.1, 0.3, seed=3)
    Y, Yt = data.targets("binary")
    net = session(at).initial.copy()
    h = train(net, data.X_train, Y, 0.3, 3, X_test=data.X_test, Y_test=Yt, encoding="binary")
    m = metrics(at)
    assert m["Training loss"] == fmt(h.train_loss[-1])
    assert m["Test loss"] == f"{h.test_loss[-1]:.4f}"
    assert m["Accuracy (train / test)"] == (f"{h.train_accuracy[-1]:.0%} / "
                                            f"{h.test_accuracy[-1]:.0%}")
    assert session(at).history.train_loss == pytest.approx(h.train_loss, rel=1e-12)


def test_reset_restores_initial_weights():
    at = run()
    w0 = [w.copy() for w in session(at).net.weights]
    at.button(key="pg.step").click().run()
    at.button(key="pg.step").click().run()
    assert not np.array_equal(session(at).net.weights[0], w0[0])
    at.button(key="pg.reset").click().run()
    assert metrics(at)["Epoch"] == "0"
    for w, v in zip(session(at).net.weights, w0, strict=True):
        np.testing.assert_array_equal(w, v)


def button(at, label: str):
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, [b.label for b in at.button]
    return found[0]


def test_play_trains_one_tick_then_pause_stops():
    at = run({"ds": "linear"})
    button(at, "Play").click().run()
    assert at.session_state["pg.playing"] is True
    assert int(metrics(at)["Epoch"]) >= 1
    button(at, "Pause").click().run()
    assert at.session_state["pg.playing"] is False
    epoch = metrics(at)["Epoch"]
    at.run()
    assert metrics(at)["Epoch"] == epoch  # paused: no training on reruns


def test_pause_click_delivered_twice_stays_paused():
    """While playing, the animation's timer rerun can carry a Pause click before the click's own
    rerun carries it again (seen in the browser): the second delivery, after the page already
    shows Play, must not start training again."""
    from streamlit.proto.WidgetStates_pb2 import WidgetStates

    at = run({"ds": "linear"})
    button(at, "Play").click().run()
    pause = button(at, "Pause")
    pause.click().run()
    assert at.session_state["pg.playing"] is False
    epoch = metrics(at)["Epoch"]
    states = WidgetStates()
    states.widgets.extend(s for s in at._tree.get_widget_states().widgets if s.id != pause.id)
    again = states.widgets.add()
    again.id, again.trigger_value = pause.id, True
    at._run(states)  # the same click once more
    assert not at.exception
    assert at.session_state["pg.playing"] is False
    assert metrics(at)["Epoch"] == epoch
    assert [b.label for b in at.button if b.label in ("Play", "Pause")] == ["Play"]


def test_shared_link_reproduces_configuration():
    cfg = Config(dataset="blobs3", n_points=120, noise=0.2, test_fraction=0.25,
                 features=("x1", "x2", "x1sq"), hidden=(5, 3), hidden_activations=("relu", "tanh"),
                 output="softmax", loss="cross_entropy", lr=0.05, batch_size=10, l2=0.001, seed=9)
    params = config_to_params(cfg)
    a = run(params)
    assert session(a).cfg == cfg
    assert a.query_params == params  # the page writes the same link back
    assert a.selectbox(key="pg.output").value == "softmax"
    assert a.number_input(key="pg.h0").value == 5
    b = run(a.query_params)
    np.testing.assert_array_equal(session(a).data.X_train, session(b).data.X_train)
    np.testing.assert_array_equal(session(a).initial.weights[1], session(b).initial.weights[1])
    for at in (a, b):
        for _ in range(2):
            at.button(key="pg.step").click().run()
    assert session(a).history.train_loss == session(b).history.train_loss


def test_changing_a_widget_updates_the_link():
    at = run()
    at.selectbox(key="pg.dataset").set_value("xor").run()
    at.number_input(key="pg.seed").set_value(5).run()
    assert at.query_params["ds"] == "xor" and at.query_params["seed"] == "5"
    assert session(at).cfg.dataset == "xor"


def test_bad_link_values_show_notices_and_defaults():
    at = run({"lr": "oops", "hidden": "99", "ds": "custom"})
    text = " ".join(w.value for w in at.warning)
    assert "learning rate η (“oops”)" in text and "neurons per hidden layer" in text
    assert "own points" in text
    assert session(at).cfg.lr == 0.3 and session(at).cfg.hidden == (4, 4)


GOOD_CSV = b"x1,x2,label\n" + b"\n".join(
    f"{x:.2f},{y:.2f},{int(x > 0)}".encode()
    for x, y in np.random.default_rng(0).uniform(-2, 2, (40, 2)))


def test_good_csv_becomes_the_data():
    at = run(opened=["pg.own_open"])
    at.file_uploader(key="pg.csv").upload("mine.csv", GOOD_CSV, "text/csv")
    at.run()
    assert not at.exception
    assert at.session_state["pg.dataset"] == CUSTOM
    data = session(at).data
    assert len(data.X_train) + len(data.X_test) == 40
    assert any("40 points" in s.value for s in at.success)
    at.button(key="pg.step").click().run()
    assert metrics(at)["Epoch"] == "1"


@pytest.mark.parametrize("content, message", [
    (b"x" * 200_000, "limit"),
    (b"a,b,c\n1,2,0\n", "Missing column"),
    (b"x1,x2,label\n1,2,0\n1,x,1\n3,3,0\n4,4,1\n", "not a number"),
    (b"x1,x2,label\n1,2,0\n1,nan,1\n3,3,0\n4,4,1\n", "NaN"),
    (b"x1,x2,label\n1,2,0\n1,1,1\n3,3,2\n4,4,3\n", "4 classes"),
])
def test_each_bad_csv_gets_its_message_and_keeps_the_data(content, message):
    at = run({"ds": "moons"}, opened=["pg.own_open"])
    before = session(at).data.X_train.copy()
    at.file_uploader(key="pg.csv").upload("bad.csv", content, "text/csv")
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert message in errors and "unchanged" in errors
    assert at.session_state["pg.dataset"] == "moons"
    np.testing.assert_array_equal(session(at).data.X_train, before)


def test_adding_a_point_switches_to_own_points():
    at = run({"ds": "linear", "n": "50"}, opened=["pg.own_open"])
    at.number_input(key="pg.add_x1").set_value(1.5)
    at.number_input(key="pg.add_x2").set_value(-0.5)
    at.radio(key="pg.click_class").set_value(1)
    at.button(key="pg.add_point").click().run()
    assert not at.exception
    assert at.session_state["pg.dataset"] == CUSTOM
    X, y, k = at.session_state["pg.custom"]
    assert len(X) == 51 and list(X[-1]) == [1.5, -0.5] and y[-1] == 1 and k == 2
    assert len(session(at).data.X) == 51


def test_downloads_hold_weights_and_history():
    at = run({"ds": "linear"})
    at.button(key="pg.step").click().run()
    labels = [d.label for d in at.get("download_button")]
    assert any("JSON" in label for label in labels) and any("CSV" in label for label in labels)


def test_divergence_stops_play_and_explains():
    at = run({"ds": "regression", "out": "linear", "hidden": "16,16", "act": "relu,relu",
              "lr": "10"})
    at.button(key="pg.play").click().run()
    assert not at.exception
    assert at.session_state["pg.playing"] is False  # stopped by itself
    errors = " ".join(e.value for e in at.error)
    assert "diverged" in errors and "η = 1" in errors
    assert at.button(key="pg.play").disabled
    assert shown_number(metrics(at)["Training loss"]) < float("inf")
    at.button(key="pg.reset").click().run()
    assert metrics(at)["Epoch"] == "0" and not at.error


def test_hidden_widgets_keep_their_values_in_one_entry():
    """A layer's neurons and the schedule's γ survive while their widgets are not drawn (and
    the link keeps γ), without a session key of their own each."""
    at = run(opened=["pg.more_open"])
    at.number_input(key="pg.n_hidden").set_value(3).run()
    at.number_input(key="pg.h2").set_value(7).run()
    at.selectbox(key="pg.schedule").set_value("step").run()
    at.number_input(key="pg.gamma").set_value(0.7).run()
    at.selectbox(key="pg.schedule").set_value("constant").run()
    at.number_input(key="pg.n_hidden").set_value(2).run()
    assert not at.exception
    assert not [k for k in ("pg.h2", "pg.h3", "pg.a2", "pg.a3", "pg.gamma", "pg.every", "pg.k")
                if k in at.session_state]
    assert session(at).cfg.gamma == 0.7 and at.query_params["gamma"] == "0.7"
    at.number_input(key="pg.n_hidden").set_value(3).run()
    at.selectbox(key="pg.schedule").set_value("step").run()
    assert at.number_input(key="pg.h2").value == 7
    assert at.number_input(key="pg.gamma").value == 0.7
    assert session(at).cfg.hidden[2] == 7


def test_emptying_the_inputs_box_falls_back_to_x1_x2_without_an_error():
    at = run()
    box = next(m for m in at.sidebar.multiselect if m.key == "pg.features")
    box.set_value([]).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Choose at least one input" in w.value for w in at.warning)
    assert at.session_state["pg.features"] == ["x1", "x2"]
    assert session(at).cfg.features == ("x1", "x2")
    at.run()  # the warning was for that change only
    assert not any("Choose at least one input" in w.value for w in at.warning)
