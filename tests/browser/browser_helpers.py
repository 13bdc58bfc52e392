"""What a person sees, read from Streamlit's DOM: waits, navigation and page checks."""

from __future__ import annotations

import re
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

VIEWPORT = {"width": 1400, "height": 1000}

# Text that only appears when something went wrong (tracebacks, Streamlit's redacted error).
ERROR_TEXT = re.compile(
    r"Traceback \(most recent call last\)|has encountered an error|Error running app"
    r"|\b(?:NameError|KeyError|TypeError|AttributeError|IndexError|ZeroDivisionError"
    r"|StreamlitAPIException|ModuleNotFoundError|ImportError|UnboundLocalError)\b"
)

_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (app.getAttribute('data-test-connection-state') !== 'CONNECTED') return false;
  if (app.getAttribute('data-test-script-state') !== 'notRunning') return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  if (document.querySelector('[data-testid="stStatusWidgetRunningIcon"]')) return false;
  // Lazily loaded elements (charts, some widgets) stand in as skeletons until their code is in.
  if (document.querySelector('[data-testid="stSkeleton"], [data-testid="stAppSkeleton"]'))
    return false;
  return !!document.querySelector('[data-testid="stMainBlockContainer"]');
}"""


def wait_for_idle(page, timeout: float = 45.0, settle: float = 0.3) -> None:
    """Wait until the script run is over and the page stopped changing.

    A click starts a rerun a few milliseconds later, so "not running" must hold for `settle`
    seconds (several polls) before the page counts as idle.
    """
    deadline = time.monotonic() + timeout
    idle_since = None
    while time.monotonic() < deadline:
        if page.evaluate(_IDLE_JS):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since >= settle:
                return
        else:
            idle_since = None
        page.wait_for_timeout(75)
    raise AssertionError(f"the app did not become idle within {timeout:.0f} s ({page.url})")


_COUNT_RUNS_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!window.__stRuns) {
    window.__stRuns = {n: 0};
    // Any change of the script state means a run started (it may already be over).
    new MutationObserver(records => { window.__stRuns.n += records.length; })
      .observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
  }
  return window.__stRuns.n;
}"""


def act_and_wait(page, action, timeout: float = 45.0, start_within: float = 3.0) -> None:
    """Do `action()` (a click, a key press) and wait for the rerun it starts to finish.

    Counting script runs makes this safe on a loaded machine, where a rerun can start later
    than any fixed settle time. An action that starts no run within `start_within` seconds
    (a value the widget refused or already had) just waits for idle.
    """
    before = page.evaluate(_COUNT_RUNS_JS)
    action()
    try:
        page.wait_for_function(f"() => window.__stRuns.n > {before}",
                               timeout=start_within * 1000)
    except PlaywrightTimeout:
        pass
    wait_for_idle(page, timeout=timeout, settle=0.15)


def click(page, locator) -> None:
    act_and_wait(page, locator.click)


def pause(page, attempts: int = 3) -> None:
    """Press the playground's Pause and wait until it is paused (Play shown, no rerun running).

    While playing the page reruns on a timer, so a click can land on a button that is being
    replaced; it is tried again then.
    """
    play = page.get_by_role("button", name="Play", exact=True)
    for _ in range(attempts):
        pause_button = page.get_by_role("button", name="Pause", exact=True)
        if pause_button.count():
            try:
                pause_button.click(timeout=5_000)
            except PlaywrightTimeout:
                continue
        try:
            play.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    play.wait_for(timeout=1_000)
    wait_for_idle(page, settle=1.0)


def open_app(page, url: str, query: str = "") -> None:
    page.goto(url + (("?" + query.lstrip("?")) if query else ""), wait_until="domcontentloaded")
    # Until the first run has sent elements the app can look idle; wait for them first.
    first_element = '[data-testid="stMainBlockContainer"] [data-testid="stElementContainer"]'
    page.wait_for_selector(first_element, timeout=60_000)
    wait_for_idle(page)


def nav_links(page) -> list[dict]:
    """The sidebar navigation as a person sees it: [{'label', 'href'}] in order."""
    nav = page.locator('[data-testid="stSidebarNav"]')
    if nav.count() == 0:
        return []
    # A long navigation is cut to a few items behind a "View more" button.
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.first.inner_text().lower():
        more.first.click()
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    # The link text starts with the icon's ligature ("home"); the title is in span[label].
    return [
        {"label": links.nth(i).locator("span[label]").first.get_attribute("label").strip(),
         "href": links.nth(i).get_attribute("href")}
        for i in range(links.count())
    ]


def go_to(page, label: str) -> None:
    """Click the sidebar link whose text is `label`, as a person would, and wait."""
    more = page.locator('[data-testid="stSidebarNavViewButton"]')
    if more.count() and "more" in more.first.inner_text().lower():
        more.first.click()  # a long navigation hides its last pages behind "View more"
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]')
    link = links.filter(has=page.locator(f'span[label="{label}"]')).first
    href = link.get_attribute("href") or ""
    link.click()
    if href:
        page.wait_for_url(re.compile(re.escape(href.split("?")[0].rstrip("/")) + r"/?(\?|$)"))
    wait_for_idle(page)


