"""A lesson that flows: a page looks as the student left it, opening a page costs one Back
press, and Back returns to the previous page."""

from __future__ import annotations

import pytest
from browser_helpers import act_and_wait, go_to, open_app, problems, wait_for_idle

pytestmark = pytest.mark.browser


def _slider(page, key: str) -> float:
    return float(page.locator(f".st-key-{key.replace('.', '-')} input[type='range']")
                 .input_value())


def _history(page) -> int:
    return page.evaluate("() => window.history.length")


def _path(page) -> str:
    return page.evaluate("() => window.location.pathname").rstrip("/")


def test_settings_kept_history_and_back(page, page_urls):
    open_app(page, page_urls["The neuron"])
    # Stage 2 and w₁ = −0.5 (the slider's keyboard steps are 0.1).
    act_and_wait(page, lambda: page.get_by_text("2 · + sigmoid", exact=False).first.click())
    thumb = page.locator(".st-key-neuron-w1 input[type='range']")
    for _ in range(5):
        act_and_wait(page, lambda: (thumb.focus(), thumb.press("ArrowRight")))
    assert _slider(page, "neuron.w1") == pytest.approx(-0.5)
    before = _history(page)

    go_to(page, "Backprop, step by step")
    # Opening a page adds at most two history entries (its address, its settings).
    assert _history(page) - before <= 2
    assert problems(page) == []

    go_to(page, "The neuron")
    assert _slider(page, "neuron.w1") == pytest.approx(-0.5)
    assert page.locator(".st-key-neuron-stage input[type='radio']").nth(1).is_checked()
    assert "w1=-0.5" in page.url and "stage=sigmoid" in page.url

    # Back: one press returns to Backprop, one more to the neuron as it was.
    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/backprop')")
    page.wait_for_selector("text=Backprop, step by step")
    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/neuron')")
    page.wait_for_selector(".st-key-neuron-w1 input[type='range']")
    page.wait_for_timeout(500)
    assert _slider(page, "neuron.w1") == pytest.approx(-0.5)
    assert problems(page) == []


# Both orderings a loaded machine produces, forced (see ui/page_state.py, "the history"):
# the guard's script runs only after the first link write has pushed an entry, and a page's
# move to its new address waits until after that page's first link write.
_FORCE_LATE_ORDERINGS = """(() => {
  const h = window.history;
  const insert = Node.prototype.replaceChild;
  Node.prototype.replaceChild = function (node, old) {
    const text = node && node.tagName === 'SCRIPT' ? node.textContent || '' : '';
    if (!text.includes('__nnHistoryGuard')) return insert.call(this, node, old);
    const parent = this;
    const later = () => (h.state !== null ? insert.call(parent, node, old)
                                          : setTimeout(later, 20));
    setTimeout(later, 20);
    return old;
  };
  const native = h.pushState;
  let current = native;  // the guard's, once it is installed (it keeps the native one)
  const held = function (state, title, url) {
    if (new URL(url, location.href).pathname === location.pathname) {
      return current.call(h, state, title, url);
    }
    // A move to another page: as if it ran after the new page's first link write.
    window.__held = [state, title, url];
    window.__writes = 0;
    const since = performance.now();
    const release = () => {
      if (window.__writes > 0 || performance.now() - since > 3000) {
        const [s, t, u] = window.__held;
        window.__held = null;
        // Streamlit builds this address when it runs, with the link it holds by then.
        const moved = new URL(u, location.href);
        moved.search = location.search;
        current.call(h, s, t, moved.pathname + moved.search);
      } else setTimeout(release, 20);
    };
    setTimeout(release, 20);
  };
  Object.defineProperty(h, 'pushState', {
    configurable: true,
    get() { return current === native ? native : held; },
    set(fn) { current = fn; },
  });
  const replace = h.replaceState.bind(h);
  h.replaceState = function (state, title, url) {
    window.__writes = (window.__writes || 0) + 1;
    return replace(state, title, url);
  };
})();"""


def _entries(page) -> list[str]:
    """The session's history up to the current entry: path and query of each app entry."""
    return page.evaluate("""() => navigation.entries()
        .slice(0, navigation.currentEntry.index + 1)
        .filter(e => e.url.startsWith(location.origin))
        .map(e => { const u = new URL(e.url); return u.pathname + u.search; })""")


def test_history_under_late_orderings(page, page_urls):
    """Forced late guard and late address moves: one entry per page opened, each entry holds
    its own page's link, and Back brings each page back with its settings."""
    page.add_init_script(_FORCE_LATE_ORDERINGS)
    open_app(page, page_urls["The neuron"])
    page.wait_for_function("() => window.__nnHistoryGuard && !!location.search")
    wait_for_idle(page)
    thumb = page.locator(".st-key-neuron-w1 input[type='range']")
    for _ in range(5):
        act_and_wait(page, lambda: (thumb.focus(), thumb.press("ArrowRight")))
    assert _slider(page, "neuron.w1") == pytest.approx(-0.5)

    go_to(page, "Backprop, step by step")
    act_and_wait(page, lambda: page.locator(".st-key-bp-j [role=radiogroup] label").nth(1).click())
    go_to(page, "The neuron")
    page.wait_for_function("() => !window.__held")
    entries = _entries(page)
    paths = [e.split("?")[0].rstrip("/").rsplit("/", 1)[-1] for e in entries]
    assert paths == ["neuron", "backprop", "neuron"], entries
    assert "w1=-0.5" in entries[0] and "w1=-0.5" in entries[2], entries
    assert "case=" in entries[1] and "j=1" in entries[1] and "w1=" not in entries[1], entries

    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/backprop')")
    wait_for_idle(page)
    page.wait_for_selector(".st-key-bp-j input[type='radio']")
    assert page.locator(".st-key-bp-j input[type='radio']").nth(1).is_checked()
    page.go_back()
    page.wait_for_function("() => location.pathname.endsWith('/neuron')")
    page.wait_for_selector(".st-key-neuron-w1 input[type='range']")
    wait_for_idle(page)
    assert _slider(page, "neuron.w1") == pytest.approx(-0.5)
    assert problems(page) == []
