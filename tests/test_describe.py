"""charts.describe: every chart's text alternative is true of the data the chart draws."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from charts.describe import describe
from charts.training import loss_curves


def test_a_loss_curve_in_words():
    fig = loss_curves({"train": [0.9, 0.4, 0.2, 0.25], "test": [1.0, 0.8, 0.7, 0.6]},
                      title="Loss per epoch")
    text = describe(fig)
    assert text.startswith("Chart: Loss per epoch.")
    assert "“train” from 0.9 to 0.25 (lowest 0.2)" in text
    assert "“test” from 1 to 0.6" in text and "lowest" not in text.split(";")[1]


def test_gaps_markers_heatmaps_bars_and_empty():
    fig = go.Figure([go.Scatter(y=[1.0, math.inf, 3.0, 4.0], mode="lines", name="run"),
                     go.Scatter(x=[0, 1], y=[2, 3], mode="markers", name="class 0"),
                     go.Heatmap(z=np.array([[0.1, 0.9], [0.5, 0.2]]), name="P(class 1)"),
                     go.Bar(x=["a", "b"], y=[0.5, -2.0], name="shares")])
    text = describe(fig)
    assert "“run” from 1 to 4, with gaps where it is not finite" in text
    assert "“class 0”: 2 points" in text
    assert "“P(class 1)” from 0.1 to 0.9" in text
    assert "“shares”: largest bar b at -2" in text
    assert describe(go.Figure()) == "Chart. Nothing drawn yet."
    line = go.Figure([go.Contour(z=[[0, 1], [1, 2]], name="ŷ = θ",
                                 contours={"start": 1, "end": 1, "coloring": "lines"})])
    assert describe(line) == "Chart. “ŷ = θ”: a line."


def test_many_traces_are_counted_not_listed():
    fig = go.Figure([go.Scatter(y=[k, k + 1], mode="markers", name=f"t{k}") for k in range(9)])
    assert describe(fig).endswith("and 3 more.")


def test_dict_figures_read_the_same():
    fig = loss_curves({"train": [3e9, 1.0, 2.0]}, title="L")
    as_dict = {"data": [dict(t) for t in fig.to_dict()["data"]], "layout": fig.to_dict()["layout"]}
    assert describe(as_dict) == describe(fig)
    assert "3×10⁹" in describe(fig)
