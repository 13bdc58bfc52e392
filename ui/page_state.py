"""Each page's settings: one typed dataclass in session state, a table saying how each field
travels in the link, and one link write per rerun.

In the spirit of TensorFlow Playground's ``src/state.ts``: the state is one typed object, and a
table of properties (name, type, range) serialises it to the address bar and reads it back.

Why session state: Streamlit forgets the widget values of a page that is not shown, so a page
left and revisited would fall back to its defaults. The dataclass lives under one key (the
page's name) that no widget owns; each run seeds the widgets that lost their value from it, and
``finish`` stores what the widgets show.

The link is read once: when the page first opens in a session, or when the address bar holds a
link the page did not write (a pasted link, Back to an older view). A bad link value falls back
to the default with a plain-language notice; a value another control made impossible (Backprop's
layer after switching to no hidden layer) is clamped quietly.

Usage on a page::

    @settings  # a frozen dataclass, built once per server (not on every rerun)
    class Neuron:
        stage: str = "classifier"
        w1: float = -1.0

    STATE = page_state("neuron", Neuron, lambda: {  # the table built once per server
        "stage": Choice("stage", tuple(STAGES)),
        "w1": Float("weight w₁", -5.0, 5.0),
    })

    s = STATE.open()
    st.radio("Stage", list(STAGES), key=s.key("stage"))
    st.slider("weight w₁", -5.0, 5.0, step=0.1, key=s.key("w1"))
    s.show_notices()
    ...
    s.finish()   # widgets → the dataclass (session) → the link, once
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Generic, TypeVar

import streamlit as st

from ui.escape import plain
from ui.params import MAX_RAW_LENGTH, format_value

T = TypeVar("T")
_MISSING = object()  # a key not in the session

# ------------------------------------------------------------------ the settings class
_SETTINGS: dict[str, type] = {}
_PLAIN = (str, int, float, bool, type(None), tuple)


def settings(cls: type[T]) -> type[T]:
    """``@dataclass(frozen=True)`` for a page's settings class, built once per server.

    A page's script runs afresh on every rerun; building a dataclass (it generates and compiles
    its methods) costs about a millisecond each time, the bare class body almost nothing. The
    class built the first time is reused while the module, name, annotations and defaults stay
    the same (an edited class is built anew). A class with anything but plain defaults (a
    method, a field() spec) is built every time."""
    body = {k: v for k, v in vars(cls).items()
            if k not in ("__module__", "__qualname__", "__dict__", "__weakref__", "__doc__",
                         "__annotations__")}
    if not all(isinstance(v, _PLAIN) for v in body.values()):
        return dataclasses.dataclass(frozen=True)(cls)
    key = repr((cls.__module__, cls.__qualname__, vars(cls).get("__annotations__", {}),
                sorted(body.items())))
    made = _SETTINGS.get(key)
    if made is None:
        made = _SETTINGS.setdefault(key, dataclasses.dataclass(frozen=True)(cls))
    return made



def echo(text: str, limit: int = 24) -> str:
    """User text cut to ``limit`` characters and escaped (shown as typed, never rendered)."""
    text = str(text)
    return plain(text if len(text) <= limit else text[:limit - 1] + "…")


def _number_text(value: float) -> str:
    return format(value, "g").replace("-", "−")


# ------------------------------------------------------------------ the property table
@dataclasses.dataclass(frozen=True)
class Prop:
    """One row of a page's property table: a field's plain-language label and its link name
    (the field's own name unless given; ``None`` keeps the field out of the link)."""

    label: str
    link: str | None = ""

    def parse(self, text: str) -> tuple[Any, str | None]:
        """(value, None) or (None, why it was not usable)."""
        raise NotImplementedError

    def write(self, value: Any) -> str:
        return format_value(value)

    def say(self, value: Any) -> str:
        """The value as a notice says it."""
        return _number_text(value) if isinstance(value, float) else str(value)

    def clamp(self, value: Any, lo=None, hi=None, choices=None, default=None) -> Any:
        """``value`` pulled into the bounds that hold right now (a page may narrow the table's)."""
        return value


@dataclasses.dataclass(frozen=True)
class _Number(Prop):
    lo: float = -math.inf
    hi: float = math.inf
    convert: Callable = float
    what: str = "a number"

    def parse(self, text):
        try:
            value = self.convert(text)
        except ValueError:
            return None, f"was not {self.what}"
        if not math.isfinite(value):
            return None, f"was not {self.what}"
        if not self.lo <= value <= self.hi:
            return None, f"was not between {_number_text(self.lo)} and {_number_text(self.hi)}"
        return value, None

    def clamp(self, value, lo=None, hi=None, choices=None, default=None):
        lo = self.lo if lo is None else lo
        hi = self.hi if hi is None else hi
        try:
            value = self.convert(value)
        except (TypeError, ValueError):
            return default
        if not math.isfinite(value):
            return default
        return min(max(value, self.convert(lo)), self.convert(hi))


def Int(label: str, lo: int, hi: int, link: str | None = "") -> Prop:
    """A whole number in [lo, hi]."""
    return _Number(label, link, lo, hi, int, "a whole number")


def Float(label: str, lo: float, hi: float, link: str | None = "") -> Prop:
    """A finite number in [lo, hi]."""
    return _Number(label, link, lo, hi, float, "a number")


@dataclasses.dataclass(frozen=True)
class _Choice(Prop):
    choices: tuple = ()
    labels: Mapping | None = None

    def parse(self, text):
        for choice in self.choices:  # choices may be numbers: match them as the link writes them
            if format_value(choice) == text:
                return choice, None
        if len(self.choices) <= 6:
            return None, "was not one of " + ", ".join(f"“{self.say(c)}”" for c in self.choices)
        return None, "was not one of the choices"

    def say(self, value):
        if self.labels and value in self.labels:
            return str(self.labels[value])
        return _number_text(value) if isinstance(value, float) else str(value)

    def clamp(self, value, lo=None, hi=None, choices=None, default=None):
        choices = self.choices if choices is None else tuple(choices)
        if value in choices:
            return value
        return default if default in choices else choices[0]


def Choice(label: str, choices: Sequence, labels: Mapping | None = None,
           link: str | None = "") -> Prop:
    """One of ``choices`` (``labels`` say them in notices)."""
    return _Choice(label, link, tuple(choices), labels)


@dataclasses.dataclass(frozen=True)
class _Bool(Prop):
    def parse(self, text):
        text = text.lower()
        if text in ("1", "true", "yes", "on"):
            return True, None
        if text in ("0", "false", "no", "off"):
            return False, None
        return None, "was not 1 (on) or 0 (off)"

    def say(self, value):
        return "on" if value else "off"

    def clamp(self, value, lo=None, hi=None, choices=None, default=None):
        return bool(value)


def Bool(label: str, link: str | None = "") -> Prop:
    return _Bool(label, link)


@dataclasses.dataclass(frozen=True)
class _Floats(Prop):
    lo: float = -math.inf
    hi: float = math.inf
    max_len: int = 64

    def parse(self, text):
        parts = text.split(",")
        if len(parts) > self.max_len:
            return None, "had too many numbers"
        values = []
        for part in parts:
            value, why = _Number(self.label, None, self.lo, self.hi).parse(part.strip())
            if why:
                return None, (f"were not all numbers between {_number_text(self.lo)} and "
                              f"{_number_text(self.hi)}")
            values.append(value)
        return tuple(values), None

    def write(self, value):
        return ",".join(format(float(v), ".10g") for v in value) if value else None

    def say(self, value):
        return "the default" if not value else f"{len(value)} numbers"


def Floats(label: str, lo: float, hi: float, max_len: int = 64, link: str | None = "") -> Prop:
    """A comma-separated list of numbers in [lo, hi] (a tuple, or () for none)."""
    return _Floats(label, link, lo, hi, max_len)


def Local(label: str = "") -> Prop:
    """A field kept in the session but not in the link."""
    return Prop(label, None)


def link_notice(prop: Prop, text: str, why: str, shown) -> str:
    """The plain-language notice for a link value ``text`` that ``prop`` refused."""
    return f"The link's {prop.label} (“{echo(text)}”) {why}, so the page shows {prop.say(shown)}."


def parse_link_value(prop: Prop, raw, default) -> tuple[Any, str | None]:
    """(value, notice): a link value read by ``prop``; the default and a notice if it is bad."""
    if raw is None:
        return default, None
    text = str(raw).strip()
    limit = MAX_RAW_LENGTH * 16 if isinstance(prop, _Floats) else MAX_RAW_LENGTH
    value, why = (None, "was not used (too long)") if len(text) > limit else prop.parse(text)
    return (default, link_notice(prop, text, why, default)) if why else (value, None)


# ------------------------------------------------------------------ number boxes
def bounded(key: str, lo, hi, label: str, convert: Callable = float, default=None) -> dict:
    """Keyword arguments (``key``, ``on_change``) for an ``st.number_input`` with no bounds of
    its own: an entry outside [lo, hi] is replaced by the nearest allowed value in the box
    itself, so what is shown is what is used (the browser's bound check would leave the typed
    number in the box and keep using the old one). ``said(key)`` shows why, once."""
    prop = _Number(label, None, lo, hi, convert)

    def clamp():
        typed = st.session_state.get(key)
        fixed = prop.clamp(typed, lo, hi, None, default if default is not None else lo)
        if fixed != typed:
            st.session_state[key] = fixed
            st.session_state[key + "#said"] = (f"{label} goes from {_number_text(lo)} to "
                                               f"{_number_text(hi)}: using {_number_text(fixed)}.")

    if key in st.session_state:  # a value from before (or a link) outside today's bounds
        current = st.session_state[key]
        fixed = prop.clamp(current, lo, hi, None, default if default is not None else lo)
        if fixed != current:
            st.session_state[key] = fixed
    return {"key": key, "on_change": clamp}


def said(key: str) -> None:
    """The caption a clamped number box left (shown once, under the box)."""
    text = st.session_state.pop(key + "#said", None)
    if text:
        st.caption(text)


# ------------------------------------------------------------------ the history
# Streamlit pushes a browser-history entry for every change of the query string, so each
# slider move would be one more Back press. Within one page the link is the page's *current*
# view: a change that keeps the path replaces the entry instead; opening a page still adds one.
#
# Two orderings in Streamlit 1.67's frontend make "same path" unreliable on its own:
# 1. Opening a page moves the address to the new path in a React setState callback (after the
#    new page's state is drawn), but a query-string change is applied the moment its message
#    arrives. A quick page's first link write can so arrive while the address still shows the
#    old page: it replaces the OLD page's entry with the new page's link (Back then finds
#    the old page with another page's settings). Streamlit's push to the new path carries that
#    same link, which is how the guard recognises it and gives the old entry its URL back.
# 2. This script runs from a lazily loaded element (st.html's code arrives on demand), so the
#    first run's link write may already have pushed an entry on the page just opened. The
#    guard then steps back onto the opening entry (that popstate is kept from Streamlit, which
#    would rerun) and gives it the link; the entry stepped over is dropped by the next push.
_HISTORY_JS = """<script>
(() => {
  const w = window, h = w.history;
  if (w.__nnHistoryGuard) return;
  w.__nnHistoryGuard = true;
  const push = h.pushState.bind(h), replace = h.replaceState.bind(h);
  let last = null;  // the last same-path write since a page opened: {url, state, search}
  let repair = null;  // set while stepping back over an entry pushed before the guard
  w.addEventListener('popstate', (event) => {
    if (repair) {  // our own step back: not a student's Back, so Streamlit must not see it
      event.stopImmediatePropagation();
      replace(repair.state, '', repair.url);
      repair = null;
      return;
    }
    last = null;
  }, true);
  h.pushState = function (state, title, url) {
    let next;
    try { next = new URL(url, w.location.href); } catch (e) { return push(state, title, url); }
    if (next.pathname === w.location.pathname) {
      if (repair) { repair.url = next.href; repair.state = state; return; }  // lands after it
      last = {url: w.location.href, state: h.state, search: next.search};
      return replace(state, title, url);
    }
    if (last && last.search && last.search === next.search) replace(last.state, '', last.url);
    last = null;
    return push(state, title, url);
  };
})();
</script>"""


def history_guard(more: str = "") -> None:
    """Install (once per browser tab) the replace-instead-of-push rule above, with ``more`` (the
    app's other fixed style and scripts: one element, ui.layout.app_chrome). Fixed code, no
    user text. In the sidebar: an invisible element must not be the page's first."""
    with st.sidebar:
        st.html(_HISTORY_JS + more, unsafe_allow_javascript=True)


# ------------------------------------------------------------------ the state of one page
class PageState(Generic[T]):
    """How one page's dataclass ``cls`` is kept: the session key ``page``, widget keys
    ``page.<field>``, and ``table`` (field → Prop) for the link."""

    def __init__(self, page: str, cls: type[T], table: Mapping[str, Prop]):
        self.page = page
        self.cls = cls
        names = [f.name for f in dataclasses.fields(cls)]
        missing = set(names) ^ set(table)
        if missing:
            raise ValueError(f"{page}: the table and the dataclass differ in {sorted(missing)}")
        self.table = dict(table)
        self.links = {name: (prop.link or name) for name, prop in self.table.items()
                      if prop.link is not None}
        self.default = cls()  # frozen: read on every rerun, built once

    # -- keys
    @property
    def key(self) -> str:
        """The one session-state key the page's dataclass lives under."""
        return self.page

    def widget_key(self, name: str) -> str:
        return f"{self.page}.{name}"

    # -- the link
    def to_link(self, value: T) -> dict[str, str]:
        """The link of ``value`` (a field whose ``write`` gives None stays out: an empty list)."""
        out = {link: self.table[name].write(getattr(value, name))
               for name, link in self.links.items()}
        return {k: v for k, v in out.items() if v is not None}

    def from_link(self, query: Mapping[str, Any]) -> tuple[T, set[str], list[str]]:
        """(value, the fields the link set, notices) from query parameters; a field the link
        leaves out keeps its default, one it gives badly falls back with a notice."""
        default = self.default
        values, given, notices = {}, set(), []
        for name, link in self.links.items():
            raw = query.get(link)
            if isinstance(raw, list):  # a repeated parameter: the last one wins
                raw = raw[-1] if raw else None
            if raw is None:
                continue
            value, notice = parse_link_value(self.table[name], raw, getattr(default, name))
            if notice:
                notices.append(notice)
                continue
            values[name] = value
            given.add(name)
        return dataclasses.replace(default, **values), given, notices

    # -- a run
    def _stored(self) -> T | None:
        """The stored dataclass, as this run's class: a page file runs afresh on every rerun,
        so its dataclass is a new class each time (same name and fields)."""
        value = st.session_state.get(self.key)
        if isinstance(value, self.cls):
            return value
        if dataclasses.is_dataclass(value) and type(value).__name__ == self.cls.__name__:
            names = {f.name for f in dataclasses.fields(self.cls)}
            return self.cls(**{f.name: getattr(value, f.name)
                               for f in dataclasses.fields(value) if f.name in names})
        return None

    def get(self) -> T:
        """The page's stored settings (the defaults before its first run)."""
        value = self._stored()
        return self.default if value is None else value

    def update(self, **values: Any) -> None:
        """Change stored fields from a callback (a button that moves a step, say)."""
        st.session_state[self.key] = dataclasses.replace(self.get(), **values)
        for name, value in values.items():
            wkey = self.widget_key(name)
            if wkey in st.session_state:
                st.session_state[wkey] = value

    def keep(self, **values: Any) -> None:
        """Store fields a widget inside a fragment shows (an expander opened there): the
        fragment's rerun does not reach the page's ``finish``. Unlike ``update``, the widgets'
        keys are left alone (they are drawn in this run)."""
        stored = self.get()
        if any(getattr(stored, name) != value for name, value in values.items()):
            st.session_state[self.key] = dataclasses.replace(stored, **values)

    def write_link(self) -> None:
        """Write the stored settings' link, for a fragment's rerun (the page's ``finish`` does
        not run then, but a button inside the fragment may have changed a field)."""
        link = self.to_link(self.get())
        if st.session_state.get(self.key + "#link") == link:
            return  # written by the page's finish (a whole run) or an earlier fragment run
        if st.query_params.to_dict() != link:
            st.query_params.from_dict(link)
        st.session_state[self.key + "#link"] = link

    def reset(self) -> None:
        """Back to the defaults (the link follows on the next run)."""
        st.session_state[self.key] = self.default
        for name in self.table:
            st.session_state.pop(self.widget_key(name), None)
        st.session_state.pop(self.key + "#notices", None)

    def open(self, query: Mapping[str, Any] | None = None) -> PageRun[T]:
        """Start a run: the settings from the session, or from the link when it is new."""
        ss = st.session_state
        query = dict(st.query_params.to_dict() if query is None else query)
        stored = self._stored()
        ours = {k: v for k, v in query.items() if k in self.links.values()}
        written = ss.get(self.key + "#link")
        given: set[str] = set()
        if stored is None or (ours and ours != written):
            value, given, notices = self.from_link(query)
            # Shown until the student changes something (finish() records the link they were for).
            ss[self.key + "#notices"] = (None, notices)
            for name in self.table:  # the link wins over what the widgets showed before
                ss[self.widget_key(name)] = getattr(value, name)
        else:
            value = stored
        return PageRun(self, value, given)


_SPECS: dict = {}  # (page, settings class, table's code) -> PageState


def page_state(page: str, cls: type[T], table: Callable[[], Mapping[str, Prop]]) -> PageState[T]:
    """``PageState(page, cls, table())``, built once per server: a page's script runs afresh on
    every rerun, and its table (a Prop per field) would be built again each time. Built anew
    when the table's code changes (an edited page)."""
    key = (page, cls, table.__code__)
    spec = _SPECS.get(key)
    if spec is None:
        spec = _SPECS[key] = PageState(page, cls, table())
    return spec


class PageRun(Generic[T]):
    """One script run of a page: bind widgets with ``key``, read values, then ``finish``."""

    def __init__(self, spec: PageState[T], start: T, from_link: set[str]):
        self.spec = spec
        self.start = start
        self.from_link = from_link
        self._values: dict[str, Any] = {}
        self._bound: set[str] = set()
        # A widget that lost its value (another page was shown) is seeded from ``start`` when
        # ``key`` binds it: each session-state access costs the server CPU on every rerun, so
        # a field no widget shows this run (a closed box's) is not seeded only to be dropped.

    def _pulled(self, name: str, lo, hi, choices) -> tuple[str, Any, bool, bool]:
        """(widget key, value pulled into today's bounds, whether the key is in the session,
        whether it holds that value); a value pulled back gets the link's notice."""
        spec, ss = self.spec, st.session_state
        wkey = spec.widget_key(name)
        prop = spec.table[name]
        current = ss.get(wkey, _MISSING)
        present = current is not _MISSING
        if not present:
            current = getattr(self.start, name)
        fixed = prop.clamp(current, lo, hi, choices, getattr(spec.default, name))
        if fixed != current:
            pending = ss.get(spec.key + "#notices")
            if name in self.from_link and pending and pending[0] is None:
                pending[1].append(f"The link's {prop.label} ({echo(prop.say(current))}) does "
                                  f"not fit the other settings, so the page shows "
                                  f"{prop.say(fixed)}.")
        self._bound.add(name)
        return wkey, fixed, present, present and fixed == current

    def key(self, name: str, *, lo=None, hi=None, choices=None) -> str:
        """The widget key for ``name``; its value is first pulled (quietly) into the bounds that
        hold now: ``lo``/``hi`` for numbers, ``choices`` for a choice."""
        wkey, value, _, kept = self._pulled(name, lo, hi, choices)
        if not kept:  # missing (seeded from the settings) or pulled back
            st.session_state[wkey] = value
        return wkey

    def clamped(self, name: str, *, lo=None, hi=None, choices=None) -> Any:
        """The value of ``name`` for a widget not drawn this run (inside a closed box), pulled
        into today's bounds like ``key``; the stored settings keep it. Its key is dropped: a
        key set in a run that draws no widget for it stays in Streamlit's state beside the
        widget drawn later, and comes back (with the value it had then) once that widget is
        gone again (box closed, page left). The next run seeds it afresh from the settings."""
        wkey, value, present, _ = self._pulled(name, lo, hi, choices)
        self._values[name] = value
        if present:
            st.session_state.pop(wkey, None)
        return value

    def number(self, name: str, *, lo=None, hi=None) -> dict:
        """Keyword arguments for an ``st.number_input`` of ``name``: see ``bounded``."""
        prop = self.spec.table[name]
        lo = prop.lo if lo is None else lo
        hi = prop.hi if hi is None else hi
        return bounded(self.key(name, lo=lo, hi=hi), lo, hi, prop.label, prop.convert,
                       getattr(self.spec.default, name))

    def said(self, name: str) -> None:
        said(self.spec.widget_key(name))

    def notice(self, text: str) -> None:
        """A notice about the link, from the page (shown like the table's own)."""
        pending = st.session_state.get(self.spec.key + "#notices")
        if pending and pending[0] is None:
            pending[1].append(text)

    def __getitem__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        wkey = self.spec.widget_key(name)
        return st.session_state.get(wkey, getattr(self.start, name))

    def set(self, **values: Any) -> None:
        """Set fields no widget shows (a step moved by buttons, a computed value)."""
        self._values.update(values)

    def changed(self, *names: str) -> bool:
        """Did any of ``names`` change in this run (a widget moved since the last run)?"""
        return any(self[n] != getattr(self.start, n) for n in names)

    def show_notices(self) -> None:
        """The link's notices (while the page still shows what the link asked for)."""
        link_then, notices = st.session_state.get(self.spec.key + "#notices", (None, []))
        if notices and link_then is not None and link_then != self.spec.to_link(self.value()):
            notices = []
        for text in notices:
            st.info(text, icon=":material/link:")
        st.sidebar.caption("To share this exact view, copy the address bar: the page's "
                           "settings are in the link.")

    def value(self) -> T:
        """The settings as they stand in this run (widget values and ``set`` fields)."""
        spec = self.spec
        changes = {name: self[name] for name in spec.table}
        return dataclasses.replace(self.start, **changes)

    def reset_button(self, label: str = "Reset this page") -> None:
        st.button(label, key=self.spec.page + "#reset", on_click=self.spec.reset,
                  icon=":material/restart_alt:",
                  help="Every setting of this page back to its default.")

    def finish(self) -> T:
        """Store the settings and write the link (one write, only when it changed)."""
        value = self.value()
        ss = st.session_state
        # A session-state write costs several reads (each access costs every rerun): only
        # what changed is written.
        if ss.get(self.spec.key) != value:
            ss[self.spec.key] = value
        for name, field in self._values.items():  # a set field no widget showed this run:
            if name not in self._bound:  # its key must not keep the value seeded before
                wkey = self.spec.widget_key(name)
                if ss.get(wkey, _MISSING) != field:
                    ss[wkey] = field
        link = self.spec.to_link(value)
        if st.query_params.to_dict() != link:
            st.query_params.from_dict(link)
        if ss.get(self.spec.key + "#link") != link:
            ss[self.spec.key + "#link"] = link
        pending = ss.get(self.spec.key + "#notices")
        if pending and pending[0] is None:
            ss[self.spec.key + "#notices"] = (link, pending[1])
        return value
