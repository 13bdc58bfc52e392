"""What each neuron learned: the network drawn as TensorFlow Playground draws it, every neuron a
small picture of its activation over the input plane, edges coloured and sized by weight, each
bias a small square at its neuron's corner.

The whole drawing (pictures, edges, bias squares) is ONE PNG made with NumPy (charts.png) and
placed under a few invisible hover/click markers: one marker per neuron (its range, bias; a
click selects it), per edge (its weight) and per bias. Measured against a picture per neuron
and against heatmap subplots in bench/bench_playground_maps.py: at the caps it is the cheapest
by far, because a figure's cost grows with its number of objects, not pixels. The activations
come from one forward pass of the grid (``nn_core.Network.forward_pass``); here they are drawn.
"""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from . import FONT_SIZE, HIGHLIGHT, NEGATIVE, POSITIVE, figure
from .network import layer_name, node_positions
from .png import diverging_rgb, png_data_uri
from .wire import ready

TILE = 0.8  # a neuron's picture, in units of the gap between neurons
LAYER_GAP = 2.4  # horizontal distance between layers, same units
TILE_PIXELS = 24  # a picture's side in pixels (the grid is sampled to this) …
LARGE_TILE_PIXELS = 16  # … and in layers of more than LARGE_LAYER neurons (half the pixels)
LARGE_LAYER = 8


def tile_pixels(sizes) -> int:
    return TILE_PIXELS if max(sizes) <= LARGE_LAYER else LARGE_TILE_PIXELS
WIDTH_BINS = 4  # edges are drawn as 2 signs × this many widths (one trace each)
BIAS_PIXELS = 7


def layer_scales(layers: list[np.ndarray]) -> list[np.ndarray]:
    """The value drawn at full colour, per neuron: each input feature its own largest |value|
    (features differ in range); each layer of neurons one shared largest |activation|, so its
    neurons compare at a glance."""
    out = []
    for layer, values in enumerate(layers):
        finite = np.where(np.isfinite(values), np.abs(values), 0.0)
        peak = finite.max(axis=0) if finite.size else np.zeros(values.shape[1])
        if layer:
            peak = np.full_like(peak, peak.max(initial=0.0))
        out.append(np.where(peak > 0, peak, 1.0))
    return out


