"""Real-browser fixtures: one headless `streamlit run app.py` per test session, Playwright
driving Chromium, a fresh browser context (own cookies, own Streamlit session) per test.

The server runs with the hosted settings from `.streamlit/config.toml` (error details as a
class would see them), so a test passes only if the page a student gets has no traceback.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from browser_helpers import VIEWPORT
from st_server import REPO, StreamlitServer

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # Without these Chromium phones home at start-up; a closed network refuses it, noisily.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def find_chromium() -> str | None:
    """CHROMIUM_PATH, Debian's /usr/bin/chromium, another Chromium on PATH, or Playwright's."""
    candidates = [os.environ.get("CHROMIUM_PATH", ""), "/usr/bin/chromium"]
    candidates += [shutil.which(n) or "" for n in ("chromium", "chromium-browser")]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    path = REPO / "test-artifacts"
    path.mkdir(exist_ok=True)
    return path


@pytest.fixture(scope="session")
def screenshot_dir(artifacts_dir: Path) -> Path:
    path = Path(os.environ.get("SCREENSHOT_DIR") or artifacts_dir / "screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def app_server(artifacts_dir: Path):
    server = StreamlitServer(REPO, artifacts_dir / "streamlit-server.log")
    try:
        server.wait_healthy()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def app_url(app_server: StreamlitServer) -> str:
    return app_server.url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        path = find_chromium()
        if path is None and os.path.isfile(pw.chromium.executable_path):
            path = pw.chromium.executable_path  # `playwright install chromium` put one there
        if path is None:
            pytest.fail(
                "No Chromium for the browser tests. Run `make browser` (scripts/ensure_browser.sh:"
                " apt's chromium on Debian, else `python -m playwright install chromium`) or set"
                " CHROMIUM_PATH to a Chromium binary.",
                pytrace=False,
            )
        b = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport=VIEWPORT)
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    """A page that records uncaught JavaScript errors in `page.js_errors`."""
    p = context.new_page()
    p.js_errors = []
    p.on("pageerror", lambda exc: p.js_errors.append(str(exc)))
    return p


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed browser test, save what each of its pages showed (test-artifacts/failures)."""
    report = yield
    if report.when == "call" and report.failed:
        from playwright.sync_api import Page

        pages = []
        for value in item.funcargs.values():
            values = value if isinstance(value, tuple | list) else (value,)
            pages += [v for v in values if isinstance(v, Page)]
        folder = REPO / "test-artifacts" / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        for k, p in enumerate(pages):
            try:
                p.screenshot(path=str(folder / f"{item.name}-{k}.png"), full_page=True)
            except Exception as exc:  # the page may be gone; the report matters more
                report.sections.append(("screenshot", f"page {k}: {exc}"))
    return report


@pytest.fixture(scope="session")
def page_urls(browser, app_url) -> dict[str, str]:
    """Sidebar title → the page's address, read from the navigation (not hard-coded, so a
    renamed url_path in app.py cannot leave a test opening a missing page)."""
    from browser_helpers import nav_links, open_app

    ctx = browser.new_context(viewport=VIEWPORT)
    try:
        p = ctx.new_page()
        open_app(p, app_url)
        urls = {link["label"]: link["href"].split("?")[0] for link in nav_links(p)}
    finally:
        ctx.close()
    assert urls, "the app shows no sidebar navigation"
    return urls
