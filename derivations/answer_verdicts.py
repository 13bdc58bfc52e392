"""Verdicts and hints on a student's answer: is it the right derivative, and if not, which slip.

The API a page (or a practice mode) uses; every call runs in a worker process under a hard
CPU limit (``derivations.proof_pool``), so the Streamlit script thread never parses, prints or
proves a student's expression itself:

- ``preview(text, symbols, session=…)`` → ``Preview``: what the parser understood (LaTeX), or
  the parser's message with a caret (``AnswerParseError``'s reason, position and pointer).
- ``check_text(text, expected, symbols=…, session=…)`` → ``Verdict``: parse and check.
- ``check_answer(expr, expected, symbols=…, session=…)`` → ``Verdict`` for a parsed expression.
- ``start_check_text`` / ``start_check_answer`` → ``PendingVerdict``: the same, without
  waiting (``.done()``, ``.verdict(wait)``), so a page can say "still checking" and pick the
  verdict up on a later rerun.

``session`` names the student's session: each has at most one check in flight (a second gets
a Verdict with ``status="still_checking"``) and waiting checks are served fairly.

How a check decides (``judge``, which runs inside the worker):

1. A numeric screen at seeded random points (``lambdify`` on expressions built by
   ``derivations.parser`` or by the page, never on text): obviously different answers get a
   counter-example at once, and "the negative" or "c times" the right answer is spotted.
2. A proof: ``simplify(student − expected) == 0`` within ``timeout`` seconds of CPU; past it
   the verdict says "too complex to check".
3. Hints from the answer notes (``derivations.answer_notes.NOTES``): each known misconception
   is a tagged mutation of the right answer's chain-rule factors (σ′ dropped, σ for σ′,
   1 − y or −y(1 − y) for σ′, the log-likelihood's sign, swapped weight indices, a missing
   input factor, one output path instead of the sum, a wrong sign); the first mutation the
   answer matches names the slip (``Verdict.note``) and gives its feedback.

A number (``at``: the live value of each symbol) is judged by value: right within
``NUMBER_REL_TOL``, and the answer notes' mutations evaluated at the same numbers name a slip.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import sympy

from . import answer_notes
from .answer_notes import Chain, Context, Notation, chain_of, notation_of, scale_hint, sign_hint
from .parser import AnswerParseError, parse_answer
from .proof_pool import OverBudget, cpu_budget, lane

__all__ = [
    "PREVIEW_BUDGET",
    "STILL_CHECKING",
    "PendingVerdict",
    "Preview",
    "Verdict",
    "check_answer",
    "check_text",
    "judge",
    "preview",
    "start_check_answer",
    "start_check_text",
]

N_POINTS = 12
_REL_TOL = 1e-8
_MAX_DROPPED_FACTORS = 6  # 2^6 subsets at most
PREVIEW_BUDGET = 1.0  # CPU seconds to read an answer and print it (the parser needs ≤ 0.5)
_SCREEN_BUDGET = 3.0  # CPU seconds for parsing, the numeric screen and the hints of a check


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check, in fields a page can show.

    ``relation``: "equal" (proved), "negated", "scaled" (``factor`` = c, student = c·expected),
    "different", or "unknown" (time limit hit, or equal at every test point but not proved).
    ``counterexample``: ``{"at": {name: value}, "student": float, "expected": float}`` for a
    point where the two differ, else None. ``status``: "checked", or why there is no verdict
    yet: "still_checking" (this session's last answer is still being checked), "busy" (no
    checker free), "unreadable" (the text does not parse: ``message`` says why).
    """

    equivalent: bool
    relation: str
    message: str
    preview_latex: str
    hint: str | None = None
    factor: sympy.Expr | None = None
    counterexample: dict | None = None
    timed_out: bool = False
    status: str = "checked"
    note: str | None = None  # the answer note's tag (derivations.answer_notes), if one fired


@dataclass(frozen=True)
class Preview:
    """What the parser understood: ``latex``, or ``error`` (the reason) with ``position`` and
    ``pointer`` (the text with a caret under the place). ``status`` is "ok", "error",
    "too_complex" (past the CPU limit), "still_reading" or "busy" (no worker answered)."""

    status: str
    latex: str = ""
    error: str = ""
    position: int = 0
    pointer: str = ""

    @property
    def ok(self) -> bool:
        return self.status == "ok"


