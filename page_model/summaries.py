"""One-line text alternatives for the charts, computed from the numbers each chart draws.

A screen reader learns nothing from a heatmap or a line; these sentences say what a sighted
student reads off the chart (where the loss went, what the boundary separates, which weights
dominate). Each is decided here from the chart's own data, never written beside it by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from .numbers import fmt, fmt_share

#: how the charts draw each class, in words (tests check it against charts' palette)
CLASS_LOOKS = ("vermillion circles", "blue squares", "green diamonds")


def _class(c: int) -> str:
    return f"class {c} ({CLASS_LOOKS[c % len(CLASS_LOOKS)]})"


def loss_summary(series: Mapping[str, Sequence[float]], x_name: str = "epoch") -> str:
    """Each curve's start, end and lowest point; where a curve stops being finite it says so."""
    parts = []
    for name, values in series.items():
        v = np.asarray(list(values), dtype=float)
        if v.size == 0:
            parts.append(f"{name}: no points yet")
            continue
        finite = np.isfinite(v)
        if not finite[0]:
            parts.append(f"{name}: not finite from the start")
            continue
        if not finite.all():
            k = int(np.argmin(finite))
            parts.append(f"{name}: {fmt(v[0])} at {x_name} 0, then runs away (not finite "
                         f"from {x_name} {k})")
            continue
        lo = int(np.argmin(v))
        if v.size == 1:
            parts.append(f"{name}: {fmt(v[0])}")
            continue
        trend = ("falls" if v[-1] < v[0] else "rises" if v[-1] > v[0] else "stays")
        text = f"{name}: {trend} from {fmt(v[0])} to {fmt(v[-1])} over {v.size - 1} {x_name}s"
        if 0 < lo < v.size - 1:
            text += f" (lowest {fmt(v[lo])} at {x_name} {lo})"
        parts.append(text)
    return "; ".join(parts) + "." if parts else "No curves to show yet."


def boundary_summary(grid_labels, point_labels, point_predictions, n_classes: int) -> str:
    """What the decision regions cover and how many points sit on their own class's side.

    ``grid_labels``: the predicted class at each grid point of the chart; ``point_*``: the
    data's classes and the network's predictions for the points drawn."""
    grid_labels = np.asarray(grid_labels).reshape(-1).astype(int)
    truth = np.asarray(point_labels).reshape(-1).astype(int)
    pred = np.asarray(point_predictions).reshape(-1).astype(int)
    shares = [float(np.mean(grid_labels == c)) for c in range(n_classes)]
    regions = ", ".join(f"{_class(c)} {fmt_share(s)}" for c, s in enumerate(shares))
    right = int(np.sum(truth == pred))
    text = f"Predicted regions over the plane: {regions}."
    if truth.size:
        text += f" {right} of {truth.size} points ({fmt_share(right / truth.size)}) lie in " \
                "their own class's region."
        missing = [c for c in range(n_classes) if shares[c] == 0 and np.any(truth == c)]
        if missing:
            text += " No region at all for " + ", ".join(_class(c) for c in missing) + "."
    return text


def regression_summary(grid_values, targets, predictions) -> str:
    """A regression surface: the range it spans and how far the points are from it."""
    g = np.asarray(grid_values, dtype=float).reshape(-1)
    t = np.asarray(targets, dtype=float).reshape(-1)
    p = np.asarray(predictions, dtype=float).reshape(-1)
    text = f"The prediction ranges from {fmt(g.min())} to {fmt(g.max())} over the plane."
    if t.size:
        text += f" Mean |prediction − target| on the points: {fmt(np.mean(np.abs(p - t)))}."
    return text


