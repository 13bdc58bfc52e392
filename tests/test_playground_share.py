"""The playground's shared moments in AppTest: a trained link restores weights, epoch and the
student's points; points added keep the split; Clear goes back; a weights file loads back."""

import json
from pathlib import Path

import numpy as np
from streamlit.testing.v1 import AppTest

from page_model.playground import CUSTOM

PAGE = str(Path(__file__).resolve().parent.parent / "views" / "playground.py")


def run(query=None, opened=()) -> AppTest:
    """The page from ``query``, with the sidebar groups ``opened`` (keys) open."""
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.query_params.update(query or {})
    for key in opened:  # a group's widgets are built only while it is open
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def sess(at):
    return at.session_state["pg.session"]


def test_trained_link_restores_weights_epoch_and_points():
    at = run({"ds": "linear", "n": "40", "hidden": "3", "act": "tanh"}, opened=["pg.own_open"])
    for x1 in (0.5, 1.0):  # own points (from the linear set) plus two clicks' worth
        at.number_input(key="pg.add_x1").set_value(x1)
        at.button(key="pg.add_point").click().run()
    for _ in range(3):
        at.button(key="pg.step").click().run()
    shared = dict(at.query_params)
    assert "run" in shared and "pts" in shared and shared["ds"] == CUSTOM
    other = run({k: v[-1] if isinstance(v, list) else v for k, v in shared.items()})
    a, b = sess(at), sess(other)
    assert b.epoch == 3 and other.session_state["pg.dataset"] == CUSTOM
    for wa, wb in zip(a.net.weights + a.net.biases, b.net.weights + b.net.biases, strict=True):
        np.testing.assert_allclose(wb, wa, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(b.data.X_test, a.data.X_test, atol=5e-4)  # same split
    assert not other.warning


def test_shared_run_with_momentum_continues_like_the_original():
    at = run({"ds": "moons", "n": "60", "hidden": "4", "act": "tanh", "mom": "0.9",
              "lr": "0.5"})
    for _ in range(4):
        at.button(key="pg.step").click().run()
    shared = dict(at.query_params)
    other = run({k: v[-1] if isinstance(v, list) else v for k, v in shared.items()})
    a, b = sess(at), sess(other)
    assert b.epoch == 4 and not other.warning
    assert max(np.abs(v).max() for v in a.velocity) > 1e-2  # momentum is carrying something
    for va, vb in zip(a.velocity, b.velocity, strict=True):
        np.testing.assert_allclose(vb, va, rtol=1e-5, atol=1e-6)
    at.button(key="pg.step").click().run()
    other.button(key="pg.step").click().run()
    for wa, wb in zip(a.net.weights + a.net.biases, b.net.weights + b.net.biases, strict=True):
        np.testing.assert_allclose(wb, wa, rtol=1e-5, atol=1e-6)  # the link's float32 only
    # A link whose velocity is damaged says so in plain words and starts at epoch 0.
    from page_model.share import encode_moment

    bad_v = [v.copy() for v in a.velocity]
    bad_v[0][0, 0] = np.nan
    bad = run({**{k: v[-1] if isinstance(v, list) else v for k, v in shared.items()},
               "run": encode_moment(a.net.weights, a.net.biases, a.history, bad_v)})
    notices = " ".join(w.value for w in bad.warning)
    assert "momentum (velocity) it carries is not a finite number" in notices
    assert "Starting at epoch 0" in notices and sess(bad).epoch == 0


def test_adding_a_point_keeps_the_split_and_clear_goes_back():
    at = run({"ds": "moons", "n": "60"}, opened=["pg.own_open"])
    test_before = sess(at).data.X_test.copy()
    at.button(key="pg.add_point").click().run()
    at.button(key="pg.add_point").click().run()
    data = sess(at).data
    # Every shown point is where it was: the old test points are still the test points.
    np.testing.assert_array_equal(data.X_test[:len(test_before)], test_before)
    assert len(data.X_train) + len(data.X_test) == 62
    at.button(key="pg.clear").click().run()
    assert at.session_state["pg.dataset"] == "moons"


def test_a_weights_file_carries_momentum_so_the_loaded_run_goes_on_as_the_saved_one():
    query = {"ds": "xor", "hidden": "3", "act": "tanh", "mom": "0.9", "seed": "2"}
    at = run(query)
    for _ in range(2):
        at.button(key="pg.step").click().run()
    saved = sess(at).weights_json().encode()
    assert len(json.loads(saved)["velocity"]) == 2  # one [v_W; v_b] table per layer
    other = run(opened=["pg.load_open"])
    other.file_uploader(key="pg.weights_file").upload("w.json", saved, "application/json")
    other.run()
    for a in zip(sess(other).velocity, sess(at).velocity, strict=True):
        np.testing.assert_array_equal(*a)
    for app in (at, other):
        app.button(key="pg.step").click().run()
    assert sess(other).history.train_loss[-1] == sess(at).history.train_loss[-1]
    np.testing.assert_array_equal(sess(other).net.weights[1], sess(at).net.weights[1])
    bad = json.loads(saved)
    bad["velocity"][0] = bad["velocity"][0][:-1]  # the bias row missing
    other.file_uploader(key="pg.weights_file").upload("bad.json", json.dumps(bad).encode(),
                                                      "application/json")
    other.run()
    assert any("velocity must have one row per input" in e.value for e in other.error)
    assert not json.loads(run({"ds": "xor"}).session_state["pg.session"].weights_json()).get(
        "velocity")  # no momentum: no velocity


def test_weights_file_loads_back_and_bad_files_get_a_message():
    at = run({"ds": "xor", "hidden": "4", "act": "relu", "seed": "3"})
    for _ in range(2):
        at.button(key="pg.step").click().run()
    saved = sess(at).weights_json().encode()
    other = run(opened=["pg.load_open"])
    other.file_uploader(key="pg.weights_file").upload("w.json", saved, "application/json")
    other.run()
    assert not other.exception
    assert sess(other).epoch == 2 and sess(other).cfg == sess(at).cfg
    np.testing.assert_allclose(sess(other).net.weights[0], sess(at).net.weights[0])
    assert any("weights loaded at epoch 2" in s.value for s in other.success)
    bad = json.loads(saved)
    bad["weights"][0][0][0] = "x"
    for content, message in ((b"{", "not valid JSON"), (json.dumps(bad).encode(), "table of"),
                             (b"[1, 2]", "holds no weights")):
        other.file_uploader(key="pg.weights_file").upload("bad.json", content, "application/json")
        other.run()
        assert any(message in e.value for e in other.error), message
        assert sess(other).epoch == 2  # nothing changed


def test_reset_this_page_returns_to_the_defaults():
    at = run({"ds": "xor", "lr": "0.05"})
    at.button(key="pg.step").click().run()
    at.button(key="pg.reset_page").click().run()
    assert not at.exception
    assert at.session_state["pg.dataset"] == "circles" and sess(at).epoch == 0
    assert at.query_params["lr"] == "0.3"


def test_an_eta_over_the_maximum_shows_the_eta_in_force():
    at = run({"ds": "linear"})
    at.number_input(key="pg.lr").set_value(50.0).run()
    assert at.number_input(key="pg.lr").value == 10.0  # the box shows what training uses
    assert sess(at).cfg.lr == 10.0
    assert any("using 10" in c.value for c in at.caption)