# --------------------------------------------------------------------------------------------
# Numeric screen.


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _REL_TOL * max(1.0, abs(a), abs(b))


def _sample_points(syms: Sequence[sympy.Symbol], positive: bool) -> list[dict]:
    rng = random.Random(20240607)  # fixed: the same answer always gets the same verdict
    low, high = (0.1, 0.95) if positive else (-1.5, 1.5)
    points = []
    for _ in range(N_POINTS):
        point = {}
        for sym in syms:
            value = round(rng.uniform(low, high), 2)
            point[sym] = value if value != 0 else 0.37
        points.append(point)
    return points


def _values(expr: sympy.Expr, syms: Sequence[sympy.Symbol], points: list[dict]) -> list:
    """expr at each point; None where it is undefined (outside its domain, overflow, complex)."""
    func = sympy.lambdify(list(syms), expr, modules="math")
    out: list[float | None] = []
    for point in points:
        try:
            value = func(*(point[s] for s in syms))
            value = float(value)
        except (ArithmeticError, ValueError, TypeError):
            value = None
        out.append(value if value is not None and math.isfinite(value) else None)
    return out


def _all_close(a: list, b: list) -> bool:
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    return len(pairs) >= 3 and all(_close(x, y) for x, y in pairs)


def _constant_ratio(student: list, expected: list) -> float | None:
    ratios = [s / e for s, e in zip(student, expected, strict=True)
              if s is not None and e is not None and abs(e) > 1e-9]
    if len(ratios) < 3 or abs(ratios[0]) < 1e-12:
        return None
    if all(_close(r, ratios[0]) for r in ratios):
        return ratios[0]
    return None


def _latex(expr) -> str:
    return sympy.latex(expr)


def _names(symbols: Mapping[str, sympy.Symbol]) -> dict[sympy.Symbol, str]:
    names: dict[sympy.Symbol, str] = {}
    for name, sym in symbols.items():
        names.setdefault(sym, name)
    return names


def _substitute(expr: sympy.Expr, definitions) -> sympy.Expr:
    if not definitions:
        return expr
    for _ in range(5):  # definitions may refer to each other (y_h → z_h → x…)
        new = expr.subs(definitions)
        if new == expr:
            break
        expr = new
    return expr


