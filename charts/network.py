"""The network diagram: neurons by layer with their values, edges by weight.

Layers are counted as the pages count them: layer 0 is the input X, layer l ≥ 1 has weights
``net.weights[l-1]`` of shape (n_in, n_out). The edge (l, i, j) carries W[i, j] of layer l, from
neuron i of layer l−1 to neuron j of layer l. A neuron is (l, i).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import plotly.graph_objects as go

from . import FONT_SIZE, HIGHLIGHT, NEGATIVE, POSITIVE, figure
from .wire import ready

MAX_EDGE_WIDTH = 9.0
MIN_EDGE_WIDTH = 0.8


def node_positions(sizes: list[int]) -> list[np.ndarray]:
    """(x, y) of every neuron, one array of shape (n, 2) per layer; layers centred vertically."""
    out = []
    for layer, n in enumerate(sizes):
        ys = (np.arange(n)[::-1] - (n - 1) / 2.0).astype(float)
        out.append(np.c_[np.full(n, float(layer)), ys])
    return out


def layer_name(layer: int, n_layers: int) -> str:
    if layer == 0:
        return "input x"
    if layer == n_layers:
        return "output layer"
    return f"hidden layer {layer}" if n_layers > 2 else "hidden layer"


def _split_highlight(highlight: Iterable | None, n_layers: int):
    edges, neurons = set(), set()
    for item in highlight or ():
        item = tuple(int(v) for v in item)
        if len(item) == 3:
            edges.add(item)
            # The neurons at both ends belong to the highlighted path too.
            neurons.update({(item[0] - 1, item[1]), (item[0], item[2])})
        elif len(item) == 2:
            neurons.add(item)
        else:
            raise ValueError(
                f"highlight entries are (layer, i, j) edges or (layer, i) neurons; got {item}."
            )
    return edges, neurons


def network_diagram(net, forward=None, point: int = 0, highlight=None,
                    show_values: bool = True, title: str = "", wire: bool = False) -> go.Figure:
    """Plotly diagram of ``net`` (an ``nn_core.Network``).

    ``forward`` is an ``nn_core.ForwardPass``; with it every neuron shows its weighted sum z and
    activation y for data point ``point`` (inputs show x). ``highlight`` lists (layer, i, j) edges
    and (layer, i) neurons to emphasise (the path of the current chain term); the rest fades.
    ``wire``: a ``charts.wire.ReadyFigure`` (converted once for sending; read-only), for a page
    that only draws it: one trace per edge makes the Plotly objects cost more than the layout.
    """
    sizes = list(net.sizes)
    n_layers = len(sizes) - 1
    pos = node_positions(sizes)
    edges_hi, neurons_hi = _split_highlight(highlight, n_layers)
    fade = bool(edges_hi or neurons_hi)
    if forward is not None:
        n_points = forward.ys[0].shape[0]
        if not 0 <= point < n_points:
            raise ValueError(f"point must be between 0 and {n_points - 1} (got {point}).")

    traces = []
    w_max = max(float(np.max(np.abs(w))) for w in net.weights) or 1.0
    mid_x, mid_y, mid_text = [], [], []
    for layer, W in enumerate(net.weights, start=1):
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                w = float(W[i, j])
                (x0, y0), (x1, y1) = pos[layer - 1][i], pos[layer][j]
                on_path = (layer, i, j) in edges_hi
                width = MIN_EDGE_WIDTH + (MAX_EDGE_WIDTH - MIN_EDGE_WIDTH) * abs(w) / w_max
                colour = POSITIVE if w >= 0 else NEGATIVE
                opacity = 1.0 if on_path or not fade else 0.25
                traces.append(dict(
                    type="scatter", x=[x0, x1], y=[y0, y1], mode="lines",
                    # a negative weight is dashed too, so its sign does not rest on colour
                    line={"width": width + (3 if on_path else 0),
                          "color": HIGHLIGHT if on_path else colour,
                          "dash": "solid" if w >= 0 else "dash"},
                    opacity=opacity, hoverinfo="skip", showlegend=False,
                ))
                # Edge labels sit a third of the way along so labels of one layer do not collide.
                mid_x.append(x0 + (x1 - x0) * 0.3)
                mid_y.append(y0 + (y1 - y0) * 0.3)
                mid_text.append(f"w<sub>{i + 1}{j + 1}</sub><sup>({layer})</sup> = {w:.3g}")
    traces.append(dict(
        type="scatter", x=mid_x, y=mid_y, mode="markers", marker={"size": 10, "opacity": 0},
        hovertext=mid_text, hoverinfo="text", showlegend=False, name="weights",
    ))

    for layer, xy in enumerate(pos):
        texts, hovers, colours, lines = [], [], [], []
        for i in range(sizes[layer]):
            on_path = (layer, i) in neurons_hi
            if layer == 0:
                label = f"x{_sub(i + 1)}"
                value = (f"{float(forward.ys[0][point, i]):.3g}"
                         if forward is not None else "")
                text = f"{label}<br>{value}" if show_values and value else label
                hover = f"input {label} = {value}" if value else f"input {label}"
            else:
                act = net.activations[layer - 1].name
                label = node_label(layer, i, n_layers)
                if forward is not None:
                    z = float(forward.zs[layer - 1][point, i])
                    y = float(forward.ys[layer][point, i])
                    text = f"{label}<br>z={z:.3g}<br>y={y:.3g}" if show_values else label
                    hover = (f"{layer_name(layer, n_layers)}, neuron {i + 1} ({act})<br>"
                             f"weighted sum z = {z:.6g}<br>activation y = {y:.6g}<br>"
                             f"bias b = {float(net.biases[layer - 1][i]):.6g}")
                else:
                    text = f"{label}<br>{act}"
                    hover = f"{layer_name(layer, n_layers)}, neuron {i + 1} ({act})"
            texts.append(text)
            hovers.append(hover)
            colours.append("#fff3e0" if on_path else "#f5f5f5")
            lines.append(HIGHLIGHT if on_path else "#444")
        traces.append(dict(
            type="scatter", x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=texts,
            hovertext=hovers, hoverinfo="text", textposition="middle center",
            textfont={"size": NODE_FONT_SIZE, "color": "#111"},
            marker={"size": 76, "color": colours, "line": {"width": 3, "color": lines},
                    "opacity": 1.0},
            name=layer_name(layer, n_layers), showlegend=False,
        ))

    top = max(sizes) / 2.0 + 0.3
    title = title or ("The network at this point: each neuron's z and y, each edge's weight"
                      if show_values else "The network: each edge's weight")
    return (ready if wire else figure)(traces, dict(
        title={"text": title, "font": {"size": FONT_SIZE}},
        xaxis={"visible": False, "range": [-0.45, n_layers + 0.45]},
        yaxis={"visible": False, "range": [-top - 0.25, top + 0.15]},
        annotations=[
            {"x": layer, "y": top, "text": layer_name(layer, n_layers), "showarrow": False,
             "font": {"size": FONT_SIZE - 2}}
            for layer in range(len(sizes))
        ],
        height=max(320, 110 * max(sizes) + 80),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        plot_bgcolor="white",
        font={"size": FONT_SIZE},
    ))


NODE_FONT_SIZE = max(14, FONT_SIZE - 2)  # node names and numbers stay readable on a projector


def node_label(layer: int, i: int, n_layers: int) -> str:
    """The notes' names: inputs x₁, x₂…; hidden neuron j of hidden layer l is h_lj (h₁₁);
    output neurons z₁, z₂… (the notes' w_{h₁₁z₁})."""
    if layer == 0:
        return f"x{_sub(i + 1)}"
    if layer == n_layers:
        return f"z{_sub(i + 1)}"
    return f"h{_sub(layer)}{_sub(i + 1)}"


def _sub(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))
