"""The playground's schedule, momentum, stop condition and confusion matrix in AppTest."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from nn_core import train
from nn_core.schedules import schedule

PAGE = str(Path(__file__).resolve().parent.parent / "views" / "playground.py")


def run(query) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30)
    at.query_params.update(query)
    at.session_state["pg.more_open"] = True  # its widgets are built only while it is open
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def test_schedule_momentum_and_stop_from_the_link_train_and_stop():
    at = run({"ds": "xor", "sched": "step", "gamma": "0.5", "every": "2", "mom": "0.9",
              "stop_epoch": "3"})
    assert at.selectbox(key="pg.schedule").value == "step"
    assert at.number_input(key="pg.momentum").value == 0.9
    for _ in range(4):  # the 4th click does nothing: the run stopped at epoch 3
        at.button(key="pg.step").click().run()
    sess = at.session_state["pg.session"]
    assert sess.epoch == 3 and at.button(key="pg.play").disabled
    assert any("stop epoch 3" in i.value for i in at.info)
    net = sess.initial.copy()
    h = train(net, sess.X_train, sess.Y_train, schedule("step", 0.3, 0.5, 2), 3, momentum=0.9,
              X_test=sess.X_test, Y_test=sess.Y_test, encoding=sess.encoding)
    assert sess.history.train_loss == h.train_loss
    md = " ".join(m.value for m in at.markdown)
    assert "current η = 0.15" in md  # epoch 4: 0.3 · 0.5^⌊3/2⌋
    assert {m.label: m.value for m in at.metric}["Learning rate η now"] == "0.15"
    assert any(r"\mu v" in x.value for x in at.markdown)  # momentum's rule beside plain descent
    # Widening the stop condition lets the run go on; the link follows.
    at.number_input(key="pg.stop_epoch").set_value(0).run()
    at.button(key="pg.step").click().run()
    assert at.session_state["pg.session"].epoch == 4
    assert at.query_params["stop_epoch"] in ("0", ["0"])


def test_confusion_matrix_counts_every_point():
    at = run({"ds": "blobs3", "out": "softmax", "loss": "cross_entropy", "n": "90"})
    at.button(key="pg.step").click().run()
    sess = at.session_state["pg.session"]
    tables = [t.value for t in at.dataframe if any("accuracy (" in c for c in t.value.columns)]
    assert len(tables) == 2  # train and test
    assert sum(tables[0]["points"]) == len(sess.X_train)
    assert sum(tables[1]["points"]) == len(sess.X_test)


def test_large_chart_shows_a_neuron_and_the_point_graph_is_backprops():
    import json

    import numpy as np

    at = run({"ds": "xor", "hidden": "3", "act": "tanh", "n": "60"})
    at.session_state["pg.graph_open"] = True  # the graph's expander is built only while open
    at.button(key="pg.step").click().run()
    at.selectbox(key="pg.big").set_value((1, 2)).run()
    specs = [json.loads(c.proto.spec) for c in at.get("plotly_chart")]
    titles = [s["layout"].get("title", {}).get("text", "") for s in specs]
    assert "What hidden layer 1, neuron 3 computes" in titles
    at.number_input(key="pg.point").set_value(len(at.session_state["pg.session"].X_train) + 1)
    at.selectbox(key="pg.graph_weight").set_value((1, 0, 2)).run()
    assert not at.exception
    sess = at.session_state["pg.session"]
    x, y = sess.X_test[1], sess.Y_test[1]  # the second test point
    bp = sess.net.backprop(x[None, :], y[None, :], sess.cfg.loss)
    dot = at.get("graphviz_chart")[0].proto.spec
    assert f"value {bp.loss:.4g}" in dot  # the loss node E
    assert f"∂E/∂· {bp.deltas[0][0, 2]:.4g}" in dot  # ∂E/∂z of hidden neuron 3
    text = " ".join(m.value for m in at.markdown)
    assert "Test point 2" in text
    assert f"backprop's ∂E/∂w = {bp.grads[0][0][0, 2]:.6g}" in text
    assert np.isfinite(bp.loss)


def test_a_large_graph_shows_the_steepest_first_layer_weights_top_paths():
    at = run({"ds": "circles", "hidden": "16,16,16", "act": "tanh,tanh,tanh", "n": "40"})
    at.session_state["pg.graph_open"] = True  # the graph's expander is built only while open
    at.run()
    sess = at.session_state["pg.session"]
    chosen = at.session_state["pg.graph_weight"]
    dW = sess.net.backprop(sess.X_train[:1], sess.Y_train[:1], sess.cfg.loss).grads[0][0]
    assert chosen[0] == 1 and abs(dW[chosen[1], chosen[2]]) == abs(dW).max()
    dot = at.get("graphviz_chart")[0].proto.spec
    drawn = dot.count('" [label=')  # node lines (edge lines start with a tooltip)
    assert 9 <= drawn <= 8 * 8 + 1 < 2 + 2 * (3 * 16 + 1) + 1  # the top 8 paths, not all 101
    assert any("paths that add the most" in c.value for c in at.caption)