def judge(
    student_expr: sympy.Expr,
    expected: sympy.Expr,
    *,
    symbols: Mapping[str, sympy.Symbol],
    factors: Sequence[tuple[str, sympy.Expr]] | None = None,
    paths: Sequence[sympy.Expr] | None = None,
    definitions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    positive: bool = True,
    timeout: float = 2.0,
    prove: Callable[[sympy.Expr, float], str] | None = None,
    chain: Chain | None = None,
    swaps: Mapping[sympy.Symbol, sympy.Symbol] | None = None,
    notation: Notation | None = None,
    at: Mapping[sympy.Symbol, float] | None = None,
) -> Verdict:
    """Compare a parsed answer with the right one, in this process; see ``Verdict``.

    Runs where it is called: pages use ``check_answer``/``check_text``, which run this in a
    worker. ``prove(diff, timeout)`` → "zero" | "nonzero" | "failed" | "timeout" (default:
    ``prove_zero`` under a CPU budget, which needs a worker's main thread to be enforced).

    ``factors``: the chain-rule factors as ``(name_latex, expr)`` whose product is ``expected``;
    ``paths``: for a hidden weight, the per-output-neuron path products whose sum is
    ``expected``. ``definitions`` (e.g. ``{y: 1/(1+exp(-z))}``) are substituted into both sides
    so an answer in z is accepted where the page writes y. ``positive``: the page's symbols are
    positive (sigmoid outputs, positive inputs) — both for the proof and the test points.
    ``timeout`` is the time limit in seconds for the proof. ``chain`` (an
    ``answer_notes.Chain``) gives the factors with their kinds and paths, so the answer notes
    can rewrite a factor in every path; ``swaps`` maps each weight to the one with its indices
    swapped; ``notation`` names the page's output and target (read from the symbols if None).
    ``at``: judge a number, the value of ``expected`` at these symbol values.
    """
    if not isinstance(student_expr, sympy.Expr) or not isinstance(expected, sympy.Expr):
        raise ValueError("check_answer needs SymPy expressions (parse the text with "
                         "parse_answer first)")
    if not timeout > 0:
        raise ValueError(f"timeout must be positive seconds, got {timeout!r}")
    unknown = student_expr.free_symbols - set(symbols.values())
    if unknown:
        listed = sorted(map(str, unknown))
        raise ValueError(f"the answer uses symbols the page does not list: {listed}")
    preview = _latex(student_expr)
    names = _names(symbols)
    the_chain = chain_of(expected, factors, chain)
    context = Context(expected, the_chain, list(paths or []), dict(swaps or {}),
                      notation or notation_of(symbols, the_chain))
    if at is not None:
        return _judge_number(student_expr, expected, context, at, preview)

    student = _substitute(student_expr, definitions)
    target = _substitute(expected, definitions)
    syms = sorted(student.free_symbols | target.free_symbols, key=str)
    points = _sample_points(syms, positive)
    s_vals = _values(student, syms, points)
    e_vals = _values(target, syms, points)

    def verdict(**kwargs) -> Verdict:
        return Verdict(preview_latex=preview, **kwargs)

    prover = prove or _prove_within

    def proof(diff: sympy.Expr) -> str:
        if positive:  # rebuilding with positive symbols evaluates: within the proof's time
            try:
                with cpu_budget(timeout):
                    diff = diff.xreplace({s: sympy.Symbol(s.name, positive=True)
                                          for s in syms})
            except OverBudget:
                return "timeout"
        return prover(diff, timeout)

    # "Different" needs a point where both are defined and differ; else try to prove.
    if not any(sv is not None and ev is not None and not _close(sv, ev)
               for sv, ev in zip(s_vals, e_vals, strict=True)):
        status = proof(student - target)
        if status == "zero":
            return verdict(equivalent=True, relation="equal",
                           message="Correct: SymPy proves your answer equals the right one.")
        if status == "timeout":
            return verdict(equivalent=False, relation="unknown", timed_out=True,
                           message="Too complex to check in the time allowed — try writing "
                                   "your answer in a simpler form.")
        if status == "failed":
            return verdict(equivalent=False, relation="unknown",
                           message="SymPy could not check this form of the answer; try "
                                   "writing it another way.")
        if status in ("busy", "error"):
            return verdict(equivalent=False, relation="unknown",
                           message="The checker could not run just now; press Check again "
                                   "in a moment.")
        return verdict(equivalent=False, relation="unknown",
                       message="Your answer agrees with the right one wherever both could be "
                               "computed, but SymPy could not prove they are equal. Try a "
                               "simpler form.")

    counterexample = None
    for point, sv, ev in zip(points, s_vals, e_vals, strict=True):
        if sv is not None and ev is not None and not _close(sv, ev):
            counterexample = {"at": {names.get(s, str(s)): v for s, v in point.items()},
                              "student": sv, "expected": ev}
            break

    relation, c, hint = "different", None, None
    ratio = _constant_ratio(s_vals, e_vals)
    if ratio is not None:
        guess = sympy.Rational(ratio).limit_denominator(1000)
        if _close(float(guess), ratio) and proof(student - guess * target) == "zero":
            c = guess
            relation = "negated" if guess == -1 else "scaled"

    # Hints: which variant of the right answer did the student write?
    note = None
    for tag, variant, text in answer_notes.wrong_answers(context):
        variant = _substitute(variant, definitions)
        if variant.free_symbols - set(syms):
            continue  # a swapped weight the page does not list: the student cannot type it
        if _all_close(s_vals, _values(variant, syms, points)):
            hint, note = text, tag
            break
    if hint is None and relation == "negated":
        hint, note = sign_hint(context), "wrong_sign"
    if hint is None and relation == "scaled":
        hint = scale_hint(c, context.notation)

    if relation == "negated":
        message = "Not quite: your answer is the negative of the right one."
    elif relation == "scaled":
        message = f"Not quite: your answer is {c} times the right one."
    else:
        message = "Not equivalent to the right answer."
    if counterexample is not None:
        at = ", ".join(f"{k} = {v:g}" for k, v in counterexample["at"].items())
        message += (f" For example at {at}: yours gives {counterexample['student']:.4g}, "
                    f"the right answer gives {counterexample['expected']:.4g}.")
    return verdict(equivalent=False, relation=relation, factor=c, counterexample=counterexample,
                   hint=hint, message=message, note=note)


NUMBER_REL_TOL = 1e-3  # a number is right to 3 significant digits