class _Canvas:
    """Data units → pixels (x to the right, y up; row 0 is the top), transparent but for what is
    painted, so the edges drawn by Plotly under it show between the pictures."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float, ppu: float):
        self.x0, self.y1, self.ppu = x0, y1, ppu
        self.w, self.h = round((x1 - x0) * ppu), round((y1 - y0) * ppu)
        self.rgba = np.zeros((self.h, self.w, 4), np.uint8)

    def corner(self, x: float, y: float) -> tuple[int, int]:
        """(row, column) of the point (x, y)."""
        return round(float(self.y1 - y) * self.ppu), round(float(x - self.x0) * self.ppu)

    def paint(self, r: int, c: int, rgb: np.ndarray) -> None:
        h, w = rgb.shape[:2]
        self.rgba[r:r + h, c:c + w, :3] = rgb
        self.rgba[r:r + h, c:c + w, 3] = 255


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def neuron_map(net, layers: list[np.ndarray], resolution: int, input_labels: list[str],
               selected: tuple[int, int] | None = None, show_bias_text: bool | None = None,
               wire: bool = False) -> go.Figure:
    """The network with a picture per neuron. ``layers[l]`` holds layer l's activations at the
    resolution² grid points (row-major, x1 fastest, x2 upwards; ``charts.training.grid``),
    shape (resolution², n_l); layer 0 are the input features. ``selected`` (layer, i) gets a
    frame. The points of the trace named "neurons" carry (layer, i) as customdata. ``wire``: a
    ``charts.wire.ReadyFigure`` (converted once for sending)."""
    sizes = list(net.sizes)
    n_layers = len(sizes) - 1
    if len(layers) != len(sizes):
        raise ValueError(f"Give the activations of all {len(sizes)} layers (inputs first).")
    pos = [p * [LAYER_GAP, 1.0] for p in node_positions(sizes)]
    half, top = TILE / 2, max(sizes) / 2.0
    px = tile_pixels(sizes)
    canvas = _Canvas(-half - 0.35, n_layers * LAYER_GAP + half + 0.1, -top, top, px / TILE)
    traces: list[dict] = []  # one unvalidated figure at the end (charts.figure)

    traces += _edges(net, pos, half)

    # The pictures: the grid sampled to px × px, x2 upwards.
    # Scales and ranges are read from the pictures' pixels (the grid's points they show).
    pick = np.arange(px) * resolution // px
    sampled = [v.reshape(resolution, resolution, -1)[pick][:, pick][::-1] for v in layers]
    flat = [p.reshape(-1, p.shape[2]) for p in sampled]
    node_x, node_y, hover, ids = [], [], [], []
    for layer, (pictures, scales) in enumerate(zip(sampled, layer_scales(flat), strict=True)):
        rgb = diverging_rgb(pictures / scales, 1.0, NEGATIVE, POSITIVE).astype(np.uint8)
        with np.errstate(invalid="ignore"):
            lows, highs = np.nanmin(flat[layer], axis=0), np.nanmax(flat[layer], axis=0)
        for i, (x, y) in enumerate(pos[layer]):
            canvas.paint(*canvas.corner(x - half, y + half), rgb[:, :, i])
            if layer == 0:
                what = f"input {input_labels[i]}"
            else:
                what = (f"{layer_name(layer, n_layers)}, neuron {i + 1} "
                        f"({net.activations[layer - 1].name})<br>"
                        f"bias b = {float(net.biases[layer - 1][i]):.4g}")
            node_x.append(x)
            node_y.append(y)
            hover.append(what)
            ids.append((layer, i, float(lows[i]), float(highs[i])))
    if selected is not None and 0 <= selected[0] < len(pos) and 0 <= selected[1] < \
            sizes[selected[0]]:
        x, y = pos[selected[0]][selected[1]]
        r, c = canvas.corner(x - half, y + half)
        n = px + 6
        frame = np.broadcast_to(_rgb(HIGHLIGHT), (n, n, 3)).copy()
        frame[3:-3, 3:-3] = canvas.rgba[r:r + px, c:c + px, :3]
        canvas.paint(r - 3, c - 3, frame)

    # Biases: a square at each neuron's lower-left corner (the output neurons' too).
    b = np.concatenate(net.biases)
    b_plot = np.nan_to_num(b, nan=0.0, posinf=1e300, neginf=-1e300)
    b_rgb = diverging_rgb(b_plot, float(np.max(np.abs(b_plot))) or 1.0, NEGATIVE, POSITIVE)
    bx = np.concatenate([p[:, 0] for p in pos[1:]]) - half - 0.14
    by = np.concatenate([p[:, 1] for p in pos[1:]]) - half + 0.1
    square = np.full((BIAS_PIXELS, BIAS_PIXELS, 3), 80.0)  # a dark border …
    for x, y, colour in zip(bx, by, b_rgb, strict=True):
        square[1:-1, 1:-1] = colour  # … around the bias's colour
        r, c = canvas.corner(x, y)
        canvas.paint(r - BIAS_PIXELS // 2, c - BIAS_PIXELS // 2, square)

    if show_bias_text is None:
        show_bias_text = max(sizes[1:]) <= 8
    b_text = [f"{v:.2g}" for v in b] if show_bias_text else None
    traces.append(dict(
        type="scatter", x=bx, y=by, mode="markers+text" if show_bias_text else "markers",
        name="biases",
        text=b_text if show_bias_text else None, textposition="bottom center",
        textfont={"size": FONT_SIZE - 7}, marker={"size": 9, "opacity": 0}, showlegend=False,
        customdata=b[:, None], hovertemplate="bias b = %{customdata[0]:.4g}<extra></extra>",
    ))
    traces.append(dict(
        type="scatter", x=np.array(node_x), y=np.array(node_y), mode="markers", name="neurons",
        customdata=np.array(ids), text=hover, showlegend=False,
        # Numbers travel as arrays and the template formats them in the browser: a list of
        # strings per point costs far more to build and copy on the server.
        hovertemplate="%{text}<br>in the picture: %{customdata[2]:.3g} … %{customdata[3]:.3g}"
        "<br>click to show it large<extra></extra>",
        marker={"symbol": "square", "size": 2 * px, "opacity": 0.01, "color": "black"},
    ))
    titles = ["inputs"] + [
        ("output" if layer == n_layers else f"layer {layer}")
        + f"<br>{net.activations[layer - 1].name}" for layer in range(1, n_layers + 1)]
    return (ready if wire else figure)(traces, dict(
        title={"text": "What each neuron computes over the input plane",
               "font": {"size": FONT_SIZE}},
        # As a dict: add_layout_image parses its keyword names against the long data URI.
        images=[{"source": png_data_uri(canvas.rgba), "xref": "x", "yref": "y", "x": canvas.x0,
                 "y": canvas.y1, "sizex": canvas.w / canvas.ppu, "sizey": canvas.h / canvas.ppu,
                 "sizing": "stretch", "layer": "above"}],
        plot_bgcolor="white", showlegend=False, dragmode=False,
        template={},  # Plotly's default is copied with every figure; Streamlit drops it anyway
        height=max(320, min(900, 60 * max(sizes) + 110)),
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        font={"size": FONT_SIZE - 4},
        annotations=[{"x": layer * LAYER_GAP, "y": top, "text": text, "showarrow": False,
                      "yanchor": "bottom"} for layer, text in enumerate(titles)],
        xaxis={"visible": False, "range": [canvas.x0, canvas.x0 + canvas.w / canvas.ppu],
               "constrain": "domain"},
        yaxis={"visible": False, "range": [canvas.y1 - canvas.h / canvas.ppu, canvas.y1 + 0.5],
               "scaleanchor": "x", "constrain": "domain"},
    ))


def _edges(net, pos, half: float) -> list[dict]:
    """Edges as a few line traces (sign × width group, NaN between segments), and one invisible
    marker per edge, a third of the way along, with its weight on hover."""
    src, dst, w, ids = [], [], [], []
    for layer, W in enumerate(net.weights, start=1):
        ii, jj = np.meshgrid(np.arange(W.shape[0]), np.arange(W.shape[1]), indexing="ij")
        src.append(pos[layer - 1][ii.ravel()] + [half, 0])
        dst.append(pos[layer][jj.ravel()] - [half, 0])
        w.append(W.ravel())
        ids.append(np.column_stack([ii.ravel() + 1, jj.ravel() + 1,
                                    np.full(W.size, layer)]))
    src, dst, w = np.vstack(src), np.vstack(dst), np.concatenate(w)
    ids = np.column_stack([np.vstack(ids), w])  # i, j, layer, w per edge
    traces = []
    size = np.abs(np.nan_to_num(w, nan=0.0, posinf=1e300, neginf=-1e300))
    size = np.minimum((WIDTH_BINS * size / (size.max() or 1.0)).astype(int), WIDTH_BINS - 1)
    for positive in (False, True):
        for k in range(WIDTH_BINS):
            on = ((w >= 0) == positive) & (size == k)
            if not on.any():
                continue
            xs = np.column_stack([src[on, 0], dst[on, 0], np.full(on.sum(), np.nan)]).ravel()
            ys = np.column_stack([src[on, 1], dst[on, 1], np.full(on.sum(), np.nan)]).ravel()
            traces.append(dict(
                type="scatter", x=xs, y=ys, mode="lines", hoverinfo="skip", showlegend=False,
                line={"width": 0.7 + 1.6 * k, "color": POSITIVE if positive else NEGATIVE,
                      "dash": "solid" if positive else "dash"},
                opacity=0.35 + 0.15 * k, name="weights > 0" if positive else "weights < 0",
            ))
    mid = src + (dst - src) / 3.0
    traces.append(dict(
        type="scatter", x=mid[:, 0], y=mid[:, 1], mode="markers", name="weights", showlegend=False,
        marker={"size": 8, "opacity": 0}, customdata=ids,
        hovertemplate="w<sub>%{customdata[0]},%{customdata[1]}</sub><sup>(%{customdata[2]})"
        "</sup> = %{customdata[3]:.4g}<extra></extra>",
    ))
    return traces
