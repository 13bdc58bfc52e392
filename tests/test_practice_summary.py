"""page_model.answer_progress: what a practice summary counts, and its two downloads."""

import csv
import io

from derivations.answer_verdicts import Verdict
from page_model.answer_progress import (
    AnswerProgress,
    credit,
    summary_csv,
    summary_markdown,
    summary_rows,
)

PARTS = [("a", "step 1: ∂E₁/∂ŷ₁"), ("b", "step 2: ∂ŷ₁/∂z₁"), ("c", "step 3"), ("d", "number")]


def _verdict(right, hint=None, note=None, status="checked"):
    return Verdict(equivalent=right, relation="equal" if right else "different", message="",
                   preview_latex="", hint=hint, note=note, status=status)


def test_attempts_first_time_hints_and_shown_are_counted():
    p = AnswerProgress()
    p.record("a", _verdict(False, "Wrong sign: …", "wrong_sign"))
    p.record("a", _verdict(True))
    p.record("b", _verdict(True))
    p.show("c")
    p.record("c", _verdict(True))  # right after Show me: not right first time
    p.record("d", _verdict(False, status="busy"))  # no verdict yet: counts as nothing
    rows = summary_rows(p, PARTS, {"wrong_sign": "a wrong sign"})
    assert [r["attempts"] for r in rows] == [2, 1, 1, 0]
    assert [r["right first time"] for r in rows] == ["no", "yes", "no", "no"]
    assert [r["hints"] for r in rows] == [1, 0, 0, 0]
    assert [r["shown"] for r in rows] == ["no", "no", "yes", "no"]
    assert rows[0]["slips named"] == "a wrong sign"
    assert credit(p, [k for k, _ in PARTS]) == (3, 3, 4)
    assert p.revealed("c") and not p.revealed("d")


def test_the_downloads_hold_the_same_rows():
    p = AnswerProgress()
    p.record("a", _verdict(False, "h", "one_path"))
    rows = summary_rows(p, PARTS)
    back = list(csv.DictReader(io.StringIO(summary_csv(rows))))
    assert [r["part"] for r in back] == [label for _, label in PARTS]
    assert back[0]["attempts"] == "1" and back[0]["slips named"] == "one_path"
    md = summary_markdown("Practice", "The notes' MLP, seed 17.", rows, credit(p, "abcd"))
    assert "0 of 1 parts tried right (4 parts in all)" in md
    assert md.count("\n| ") == len(PARTS) + 1  # the header and one row per part
    assert "Hints received: 1" in md
