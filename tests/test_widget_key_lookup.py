"""The widget key lookup (ui.widget_key_lookup) answers exactly what ``filtered_state`` would.

Every widget call on real pages (and on a small script with the awkward cases) checks the lazy
view against the real dict, for every key the session holds plus absent, internal and element-id
keys; synthetic session states add the cases a page rarely makes (a key remapped to a new widget
id with the old id still stored, presenters, unreadable entries)."""

from __future__ import annotations

import ast
import random
import re
import textwrap
from pathlib import Path

import pytest
import streamlit
from streamlit.runtime.state import session_state_proxy
from streamlit.runtime.state.common import WidgetMetadata
from streamlit.runtime.state.safe_session_state import SafeSessionState
from streamlit.runtime.state.session_state import (
    STREAMLIT_INTERNAL_KEY_PREFIX,
    Serialized,
    SessionState,
)
from streamlit.testing.v1 import AppTest

import ui.widget_key_lookup as lookup

REPO = Path(__file__).resolve().parents[1]
PROBES = ("absent", f"{STREAMLIT_INTERNAL_KEY_PREFIX}_probe", "$$ID-0123-absent",
          "$$ID-0123-None", 0, ("a", 1))

# The awkward cases in one script: widgets set to None by a callback (PR #8529), a range slider
# with a key and no value, a value assigned before its widget exists, a widget that stops being
# drawn (its value not yet cleared), one whose id changes with its bounds, a query-bound one.
SCRIPT = textwrap.dedent("""
    import datetime
    import streamlit as st

    KEYS = ("n", "s", "t", "r", "ta", "ti")

    def clear():
        for k in KEYS:
            st.session_state[k] = None
        st.session_state["sl"] = (2, 8)
        st.session_state["later"] = 7.0
        st.session_state["flip"] = not st.session_state.get("flip", False)

    st.button("clear", on_click=clear)
    flip = st.session_state.get("flip", False)
    st.number_input("n", value=5, key="n")
    st.selectbox("s", ["x", "y"], key="s")
    st.text_input("t", value="hi", key="t")
    st.radio("r", ["x", "y"], key="r")
    st.text_area("ta", value="hi", key="ta")
    st.time_input("ti", value=datetime.time(1, 2), key="ti")
    st.slider("sl", 0, 12 if flip else 10, key="sl")
    st.date_input("d", key="d")
    if not flip:
        st.selectbox("gone", ["a", "b"], key="gone")
    st.number_input("q", value=1, key="q", bind="query-params")
    if flip:
        st.number_input("later", key="later")
    st.slider("free", 0, 10, 4)
""")


def _same(a, b) -> bool:
    if a is b:
        return True
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. arrays: only identity counts
        return False


def _mismatches(safe: SafeSessionState) -> list[str]:
    """Every probe key, asked of fresh views and of one shared view, against the real dict."""
    real = safe.filtered_state  # SafeSessionState's own property: the real dict
    state = safe._state
    mapper = state._key_id_mapper
    keys = [*real, *state._keys(), *mapper.id_key_mapping.values(),
            *mapper.id_key_mapping.keys(), *PROBES]
    shared = lookup.KeyLookup(safe)
    wrong = []
    for key in keys:
        for view in (lookup.KeyLookup(safe), shared):
            if (key in view) != (key in real):
                wrong.append(f"{key!r} in: {key in view} vs {key in real}")
            elif key in real and not _same(view[key], real[key]):
                wrong.append(f"{key!r}: {view[key]!r} vs {real[key]!r}")
            elif key not in real:
                with pytest.raises(KeyError):
                    view[key]
    if dict(shared.items()) != real or list(shared) != list(real) or len(shared) != len(real):
        wrong.append("iteration differs")
    return wrong


