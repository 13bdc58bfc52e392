"""Ready to host: the config suits a shared demo, requirements are pinned, and a server that
students use writes nothing into the app's folder (only temp folders)."""

from __future__ import annotations

import os
import re
import shutil
import tomllib
from pathlib import Path

import pytest
from browser_helpers import VIEWPORT, click, go_to, nav_links, open_app, problems
from st_server import REPO, StreamlitServer

CONFIG = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
# Everything the app may read at run time: the repository without tests, tools and caches.
NOT_RUNTIME = (".git", ".venv", "tests", "bench", "docs", "scripts", ".ci", "test-artifacts",
               "__pycache__", ".pytest_cache", ".ruff_cache", ".hypothesis", "*.egg-info")


def _luminance(hex_color: str) -> float:
    rgb = [int(hex_color.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_config_suits_a_shared_demo():
    assert CONFIG["client"]["toolbarMode"] == "viewer"  # no rerun/clear-cache/deploy buttons
    assert CONFIG["client"]["showErrorDetails"] in ("none", "type")  # no tracebacks to students
    assert 0 < CONFIG["server"]["maxUploadSize"] <= 5  # MB: CSVs of points only
    assert CONFIG["server"]["fileWatcherType"] == "none"
    assert CONFIG["server"]["runOnSave"] is False
    assert CONFIG["browser"]["gatherUsageStats"] is False
    theme = CONFIG["theme"]
    assert theme["base"] == "light" and theme["baseFontSize"] >= 16
    # Projector-readable: text on background well above WCAG AAA's 7:1 contrast.
    lo, hi = sorted((_luminance(theme["backgroundColor"]), _luminance(theme["textColor"])))
    assert (hi + 0.05) / (lo + 0.05) >= 7


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_requirements_are_pinned_exactly(name):
    lines = [ln.split("#")[0].strip() for ln in (REPO / name).read_text().splitlines()]
    reqs = [ln for ln in lines if ln and not ln.startswith("-r")]
    assert reqs
    # An environment marker may follow the pin (uvloop has no Windows build).
    pin = r"[A-Za-z0-9_.\[\],-]+==[0-9][0-9A-Za-z.+-]*(\s*;\s*[a-z_]+\s*[!=<>]=?\s*\"[^\"]*\")?"
    loose = [r for r in reqs if not re.fullmatch(pin, r)]
    assert loose == [], f"not pinned with ==: {loose}"


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }


@pytest.mark.browser
def test_a_class_session_writes_nothing_into_the_app_folder(browser, tmp_path):
    # The app runs from a copy, so any file it writes (or changes) there shows up exactly.
    app = tmp_path / "app"
    shutil.copytree(REPO, app, ignore=shutil.ignore_patterns(*NOT_RUNTIME))
    assert (app / "app.py").is_file() and (app / ".streamlit" / "config.toml").is_file()
    before = _snapshot(app)
    temp = tmp_path / "tmp"
    temp.mkdir()
    server = StreamlitServer(app, tmp_path / "server.log", {"TMPDIR": str(temp)})
    try:
        server.wait_healthy()
        ctx = browser.new_context(viewport=VIEWPORT)
        page = ctx.new_page()
        open_app(page, server.url)
        for link in nav_links(page)[1:]:
            go_to(page, link["label"])
            assert problems(page) == [], link["label"]
            for name in ("Next ▶", "Step"):  # step through / train a little where offered
                button = page.get_by_role("button", name=name, exact=True)
                if button.count() and button.is_enabled():
                    click(page, button)
        ctx.close()
    finally:
        server.stop()
    after = _snapshot(app)
    written = sorted(k for k in after if before.get(k) != after[k])
    assert written == [], f"the app wrote into its own folder: {written}"
    assert not os.listdir(app / ".streamlit") or set(os.listdir(app / ".streamlit")) == set(
        os.listdir(REPO / ".streamlit")
    )
