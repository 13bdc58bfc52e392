"""Plotly figure builders: plain functions that take numbers and return ``go.Figure``.

- ``charts.network``: ``network_diagram`` — neurons by layer with their z/y values, edges coloured
  by weight sign and sized by |weight|, a path highlighted.
"""

FONT_SIZE = 16  # readable on a laptop projector
POSITIVE = "#1f77b4"  # blue: positive weight
NEGATIVE = "#d62728"  # red: negative weight
HIGHLIGHT = "#ff7f0e"
