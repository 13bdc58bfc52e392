"""What each neuron learned, at the playground's caps: the cost of one frame's neuron pictures.

At the caps (4 hidden layers × 16 neurons, all 7 input features, chart resolution 100) every
neuron's activation over the grid comes from ONE forward pass of the grid (``TrainingSession
.plane``, shared with the decision boundary). Three ways to draw them, each built and serialised
as ``st.plotly_chart`` sends it (``fig.to_dict()`` → JSON), in CPU ms (median of repeats):

- one PNG of the whole network under hover/click markers (charts.neuron_maps, the one used);
- one small PNG per neuron placed in the figure's layout;
- one heatmap subplot per neuron (``make_subplots``).

Printed beside the decision boundary at the same resolution (the playground's frame already
draws it) as a ratio, and beside the graph of one point (DOT text). Never asserted. Run alone:
``python -m bench.bench_playground_maps``.
"""

from __future__ import annotations

import json
import statistics
import time

REPEATS = 7


def _cpu_ms(fn, repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1e3


def _send(fig) -> int:
    import plotly.io as pio

    return len(pio.to_json(fig.to_dict(), validate=False))


def _per_neuron_images(net, layers, res, labels):
    """The alternative: a PNG per neuron in the layout (plus the same edges and markers)."""
    import numpy as np

    from charts import NEGATIVE, POSITIVE
    from charts.neuron_maps import TILE, layer_scales, neuron_map, tile_pixels
    from charts.png import diverging_rgb, png_data_uri

    fig = neuron_map(net, [np.zeros_like(v) for v in layers], res, labels)  # edges, markers
    px = tile_pixels(net.sizes)
    pick = np.arange(px) * res // px
    images = []
    for values, scales in zip(layers, layer_scales(layers), strict=True):
        pictures = values.reshape(res, res, -1)[pick][:, pick][::-1] / scales
        rgb = diverging_rgb(pictures, 1.0, NEGATIVE, POSITIVE).astype(np.uint8)
        images += [{"source": png_data_uri(rgb[:, :, i]), "xref": "x", "yref": "y",
                    "x": float(i), "y": 0.0, "sizex": TILE, "sizey": TILE}
                   for i in range(values.shape[1])]
    fig.layout.images = images
    return fig


def _heatmap_subplots(layers, res):
    from plotly.subplots import make_subplots

    n = sum(v.shape[1] for v in layers)
    rows = max(v.shape[1] for v in layers)
    fig = make_subplots(rows=rows, cols=len(layers))
    k = 0
    for col, values in enumerate(layers, start=1):
        for i in range(values.shape[1]):
            fig.add_heatmap(z=values[:, i].reshape(res, res), row=i + 1, col=col,
                            showscale=False, colorscale="RdBu")
            k += 1
    assert k == n
    return fig


def run() -> None:
    from bench.caps import caps_session
    from charts.neuron_maps import neuron_map
    from charts.point_graph import point_graph_dot
    from charts.training import data_bounds, decision_boundary, grid
    from nn_core.features import FEATURES, feature_labels
    from page_model.playground import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_RESOLUTION
    from page_model.point_graph import session_point, weight_paths

    sess = caps_session(features=FEATURES)  # every feature: the widest first layer
    cfg = sess.cfg
    sess.step(3)
    data, res = sess.data, MAX_RESOLUTION
    bounds = data_bounds(data.X_train, data.X_test)
    pts = grid(bounds, res)[2]
    labels = feature_labels(cfg.features)
    layers = sess.plane(pts)
    n_neurons = sum(v.shape[1] for v in layers)

    def boundary():
        _send(decision_boundary(lambda _p: layers[-1], data.X_train, data.y_train, data.X_test,
                                data.y_test, n_classes=data.n_classes, resolution=res,
                                bounds=bounds, encoding=sess.encoding))

    results = {
        "forward pass of the grid (all neurons)": _cpu_ms(lambda: sess.plane(pts)),
        "decision boundary (baseline)": _cpu_ms(boundary),
        "neuron map: one PNG (used)": _cpu_ms(
            lambda: _send(neuron_map(sess.net, layers, res, labels))),
        "neuron map: a PNG per neuron": _cpu_ms(
            lambda: _send(_per_neuron_images(sess.net, layers, res, labels))),
        "neuron map: heatmap subplots": _cpu_ms(lambda: _send(_heatmap_subplots(layers, res)),
                                                repeats=3),
    }

    def graph():
        g, *_ = session_point(sess, 0)
        point_graph_dot(g, labels, weight_paths(g, (1, 0, 0)), sess.net.activation_names)

    results["graph of one point (DOT, full reruns only)"] = _cpu_ms(graph)
    base = results["decision boundary (baseline)"]
    sizes = {"neuron map: one PNG (used)": _send(neuron_map(sess.net, layers, res, labels))}
    print(f"Playground at the caps: {len(cfg.features)} inputs, {MAX_HIDDEN_LAYERS}×{MAX_NEURONS}"
          f" hidden, 3 outputs ({n_neurons} pictures), resolution {res}; CPU ms, median:")
    for name, ms in results.items():
        print(f"  {name:48s} {ms:8.1f} ms  ({ms / base:4.2f}× the boundary)")
    print("  JSON sent per frame by the neuron map: "
          + json.dumps({k: f"{v / 1e3:.0f} kB" for k, v in sizes.items()}))


if __name__ == "__main__":
    run()
