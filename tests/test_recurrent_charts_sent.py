"""The recurrent pages' charts, built from plain dicts without Plotly's validation, send what a
validated figure would: the validating constructor accepts each one (it rejects any unknown or
ill-typed property) and gives the same JSON, and so does the once-converted form (wire=True)."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from charts.recurrent import (
    contributions_chart,
    gates_chart,
    gradient_decay_chart,
    hidden_state_chart,
    over_time,
)

rng = np.random.default_rng(0)
HS = rng.normal(size=(16, 3))
HS[2, 1] = np.nan  # a gap
CASES = {
    "over time, marked, dashed, ranged": lambda **w: over_time(
        {"x": HS[:, 0], "y": list(HS[:, 1])}, title="T", dashed=("y",), mark_step=3,
        y_range=(-1, 1), **w),
    "over time, 5 steps, no title": lambda **w: over_time({"x": HS[:5, 0]}, **w),
    "hidden state": lambda **w: hidden_state_chart(HS[:8], "h", mark_step=8, label="c", **w),
    "gates": lambda: gates_chart({k: rng.random((6, 2)) for k in "aifo"}, 1, mark_step=2),
    "gradient decay": lambda: gradient_decay_chart({"RNN": np.abs(HS[:, 0]),
                                                    "LSTM cell": np.r_[0.0, np.abs(HS[1:, 2])]}),
    "contributions": lambda: contributions_chart(HS[:4, 0], np.abs(HS[:4, 0]), title="S"),
}


def _bare(value):
    """An empty property ({}: no title) left out, as the validating constructor leaves it."""
    if isinstance(value, dict):
        return {k: _bare(v) for k, v in value.items() if v != {}}
    return [_bare(v) for v in value] if isinstance(value, list) else value


def _sent(fig) -> dict:
    return _bare(json.loads(pio.to_json(fig.to_dict(), validate=False)))


@pytest.mark.parametrize("name", list(CASES))
def test_a_recurrent_chart_sends_what_a_validated_figure_would(name):
    fig = CASES[name]()
    validated = go.Figure(fig.to_dict())  # raises ValueError on any invalid property
    assert _sent(fig) == _sent(validated)
    if name.startswith(("over time", "hidden")):
        assert _sent(CASES[name](wire=True)) == _sent(validated)
    with pytest.raises(ValueError):
        go.Figure({**fig.to_dict(), "layout": {**fig.to_dict()["layout"], "no_such": 1}})
