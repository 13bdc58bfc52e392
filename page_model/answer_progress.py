"""Which typed answers a student has got right: per-session state of the "your turn" boxes,
and the practice summary a student hands in.

Plain data (no Streamlit): ``ui.answer_box`` keeps one ``AnswerProgress`` per page in the
session (nothing is stored on the server beyond the session). Verdicts come from
``derivations.answer_verdicts``; a verdict's ``note`` is the answer note that fired
(``derivations.answer_notes``).

``summary_rows(progress, parts)`` → one row per part (what was tried, right first time, hints
used, shown); ``summary_markdown`` / ``summary_csv`` are the downloads. The rows hold only the
page's labels and counts, never a student's text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "SUMMARY_COLUMNS",
    "AnswerProgress",
    "credit",
    "summary_csv",
    "summary_markdown",
    "summary_rows",
]


@dataclass
class AnswerProgress:
    """Which answers (by key, e.g. "dy1_dz1") a student has got right, and per key: attempts,
    right at the first attempt, hints received, answer notes hit, shown by "Show me"."""

    right: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)
    first_right: set[str] = field(default_factory=set)
    hints: dict[str, int] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)

    def record(self, key: str, verdict) -> None:
        """Count an attempt: ``verdict`` is a ``Verdict`` (right if ``.equivalent``) or a bool.
        A verdict that is not one yet (still checking, checker busy) counts as nothing."""
        if not isinstance(verdict, bool) and getattr(verdict, "status", "checked") != "checked":
            return
        ok = verdict if isinstance(verdict, bool) else verdict.equivalent
        first = self.attempts.get(key, 0) == 0 and key not in self.shown
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if ok:
            self.right.add(key)
            if first:
                self.first_right.add(key)
        if not isinstance(verdict, bool):
            if verdict.hint:
                self.hints[key] = self.hints.get(key, 0) + 1
            if getattr(verdict, "note", None):
                self.notes.setdefault(key, []).append(verdict.note)

    def show(self, key: str) -> None:
        """The student pressed "Show me" (the answer is revealed; a later right answer is not
        right first time)."""
        self.shown.add(key)

    def revealed(self, key: str) -> bool:
        """Tried (a checked verdict) or shown: the page may show the derivation."""
        return key in self.shown or self.attempts.get(key, 0) > 0

    def is_right(self, key: str) -> bool:
        return key in self.right

    def count(self, keys: Iterable[str]) -> tuple[int, int]:
        """(how many of ``keys`` are right, how many keys)."""
        keys = list(keys)
        return sum(k in self.right for k in keys), len(keys)

    def reset(self) -> None:
        for part in (self.right, self.attempts, self.first_right, self.hints, self.notes,
                     self.shown):
            part.clear()


SUMMARY_COLUMNS = ("part", "attempts", "right", "right first time", "hints", "shown",
                   "slips named")


def summary_rows(progress: AnswerProgress, parts: Sequence[tuple[str, str]],
                 note_titles: dict[str, str] | None = None) -> list[dict]:
    """One row per (key, label) of ``parts``, columns ``SUMMARY_COLUMNS``."""
    titles = note_titles or {}
    rows = []
    for key, label in parts:
        slips = dict.fromkeys(titles.get(t, t) for t in progress.notes.get(key, []))
        rows.append({
            "part": label,
            "attempts": progress.attempts.get(key, 0),
            "right": "yes" if key in progress.right else "no",
            "right first time": "yes" if key in progress.first_right else "no",
            "hints": progress.hints.get(key, 0),
            "shown": "yes" if key in progress.shown else "no",
            "slips named": "; ".join(slips),
        })
    return rows


def credit(progress: AnswerProgress, keys: Sequence[str]) -> tuple[int, int, int]:
    """(parts right, parts tried, parts in all): partial credit, "3 of 4 tried right"."""
    tried = [k for k in keys if progress.attempts.get(k, 0) > 0]
    return sum(k in progress.right for k in tried), len(tried), len(keys)


def credit_text(right: int, tried: int, total: int) -> str:
    if not tried:
        return f"No part tried yet ({total} parts in all)"
    return f"{right} of {tried} parts tried right ({total} parts in all)"


def summary_markdown(title: str, about: str, rows: Sequence[dict],
                     totals: tuple[int, int, int]) -> str:
    """The summary as Markdown (a table, one row per part)."""
    lines = [f"# {title}", "", about, "", f"**{credit_text(*totals)}**", "",
             "| " + " | ".join(SUMMARY_COLUMNS) + " |",
             "|" + "---|" * len(SUMMARY_COLUMNS)]
    for row in rows:
        cells = [str(row[c]).replace("|", "\\|") for c in SUMMARY_COLUMNS]
        lines.append("| " + " | ".join(cells) + " |")
    first = sum(r["right first time"] == "yes" for r in rows)
    hints = sum(int(r["hints"]) for r in rows)
    shown = sum(r["shown"] == "yes" for r in rows)
    lines += ["", f"Right first time: {first}. Hints received: {hints}. Shown (Show me "
                  f"pressed): {shown}.", ""]
    return "\n".join(lines)


def summary_csv(rows: Sequence[dict]) -> str:
    """The summary as CSV (one row per part)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(SUMMARY_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue()
