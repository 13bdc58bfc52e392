"""Widgets look up their own key without copying the whole session state.

In Streamlit 1.67.0 every ``st.number_input``, ``st.selectbox``, ``st.radio``,
``st.text_input``/``st.text_area``, date/time widget (and ``st.slider`` with a key and no value)
asks ``get_session_state().filtered_state`` only whether its key holds ``None``
(``key in state and state[key] is None``). That property builds a new dict over every key of the
session, presenting each value, so a page costs widgets × keys (upstream: streamlit/streamlit
issue #9415, from PR #8529).

``lazy_widget_key_lookup()`` gives those widget modules, and only them, a ``get_session_state``
whose ``filtered_state`` is a read-only view: a lookup of a plain user key presents only the
entries the dict would store under that key (same precedence, same winner, same KeyError), so
``in`` and ``[]`` agree with the dict; any other key and any iteration, ``len``, ``repr`` or
comparison build the real dict. Whether an entry is among the session's keys is read from the
dicts ``SessionState._keys()`` is built from, so a lookup costs neither the keys nor their
widget ids; when more than one entry could land on the key (a widget whose id changed, its old
id still stored) the key set is built and its order picks the winner, as the dict's loop does.
Everything else (``st.session_state``, whose ``to_dict()`` hands the dict to user code, and
AppTest) keeps the real property. Measured (CPU, variants alternating in one process): on a
page of 20 keyed number inputs and 100 other keys a lookup costs 7 µs (46 building the key
set), a no-change rerun 8.7 ms (9.6 with the key set, 14.5 with the real dict); the
playground's lookups (30 keyed widgets, 40 keys) 0.35 ms a rerun (0.75 with the key set).

Each lookup reads under the session's lock, as the property does; the widget code uses the view
in the call that made it (a local variable, tested) and the view answers each key once, so
``in`` then ``[]`` see one snapshot, as with the dict. One deliberate difference: the dict raised
a KeyError when an unrelated entry could not be read (a forged plain widget id from a browser);
the view does not read entries it does not need.

Checked against exactly ``CHECKED_VERSION``; on any other version the installer logs and does
nothing (tests/test_widget_key_lookup.py ties it to the pin in requirements.txt).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterator, Mapping
from operator import countOf
from typing import Any

import streamlit
from streamlit.logger import get_logger
from streamlit.runtime.state import session_state_proxy
from streamlit.runtime.state.common import is_element_id, is_keyed_element_id
from streamlit.runtime.state.session_state import SessionState, _is_internal_key

_LOGGER = get_logger(__name__)

CHECKED_VERSION = "1.67.0"
#: the modules whose only use of ``filtered_state`` is ``key in state`` / ``state[key]``
WIDGET_MODULES = ("number_input", "radio", "selectbox", "slider", "text_widgets",
                  "time_widgets")
_FULL = object()  # marks "answer from the real dict"


def _held(state: SessionState, key: str) -> bool | None:
    """Whether ``state._keys()`` holds ``key``, read from the dicts it is built from; None (ask
    the set) when several user keys have ``key`` as their widget id or the reverse map names
    another one. ``_keys()`` is the new widget
    states' ids plus ``_get_widget_id(k)`` (``_key_id_mapping.get(k, k)``) of every key of the
    old and the new session state."""
    if key in state._new_widget_state.states:
        return True
    key_ids = state._key_id_mapper._key_id_mapping
    sources = [] if key in key_ids else [key]  # a key with no widget id stands for itself
    mapped = countOf(key_ids.values(), key)  # user keys whose widget id is ``key``
    if mapped:
        owner = state._key_id_mapper.id_key_mapping.get(key)
        if mapped > 1 or key_ids.get(owner) != key:
            return None
        sources.append(owner)
    return any(k in state._old_state or k in state._new_session_state for k in sources)


def _find(state: SessionState, user_key: str) -> tuple[bool, Any]:
    """What ``filtered_state`` stores under a plain ``user_key``, without building the key set
    when at most one entry lands there (``_find_exact`` otherwise)."""
    id_keys = state._key_id_mapper.id_key_mapping
    owned = countOf(id_keys.values(), user_key)  # widget ids that map to ``user_key``
    wid = state._key_id_mapper._key_id_mapping.get(user_key)
    if owned == 0:
        ids: list[str] = []
    elif owned == 1 and id_keys.get(wid) == user_key:
        ids = [wid]
    else:
        ids = [w for w, key in id_keys.items() if key == user_key]
    entries = []
    for k in [w for w in ids if is_keyed_element_id(w) and not _is_internal_key(w)] + [user_key]:
        held = _held(state, k)
        if held is None:
            return _find_exact(state, user_key)
        if held:
            entries.append(k)
    if len(entries) > 1:  # which one wins depends on the set's order
        return _find_exact(state, user_key)
    return _read(state, entries, user_key)


def _find_exact(state: SessionState, user_key: str) -> tuple[bool, Any]:
    """``filtered_state``'s loop (streamlit/runtime/state/session_state.py) for one plain key:
    of the same keys, present only the entries the dict would store under ``user_key`` (the key
    itself, or a keyed widget id mapped to it), in the dict's order: the last one wins."""
    keys = state._keys()
    entries = [w for w, key in state._key_id_mapper.id_key_mapping.items()
               if key == user_key and w in keys and is_keyed_element_id(w)
               and not _is_internal_key(w)]
    if user_key in keys:
        entries.append(user_key)
    if len(entries) > 1:  # a widget id left over from an earlier id of this key's widget
        chosen = set(entries)
        entries = [k for k in keys if k in chosen]
    return _read(state, entries, user_key)


