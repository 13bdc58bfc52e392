"""Plotly figure builders: plain functions that take numbers and return ``go.Figure``.

- ``charts.network``: ``network_diagram`` — neurons by layer with their z/y values, edges coloured
  by weight sign and sized by |weight|, a path highlighted.
- ``charts.neuron``: ``neuron_plane`` (z, ŷ or class over the input plane with the decision line)
  and ``activation_curve``.
- ``charts.descent``: ``descent_curve`` / ``descent_surface`` — gradient-descent steps on the loss.
- ``charts.compare``: ``scheme_regions`` — one-vs-all regions with ambiguous points crossed out.
- ``charts.training``: ``loss_curves`` and ``decision_boundary`` (the playground's).
"""

FONT_SIZE = 16  # readable on a laptop projector
POSITIVE = "#1f77b4"  # blue: positive weight
NEGATIVE = "#d62728"  # red: negative weight
HIGHLIGHT = "#ff7f0e"
