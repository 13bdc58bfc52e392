"""The backprop step-through, clicked from the first chain-rule factor to the update."""

from __future__ import annotations

import re

import pytest
from browser_helpers import click, go_to, open_app, problems, screenshot, tex_sources

pytestmark = pytest.mark.browser

# A number as SymPy prints it in the update formula: 0.3181, 1.717 \cdot 10^{-5}, \left(-2.1\right)
_NUM = r"-?\d+(?:\.\d+)?(?:\s*\\cdot\s*10\^\{-?\d+\})?"


def _number(text: str) -> float:
    m = re.fullmatch(r"(-?\d+(?:\.\d+)?)(?:\s*\\cdot\s*10\^\{(-?\d+)\})?", text.strip())
    assert m, f"not a number: {text!r}"
    return float(m.group(1)) * 10 ** int(m.group(2) or 0)


def _update_numbers(tex: str) -> list[float]:
    """old, η, ∂E/∂w, new from `w \\leftarrow old - η \\cdot grad = new`."""
    rhs = tex.split(r"\leftarrow", 1)[1].replace(r"\left(", "").replace(r"\right)", "")
    return [_number(m) for m in re.findall(_NUM, rhs)]


def _progress(page) -> tuple[int, int]:
    text = page.locator('[data-testid="stProgress"]').first.inner_text()
    m = re.search(r"Step (\d+) of (\d+)", text)
    assert m, f"no step counter in {text!r}"
    return int(m.group(1)), int(m.group(2))


def test_click_through_every_step_to_the_update(page, app_url, screenshot_dir):
    open_app(page, app_url)
    go_to(page, "Backprop, step by step")
    step, n_steps = _progress(page)
    assert step == 1 and n_steps >= 3
    next_button = page.get_by_role("button", name="Next ▶", exact=True)
    seen = [tuple(tex_sources(page))]
    while step < n_steps:
        assert next_button.is_enabled()
        click(page, next_button)
        new_step, _ = _progress(page)
        assert new_step == step + 1, f"Next went from step {step} to {new_step}"
        step = new_step
        shown = tuple(tex_sources(page))
        # The factor and its numbers on screen change with every step.
        assert shown != seen[-1], f"step {step} shows the same formulas as step {step - 1}"
        seen.append(shown)
        assert problems(page) == []
        assert f"step={step - 1}" in page.url  # the link follows the step (0-based)
    assert next_button.is_disabled()
    assert len(set(seen)) == n_steps

    updates = [t for t in tex_sources(page) if r"\leftarrow" in t]
    assert updates, "the last step shows no update formula"
    old, lr, grad, new = _update_numbers(updates[0])
    assert new != old, "the updated weight equals the old one"
    # The shown new weight is the old one moved against the gradient (4 shown digits).
    assert new == pytest.approx(old - lr * grad, rel=2e-3, abs=2e-4)
    assert page.get_by_text("One step on this weight alone").count() == 1
    screenshot(page, screenshot_dir, "backprop-last-step")

    click(page, page.get_by_role("button", name="⟲ Restart", exact=True))
    assert _progress(page) == (1, n_steps)
    assert tuple(tex_sources(page)) == seen[0]
