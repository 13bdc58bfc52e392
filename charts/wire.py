"""A figure converted once into what ``st.plotly_chart`` sends, instead of on every draw.

``st.plotly_chart`` turns a ``go.Figure`` into JSON each time it is called: a deep copy of the
figure and of its template, then a walk over every key to pack NumPy arrays as base64 (Plotly's
typed arrays), then the encoder. For a chart drawn on every rerun (a chart with a selection
callback, which the cache cannot replay) or on every animation frame, that conversion costs
more than the maths behind the chart. ``ready`` does the same conversion once, from a builder's
plain trace and layout dicts, without building Plotly objects: the default template is added as
``go.Figure`` adds it, arrays are packed as Plotly's ``convert_to_base64`` packs them, and
``ReadyFigure.to_dict`` (what ``st.plotly_chart`` calls) hands out that result.
tests/test_charts_valid.py checks that it is the JSON ``go.Figure`` gives.
"""

from __future__ import annotations

import base64

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.basevalidators import is_homogeneous_array
from _plotly_utils.utils import plotlyjsShortTypes, to_typed_array_spec

from page_model.numbers import fmt

#: keys whose values Plotly's convert_to_base64 leaves as they are
_SKIPPED = frozenset(("geojson", "layer", "layers", "range"))
_INT_RANGES = {"int64": ("int8", "int16", "int32"), "uint64": ("uint8", "uint16", "uint32")}

_TEMPLATES: dict[str, dict] = {}


def _template() -> dict | None:
    """The default template as a figure's ``to_dict`` writes it (computed once per name)."""
    name = pio.templates.default
    if not name:
        return None
    if name not in _TEMPLATES:
        _TEMPLATES[name] = go.Figure().to_dict()["layout"].get("template")
    return _TEMPLATES[name]


def _typed(v: np.ndarray):
    """A numeric array as Plotly's ``to_typed_array_spec`` writes it (without its detour through
    narwhals, which costs more than the packing): 64-bit integers in the smallest type that holds
    them, base64 bytes, the shape of a 2-D or larger array."""
    v = np.ascontiguousarray(v)
    if str(v.dtype) in _INT_RANGES:
        for dtype in _INT_RANGES[str(v.dtype)]:
            info = np.iinfo(dtype)
            if v.min() >= info.min and v.max() <= info.max:
                v = v.astype(dtype)
                break
        else:
            return v
    short = plotlyjsShortTypes.get(str(v.dtype))
    if short is None:
        return v
    spec = {"dtype": short, "bdata": base64.b64encode(v).decode("ascii")}
    if v.ndim > 1:
        spec["shape"] = str(v.shape)[1:-1]
    return spec


#: values Plotly's convert_to_base64 never packs (they have no ``__array__``)
_PLAIN = (dict, list, tuple, str, int, float, bool)


def _copy(value, pack: bool = True):
    """The dicts and lists of a figure copied, arrays that are a dict's values packed as
    Plotly's ``convert_to_base64`` packs them (in the same walk: a second walk over every key
    cost more than the copy); ``None`` values left out, as ``charts.figure`` leaves them out."""
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if v is None:
                continue
            keep = pack and k not in _SKIPPED
            if not keep or isinstance(v, _PLAIN):
                out[k] = _copy(v, keep)
            elif isinstance(v, np.ndarray) and v.dtype.kind in "uif" and v.size:
                packed = _typed(v)
                out[k] = to_typed_array_spec(packed) if isinstance(packed, np.ndarray) else packed
            elif is_homogeneous_array(v):
                out[k] = to_typed_array_spec(v)
            else:
                out[k] = v
        return out
    if isinstance(value, list | tuple):
        return [_copy(v, pack) for v in value]
    return value


class ReadyFigure(go.Figure):
    """A figure whose JSON form is made once: ``to_dict`` returns it (to ``st.plotly_chart``),
    ``data`` and ``layout`` are the builder's own dicts (for ``charts.describe``). Read-only:
    it is not a Plotly object graph (no ``update_layout``, ``add_trace``)."""

    def __init__(self, data: list[dict], layout: dict):  # not go.Figure's set-up: no objects
        self._plain = {"data": data, "layout": layout}
        spec = {"data": _copy(data), "layout": _copy(layout)}
        if "template" not in spec["layout"]:
            template = _template()
            if template is not None:
                spec["layout"]["template"] = template
        template = spec["layout"].pop("template", None)  # last, where the JSON had it
        if template is not None:
            spec["layout"]["template"] = template
        self._spec = spec

    @property
    def data(self) -> list[dict]:
        return self._plain["data"]

    @property
    def layout(self) -> dict:
        return self._plain["layout"]

    def to_dict(self) -> dict:
        # New trace dicts: plotly.io.to_json removes each trace's "uid" in place.
        return {"data": [dict(t) for t in self._spec["data"]], "layout": self._spec["layout"]}

    def to_plotly_json(self) -> dict:
        return self.to_dict()

    def __repr__(self) -> str:
        return f"ReadyFigure({len(self.data)} traces)"


def ready(data: list[dict], layout: dict) -> ReadyFigure:
    """``charts.figure(data, layout)`` converted once for sending (see the module's text)."""
    return ReadyFigure(data, layout)


#: a value this close (in units of its last shown decimal) to a rounding tie keeps float64
_TIE_MARGIN = 1e-6


def float32_if_same(values, decimals: int | None = None) -> np.ndarray:
    """``values`` as float32, half the bytes (Streamlit hashes and sends every byte of a chart
    on every rerun, replayed ones too), when that changes no number the chart shows: every
    value printed with ``decimals`` decimals (a hover's ``%{z:.3f}``: JavaScript's toFixed, the
    nearest integer of value·10^decimals; ``None``: no value printed), and the smallest and
    largest as charts.describe words them. Else the float64 values, unchanged."""
    v = np.asarray(values, dtype=float)
    with np.errstate(over="ignore"):  # beyond float32: inf, and float64 is kept below
        back = v.astype(np.float32).astype(float)
    finite = np.isfinite(v)
    if not np.array_equal(finite, np.isfinite(back)):
        return v
    if finite.any():
        for pick in (np.min, np.max):  # describe: "… from {min} to {max}", 3 digits
            if fmt(pick(v[finite]), 3) != fmt(pick(back[finite]), 3):
                return v
    if decimals is not None:
        scale = 10.0 ** decimals
        for a in (v[finite] * scale, back[finite] * scale):
            # (float64's own rounding of value·10^decimals stays far inside the margin)
            if (np.abs(a - np.floor(a) - 0.5) < _TIE_MARGIN * (1 + 1e-6 * np.abs(a))).any():
                return v  # by a tie: the two could round apart
        if not np.array_equal(np.floor(v[finite] * scale + 0.5),
                              np.floor(back[finite] * scale + 0.5)):
            return v
    return back.astype(np.float32)