def _read(state: SessionState, entries: list[str], user_key: str) -> tuple[bool, Any]:
    found, value = False, None
    for k in entries:
        try:
            value, found = state[k], True
        except KeyError:
            if k == user_key:  # the dict does not catch this one either
                raise
    return found, value


class KeyLookup(Mapping):
    """Read-only ``filtered_state`` for one widget call (see the module docstring)."""

    __slots__ = ("_answers", "_full", "_safe")

    def __init__(self, safe_state) -> None:
        self._safe = safe_state  # a SafeSessionState: its lock guards every read
        self._answers: dict[Any, tuple[bool, Any]] = {}
        self._full: dict[str, Any] | None = None

    def _dict(self) -> dict[str, Any]:
        if self._full is None:
            self._full = self._safe.filtered_state  # the real property, under the lock
        return self._full

    def _answer(self, key: Any) -> tuple[bool, Any]:
        got = self._answers.get(key, _FULL)  # an unhashable key raises TypeError, as dict
        if got is _FULL:
            if isinstance(key, str) and not is_element_id(key) and not _is_internal_key(key):
                with self._safe._lock:
                    got = _find(self._safe._state, key)
            else:  # element ids, internal keys, non-strings: exactly what the dict says
                full = self._dict()
                got = (key in full, full.get(key))
            self._answers[key] = got
        return got

    def __contains__(self, key: object) -> bool:
        return self._answer(key)[0]

    def __getitem__(self, key: Any) -> Any:
        found, value = self._answer(key)
        if not found:
            raise KeyError(key)
        return value

    def __iter__(self) -> Iterator[str]:
        return iter(self._dict())

    def __len__(self) -> int:
        return len(self._dict())

    def keys(self):
        return self._dict().keys()

    def items(self):
        return self._dict().items()

    def values(self):
        return self._dict().values()

    def __eq__(self, other: object) -> bool:
        return self._dict() == (other._dict() if isinstance(other, KeyLookup) else other)

    __hash__ = None  # type: ignore[assignment]  # as a dict

    def __repr__(self) -> str:
        return repr(self._dict())


class _WidgetSessionState:
    """What a widget module's ``get_session_state()`` returns: the session's SafeSessionState,
    except that ``filtered_state`` is a KeyLookup."""

    __slots__ = ("_safe",)

    def __init__(self, safe_state) -> None:
        self._safe = safe_state

    @property
    def filtered_state(self) -> KeyLookup:
        return KeyLookup(self._safe)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._safe, name)


def _get_session_state() -> _WidgetSessionState:
    return _WidgetSessionState(session_state_proxy.get_session_state())


@functools.cache  # once per process: app.py runs again on every rerun
def lazy_widget_key_lookup() -> bool:
    """Install the lookup into the widget modules; returns whether it is on."""
    return install()


def install(version: str | None = None) -> bool:
    """Install the lookup (idempotent) unless Streamlit is not the version it was checked
    against. ``version`` (for tests): the version to check instead of the running one."""
    version = streamlit.__version__ if version is None else version
    if version != CHECKED_VERSION:
        _LOGGER.warning("Widget key lookup not installed: checked against Streamlit %s, "
                        "running %s (re-check ui/widget_key_lookup.py)", CHECKED_VERSION,
                        version)
        return False
    modules = [importlib.import_module(f"streamlit.elements.widgets.{name}")
               for name in WIDGET_MODULES]
    foreign = [m.__name__ for m in modules
               if m.get_session_state not in (session_state_proxy.get_session_state,
                                              _get_session_state)]
    if foreign:
        _LOGGER.warning("Widget key lookup not installed: %s already replaced "
                        "get_session_state", ", ".join(foreign))
        return False
    for module in modules:
        module.get_session_state = _get_session_state
    _LOGGER.info("Widget key lookup on (Streamlit %s)", version)
    return True


def installed() -> bool:
    """True when every widget module looks its key up lazily."""
    return all(importlib.import_module(f"streamlit.elements.widgets.{name}").get_session_state
               is _get_session_state for name in WIDGET_MODULES)
