"""Helpers for the walkthrough pages' AppTests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]


def page(name: str, query: dict[str, str] | None = None, timeout: float = 120) -> AppTest:
    """An AppTest of views/<name>.py, run once with the given link values."""
    at = AppTest.from_file(str(ROOT / "views" / f"{name}.py"), default_timeout=timeout)
    for k, v in (query or {}).items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table(at: AppTest, index: int = 0) -> dict[str, float]:
    """The quantity → value table at position ``index`` (ui.layout.numbers_table)."""
    df = at.dataframe[index].value
    return dict(zip(df["quantity"], df["value"], strict=True))


def latex_bodies(at: AppTest) -> list[str]:
    return [el.value for el in at.latex]


def has_latex(at: AppTest, body: str) -> bool:
    return any(body in v for v in latex_bodies(at))


def notices(at: AppTest) -> list[str]:
    return [el.value for el in at.info]
