"""Plotly figures for recurrent networks: the network unrolled through time, values over time
(hidden state, gates, predictions), and the gradient's size against how far back it reaches.

Plain functions: numbers in, ``go.Figure`` out. Time steps are labelled from 1 (row t − 1 of an
array is step t), hidden units from 1.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from nn_core.lstm import GATE_NAMES

from . import FONT_SIZE, HIGHLIGHT, NEGATIVE, POSITIVE, figure
from .training import LINE_COLOURS
from .wire import ready

MAX_DRAWN_STEPS = 30
GATE_COLOURS = {"a": "#9467bd", "i": "#2ca02c", "f": "#1f77b4", "o": "#ff7f0e"}
GATE_LABELS = {k: f"{name} {k}" for k, name in GATE_NAMES.items()}  # "input gate i"


def _rows(values, name: str) -> np.ndarray:
    """(T, n) float array from a (T,) or (T, n) input."""
    a = np.asarray(values, dtype=float)
    if a.ndim == 1:
        a = a[:, None]
    if a.ndim != 2 or a.shape[0] < 1:
        raise ValueError(f"{name} must have one row per time step (got shape {a.shape}).")
    return a


def _vector_text(row: np.ndarray) -> str:
    shown = ", ".join(f"{v:.2f}" for v in row[:3])
    return shown + (", …" if row.size > 3 else "") if row.size > 1 else f"{row[0]:.3g}"


def unrolled_diagram(xs, hs, y_hat=None, cs=None, step: int | None = None,
                     weight_names: Mapping[str, str] | None = None,
                     title: str = "", span: tuple[int, int] | None = None) -> go.Figure:
    """The recurrent network unrolled: one column per time step t = 1 … T, inputs x_t at the
    bottom, hidden states h_t above them (and the LSTM's cell states c_t if ``cs`` is given),
    outputs ŷ_t on top. The same weights label every step's arrows. ``step`` (from 1) is
    highlighted: the step the page is explaining; later steps fade (not computed yet).
    ``span`` = (k, t) highlights steps k … t instead (a backprop path from E_t back to step k)
    and fades the steps after t.
    """
    xs, hs = _rows(xs, "xs"), _rows(hs, "hs")
    T = xs.shape[0]
    if hs.shape[0] != T:
        raise ValueError(f"hs has {hs.shape[0]} steps but xs has {T}.")
    if T > MAX_DRAWN_STEPS:
        raise ValueError(f"At most {MAX_DRAWN_STEPS} steps can be drawn (got {T}).")
    if step is not None and not 1 <= step <= T:
        raise ValueError(f"step must be between 1 and {T} (got {step}).")
    if span is not None and not 1 <= span[0] <= span[1] <= T:
        raise ValueError(f"span must be (k, t) with 1 ≤ k ≤ t ≤ {T} (got {span}).")
    lit = (set(range(span[0], span[1] + 1)) if span is not None
           else {step} if step is not None else set())
    last = span[1] if span is not None else step
    names = {"x": "W_x", "h": "W_h", "y": "W_y", "c": "f ⊙"}
    names.update(weight_names or {})
    rows = [("x", xs, 0.0)]
    if cs is not None:
        cs = _rows(cs, "cs")
        rows.append(("c", cs, 2.0))
    h_row = 1.0
    rows.insert(1, ("h", hs, h_row))
    if y_hat is not None:
        rows.append(("ŷ", _rows(y_hat, "y_hat"), 3.0 if cs is not None else 2.0))

    def faded(t: int) -> bool:  # t from 1
        return last is not None and t > last

    fig = go.Figure()
    arrows = []

    def arrow(x0, y0, x1, y1, text, t, colour="#555", on=None):
        on = t in lit if on is None else on
        arrows.append({
            "x": x1, "y": y1, "ax": x0, "ay": y0, "xref": "x", "yref": "y", "axref": "x",
            "ayref": "y", "showarrow": True, "arrowhead": 3, "arrowsize": 1.2,
            "arrowwidth": 3 if on else 1.5, "standoff": 22, "startstandoff": 22,
            "arrowcolor": HIGHLIGHT if on else colour, "opacity": 0.3 if faded(t) else 1.0,
            "text": "",
        })
        if text:
            arrows.append({"x": (x0 + x1) / 2, "y": (y0 + y1) / 2, "text": text,
                           "showarrow": False, "xshift": 14 if x0 == x1 else 0,
                           "yshift": 0 if x0 == x1 else 10,
                           "font": {"size": FONT_SIZE - 4,
                                    "color": HIGHLIGHT if on else "#333"},
                           "opacity": 0.3 if faded(t) else 1.0})

    y_of = {name: y for name, _, y in rows}
    for t in range(1, T + 1):
        # on a path (span) only the first step's input and the last step's output are on it
        arrow(t, y_of["x"], t, y_of["h"], names["x"] if t == 1 or T <= 8 else "", t,
              on=(t == span[0]) if span is not None else None)
        if "ŷ" in y_of:
            arrow(t, y_of["h"], t, y_of["ŷ"], names["y"] if t == 1 or T <= 8 else "", t,
                  on=(t == span[1]) if span is not None else None)
        if t > 1:
            arrow(t - 1, y_of["h"], t, y_of["h"], names["h"] if t == 2 or T <= 8 else "", t,
                  colour=POSITIVE)
            if "c" in y_of:
                arrow(t - 1, y_of["c"], t, y_of["c"], names["c"] if t == 2 or T <= 8 else "",
                      t, colour=NEGATIVE)
    # h_0 = 0 (and c_0 = 0) on the left: the state every sequence starts from
    fig.add_trace(go.Scatter(
        x=[0.0] * (2 if cs is not None else 1),
        y=[y_of["h"]] + ([y_of["c"]] if cs is not None else []),
        mode="markers+text", text=["h₀ = 0"] + (["c₀ = 0"] if cs is not None else []),
        textposition="middle center", marker={"size": 56, "color": "#fafafa",
                                              "line": {"width": 1, "color": "#aaa"}},
        hoverinfo="skip", showlegend=False, name="start"))
    arrow(0, y_of["h"], 1, y_of["h"], "", 1, colour=POSITIVE)
    if cs is not None:
        arrow(0, y_of["c"], 1, y_of["c"], "", 1, colour=NEGATIVE)

    labels = {"x": "x", "h": "h", "c": "c", "ŷ": "ŷ"}
    for name, values, yy in rows:
        ts = np.arange(1, T + 1)
        text = [f"{labels[name]}{_sub(t)}<br>{_vector_text(values[t - 1])}" for t in ts]
        hover = [f"step {t}: {labels[name]}{_sub(t)} = "
                 + ", ".join(f"{v:.6g}" for v in values[t - 1]) for t in ts]
        colours = ["#fff3e0" if t in lit else "#f5f5f5" for t in ts]
        lines = [HIGHLIGHT if t in lit else "#444" for t in ts]
        fig.add_trace(go.Scatter(
            x=ts, y=[yy] * T, mode="markers+text", text=text, hovertext=hover,
            hoverinfo="text", textposition="middle center",
            textfont={"size": FONT_SIZE - 5 if T > 8 else FONT_SIZE - 3, "color": "#111"},
            marker={"size": 62 if T <= 8 else 44, "color": colours,
                    "line": {"width": 3, "color": lines},
                    "opacity": [0.35 if faded(t) else 1.0 for t in ts]},
            name={"x": "inputs", "h": "hidden states", "c": "cell states",
                  "ŷ": "outputs"}[name], showlegend=False))
    top = max(y for _, _, y in rows)
    fig.update_layout(
        title=title or None, annotations=arrows, plot_bgcolor="white",
        xaxis={"visible": False, "range": [-0.6, T + 0.6]},
        yaxis={"visible": False, "range": [-0.6, top + 0.6]},
        height=130 + 95 * len(rows), font={"size": FONT_SIZE},
        margin={"l": 10, "r": 10, "t": 40 if title else 10, "b": 10},
    )
    return fig


def _layout(title: str, x_title: str, y_title: str, height: int, left: int, legend_y=None,
            **more) -> dict:
    """The layout the charts below share (as ``go.Figure.update_layout`` wrote it)."""
    return dict(title={"text": title} if title else {}, xaxis={"title": {"text": x_title}},
                yaxis={"title": {"text": y_title}}, height=height,
                font={"size": FONT_SIZE - 2},
                margin={"l": left, "r": 20, "t": 45 if title else 15, "b": 40},
                legend=None if legend_y is None else {"orientation": "h", "y": legend_y}, **more)


def over_time(series: Mapping[str, object], title: str = "", y_title: str = "value",
              colours: Mapping[str, str] | None = None, dashed: tuple[str, ...] = (),
              mark_step: int | None = None, y_range=None, wire: bool = False) -> go.Figure:
    """One line per named series of per-step values (step 1 first); ``dashed`` names are drawn
    dashed (targets), ``mark_step`` draws a vertical line at that step. ``wire``: a
    ``charts.wire.ReadyFigure`` (converted once for sending)."""
    traces, longest = [], 0
    for i, (name, values) in enumerate(series.items()):
        v = np.asarray(values, dtype=float).ravel()
        longest = max(longest, v.size)
        colour = (colours or {}).get(name, LINE_COLOURS[i % len(LINE_COLOURS)])
        traces.append(dict(
            type="scatter", x=np.arange(1, v.size + 1), y=np.where(np.isfinite(v), v, None),
            name=name, mode="lines+markers",
            line={"color": colour, "dash": "dash" if name in dashed else "solid"},
            marker={"size": 6}))
    layout = _layout(title, "time step t", y_title, 320, 50, -0.3)
    if mark_step is not None:
        layout["shapes"] = [{"type": "line", "x0": mark_step, "x1": mark_step, "xref": "x",
                             "y0": 0, "y1": 1, "yref": "y domain",
                             "line": {"color": HIGHLIGHT, "width": 2, "dash": "dot"}}]
    if longest <= 15:
        layout["xaxis"]["dtick"] = 1
    if y_range is not None:
        layout["yaxis"]["range"] = list(y_range)
    return (ready if wire else figure)(traces, layout)


def hidden_state_chart(hs, title: str = "Hidden state over time", mark_step=None,
                       label: str = "h", wire: bool = False) -> go.Figure:
    """Each hidden unit's value h_t (one line per unit, units from 1)."""
    hs = _rows(hs, "hs")
    return over_time({f"{label} unit {j + 1}": hs[:, j] for j in range(hs.shape[1])}, title,
                     label + "_t", mark_step=mark_step, wire=wire)


def gates_chart(gates: Mapping[str, object], unit: int = 0, title: str = "",
                mark_step=None) -> go.Figure:
    """The LSTM's gate values over time for one hidden unit (``unit`` from 0): i, f, o in (0, 1)
    and the candidate a in (−1, 1)."""
    series = {}
    for g in ("i", "f", "o", "a"):
        if g in gates:
            series[GATE_LABELS[g]] = _rows(gates[g], g)[:, unit]
    colours = {GATE_LABELS[g]: c for g, c in GATE_COLOURS.items()}
    return over_time(series, title or f"Gates of unit {unit + 1} over time", "gate value",
                     colours=colours, mark_step=mark_step, y_range=(-1.05, 1.05))


def gradient_decay_chart(curves: Mapping[str, object], title: str = "",
                         y_title: str = "|∂h_T/∂h_t|") -> go.Figure:
    """|∂h_T/∂h_t| against T − t (0, 1, 2, …) on a log scale, one line per curve. Zeros and
    non-finite values are gaps (a log axis cannot show them)."""
    traces = []
    for i, (name, values) in enumerate(curves.items()):
        v = np.asarray(values, dtype=float).ravel()
        traces.append(dict(
            type="scatter", x=np.arange(v.size), y=np.where(np.isfinite(v) & (v > 0), v, None),
            name=name, mode="lines+markers",
            line={"color": LINE_COLOURS[i % len(LINE_COLOURS)],
                  "dash": "dash" if "LSTM" in name else "solid"},
            marker={"size": 5}))
    layout = _layout(title, "steps back, T − t", y_title + " (log scale)", 420, 60, -0.22)
    layout["yaxis"].update(type="log", exponentformat="power")
    return figure(traces, layout)


def contributions_chart(contributions, shares=None, title: str = "") -> go.Figure:
    """Bars of each time step's term in ∂E/∂W = Σ_t (…), coloured by sign."""
    c = np.asarray(contributions, dtype=float).ravel()
    text = None if shares is None else [f"{s:.0%}" for s in np.asarray(shares, float)]
    bar = dict(type="bar", x=np.arange(1, c.size + 1), y=c, text=text, textposition="outside",
               marker={"color": [POSITIVE if v >= 0 else NEGATIVE for v in c]},
               name="contribution")
    layout = _layout(title, "time step t", "term of the sum", 320, 50)
    layout["xaxis"]["dtick"] = 1
    return figure([bar], layout)


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
