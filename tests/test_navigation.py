"""ui.navigation: the pages are built once per process and copied for each run, so a rerun makes
no file-system call for the navigation or the lesson's links, and every link still goes to its
page."""

import os
from pathlib import Path
from unittest.mock import patch

from app_helpers import ROOT
from streamlit.testing.v1 import AppTest

from ui import navigation


def _app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    return at


def test_a_rerun_resolves_no_page_file():
    at = _app()
    calls = []
    realpath = os.path.realpath

    def counting(path, *args, **kwargs):
        calls.append(str(path))
        return realpath(path, *args, **kwargs)

    with patch("os.path.realpath", counting):
        at.run()
    assert not at.exception
    assert [c for c in calls if "views" in c] == []
    # Without the built pages the same rerun resolves every page and link (the check can fail).
    with patch.dict(navigation._BUILT, clear=True), patch("os.path.realpath", counting):
        at.run()
    assert len([c for c in calls if "views" in c]) >= 13


def test_each_run_gets_its_own_copies_of_the_pages_built_once():
    built = []

    def build():
        built.append(1)
        return {"A": [object.__new__(type("P", (), {"_page": Path("x"), "n": len(built)}))]}

    with patch.dict(navigation._BUILT, clear=True):
        first, second = navigation.pages(build), navigation.pages(build)
    assert len(built) == 1  # built once
    a, b = first["A"][0], second["A"][0]
    assert a is not b and a.n == b.n == 1
    a.n = 5  # what st.navigation marks on one run's page stays there
    assert b.n == 1


def test_links_go_to_the_registered_pages():
    from ui.lesson import LESSON

    at = _app()
    at.run()  # a rerun: the links come from the built pages
    pages = {Path(k).relative_to(ROOT.resolve()).as_posix(): p._script_hash
             for k, p in navigation._BUILT["by_path"].items()}
    links = {el.proto.label: el.proto for el in at.get("page_link")}
    for n, (path, title, _) in enumerate(LESSON, start=1):
        link = links[f"{n}. {title}"]
        assert link.page_script_hash == pages[path] and not link.icon
    # A page file run on its own has no navigation: its "Next" is text, whatever ran before.
    alone = AppTest.from_file(str(ROOT / "views" / "rnn_gradients.py"), default_timeout=120)
    alone.run()
    assert not alone.get("page_link")
    assert any("Next: The LSTM cell" in m.value for m in alone.markdown)