def main_text(page) -> str:
    main = page.locator('[data-testid="stMain"]')
    return (main if main.count() else page.locator("body")).first.inner_text()


def tex_sources(page, at_least: int = 1, timeout: float = 15.0) -> list[str]:
    """TeX of every formula KaTeX rendered (its MathML annotation keeps the source), read once
    at least `at_least` are there and the list held still for a moment (KaTeX loads lazily
    and renders after the script run)."""
    sel = '.katex annotation[encoding="application/x-tex"]'
    deadline = time.monotonic() + timeout
    last = None
    while True:
        now = page.locator(sel).all_text_contents()
        if (now == last and len(now) >= at_least) or time.monotonic() > deadline:
            return now
        last = now
        page.wait_for_timeout(250)


_CHART_JS = """() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')].map(el => {
  const plot = el.querySelector('.js-plotly-plot');
  const svg = plot && plot.querySelector('svg.main-svg');
  const r = (plot || el).getBoundingClientRect();
  const marks = plot ? plot.querySelectorAll(
    '.scatterlayer .trace, .heatmaplayer image, .contourlayer path, .barlayer .point,'
    + ' .imagelayer image, g.trace, .shapelayer path, .layer-above path') : [];
  return {drawn: !!svg && r.width > 50 && r.height > 50, marks: marks.length};
})"""


def plotly_charts(page) -> list[dict]:
    """One {'drawn': SVG drawn at a real size, 'marks': traces/shapes in it} per chart."""
    return page.evaluate(_CHART_JS)


def drawn_plotly_charts(page, at_least: int = 0, timeout: float = 20.0) -> tuple[int, int]:
    """(charts on the page, charts drawn with at least one trace or shape), once every chart
    (and at least `at_least` with marks) had its chance to draw: Plotly's code loads lazily
    and draws after the script run ends."""
    deadline = time.monotonic() + timeout
    while True:
        charts = plotly_charts(page)
        total = len(charts)
        with_marks = sum(c["drawn"] and c["marks"] > 0 for c in charts)
        all_drawn = all(c["drawn"] for c in charts)
        if (all_drawn and with_marks >= at_least) or time.monotonic() > deadline:
            return total, with_marks if all_drawn else -1
        page.wait_for_timeout(150)


def plotly_data(page, index: int = 0, key: str | None = None) -> list[dict]:
    """The traces Plotly drew in one chart (its graph div keeps them in `.data`)."""
    # Streamlit marks a keyed element's container with the class st-key-<key, "." → "-">.
    sel = (f".st-key-{key_class(key)} .js-plotly-plot" if key
           else '[data-testid="stPlotlyChart"] .js-plotly-plot')
    # Plotly keeps the figure's traces in `.data` (arrays may arrive base64-packed, so they are
    # compared as JSON) and the point count it drew in `._fullData[i]._length`.
    return page.locator(sel).nth(0 if key else index).evaluate(
        """el => el.data.map((t, i) => ({
             type: t.type || 'scatter', name: t.name || '',
             n: (el._fullData && el._fullData[i] && el._fullData[i]._length) || 0,
             xy: JSON.stringify([t.x ?? null, t.y ?? null]), z: JSON.stringify(t.z ?? null)}))"""
    )


def problems(page) -> list[str]:
    """Everything on the page that a student must never see: tracebacks, error text, KaTeX
    parse errors, uncaught JavaScript errors. Empty means the page is clean."""
    found = []
    exc = page.locator('[data-testid="stException"]')
    for i in range(exc.count()):
        found.append("exception element: " + exc.nth(i).inner_text()[:300])
    text = main_text(page)
    for m in ERROR_TEXT.finditer(text):
        lo = max(0, m.start() - 80)
        found.append("error text: …" + text[lo : m.end() + 80].replace("\n", " ") + "…")
    # A dialog such as "Page not found" (a link to a page that does not exist) blocks the page.
    dialogs = page.locator('[role="dialog"]')
    for i in range(dialogs.count()):
        if dialogs.nth(i).is_visible():
            found.append("dialog: " + dialogs.nth(i).inner_text()[:200].replace("\n", " "))
    for err in page.locator(".katex-error").all_text_contents():
        found.append("KaTeX could not parse: " + err[:200])
    found += ["JavaScript error: " + e for e in getattr(page, "js_errors", [])]
    return found


def alerts(page, kind: str | None = None) -> list[str]:
    """Texts of st.error/st.warning/st.info/st.success boxes (kind: 'error', 'warning', …)."""
    sel = '[data-testid="stAlertContainer"]'
    out = []
    for i in range(page.locator(sel).count()):
        box = page.locator(sel).nth(i)
        if kind is None or box.locator(f'[data-testid="stAlertContent{kind.title()}"]').count():
            out.append(box.inner_text())
    return out


def key_class(key: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "page"


def screenshot(page, folder: Path, name: str) -> Path:
    path = folder / f"{slug(name)}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
