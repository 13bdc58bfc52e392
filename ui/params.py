"""Page settings in the link: read from ``st.query_params`` at load, written back on change.

A teacher copies the address bar and the link reopens the same page, network, point, weight and
step. Link values are untrusted text: each getter parses and range-checks its value, falls back to
the default when it is bad and records a notice ("link value x=… was not valid; using …") for the
page to show. Nothing here evaluates the text.

Usage on a page::

    p = Params("neuron")
    w1 = st.slider("w₁", -5.0, 5.0, step=0.1, key=p.bind("w1", p.get_float("w1", 1.0, -5, 5)))
    ...
    p.show_notices()
    p.write_back()  # the bound widgets' current values → st.query_params
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import streamlit as st

from ui.escape import plain

MAX_RAW_LENGTH = 64  # a longer link value is not one of ours


def _notice(name: str, raw: str, default: Any, why: str) -> str:
    shown = raw if len(raw) <= 24 else raw[:21] + "…"
    return f"Link value {name}={shown!r} was not valid ({why}); using {format_value(default)}."


def format_value(value: Any) -> str:
    """How a value is written into the link (short, and read back exactly by the getters)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return format(value, ".10g")
    return str(value)


def _parse_number(name, raw, default, lo, hi, convert, what):
    """(value, notice): ``raw`` converted and range-checked, else the default and a notice."""
    if raw is None:
        return default, None
    text = str(raw).strip()
    if len(text) > MAX_RAW_LENGTH:
        return default, _notice(name, text, default, "too long")
    try:
        value = convert(text)
    except ValueError:
        return default, _notice(name, text, default, f"not a {what}")
    if not math.isfinite(value):
        return default, _notice(name, text, default, f"not a finite {what}")
    if not lo <= value <= hi:
        bounds = f"{lo:g} … {hi:g}" if convert is float else f"{lo} … {hi}"
        return default, _notice(name, text, default, f"outside {bounds}")
    return value, None


def parse_int(name: str, raw: str | None, default: int, lo: int, hi: int
              ) -> tuple[int, str | None]:
    """(value, notice): ``raw`` as a whole number in [lo, hi], else the default and a notice."""
    return _parse_number(name, raw, default, lo, hi, int, "whole number")


def parse_float(name: str, raw: str | None, default: float, lo: float, hi: float
                ) -> tuple[float, str | None]:
    """(value, notice): ``raw`` as a finite number in [lo, hi], else the default and a notice."""
    return _parse_number(name, raw, default, lo, hi, float, "number")


def parse_choice(name: str, raw: str | None, default: Any, choices: Sequence[Any]
                 ) -> tuple[Any, str | None]:
    """(value, notice): ``raw`` if it is one of ``choices``, else the default and a notice."""
    if raw is None:
        return default, None
    text = str(raw).strip()
    # Choices may be numbers: match them as the link writes them.
    for choice in choices:
        if format_value(choice) == text:
            return choice, None
    return default, _notice(name, text, default,
                            "choose one of " + ", ".join(map(format_value, choices)))


def parse_bool(name: str, raw: str | None, default: bool) -> tuple[bool, str | None]:
    if raw is None:
        return default, None
    text = str(raw).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True, None
    if text in ("0", "false", "no", "off"):
        return False, None
    return default, _notice(name, text, default, "use 1 or 0")


class Params:
    """The link settings of one page run: typed getters, their notices, and the write-back.

    ``page`` prefixes the session-state keys of bound widgets so pages never share a widget key;
    the link itself uses the bare names (only one page is open at a time).
    """

    def __init__(self, page: str, query_params: Mapping[str, str] | None = None):
        self.page = page
        self._qp = st.query_params if query_params is None else query_params
        self.notices: list[str] = []
        self._bound: dict[str, str] = {}  # link name → session-state key

    # ------------------------------------------------------------------ getters
    def _raw(self, name: str) -> str | None:
        value = self._qp.get(name)
        return None if value is None else str(value)

    def _keep(self, value, notice):
        if notice:
            self.notices.append(notice)
        return value

    def get_int(self, name: str, default: int, lo: int, hi: int) -> int:
        return self._keep(*parse_int(name, self._raw(name), default, lo, hi))

    def get_float(self, name: str, default: float, lo: float, hi: float) -> float:
        return self._keep(*parse_float(name, self._raw(name), default, lo, hi))

    def get_choice(self, name: str, default: Any, choices: Sequence[Any]) -> Any:
        return self._keep(*parse_choice(name, self._raw(name), default, choices))

    def get_bool(self, name: str, default: bool) -> bool:
        return self._keep(*parse_bool(name, self._raw(name), default))

    # ------------------------------------------------------------------ widgets
    def key(self, name: str) -> str:
        return f"{self.page}.{name}"

    def bind(self, name: str, initial: Any) -> str:
        """The session-state key for the widget showing ``name``, seeded with ``initial`` (the
        link's value) the first time the page runs in this session. Bound names are written back
        to the link by ``write_back``."""
        key = self.key(name)
        if key not in st.session_state:
            st.session_state[key] = initial
        self._bound[name] = key
        return key

    def value(self, name: str) -> Any:
        return st.session_state[self._bound[name]]

    # ------------------------------------------------------------------ output
    def show_notices(self) -> None:
        """One small notice per bad link value (the page still opens, on defaults)."""
        for text in self.notices:
            st.info(plain(text), icon=":material/link:")  # link values are untrusted
        st.sidebar.caption("To share this exact view, copy the address bar: the page's "
                           "settings are in the link.")

    def set(self, **values: Any) -> None:
        """Write values into the link, touching only the ones that changed."""
        for name, value in values.items():
            text = format_value(value)
            if self._qp.get(name) != text:
                self._qp[name] = text

    def write_back(self, **extra: Any) -> None:
        """The bound widgets' current values (and ``extra``) → the link."""
        values = {name: st.session_state[key] for name, key in self._bound.items()
                  if key in st.session_state}
        values.update(extra)
        self.set(**values)
