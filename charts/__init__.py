"""Plotly figure builders: plain functions that take numbers and return ``go.Figure``.

- ``charts.network``: ``network_diagram`` — neurons by layer with their z/y values, edges coloured
  by weight sign and sized by |weight|, a path highlighted.
- ``charts.neuron``: ``neuron_plane`` (z, ŷ or class over the input plane with the decision line)
  and ``activation_curve``.
- ``charts.descent``: ``descent_curve`` / ``descent_surface`` — gradient-descent steps on the loss.
- ``charts.compare``: ``scheme_regions`` — one-vs-all regions with ambiguous points crossed out.
- ``charts.training``: ``loss_curves`` and ``decision_boundary`` (the playground's).

The figures redrawn on a click (the network diagram, the decision boundary, loss curves, the
confusion matrix) are built from plain dicts by ``figure``, without Plotly's property-by-property
validation: it costs more than everything else a click does (tens of ms for a diagram). The
tests validate each builder's output instead (tests/test_charts_valid.py).
"""

FONT_SIZE = 16  # readable on a laptop projector

# One palette for every chart: Okabe & Ito's colours, which stay apart for the common kinds of
# colour blindness (red/green is the pair deuteranopes confuse), and a marker shape per class so
# nothing depends on colour alone.
OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00",
             "reddish_purple": "#CC79A7", "black": "#000000"}
#: class 0, 1, 2: vermillion circles, blue squares, bluish-green diamonds
CLASS_COLOURS = (OKABE_ITO["vermillion"], OKABE_ITO["blue"], OKABE_ITO["bluish_green"])
CLASS_SYMBOLS = ("circle", "square", "diamond")
LINE_COLOURS = (OKABE_ITO["blue"], OKABE_ITO["orange"], OKABE_ITO["bluish_green"],
                OKABE_ITO["vermillion"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"])
POSITIVE = OKABE_ITO["blue"]  # a positive weight
NEGATIVE = OKABE_ITO["vermillion"]  # a negative weight
HIGHLIGHT = OKABE_ITO["orange"]


def figure(data: list[dict], layout: dict):
    """A ``go.Figure`` of trace dicts (each with its ``type``) and a layout dict, not validated;
    ``None`` values are left out, as Plotly does when it validates."""
    import plotly.graph_objects as go

    return go.Figure({"data": [_drop_none(t) for t in data], "layout": _drop_none(layout)},
                     _validate=False)


def _drop_none(d: dict) -> dict:
    return {k: _drop_none(v) if isinstance(v, dict) else v for k, v in d.items() if v is not None}
