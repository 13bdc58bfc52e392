"""Gradient descent drawn on the loss: a curve for one weight, a contour map for two."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import FONT_SIZE, HIGHLIGHT


def _clip_path(values, lo: float, hi: float) -> np.ndarray:
    """Path points far outside the drawn range are pinned to its edge (a diverging run)."""
    return np.clip(np.asarray(values, dtype=float), lo, hi)


def descent_curve(w_values, losses, path_w, path_losses, weight_name: str = "w₁",
                  title: str = "") -> go.Figure:
    """E(w) over ``w_values`` with the descent steps (w_t, E(w_t)) numbered on it."""
    w_values = np.asarray(w_values, dtype=float)
    losses = np.asarray(losses, dtype=float)
    fig = go.Figure()
    fig.add_trace(go.Scatter(x=w_values, y=losses, mode="lines", name="loss E(w)",
                             line={"width": 3, "color": "#444"}))
    lo, hi = float(w_values.min()), float(w_values.max())
    top = float(np.nanmax(losses)) * 1.05
    pw = _clip_path(path_w, lo, hi)
    pl = _clip_path(path_losses, 0.0, top)
    fig.add_trace(go.Scatter(
        x=pw, y=pl, mode="lines+markers+text", name="gradient descent steps",
        text=[str(t) if t < 10 or t == len(pw) - 1 else "" for t in range(len(pw))],
        textposition="top center", line={"color": HIGHLIGHT, "width": 2},
        marker={"size": 10, "color": HIGHLIGHT, "line": {"color": "black", "width": 1}},
        customdata=np.c_[np.asarray(path_w, float), np.asarray(path_losses, float)],
        hovertemplate="step %{text}<br>w=%{customdata[0]:.4g}<br>E=%{customdata[1]:.4g}"
        "<extra></extra>"))
    fig.update_layout(title=title or None, xaxis_title=weight_name, yaxis_title="loss E",
                      height=420, font={"size": FONT_SIZE}, yaxis={"range": [0, top]},
                      margin={"l": 50, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.2})
    return fig


def descent_surface(w1_values, w2_values, surface, path, title: str = "") -> go.Figure:
    """Contours of E(w₁, w₂) (rows follow w₂) with the descent path across them."""
    w1_values = np.asarray(w1_values, dtype=float)
    w2_values = np.asarray(w2_values, dtype=float)
    path = np.asarray(path, dtype=float).reshape(-1, 2)
    fig = go.Figure()
    fig.add_trace(go.Contour(
        x=w1_values, y=w2_values, z=np.log10(np.maximum(surface, 1e-12)), ncontours=25,
        colorscale="Viridis", colorbar={"title": "log₁₀ E"}, name="loss",
        hovertemplate="w₁=%{x:.3f}<br>w₂=%{y:.3f}<br>log₁₀E=%{z:.3f}<extra></extra>"))
    px = _clip_path(path[:, 0], w1_values.min(), w1_values.max())
    py = _clip_path(path[:, 1], w2_values.min(), w2_values.max())
    fig.add_trace(go.Scatter(
        x=px, y=py, mode="lines+markers", name="gradient descent steps",
        line={"color": HIGHLIGHT, "width": 3},
        marker={"size": 9, "color": HIGHLIGHT, "line": {"color": "black", "width": 1}},
        customdata=path, hovertemplate="w₁=%{customdata[0]:.4g}<br>w₂=%{customdata[1]:.4g}"
        "<extra></extra>"))
    fig.add_trace(go.Scatter(x=[px[0]], y=[py[0]], mode="markers", name="start",
                             marker={"symbol": "x", "size": 16, "color": "white",
                                     "line": {"color": "black", "width": 2}}))
    fig.update_layout(title=title or None, xaxis_title="w₁", yaxis_title="w₂", height=470,
                      font={"size": FONT_SIZE}, margin={"l": 50, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.18})
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig
