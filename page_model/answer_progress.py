"""Which typed answers a student has got right: per-session state of the "your turn" boxes.

Plain data (no Streamlit): ``ui.answer_box`` keeps one ``AnswerProgress`` per page in the
session, and a practice mode can keep its own. Verdicts come from ``derivations.verdicts``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

__all__ = ["AnswerProgress"]


@dataclass
class AnswerProgress:
    """Which answers (by key, e.g. "dy1_dz1") a student has got right, and attempts per key."""

    right: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)

    def record(self, key: str, verdict) -> None:
        """Count an attempt: ``verdict`` is a ``Verdict`` (right if ``.equivalent``) or a bool.
        A verdict that is not one yet (still checking, checker busy) counts as nothing."""
        if not isinstance(verdict, bool) and getattr(verdict, "status", "checked") != "checked":
            return
        ok = verdict if isinstance(verdict, bool) else verdict.equivalent
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if ok:
            self.right.add(key)

    def is_right(self, key: str) -> bool:
        return key in self.right

    def count(self, keys: Iterable[str]) -> tuple[int, int]:
        """(how many of ``keys`` are right, how many keys)."""
        keys = list(keys)
        return sum(k in self.right for k in keys), len(keys)

    def reset(self) -> None:
        self.right.clear()
        self.attempts.clear()