def _number_close(a: float, b: float) -> bool:
    return abs(a - b) <= NUMBER_REL_TOL * max(abs(b), 1e-12)


def _at(expr: sympy.Expr, at: Mapping[sympy.Symbol, float]) -> float | None:
    syms = sorted(expr.free_symbols, key=str)
    if set(syms) - set(at):
        return None
    return _values(expr, syms, [{s: at[s] for s in syms}])[0]


def _judge_number(student_expr, expected, context: Context, at, preview) -> Verdict:
    def verdict(**kwargs) -> Verdict:
        return Verdict(preview_latex=preview, **kwargs)

    target = _at(expected, at)
    if student_expr.free_symbols:
        return verdict(equivalent=False, relation="unknown", status="unreadable",
                       message="Type a number here (e.g. 0.0123), not a formula.")
    value = _values(student_expr, [], [{}])[0]
    if value is None or target is None:
        return verdict(equivalent=False, relation="unknown",
                       message="This number cannot be computed; type a plain number.")
    if _number_close(value, target):
        return verdict(equivalent=True, relation="equal",
                       message=f"Correct: {value:.6g} agrees with {target:.6g} to 3 "
                               "significant digits.")
    for tag, variant, text in answer_notes.wrong_answers(context):
        wrong = _at(variant, at)
        if wrong is not None and _number_close(value, wrong) and not _number_close(wrong,
                                                                                  target):
            return verdict(equivalent=False, relation="different", hint=text, note=tag,
                           message=f"Not quite: {value:.6g} is not the number this formula "
                                   "gives at this page's numbers.")
    return verdict(equivalent=False, relation="different",
                   message=f"Not quite: {value:.6g} is not the number this formula gives at "
                           "this page's numbers (to 3 significant digits). Multiply the "
                           "factors' numbers above, path by path.")




# --------------------------------------------------------------------------------------------
# Proofs, and the jobs a worker runs.


def prove_zero(diff: sympy.Expr) -> str:
    """"zero" if SymPy proves ``diff`` is 0, else "nonzero" (no time limit of its own)."""
    if diff == 0:
        return "zero"
    simplified = sympy.simplify(diff)
    if simplified == 0:
        return "zero"
    if sympy.expand(simplified) == 0 or simplified.equals(0) is True:
        return "zero"
    return "nonzero"


def _prove_within(diff: sympy.Expr, timeout: float) -> str:
    try:
        with cpu_budget(timeout):
            return prove_zero(diff)
    except OverBudget:
        return "timeout"
    except Exception:  # any SymPy failure means "could not prove"
        return "failed"


def preview_job(text: str, symbols: Mapping[str, sympy.Symbol]) -> Preview:
    """In a worker: parse and print (the parser bounds itself; the lane's budget is the cap)."""
    try:
        return Preview("ok", latex=sympy.latex(parse_answer(text, symbols)))
    except AnswerParseError as err:
        return Preview("error", error=err.reason, position=err.position, pointer=err.pointer)


def check_job(answer: str | sympy.Expr, expected: sympy.Expr, kwargs: dict) -> Verdict:
    """In a worker: parse (if text) and judge."""
    symbols = kwargs["symbols"]
    if isinstance(answer, str):
        try:
            answer = parse_answer(answer, symbols)
        except AnswerParseError as err:
            return Verdict(equivalent=False, relation="unknown", message=err.reason,
                           preview_latex="", status="unreadable")
    return judge(answer, expected, **kwargs)


# --------------------------------------------------------------------------------------------
# The API pages call: everything in a worker.


def _no_verdict(status: str, message: str, *, timed_out: bool = False) -> Verdict:
    return Verdict(equivalent=False, relation="unknown", message=message, preview_latex="",
                   status=status, timed_out=timed_out)


STILL_CHECKING = "Still checking your last answer — its verdict appears here when it is ready."
_BUSY = "The checker is busy with other students' answers; press Check again in a moment."


def preview(text: str, symbols: Mapping[str, sympy.Symbol], *, session: str = "") -> Preview:
    """What the parser understands of ``text`` (see ``Preview``), read in a worker."""
    status, result = lane("preview").run(session, "preview", text, dict(symbols),
                                         budget=PREVIEW_BUDGET)
    if status == "ok":
        return result
    if status == "timeout":
        return Preview("too_complex", error="This takes too long to read: simplify it.")
    if status == "in_flight":
        return Preview("still_reading", error="Still reading your last answer…")
    return Preview("busy", error="The answer reader is busy; press Enter again in a moment.")


