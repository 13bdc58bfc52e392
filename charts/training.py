"""Plotly figures for training: loss curves and the decision boundary over the input plane.

Plain functions: data in, ``go.Figure`` out. No Streamlit here, no training here; ``predict``
is whatever maps points to network outputs (usually ``net.forward`` after a feature transform).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import get_colorscale

from nn_core.datasets import decode

from . import CLASS_COLOURS, CLASS_SYMBOLS, LINE_COLOURS, NEGATIVE, POSITIVE, figure
from .wire import float32_if_same, ready

MAX_RESOLUTION = 200
# Named colour scales spelled out, as Plotly's validation would (see charts.figure).
VIRIDIS = get_colorscale("Viridis")
BLUES = get_colorscale("Blues")


def grid(bounds: Sequence[float], resolution: int = 80):
    """A square mesh over ``bounds`` = (x1_min, x1_max, x2_min, x2_max).

    Returns (xs, ys, points): the two axes (length ``resolution``) and the mesh points, shape
    (resolution², 2), row-major with x1 varying fastest (so ``values.reshape(res, res)`` lines
    up with a heatmap's z[row=x2][col=x1]).
    """
    resolution = int(resolution)
    if not 2 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"The grid resolution must be between 2 and {MAX_RESOLUTION} "
                         f"(got {resolution}).")
    x0, x1, y0, y1 = (float(b) for b in bounds)
    if not (np.all(np.isfinite([x0, x1, y0, y1])) and x0 < x1 and y0 < y1):
        raise ValueError(f"Bounds must be finite with min < max (got {tuple(bounds)}).")
    xs = np.linspace(x0, x1, resolution)
    ys = np.linspace(y0, y1, resolution)
    gx, gy = np.meshgrid(xs, ys)
    return xs, ys, np.c_[gx.ravel(), gy.ravel()]


def data_bounds(*point_sets, pad: float = 0.15) -> tuple[float, float, float, float]:
    """The box around every given (n, 2) point set, widened by ``pad`` of its size."""
    pts = [np.asarray(p, dtype=float).reshape(-1, 2) for p in point_sets if p is not None]
    pts = [p for p in pts if p.size]
    if not pts:
        return (-2.5, 2.5, -2.5, 2.5)
    allp = np.vstack(pts)
    lo, hi = allp.min(axis=0), allp.max(axis=0)
    span = np.maximum(hi - lo, 1.0)
    lo, hi = lo - pad * span, hi + pad * span
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))


def loss_curves(series: dict[str, list[float | None]], title: str = "Loss",
                y_title: str = "loss", log_y: bool = False, x=None, wire: bool = False
                ) -> go.Figure:
    """One line per series (e.g. {"train": [...], "test": [...]}); None values are gaps.
    ``wire``: a ``charts.wire.ReadyFigure`` (converted once for sending), as every builder here
    offers."""
    traces = []
    for i, (name, values) in enumerate(series.items()):
        values = [None if v is None or not np.isfinite(v) else float(v) for v in values]
        xs = list(x) if x is not None else list(range(1, len(values) + 1))
        traces.append(dict(
            type="scatter", x=xs[:len(values)], y=values, name=name, mode="lines",
            connectgaps=False, line={"color": LINE_COLOURS[i % len(LINE_COLOURS)]},
        ))
    return (ready if wire else figure)(traces, dict(
        title={"text": title}, xaxis={"title": {"text": "epoch"}},
        yaxis={"title": {"text": y_title}, "type": "log" if log_y else None},
        margin={"l": 50, "r": 20, "t": 50, "b": 40}, height=320,
        legend={"orientation": "h", "y": -0.25}))


def _class_colourscale(n_classes: int) -> list:
    """Segments [c, c+1) of z fade from near white (unsure) to the class colour (sure)."""
    scale = []
    for c in range(n_classes):
        lo, hi = c / n_classes, (c + 1) / n_classes
        scale.append([lo, _blend(CLASS_COLOURS[c], 0.12)])
        scale.append([hi - 1e-6 if c < n_classes - 1 else hi, _blend(CLASS_COLOURS[c], 0.6)])
    return scale


def _blend(hex_colour: str, amount: float) -> str:
    """``amount`` of the colour over white."""
    rgb = [int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]
    mixed = [round(255 + (c - 255) * amount) for c in rgb]
    return f"rgb({mixed[0]},{mixed[1]},{mixed[2]})"


def _confidence(outputs: np.ndarray, classes: np.ndarray, encoding: str | None) -> np.ndarray:
    """How sure the outputs are of the decoded class, in [0, 1]."""
    top = outputs.max(axis=1)
    if encoding == "notes_2neuron":
        # Class 2 is "no neuron fires": surer the further the largest output is below ½.
        top = np.where(classes == outputs.shape[1], 1.0 - top, top)
    return np.clip(top, 0.0, 1.0)


def decision_boundary(predict: Callable[[np.ndarray], np.ndarray], X_train, y_train,
                      X_test=None, y_test=None, n_classes: int = 2, resolution: int = 80,
                      bounds=None, title: str = "", encoding: str | None = None,
                      class_of_code=None, wire: bool = False) -> go.Figure:
    """The network's answer over the input plane with the data points on top.

    2 classes with one output: P(class 1) as a heatmap with the 0.5 threshold contour.
    3 classes (or 2 with two outputs): each region in its decoded class's colour, paler where
    the outputs are less sure. Regression (``n_classes=0``): the predicted value.
    Train points are filled markers; test points hollow. ``class_of_code[k]``: the data's class
    that decoded output k stands for (the regions take the data's class colours and names).
    """
    X_train = np.asarray(X_train, dtype=float).reshape(-1, 2)
    X_test = None if X_test is None else np.asarray(X_test, dtype=float).reshape(-1, 2)
    if bounds is None:
        bounds = data_bounds(X_train, X_test)
    xs, ys, pts = grid(bounds, resolution)
    res = len(xs)
    out = np.asarray(predict(pts), dtype=float)
    if out.ndim == 1:
        out = out.reshape(-1, 1)
    if out.shape[0] != pts.shape[0]:
        raise ValueError(f"predict returned {out.shape[0]} rows for {pts.shape[0]} grid points.")
    out = np.nan_to_num(out, nan=0.0, posinf=1e6, neginf=-1e6)
    traces = []
    regression = n_classes == 0
    colour_range = None
    if regression:
        z = out[:, 0].reshape(res, res)
        # One colour scale for the prediction and the targets, so a point's colour matches the
        # background exactly where the network gets it right.
        targets = [np.asarray(v, dtype=float).ravel() for v in (y_train, y_test) if v is not None]
        values = np.concatenate([z.ravel(), *targets])
        colour_range = (float(values.min()), float(values.max()))
        traces.append(dict(
            type="heatmap", x=xs, y=ys, z=float32_if_same(z, 3), colorscale=VIRIDIS, opacity=0.75,
            name="prediction", zmin=colour_range[0], zmax=colour_range[1],
            colorbar={"title": {"text": "ŷ"}},
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>ŷ=%{z:.3f}<extra></extra>",
        ))
    elif n_classes == 2 and out.shape[1] == 1:
        z = np.clip(out[:, 0], 0.0, 1.0).reshape(res, res)
        traces.append(dict(
            type="heatmap", x=xs, y=ys, z=float32_if_same(z, 3), zmin=0, zmax=1,
            name="P(class 1)",
            colorscale=[[0, _blend(CLASS_COLOURS[0], 0.6)], [0.5, "rgb(255,255,255)"],
                        [1, _blend(CLASS_COLOURS[1], 0.6)]],
            colorbar={"title": {"text": "P(class 1)"}},
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>P(class 1)=%{z:.3f}<extra></extra>",
        ))
        if z.min() < 0.5 < z.max():
            traces.append(dict(  # only its line is drawn: float32 places it as well, in half
                # the bytes (Streamlit hashes and sends every byte of a chart on every rerun)
                type="contour", x=xs, y=ys, z=z.astype(np.float32), name="threshold 0.5",
                showscale=False,
                hoverinfo="skip",
                contours={"start": 0.5, "end": 0.5, "size": 1, "coloring": "lines"},
                line={"color": "black", "width": 2}, colorscale=[[0, "black"], [1, "black"]],
            ))
    else:
        classes = decode(out, encoding)
        conf = _confidence(out, classes, encoding)
        if class_of_code is not None:
            classes = np.asarray(class_of_code, dtype=int)[classes]
        k = max(n_classes, int(classes.max()) + 1)
        z = (classes + 0.999 * conf).reshape(res, res)
        # The hover's (class, certainty) per grid point as numbers: float32 when that changes
        # no certainty at its two decimals (a class is a small whole number, exact in float32).
        # Not the class as text: an array of strings is serialised one string at a time
        # (at the playground's caps 20 ms a frame against 2 for the numbers).
        sure = float32_if_same(conf, 2)
        traces.append(dict(  # z: the colour only (the hover reads customdata)
            type="heatmap", x=xs, y=ys, z=float32_if_same(z), zmin=0, zmax=k,
            colorscale=_class_colourscale(k),
            showscale=False,
            name="decoded class",
            customdata=np.stack([classes.astype(sure.dtype), sure], axis=1).reshape(res, res, 2),
            hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>class %{customdata[0]:.0f} "
            "(sure: %{customdata[1]:.2f})<extra></extra>",
        ))
    _add_points(traces, X_train, y_train, "train", n_classes, False, colour_range)
    if X_test is not None and len(X_test):
        _add_points(traces, X_test, y_test, "test", n_classes, True, colour_range)
    return (ready if wire else figure)(traces, dict(
        title={"text": title}, height=460,
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "y": -0.22},
        # Equal units on both axes (a circle looks round); each axis shrinks to its data range.
        xaxis={"title": {"text": "x1"}, "range": [bounds[0], bounds[1]], "constrain": "domain"},
        yaxis={"title": {"text": "x2"}, "range": [bounds[2], bounds[3]], "scaleanchor": "x",
               "scaleratio": 1, "constrain": "domain"},
    ))


def _add_points(traces: list, X: np.ndarray, y, which: str, n_classes: int,
                hollow: bool, colour_range: tuple[float, float] | None = None) -> None:
    y = np.asarray(y).reshape(-1)
    symbol = "circle-open" if hollow else "circle"  # regression: colour is the value
    if n_classes == 0:
        traces.append(dict(
            type="scatter", x=X[:, 0], y=X[:, 1], mode="markers", name=f"{which} points",
            marker={"color": y, "colorscale": VIRIDIS, "symbol": symbol, "size": 7,
                    "cmin": colour_range[0] if colour_range else None,
                    "cmax": colour_range[1] if colour_range else None,
                    "line": {"width": 2} if hollow else {"color": "white", "width": 1}},
            hovertemplate=f"{which}<br>x1=%{{x:.2f}}<br>x2=%{{y:.2f}}<br>y=%{{marker.color:.3f}}"
            "<extra></extra>",
        ))
        return
    for c in range(max(n_classes, 1)):
        mask = y.astype(int) == c
        if not mask.any():
            continue
        colour = CLASS_COLOURS[c % len(CLASS_COLOURS)]
        shape = CLASS_SYMBOLS[c % len(CLASS_SYMBOLS)]
        symbol = f"{shape}-open" if hollow else shape
        marker = ({"color": colour, "symbol": symbol, "size": 8, "line": {"width": 2}}
                  if hollow else
                  {"color": colour, "symbol": symbol, "size": 7,
                   "line": {"color": "white", "width": 1}})
        traces.append(dict(
            type="scatter", x=X[mask, 0], y=X[mask, 1], mode="markers",
            name=f"{which}: class {c}",
            marker=marker,
            hovertemplate=f"{which}, class {c}<br>x1=%{{x:.2f}}<br>x2=%{{y:.2f}}<extra></extra>",
        ))


def confusion_chart(matrix, title: str = "Confusion matrix", wire: bool = False) -> go.Figure:
    """Counts of true class (rows) against predicted class (columns), each cell labelled."""
    m = np.asarray(matrix, dtype=int)
    k = m.shape[0]
    labels = [f"class {c}" for c in range(k)]
    totals = np.maximum(m.sum(axis=1, keepdims=True), 1)
    return (ready if wire else figure)([dict(
        type="heatmap", x=labels, y=labels, z=m / totals, zmin=0, zmax=1, colorscale=BLUES,
        showscale=False,
        text=m, texttemplate="%{text}", customdata=m,
        hovertemplate="true %{y}, predicted %{x}: %{customdata} point(s)<extra></extra>",
    )], dict(title={"text": title}, xaxis={"title": {"text": "predicted"}},
             yaxis={"title": {"text": "true"}, "autorange": "reversed"}, height=260,
             margin={"l": 60, "r": 10, "t": 40, "b": 40}))


def activation_plane(xs, ys, values, X_train, y_train, X_test=None, y_test=None,
                     n_classes: int = 2, title: str = "", wire: bool = False) -> go.Figure:
    """One neuron's activation over the input plane (``values`` on the grid of ``xs``, ``ys``,
    as ``grid`` lays it out), white at 0, with the data points on top."""
    res = len(xs)
    z = np.asarray(values, dtype=float).reshape(res, res)
    finite = np.abs(z[np.isfinite(z)])
    peak = float(finite.max()) if finite.size and finite.max() > 0 else 1.0
    z = np.clip(np.nan_to_num(z, nan=0.0), -peak, peak)
    traces = [dict(
        type="heatmap", x=xs, y=ys, z=z, zmin=-peak, zmax=peak, name="activation",
        colorscale=[[0, _blend(NEGATIVE, 0.75)], [0.5, "rgb(255,255,255)"],
                    [1, _blend(POSITIVE, 0.75)]],
        colorbar={"title": {"text": "y"}},
        hovertemplate="x1=%{x:.2f}<br>x2=%{y:.2f}<br>activation=%{z:.3f}<extra></extra>",
    )]
    _add_points(traces, np.asarray(X_train, float).reshape(-1, 2), y_train, "train", n_classes,
                False)
    if X_test is not None and len(X_test):
        _add_points(traces, np.asarray(X_test, float).reshape(-1, 2), y_test, "test", n_classes,
                    True)
    return (ready if wire else figure)(traces, dict(
        title={"text": title}, height=460,
        margin={"l": 50, "r": 20, "t": 50 if title else 20, "b": 40},
        legend={"orientation": "h", "y": -0.22},
        xaxis={"title": {"text": "x1"}, "range": [float(xs[0]), float(xs[-1])],
               "constrain": "domain"},
        yaxis={"title": {"text": "x2"}, "range": [float(ys[0]), float(ys[-1])],
               "scaleanchor": "x", "scaleratio": 1, "constrain": "domain"},
    ))
