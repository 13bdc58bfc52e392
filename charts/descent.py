"""Gradient descent drawn on the loss: a curve for one weight, a contour map for two."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import FONT_SIZE, HIGHLIGHT


def _inside(values, lo: float, hi: float) -> np.ndarray:
    v = np.asarray(values, dtype=float)
    return np.isfinite(v) & (v >= lo) & (v <= hi)


def _off_chart(fig: go.Figure, px, py, inside, box, true_text) -> None:
    """Steps that left the drawn range are not drawn at a false place: the line stops at the
    edge, an arrow on the edge points where the step went, and its hover and a note give the
    true numbers."""
    out = np.flatnonzero(~inside)
    if not out.size:
        return
    x0, x1, y0, y1 = box
    ex = np.clip(np.nan_to_num(px[out], nan=x1, posinf=x1, neginf=x0), x0, x1)
    ey = np.clip(np.nan_to_num(py[out], nan=y1, posinf=y1, neginf=y0), y0, y1)
    symbols = ["triangle-right" if v > x1 else "triangle-left" if v < x0 else
               "triangle-up" if w > y1 or not np.isfinite(w) else "triangle-down"
               for v, w in zip(np.nan_to_num(px[out], nan=x1), py[out], strict=True)]
    fig.add_trace(go.Scatter(
        x=ex, y=ey, mode="markers", name="step off the chart (arrow: its direction)",
        marker={"symbol": symbols, "size": 14, "color": "white",
                "line": {"color": HIGHLIGHT, "width": 2}},
        text=[true_text(t) for t in out], hovertemplate="%{text}<extra></extra>"))
    first = out[0]
    fig.add_annotation(x=ex[0], y=ey[0], text=f"off the chart from step {first}: "
                       f"{true_text(first)}", showarrow=True, arrowhead=2, ax=-60, ay=30,
                       bgcolor="rgba(255,255,255,0.85)", font={"size": FONT_SIZE - 2})


def _num(v: float) -> str:
    from page_model.numbers import fmt  # the pages' one number formatter

    return fmt(v, 4)


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
    pw = np.asarray(path_w, dtype=float)
    pl = np.asarray(path_losses, dtype=float)
    inside = _inside(pw, lo, hi) & _inside(pl, 0.0, top)
    labels = [str(t) if t < 10 or t == len(pw) - 1 else "" for t in range(len(pw))]
    fig.add_trace(go.Scatter(
        x=np.where(inside, pw, np.nan), y=np.where(inside, pl, np.nan),
        mode="lines+markers+text", name="gradient descent steps",
        text=labels, textposition="top center", line={"color": HIGHLIGHT, "width": 2},
        connectgaps=False,
        marker={"size": 10, "color": HIGHLIGHT, "line": {"color": "black", "width": 1}},
        customdata=np.c_[pw, pl],
        hovertemplate="step %{text}<br>w=%{customdata[0]:.4g}<br>E=%{customdata[1]:.4g}"
        "<extra></extra>"))
    _off_chart(fig, pw, pl, inside, (lo, hi, 0.0, top),
               lambda t: f"step {t}: {weight_name} = {_num(pw[t])}, E = {_num(pl[t])}")
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
    box = (float(w1_values.min()), float(w1_values.max()), float(w2_values.min()),
           float(w2_values.max()))
    px, py = path[:, 0], path[:, 1]
    inside = _inside(px, box[0], box[1]) & _inside(py, box[2], box[3])
    fig.add_trace(go.Scatter(
        x=np.where(inside, px, np.nan), y=np.where(inside, py, np.nan), mode="lines+markers",
        name="gradient descent steps", line={"color": HIGHLIGHT, "width": 3}, connectgaps=False,
        marker={"size": 9, "color": HIGHLIGHT, "line": {"color": "black", "width": 1}},
        customdata=path, hovertemplate="w₁=%{customdata[0]:.4g}<br>w₂=%{customdata[1]:.4g}"
        "<extra></extra>"))
    _off_chart(fig, px, py, inside, box,
               lambda t: f"step {t}: w₁ = {_num(px[t])}, w₂ = {_num(py[t])}")
    fig.add_trace(go.Scatter(x=[px[0]], y=[py[0]], mode="markers", name="start",
                             marker={"symbol": "x", "size": 16, "color": "white",
                                     "line": {"color": "black", "width": 2}}))
    fig.update_layout(title=title or None, xaxis_title="w₁", yaxis_title="w₂", height=470,
                      font={"size": FONT_SIZE}, margin={"l": 50, "r": 10, "t": 40, "b": 40},
                      legend={"orientation": "h", "y": -0.18})
    fig.update_yaxes(scaleanchor="x", scaleratio=1)
    return fig
