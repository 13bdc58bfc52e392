"""The app's pages as ``st.Page`` objects, built once per server process.

``st.Page("views/x.py")`` resolves its file on the disk (a ``realpath`` and an ``is_file``) and
``st.page_link("views/x.py")`` resolves it again, on every rerun: a dozen file-system calls per
page, each one a moment the script thread lets go of Python's lock and must wait to get it back
while other students' pages run. Here the pages are built on the first run of app.py and each
later run gets fresh copies of them (``st.navigation`` marks the page it runs on the objects it
is given, and sessions run at once, so they never share one object); the links take the built
page (``st.page_link`` then reads its hash and path, no file-system call).
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Callable
from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

Sections = dict[str, list["st.Page"]]

_LOCK = threading.Lock()
_BUILT: dict[str, object] = {}  # "key": what built them, "pages": the sections, "by_path"


def _key(build: Callable[[], Sections]) -> tuple:
    # app.py runs again on every rerun (and is compiled again for a new session): the same
    # source gives the same code, so the pages are built once for it.
    code = build.__code__
    return code.co_filename, code.co_code, code.co_consts


def pages(build: Callable[[], Sections]) -> Sections:
    """``build()``'s sections (title → pages), built on the first call in this process and
    copied for every call: give the result to ``st.navigation``."""
    key = _key(build)
    with _LOCK:
        if _BUILT.get("key") != key:
            sections = build()
            _BUILT.update(key=key, pages=sections, by_path={
                str(p._page): p for group in sections.values() for p in group
                if isinstance(p._page, Path)})
        sections = _BUILT["pages"]
    return {title: [copy.copy(p) for p in group] for title, group in sections.items()}


def page(path: str):
    """The built page of the file ``path`` ("views/neuron.py", from the app's folder) when this
    run's navigation has it, else None (a page file run on its own, as in the tests)."""
    built = (_BUILT.get("by_path") or {}).get(_resolved(path))
    ctx = get_script_run_ctx()
    if built is None or ctx is None or built._script_hash not in ctx.pages_manager.get_pages():
        return None
    return built


@functools.lru_cache(maxsize=64)  # the app's own few page files
def _resolved(path: str) -> str:
    return str((_ROOT / path).resolve())


_ROOT = Path(__file__).resolve().parents[1]