def _verdict_of(status: str, result) -> Verdict:
    if status == "ok":
        return result
    if status == "in_flight":
        return _no_verdict("still_checking", STILL_CHECKING)
    if status == "timeout":
        return Verdict(equivalent=False, relation="unknown", timed_out=True, preview_latex="",
                       message="Too complex to check in the time allowed — try writing your "
                               "answer in a simpler form.")
    if status == "failed":
        return _no_verdict("checked", "SymPy could not check this form of the answer; try "
                                      "writing it another way.")
    if status == "error":
        return _no_verdict("error", "The checker stopped on this answer; press Check again, "
                                    "or write the answer in a simpler form.")
    return _no_verdict("busy", _BUSY)


class PendingVerdict:
    """A check on its way (from ``start_check_text``/``start_check_answer``): a page can show
    "still checking" and pick the verdict up on a later rerun."""

    def __init__(self, future) -> None:
        self._future = future

    def done(self) -> bool:
        return self._future.done()

    def verdict(self, wait: float | None = None) -> Verdict | None:
        """The Verdict, waiting at most ``wait`` seconds (None: as long as the check may take,
        then "busy" if it never got a worker); None if it is not ready within ``wait``."""
        if wait is None:
            check = lane("check")
            return _verdict_of(*check.result(self._future, check.longest_wait(self._future)))
        try:
            return _verdict_of(*self._future.result(wait))
        except TimeoutError:
            return None


def _start(answer, expected, kwargs: dict, session: str) -> PendingVerdict:
    timeout = kwargs.get("timeout", 2.0)
    # Two proofs at most (the answer, then "c times the answer") and the screen.
    budget = 2 * timeout + _SCREEN_BUDGET
    future = lane("check").submit(session, "check", answer, expected, kwargs, budget=budget)
    return PendingVerdict(future)


def _check_arguments(expected, symbols, timeout) -> None:
    if not isinstance(expected, sympy.Expr):
        raise ValueError("check_answer needs SymPy expressions (parse the text with "
                         "parse_answer first)")
    if not timeout > 0:
        raise ValueError(f"timeout must be positive seconds, got {timeout!r}")


def start_check_answer(student_expr: sympy.Expr, expected: sympy.Expr, *,
                       symbols: Mapping[str, sympy.Symbol], session: str = "",
                       **kwargs) -> PendingVerdict:
    """Start judging a parsed answer (see ``judge`` for the arguments) in a worker."""
    if not isinstance(student_expr, sympy.Expr):
        raise ValueError("check_answer needs SymPy expressions (parse the text with "
                         "parse_answer first)")
    _check_arguments(expected, symbols, kwargs.get("timeout", 2.0))
    unknown = student_expr.free_symbols - set(symbols.values())
    if unknown:
        listed = sorted(map(str, unknown))
        raise ValueError(f"the answer uses symbols the page does not list: {listed}")
    return _start(student_expr, expected, dict(kwargs, symbols=dict(symbols)), session)


def start_check_text(text: str, expected: sympy.Expr, *, symbols: Mapping[str, sympy.Symbol],
                     session: str = "", **kwargs) -> PendingVerdict:
    """Start parsing ``text`` and judging it, both in a worker."""
    _check_arguments(expected, symbols, kwargs.get("timeout", 2.0))
    return _start(str(text), expected, dict(kwargs, symbols=dict(symbols)), session)


def check_answer(student_expr: sympy.Expr, expected: sympy.Expr, *,
                 symbols: Mapping[str, sympy.Symbol], session: str = "",
                 **kwargs) -> Verdict:
    """Judge a parsed answer (see ``judge`` for the arguments) in a worker and wait."""
    return start_check_answer(student_expr, expected, symbols=symbols, session=session,
                              **kwargs).verdict()


def check_text(text: str, expected: sympy.Expr, *, symbols: Mapping[str, sympy.Symbol],
               session: str = "", **kwargs) -> Verdict:
    """Parse ``text`` and judge it, both in a worker, and wait. Text that does not parse gets
    a Verdict with ``status="unreadable"`` and the parser's reason as ``message``."""
    return start_check_text(text, expected, symbols=symbols, session=session,
                            **kwargs).verdict()
