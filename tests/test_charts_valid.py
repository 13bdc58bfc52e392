"""The figures charts.figure builds without Plotly's validation are valid Plotly figures: each
builder's output passes the validating constructor, which rejects any unknown or ill-typed
property (and the property the test plants to show it would)."""

import numpy as np
import plotly.graph_objects as go
import pytest

from charts import figure
from charts.compare import scheme_regions
from charts.network import network_diagram
from charts.training import confusion_chart, decision_boundary, loss_curves
from page_model.playground import Config, TrainingSession, make_data

CONFIGS = {
    "sigmoid": Config(),
    "softmax": Config(dataset="blobs3", output="softmax", loss="cross_entropy"),
    "notes": Config(dataset="blobs3", output="notes_2neuron"),
    "regression": Config(dataset="regression", output="linear"),
}


def _validated(fig: go.Figure) -> go.Figure:
    return go.Figure(fig.to_dict())  # raises ValueError on any invalid property


@pytest.fixture(scope="module", params=list(CONFIGS))
def session(request):
    cfg = CONFIGS[request.param]
    sess = TrainingSession(cfg, make_data(cfg))
    sess.step(2)
    return sess


def test_builders_make_valid_figures(session):
    d = session.data
    figs = [
        decision_boundary(session.predict_points, d.X_train, d.y_train, d.X_test, d.y_test,
                          n_classes=d.n_classes, resolution=20, encoding=session.encoding,
                          title="T"),
        network_diagram(session.net, show_values=False),
        network_diagram(session.net, session.net.forward_pass(session.X_train[:2]), 1,
                        highlight=[(1, 0, 0), (2, 1)], title="with values"),
        loss_curves({"train": session.history.train_loss, "test": [None, 1.0]},
                    x=session.history.epoch, log_y=True),
    ]
    if d.n_classes:
        figs.append(confusion_chart(session.confusion("train"), "C"))
    if d.n_classes == 3:
        figs.append(scheme_regions(session.predict_points, d.X_train, d.y_train, 3,
                                   session.encoding or "softmax", resolution=20))
    for fig in figs:
        valid = _validated(fig)
        assert len(valid.data) == len(fig.data) > 0
        assert valid.layout.height == fig.layout.height


def test_an_invalid_property_would_be_caught():
    fig = figure([{"type": "scatter", "x": [0, 1], "y": [1, 2], "mode": "lines"}],
                 {"height": 300, "title": None})
    assert "title" not in fig.to_dict()["layout"]  # None is left out, as validation does
    _validated(fig)
    bad = figure([{"type": "scatter", "x": [0, 1], "y": [1, 2], "colour": "red"}], {})
    with pytest.raises(ValueError):
        _validated(bad)
    assert np.array_equal(bad.data[0].x, [0, 1])


def test_a_ready_figure_sends_what_the_figure_would(session):
    """charts.wire: the JSON st.plotly_chart makes of a ReadyFigure is the go.Figure's, and the
    figure describes itself the same (charts.describe reads its plain dicts)."""
    import json

    import plotly.io as pio
    import streamlit.elements.plotly_chart  # noqa: F401 (Streamlit's template, the default)

    from charts.describe import describe
    from charts.neuron_maps import neuron_map
    from charts.training import activation_plane, grid
    from nn_core.features import feature_labels

    d = session.data
    res = 20
    xs, ys, pts = grid((-2, 2, -2, 2), res)
    layers = session.plane(pts)
    builders = [
        lambda wire: decision_boundary(session.predict_points, d.X_train, d.y_train, d.X_test,
                                       d.y_test, n_classes=d.n_classes, resolution=res,
                                       encoding=session.encoding, title="T", wire=wire),
        lambda wire: loss_curves({"train": session.history.train_loss, "test": [None, 1.0]},
                                 x=session.history.epoch, wire=wire),
        lambda wire: activation_plane(xs, ys, layers[1][:, 0], d.X_train, d.y_train, d.X_test,
                                      d.y_test, n_classes=d.n_classes, title="A", wire=wire),
        lambda wire: neuron_map(session.net, layers, res, feature_labels(session.cfg.features),
                                selected=(1, 0), wire=wire),
        lambda wire: network_diagram(session.net, show_values=False, wire=wire),
        lambda wire: network_diagram(session.net, session.net.forward_pass(session.X_train[:2]),
                                     1, highlight=[(1, 0, 0), (2, 1)], wire=wire),
    ]
    if d.n_classes:
        builders.append(lambda wire: confusion_chart(session.confusion("train"), "C", wire=wire))
    for build in builders:
        plain, sent = build(False), build(True)
        want = json.loads(pio.to_json(plain.to_dict(), validate=False))
        got = json.loads(pio.to_json(sent.to_dict(), validate=False))
        assert got == want
        assert "template" in got["layout"]
        assert describe(sent) == describe(plain)
        assert json.loads(pio.to_json(sent.to_dict(), validate=False)) == want  # reusable
