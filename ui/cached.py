"""Drawing what did not change costs (almost) nothing: Streamlit's cache replays it.

A Streamlit process answers one rerun at a time, and building a Plotly figure (validation,
copying, JSON) costs far more than the maths behind most charts. ``chart`` builds a figure and
draws it inside ``st.cache_resource``, which records the element it drew and, on the next call
with the same ``inputs``, replays that element without building anything. The cache is shared by
every session of the server (students on the same settings draw one figure between them) and
bounded; a replayed element is copied into each page, never changed in the cache.

``inputs`` must determine the figure: pass the numbers it is drawn from (arrays, weights, the
settings), not an object's identity. A chart with a selection callback is a widget and is never
cached (Streamlit does not replay widgets).

``section`` replays a whole drawn part of a page the same way (its formulas, numbers, tables and
charts): what a page draws from its settings alone is drawn once per server for those settings.
Widgets stay outside a section, and so does any other cached drawing (``chart``, ``dataframe``):
nested in a section it would be replayed in the wrong place (Streamlit keys a nested cached
element by the innermost cached call's blocks only).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Hashable
from typing import Any

import pyarrow as pa
import streamlit as st

from charts.describe import describe

from .escape import plain

MAX_SECTIONS = 512  # drawn sections kept for the whole server (a few charts each at most)
MAX_SESSION_SECTIONS = 64  # one session's own state (a paused playground): kept apart, few
MAX_CHARTS = 400  # figures kept for the whole server (a few hundred kB of JSON each at most)
MAX_TABLES = 2000


# The cached functions take their arguments by keyword: Streamlit looks a positional
# argument's name up with inspect.signature on every call (~0.05 ms each).


def _token(*parts) -> bytes:
    """The cache key: the pickled parts (Streamlit hashes bytes at once, where it would walk a
    list of floats item by item). Equal numbers pickle to equal bytes."""
    return pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)


def plotly(fig, summary: str | None = None, note: str | None = None, **options):
    """``st.plotly_chart(fig, **options)`` and, under it, the chart in words: ``summary`` (a
    sentence computed from the chart's numbers, see ``page_model.summaries``) or else what
    ``charts.describe`` reads off the figure; ``note`` (our own Markdown, e.g. how to read the
    chart) follows it in the same caption, one element fewer per rerun. Returns what
    ``st.plotly_chart`` returns (a selection, for a chart with ``on_select``)."""
    words = summary or describe(fig)
    out = st.plotly_chart(fig, alt=words, **options)  # alt: the chart's aria-label
    st.caption(plain(words) + (f"\n\n{note}" if note else ""))
    return out


@st.cache_resource(max_entries=MAX_CHARTS, show_spinner=False)
def _draw_chart(*, token: bytes, _key: str, _build: Callable[[], Any], _options: dict,
                _summary: Callable[[], str] | str | None) -> None:
    summary = _summary() if callable(_summary) else _summary
    plotly(_build(), summary, key=_key, **_options)


def chart(key: str, inputs: Hashable, build: Callable[[], Any],
          summary: Callable[[], str] | str | None = None, **options) -> None:
    """``st.plotly_chart(build(), key=key, **options)`` with its text alternative beside it
    (``summary``, or the figure described by ``charts.describe``), replayed from the cache while
    ``key``, ``inputs`` and ``options`` stay the same. A callable ``summary`` is computed only
    when the chart is drawn; it must depend on ``inputs`` alone, like ``build``."""
    _draw_chart(token=_token(key, inputs, options), _key=key, _build=build, _options=options,
                _summary=summary)


@st.cache_resource(max_entries=MAX_CHARTS, show_spinner=False)
def _shared_figure(*, token: bytes, _build: Callable[[], Any]):
    return _build()


def shared_figure(name: str, inputs: Hashable, build: Callable[[], Any]):
    """``build()``'s figure, built once per server while ``inputs`` stay the same: for a chart
    that is a widget (a selection callback), which ``chart`` cannot replay. The figure is shared
    by every session: pass it to ``st.plotly_chart`` (which only reads it), never change it."""
    return _shared_figure(token=_token(name, inputs), _build=build)


def table_data(data: dict[str, list], hide_index: bool = True):
    """What ``st.dataframe`` is given for a dict of short columns: an Arrow table, the form it
    sends, built directly (0.13 ms for a 3×4 table, against 1.3 ms for the dict, which Streamlit
    turns into a pandas DataFrame first). Only without an index (an Arrow table has none to
    show); a column Arrow cannot type (mixed cells) is left to Streamlit, as before."""
    if not hide_index:
        return data
    try:
        return pa.table(data)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError):
        return data


@st.cache_resource(max_entries=MAX_TABLES, show_spinner=False)
def _draw_table(*, token: bytes, _data: dict, _column_config: dict | None,
                _options: dict) -> None:
    st.dataframe(table_data(_data, _options.get("hide_index", False)),
                 column_config=_column_config, **_options)


def dataframe(data: dict[str, list], column_config: dict | None = None, **options) -> None:
    """``st.dataframe`` of a dict of short columns (str/number cells), replayed from the cache
    while the cells, the column config and the options stay the same."""
    _draw_table(token=_token(data, column_config, options), _data=data,
                _column_config=column_config, _options=options)


def net_numbers(net) -> tuple:
    """What a chart of an ``nn_core.Network`` is drawn from: its activations, weights and biases
    (as ``inputs`` for ``chart``)."""
    return (tuple(net.activation_names), tuple(net.weights), tuple(net.biases))


@st.cache_resource(max_entries=MAX_SECTIONS, show_spinner=False)
def _replay(*, token: bytes, _draw: Callable[[], None]) -> None:  # by name: see above
    _draw()


def section(name: str, inputs: Hashable, draw: Callable[[], None]) -> None:
    """``draw()`` (elements only, no widget), replayed from the cache while ``name`` and
    ``inputs`` stay the same. ``inputs`` must determine everything ``draw`` shows (the settings
    it is drawn from); the key is their pickle, which Streamlit hashes at once."""
    _replay(token=pickle.dumps((name, inputs), protocol=pickle.HIGHEST_PROTOCOL), _draw=draw)


@st.cache_resource(max_entries=MAX_SESSION_SECTIONS, show_spinner=False)
def _replay_own(*, token: bytes, _draw: Callable[[], None]) -> None:
    _draw()


def session_section(name: str, state: Hashable, draw: Callable[[], None]) -> None:
    """``section`` for what one session's state alone determines (``state``: a number that
    names it, e.g. a training run's version), in a small cache of its own, so that many
    sessions' states do not push the shared sections out."""
    _replay_own(token=pickle.dumps((name, state), protocol=pickle.HIGHEST_PROTOCOL),
                _draw=draw)
