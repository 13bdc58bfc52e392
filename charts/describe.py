"""A chart in words: a one-line text alternative computed from the figure's own data.

Screen readers see nothing of a Plotly chart. ``describe`` reads what the figure draws — its
title, each line's start, end and lowest point, how many points each marker trace holds, the
range a heatmap or surface spans, the largest bar — so every chart has a sentence beside it that
is true of it, even where a page has no more specific summary (``page_model.summaries``).
"""

from __future__ import annotations

import numpy as np

from page_model.numbers import fmt

MAX_TRACES = 6  # beyond this the sentence names how many more


def _get(obj, name, default=None):
    if isinstance(obj, dict):
        return obj.get(name, default)
    return getattr(obj, name, default)


def _title(layout) -> str:
    title = _get(layout, "title")
    text = _get(title, "text") if title is not None else None
    return str(text).strip() if text else ""


def _numbers(values) -> np.ndarray:
    if values is None:
        return np.array([])
    try:  # the common case, numbers (a heatmap's z can be 10⁴ of them): no Python loop
        return np.asarray(values, dtype=float).reshape(-1)
    except (TypeError, ValueError):
        pass
    out = []
    for v in np.asarray(values, dtype=object).reshape(-1):
        try:
            out.append(float(v) if v is not None else np.nan)
        except (TypeError, ValueError):
            out.append(np.nan)
    return np.array(out, dtype=float)


def _trace(trace) -> str | None:
    kind = _get(trace, "type") or "scatter"
    name = _get(trace, "name") or ""
    if _get(trace, "showlegend") is False and not name:
        return None
    label = f"“{name}”" if name else kind
    contours = _get(trace, "contours")
    if kind == "contour" and contours is not None and _get(contours, "coloring") == "lines":
        return f"{label}: a line"  # one level drawn, not the range of z
    if kind in ("heatmap", "contour", "surface"):
        z = _numbers(_get(trace, "z"))
        z = z[np.isfinite(z)]
        if z.size == 0:
            return None
        return f"{label} from {fmt(z.min(), 3)} to {fmt(z.max(), 3)}"
    if kind == "bar":
        y = _numbers(_get(trace, "y"))
        x = list(_get(trace, "x") or range(len(y)))
        if not np.isfinite(y).any():
            return None
        k = int(np.nanargmax(np.abs(y)))
        return f"{label}: largest bar {x[k]} at {fmt(y[k], 3)}"
    if kind == "scatter":
        y = _numbers(_get(trace, "y"))
        mode = str(_get(trace, "mode") or "lines")
        if y.size == 0:
            return None
        if "lines" in mode and y.size > 2:
            finite = np.isfinite(y)
            if not finite.any():
                return f"{label}: no finite values"
            first, last = y[finite][0], y[finite][-1]
            text = f"{label} from {fmt(first, 3)} to {fmt(last, 3)}"
            lo = float(np.nanmin(y))
            if lo < min(first, last):
                text += f" (lowest {fmt(lo, 3)})"
            if not finite.all():
                text += ", with gaps where it is not finite"
            return text
        n = y.size
        return f"{label}: {n} point{'s' * (n != 1)}"
    return f"{label} ({kind})"


def describe(fig) -> str:
    """One sentence for ``fig`` (a go.Figure or its dict)."""
    layout = _get(fig, "layout") or {}
    traces = [t for t in (_trace(t) for t in (_get(fig, "data") or ())) if t]
    title = _title(layout)
    head = f"Chart: {title}." if title else "Chart."
    if not traces:
        return head + " Nothing drawn yet."
    more = len(traces) - MAX_TRACES
    body = "; ".join(traces[:MAX_TRACES]) + (f"; and {more} more" if more > 0 else "")
    return f"{head} {body[0].upper()}{body[1:]}."