@pytest.fixture
def checked(monkeypatch):
    """The lookup installed, and every widget call's view checked against the real dict."""
    assert lookup.install()
    calls: list[int] = []
    wrong: list[str] = []

    def filtered_state(self):
        wrong.extend(_mismatches(self._safe))
        calls.append(_remapped_keys(self._safe._state))
        return lookup.KeyLookup(self._safe)

    monkeypatch.setattr(lookup._WidgetSessionState, "filtered_state", property(filtered_state))
    paths = {"all": 0, "exact": 0}  # lookups of plain keys, and those the exact path answered

    def counting(find, path):
        def counted(*args):
            paths[path] += 1
            return find(*args)
        return counted

    monkeypatch.setattr(lookup, "_find", counting(lookup._find, "all"))
    monkeypatch.setattr(lookup, "_find_exact", counting(lookup._find_exact, "exact"))
    return calls, wrong, lambda: any(calls), paths


def _remapped_keys(state: SessionState) -> int:
    """How many user keys two stored widget ids map to (a widget whose id changed)."""
    keys = state._keys()
    owners = [key for wid, key in state._key_id_mapper.id_key_mapping.items() if wid in keys]
    return len(owners) - len(set(owners))


def _first(elements):
    return elements[0] if len(elements) else None


@pytest.mark.parametrize("page", ["playground", "backprop_steps", "lstm_cell", "one_vs_all"])
def test_pages_see_the_same_state(checked, page):
    calls, wrong, _remapped, paths = checked
    at = AppTest.from_file(str(REPO / "views" / f"{page}.py"), default_timeout=300)
    at.run()
    first_calls = len(calls)
    number = _first(at.number_input)
    if number is not None:
        number.increment()
    for box in at.selectbox:  # one whose options are its values (no format_func to undo)
        others = [o for o in box.options if o != box.value]
        if box.value in box.options and others:
            box.select(others[-1])
            break
    for slider in at.slider:
        if isinstance(slider.value, int | float):
            slider.set_value(slider.min)
            break
    at.session_state["assigned_before_any_widget"] = None
    at.run()
    if number is not None and number.key:  # assigned while its widget exists
        at.session_state[number.key] = number.value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert first_calls >= 1 and len(calls) >= 3 * first_calls - 2, (first_calls, len(calls))
    assert wrong == [], wrong[:10]
    assert paths["exact"] <= paths["all"] // 10, paths  # a page's lookups skip the key set


def test_awkward_cases_see_the_same_state(checked, tmp_path):
    calls, wrong, remapped, paths = checked
    path = tmp_path / "awkward.py"
    path.write_text(SCRIPT)
    at = AppTest.from_file(str(path))
    at.query_params["q"] = "3"
    at.run()
    for _ in range(3):  # None values, then the flip back, then again
        at.button[0].click()
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert len(calls) >= 4 * 9
    assert wrong == [], wrong[:10]
    assert remapped(), "no widget call saw a key with its old widget id still stored"
    assert 0 < paths["exact"] < paths["all"], paths  # a leftover id: the key set decides


def test_a_widget_set_to_none_shows_empty(checked, tmp_path):
    """PR #8529's behaviour: a keyed widget whose value is None in session state draws no
    default (the widget is empty), with the lookup on."""
    path = tmp_path / "awkward.py"
    path.write_text(SCRIPT)
    at = AppTest.from_file(str(path))
    at.run()
    widgets = (at.number_input(key="n"), at.selectbox(key="s"), at.text_input(key="t"),
               at.radio(key="r"), at.text_area(key="ta"), at.time_input(key="ti"))
    assert all(w.proto.HasField("default") for w in widgets)
    at.button[0].click()
    at.run()
    widgets = (at.number_input(key="n"), at.selectbox(key="s"), at.text_input(key="t"),
               at.radio(key="r"), at.text_area(key="ta"), at.time_input(key="ti"))
    assert [w.value for w in widgets] == [None] * 6
    assert [w.proto.HasField("default") for w in widgets] == [False] * 6
    assert at.slider(key="sl").value == (2, 8)  # a range: the slider read its state's tuple