def confusion_summary(matrix) -> str:
    """matrix[true][predicted]: how many are right and the most common mistake (ties named)."""
    m = np.asarray(matrix, dtype=int)
    total = int(m.sum())
    if total == 0:
        return "No points to count."
    right = int(np.trace(m))
    text = f"Right on {right} of {total} points ({fmt_share(right / total)})."
    off = m.copy()
    np.fill_diagonal(off, 0)
    worst = int(off.max())
    if worst == 0:
        return text + " No mistakes."
    pairs = [f"class {t} taken for class {p}" for t, p in zip(*np.nonzero(off == worst),
                                                              strict=True)]
    return text + f" Most common mistake ({worst} point{'s' * (worst != 1)}): " \
        + " and ".join(pairs) + "."


def weights_summary(weights: Sequence[np.ndarray]) -> str:
    """A network diagram: its layer sizes, the largest weight (counted from 1) and the signs."""
    if not weights:
        return "No weights."
    sizes = [weights[0].shape[0]] + [w.shape[1] for w in weights]
    flat = [(abs(float(w[i, j])), layer, i, j, float(w[i, j]))
            for layer, w in enumerate(weights, start=1)
            for i in range(w.shape[0]) for j in range(w.shape[1])]
    _, layer, i, j, value = max(flat)
    negative = sum(v < 0 for *_, v in flat)
    return (f"Layers of {' → '.join(map(str, sizes))} neurons; {len(flat)} weights, "
            f"{negative} negative (dashed). The largest in size: layer {layer}, from neuron "
            f"{i + 1} to neuron {j + 1}, w = {fmt(value)}.")


def descent_summary(weights, losses) -> str:
    """Steps of gradient descent drawn over the loss: where they start, end and how far."""
    loss = np.asarray(losses, dtype=float)
    w = np.asarray(weights, dtype=float).reshape(loss.size, -1)  # one row per step
    names = ["w₁", "w₂"][: w.shape[1]]

    def at(k: int) -> str:
        return ", ".join(f"{n} = {fmt(w[k, c])}" for c, n in enumerate(names))

    steps = len(loss) - 1
    if not np.isfinite(loss).all() or not np.isfinite(w).all():
        k = int(np.argmin(np.isfinite(loss) & np.all(np.isfinite(w), axis=1)))
        return f"{steps} steps from {at(0)}: the steps run away (not finite from step {k})."
    return (f"{steps} steps from {at(0)} (E = {fmt(loss[0])}) to {at(-1)} "
            f"(E = {fmt(loss[-1])}).")


def share_summary(labels: Sequence[str], shares: Sequence[float], what: str = "path") -> str:
    """Bars or paths with shares of a whole: which dominates."""
    if not labels:
        return f"No {what}s."
    s = np.asarray(shares, dtype=float)
    k = int(np.argmax(np.abs(s)))
    return (f"{len(labels)} {what}s; the largest share is {labels[k]} with "
            f"{fmt_share(abs(s[k]))}.")


def neuron_map_summary(sizes: Sequence[int], layers: Sequence[np.ndarray]) -> str:
    """The neuron pictures: the layout, and the hidden neuron whose activation varies most."""
    text = (f"Layers of {' → '.join(map(str, sizes))} neurons, each drawn as its activation "
            "over the input plane.")
    spread = [(float(np.ptp(np.nan_to_num(v[:, i]))), layer, i)
              for layer, v in enumerate(layers[1:-1], start=1) for i in range(v.shape[1])]
    if spread:
        _, layer, i = max(spread)
        col = layers[layer][:, i]
        text += (f" Most varied hidden neuron: layer {layer}, neuron {i + 1} "
                 f"({fmt(float(np.nanmin(col)))} to {fmt(float(np.nanmax(col)))}).")
    return text


def point_graph_summary(n_nodes: int, which: str, index: int, loss: float,
                        steepest: str | None = None) -> str:
    """The graph of one point: its size, the point's loss and the node pulled hardest."""
    text = (f"Computation graph of {which} point {index + 1}: {n_nodes} nodes, each with its "
            f"value and ∂E/∂·; the point's loss E = {fmt(loss)}.")
    return text + (f" Largest |∂E/∂·| before the loss: {steepest}." if steepest else "")
