"""One-vs-all: a scheme's decision regions with the points where the notes' code is ambiguous."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import plotly.graph_objects as go

from nn_core.datasets import ambiguous

from . import FONT_SIZE
from .training import data_bounds, decision_boundary, grid


def scheme_regions(predict: Callable[[np.ndarray], np.ndarray], X_train, y_train, n_classes: int,
                   encoding: str, title: str = "", resolution: int = 70,
                   show_ambiguous: bool = True, class_of_code=None) -> go.Figure:
    """``decision_boundary`` for one encoding; for several sigmoid outputs, the grid points where
    more than one neuron fires (ŷ ≥ ½) are crossed out in black: the code cannot decide there."""
    bounds = data_bounds(X_train)
    fig = decision_boundary(predict, X_train, y_train, n_classes=n_classes,
                            resolution=resolution, bounds=bounds, title=title,
                            encoding=encoding, class_of_code=class_of_code)
    if show_ambiguous and encoding in ("notes_2neuron", "one_vs_rest"):
        _, _, pts = grid(bounds, max(12, resolution // 3))
        mask = ambiguous(predict(pts))
        if mask.any():
            fig.add_trace(go.Scatter(
                x=pts[mask, 0], y=pts[mask, 1], mode="markers", name="ambiguous: 2 neurons fire",
                marker={"symbol": "x-thin", "size": 7, "line": {"width": 1.5, "color": "black"}},
                hoverinfo="skip"))
    fig.update_layout(font={"size": FONT_SIZE}, height=420)
    return fig