def _random_state(rng: random.Random) -> SessionState:
    """A session with user keys, keyed and keyless widget ids, internal keys, a key remapped
    to a new id (the old id still stored), presented and unreadable widget values, Nones; and,
    now and then, what a page rarely makes but the fast path must read right: two keys given one
    widget id, a widget id named like a user key, an id known only to the reverse map, a key
    mapped to an internal key, a user key in the widget states, a value stored under an id."""
    state = SessionState()
    mapper = state._key_id_mapper
    users = ["a", "b", "c", "d"]
    ids: list[str] = []
    for key in users:
        for n in range(rng.choice((0, 1, 1, 2))):  # 2: remapped, the old id left behind
            wid = f"$$ID-{rng.getrandbits(32):08x}{n}-{key}"
            mapper[key] = wid
            ids.append(wid)
    internal = f"{STREAMLIT_INTERNAL_KEY_PREFIX}_x"
    ids += [f"$$ID-{rng.getrandbits(32):08x}-None", internal]
    one, other = rng.sample(users, 2)
    if rng.random() < 0.15 and one in mapper:  # two user keys, one widget id
        mapper[other] = mapper.get_id_from_key(one)
    if rng.random() < 0.1:  # a widget id that is another user key's name
        mapper[other] = one
    if rng.random() < 0.15:  # an id only the reverse map knows
        ids.append(f"$$ID-{rng.getrandbits(32):08x}r-{one}")
        mapper.id_key_mapping[ids[-1]] = one
    if rng.random() < 0.1:
        mapper[other] = internal
    value = lambda: rng.choice((None, 0, 1, "x", (1, 2)))  # noqa: E731
    for k in users + ids:
        if rng.random() < 0.5:
            state._old_state[k] = value()
    for k in users:
        if rng.random() < 0.3:
            state._new_session_state[k] = value()
        if rng.random() < 0.05:  # a forged plain widget id from a browser
            state._new_widget_state.set_from_value(k, value())
    for wid in ids:
        if rng.random() < 0.05:
            state._new_session_state[wid] = value()
        if rng.random() < 0.5:
            if rng.random() < 0.2:  # from a reconnecting browser: no metadata, unreadable
                state._new_widget_state.states[wid] = Serialized(None)
                continue
            state._new_widget_state.set_from_value(wid, value())
            presenter = (lambda v, _s: ("presented", v)) if rng.random() < 0.5 else None
            state._new_widget_state.set_widget_metadata(WidgetMetadata(
                wid, lambda v: v, lambda v: v, "int_value", presenter=presenter))
    return state


def _readable(state: SessionState) -> bool:
    """The real dict can be built (a forged plain entry it cannot read raises for every key;
    the view raises only for that key, as the module docstring says)."""
    try:
        _ = state.filtered_state
    except KeyError:
        return False
    return True


def _synthetic_states(n: int = 400):
    rng = random.Random(13)
    return [_random_state(rng) for _ in range(n)]


def test_synthetic_states_see_the_same_state():
    wrong, remapped, readable = [], 0, 0
    for state in _synthetic_states():
        remapped += _remapped_keys(state) > 0
        if _readable(state):
            readable += 1
            wrong += _mismatches(SafeSessionState(state, lambda: None))
    assert remapped > 50  # the leftover-id case was really exercised
    assert readable > 360
    assert wrong == [], wrong[:10]


def _where(state: SessionState, user_key: str) -> str:
    """Which of the dicts lead ``_keys()`` to ``user_key``'s widget id (or to the key)."""
    wid = state._key_id_mapper.get_id_from_key(user_key, None)
    if wid is None:
        return "no widget id"
    return "+".join(name for name, held in (
        ("widget state", wid in state._new_widget_state.states),
        ("old state by id", wid in state._old_state),
        ("old state by key", user_key in state._old_state),
        ("new session state", user_key in state._new_session_state)) if held) or "none"


