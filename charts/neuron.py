"""The single neuron: its answer over the input plane and its activation curve."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from . import CLASS_COLOURS, CLASS_SYMBOLS, FONT_SIZE, HIGHLIGHT
from .training import data_bounds, grid
from .wire import float32_if_same

STAGES = ("weighted_sum", "sigmoid", "classifier")


def neuron_plane(predict: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], X, y,
                 stage: str = "classifier", theta: float = 0.5, point=None,
                 resolution: int = 70, title: str = "") -> go.Figure:
    """The input plane coloured by the neuron's weighted sum z (stage ``weighted_sum``), its
    output ŷ (``sigmoid``) or its class (``classifier``, ŷ ≥ θ), with the data and the chosen
    point. ``predict`` maps grid points (m, 2) to (z, ŷ), each of shape (m,).
    The decision line is the contour ŷ = θ of the neuron's own outputs.
    """
    if stage not in STAGES:
        raise ValueError(f"stage must be one of {', '.join(STAGES)} (got {stage!r}).")
    X = np.asarray(X, dtype=float)
    bounds = data_bounds(X)
    xs, ys, pts = grid(bounds, resolution)
    z, y_hat = (np.asarray(a, dtype=float).reshape(len(ys), len(xs)) for a in predict(pts))
    fig = go.Figure()
    if stage == "weighted_sum":
        lim = float(np.max(np.abs(z))) or 1.0
        fig.add_trace(go.Heatmap(
            x=xs, y=ys, z=float32_if_same(z, 3), zmin=-lim, zmax=lim, colorscale="RdBu",
            opacity=0.8,
            colorbar={"title": "z"}, name="weighted sum z",
            hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>z=%{z:.3f}<extra></extra>"))
    elif stage == "sigmoid":
        fig.add_trace(go.Heatmap(
            x=xs, y=ys, z=float32_if_same(y_hat, 3), zmin=0, zmax=1, colorscale="RdBu",
            opacity=0.8,
            colorbar={"title": "ŷ"}, name="output ŷ",
            hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>"))
    else:
        # 0/1 as bytes: the same classes, an eighth of the float64s' size (Streamlit hashes
        # and sends every byte of a chart on every rerun, ~9 µs per KB here)
        cls = (y_hat >= theta).astype(np.uint8)
        fig.add_trace(go.Heatmap(
            x=xs, y=ys, z=cls, zmin=0, zmax=1, showscale=False, opacity=0.35,
            colorscale=[[0, CLASS_COLOURS[0]], [1, CLASS_COLOURS[1]]], name="class",
            hovertemplate="x₁=%{x:.2f}<br>x₂=%{y:.2f}<br>class %{z:.0f}<extra></extra>"))
    if stage != "weighted_sum" and y_hat.min() < theta < y_hat.max():
        fig.add_trace(go.Contour(  # only its line is drawn: float32 places it as well
            x=xs, y=ys, z=y_hat.astype(np.float32), showscale=False, hoverinfo="skip",
            name=f"ŷ = θ = {theta:g}",
            contours={"start": theta, "end": theta, "size": 1, "coloring": "lines"},
            line={"color": "black", "width": 3}, colorscale=[[0, "black"], [1, "black"]]))
    y = np.asarray(y).astype(int)
    for c in np.unique(y):
        m = y == c
        fig.add_trace(go.Scatter(
            x=X[m, 0], y=X[m, 1], mode="markers", name=f"class {c}",
            marker={"color": CLASS_COLOURS[c % len(CLASS_COLOURS)], "size": 8,
                    "symbol": CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)],
                    "line": {"color": "white", "width": 1}}))
    if point is not None:
        fig.add_trace(go.Scatter(
            x=[point[0]], y=[point[1]], mode="markers", name="chosen point",
            marker={"symbol": "star", "size": 22, "color": HIGHLIGHT,
                    "line": {"color": "black", "width": 2}}))
    title = title or {"weighted_sum": "The weighted sum z over the input plane",
                      "sigmoid": "The output ŷ over the input plane",
                      "classifier": f"The class ŷ ≥ θ = {theta:g} gives, over the input plane",
                      }[stage]
    fig.update_layout(title=title, xaxis_title="x₁", yaxis_title="x₂", height=470,
                      font={"size": FONT_SIZE}, margin={"l": 50, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.18})
    fig.update_xaxes(range=[bounds[0], bounds[1]], constrain="domain")
    fig.update_yaxes(range=[bounds[2], bounds[3]], scaleanchor="x", scaleratio=1)
    return fig


def activation_curve(activation, z_point: float, y_point: float, theta: float | None = None,
                     z_theta: float | None = None, z_range=(-8.0, 8.0),
                     title: str = "") -> go.Figure:
    """The curve ŷ = f(z) of an nn_core ``Activation`` with the chosen point on it and, for a
    classifier, the threshold θ and the weighted sum z_θ where the curve crosses it."""
    lo = min(z_range[0], z_point - 1.0)
    hi = max(z_range[1], z_point + 1.0)
    zs = np.linspace(lo, hi, 241)
    ys = activation.output(zs)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=zs, y=ys, mode="lines", name=activation.name, line={"width": 3}))
    if theta is not None:
        fig.add_hline(y=theta, line={"dash": "dash", "color": "black"},
                      annotation_text=f"θ = {theta:g}", annotation_position="top left")
    if z_theta is not None and np.isfinite(z_theta):
        fig.add_vline(x=z_theta, line={"dash": "dot", "color": "grey"},
                      annotation_text=f"z_θ = {z_theta:.3g}", annotation_position="bottom right")
    fig.add_trace(go.Scatter(
        x=[z_point], y=[y_point], mode="markers", name="chosen point",
        marker={"symbol": "star", "size": 20, "color": HIGHLIGHT,
                "line": {"color": "black", "width": 2}},
        hovertemplate="z=%{x:.4g}<br>ŷ=%{y:.4g}<extra></extra>"))
    fig.update_layout(title=title or f"The activation ŷ = {activation.name}(z) and this point",
                      xaxis_title="weighted sum z",
                      yaxis_title="output ŷ", height=330, font={"size": FONT_SIZE},
                      margin={"l": 50, "r": 10, "t": 40, "b": 40}, showlegend=False)
    return fig