def test_the_fast_path_reads_the_key_set_right():
    """``_held`` says what ``_keys()`` holds (or passes), and ``_find`` answers what the
    exact path answers (value or KeyError), for every key the states hold and more; both paths
    run, the fast one in every place a widget id can come from (only the old state, only the
    widget states, only through its key...)."""
    fast, exact, held_cases = {}, 0, {True: 0, False: 0, None: 0}
    for state in _synthetic_states():
        mapper = state._key_id_mapper
        keys = state._keys()
        probes = {*keys, *state._old_state, *state._new_session_state, *mapper.id_key_mapping,
                  *mapper.id_key_mapping.values(), *mapper._key_id_mapping,
                  *mapper._key_id_mapping.values(), "absent"}
        for key in probes:
            held = lookup._held(state, key)
            held_cases[held] += 1
            assert held in (None, key in keys), (key, held)
        for key in probes:
            if not isinstance(key, str) or key.startswith(("$$ID", STREAMLIT_INTERNAL_KEY_PREFIX)):
                continue
            calls = []
            real_exact = lookup._find_exact

            def counted(*args, calls=calls, real_exact=real_exact):
                calls.append(args)
                return real_exact(*args)

            lookup._find_exact = counted
            try:
                got = _outcome(lookup._find, state, key)
            finally:
                lookup._find_exact = real_exact
            assert _same_outcome(got, _outcome(real_exact, state, key)), (key, got)
            if calls:
                exact += 1
            else:
                where = _where(state, key)
                fast[where] = fast.get(where, 0) + 1
    assert min(held_cases.values()) > 10, held_cases
    assert exact > 50, exact
    for where in ("widget state", "old state by id", "old state by key", "new session state",
                  "none", "no widget id"):
        assert fast.get(where, 0) > 20, (where, fast)


def _outcome(find, state, key):
    try:
        return find(state, key)
    except KeyError:
        return KeyError


def _same_outcome(a, b) -> bool:
    if a is KeyError or b is KeyError:
        return a is b
    return a[0] == b[0] and _same(a[1], b[1])


def _widget_modules():
    import importlib

    return [importlib.import_module(f"streamlit.elements.widgets.{name}")
            for name in lookup.WIDGET_MODULES]


def test_only_the_checked_version_gets_it(monkeypatch):
    for module in _widget_modules():  # as before installing (restored after the test)
        monkeypatch.setattr(module, "get_session_state", session_state_proxy.get_session_state)
    assert not lookup.installed()
    assert lookup.install(version="1.68.0") is False
    assert not lookup.installed()
    assert lookup.install() is True
    assert lookup.install() is True  # idempotent
    assert lookup.installed()


def test_the_pinned_streamlit_is_the_checked_one():
    """An upgrade of the pin fails here until the lookup is re-checked against it."""
    pin = re.search(r"^streamlit==(\S+)", (REPO / "requirements.txt").read_text(), re.M)
    assert pin and pin.group(1) == lookup.CHECKED_VERSION == streamlit.__version__


def test_the_patched_modules_are_the_widget_call_sites():
    """Every widget module reading ``filtered_state`` is patched, and each function there reads
    it only to test one key (``key in state``, ``state[key]``), the use the view answers; the
    view lives in a local variable, so no caller keeps it beyond the widget call."""
    root = Path(streamlit.__file__).parent / "elements"
    users = {p.stem for p in root.rglob("*.py") if ".filtered_state" in p.read_text()}
    assert users == set(lookup.WIDGET_MODULES)
    sites = 0
    for name in users:
        tree = ast.parse((root / "widgets" / f"{name}.py").read_text())
        for fn in ast.walk(tree):
            if not isinstance(fn, ast.FunctionDef):
                continue
            views = {t.id for node in ast.walk(fn) if isinstance(node, ast.Assign)
                     and ast.unparse(node.value) == "get_session_state().filtered_state"
                     for t in node.targets}
            if not views:
                continue
            sites += 1
            allowed = set()
            for node in ast.walk(fn):
                if (isinstance(node, ast.Compare) and [type(o) for o in node.ops] == [ast.In]
                        and ast.unparse(node.left) == "key"):
                    allowed.add(id(node.comparators[0]))
                elif isinstance(node, ast.Subscript) and ast.unparse(node.slice) == "key":
                    allowed.add(id(node.value))
            uses = [node for node in ast.walk(fn) if isinstance(node, ast.Name)
                    and node.id in views and isinstance(node.ctx, ast.Load)]
            assert uses and all(id(u) in allowed for u in uses), (name, fn.name)
    assert sites == 9
