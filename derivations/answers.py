"""Check a student's derivative against the right one, and name the likely mistake.

``check_answer(student, expected, symbols=...)`` returns a ``Verdict``:

1. A numeric screen at seeded random points (``lambdify`` on expressions built by
   ``derivations.parser`` or by the page, never on text): obviously different answers get a
   counter-example at once, and "the negative" or "c times" the right answer is spotted.
2. A proof: ``simplify(student − expected) == 0`` in a separate worker process with a time limit
   (``signal.alarm`` does not work in Streamlit's script thread). Up to ``_POOL_SIZE``
   persistent workers start on first use; one that runs past the limit is killed, and the
   verdict says "too complex to check" instead of hanging the server.
3. Hints from the chain-rule factors: the expected product with a factor dropped, a single
   output path instead of the sum over the output neurons, σ′ written as 1 − y (the notes'
   hidden-layer slip) or as −y(1 − y) (the notes' sign slip), the wrong sign, a constant factor.

``AnswerProgress`` records which factors a student has got right (a page keeps it in
``st.session_state``).
"""

from __future__ import annotations

import atexit
import itertools
import math
import os
import pickle
import random
import subprocess
import sys
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

import sympy

from .parser import parse_answer

__all__ = [
    "AnswerProgress",
    "Verdict",
    "check_answer",
    "check_text",
    "shutdown_workers",
]

N_POINTS = 12
_REL_TOL = 1e-8
_MAX_DROPPED_FACTORS = 6  # 2^6 subsets at most
_WORKER_START_TIMEOUT = 120.0  # seconds; start-up is not charged to the check's time limit
_POOL_SIZE = 2
_POOL_WAIT = 60.0


@dataclass(frozen=True)
class Verdict:
    """The outcome of a check, in fields a page can show.

    ``relation``: "equal" (proved), "negated", "scaled" (``factor`` = c, student = c·expected),
    "different", or "unknown" (time limit hit, or equal at every test point but not proved).
    ``counterexample``: ``{"at": {name: value}, "student": float, "expected": float}`` for a
    point where the two differ, else None.
    """

    equivalent: bool
    relation: str
    message: str
    preview_latex: str
    hint: str | None = None
    factor: sympy.Expr | None = None
    counterexample: dict | None = None
    timed_out: bool = False


# --------------------------------------------------------------------------------------------
# The proof workers: separate Python processes, reused; killed on timeout.


def _prove_zero(diff: sympy.Expr) -> str:
    if diff == 0:
        return "zero"
    simplified = sympy.simplify(diff)
    if simplified == 0:
        return "zero"
    if sympy.expand(simplified) == 0 or simplified.equals(0) is True:
        return "zero"
    return "nonzero"


def _serve(conn) -> None:
    """The worker loop: prove each expression sent, until the parent closes the pipe."""
    conn.send("ready")
    while True:
        try:
            job = conn.recv_bytes()
        except (EOFError, OSError):  # the parent is gone: exit, leave no orphan
            return
        if not job:  # b"": stop
            return
        try:
            conn.send(("ok", _prove_zero(pickle.loads(job))))
        except Exception as exc:  # any SymPy failure means "could not prove"
            conn.send(("failed", f"{type(exc).__name__}: {exc}"))


def _serve_stdio() -> None:
    """Child entry point: the protocol runs on stdin/stdout; stray prints go to stderr."""
    read_fd, write_fd = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    _serve(_Duplex(Connection(read_fd, writable=False), Connection(write_fd, readable=False)))


class _Duplex:
    """One read and one write pipe end used as a single connection."""

    def __init__(self, reader: Connection, writer: Connection) -> None:
        self.reader, self.writer = reader, writer

    def send(self, obj) -> None:
        self.writer.send(obj)

    def send_bytes(self, data: bytes) -> None:
        self.writer.send_bytes(data)

    def recv_bytes(self) -> bytes:
        return self.reader.recv_bytes()

    def recv(self):
        return self.reader.recv()

    def poll(self, timeout: float) -> bool:
        return self.reader.poll(timeout)

    def close(self) -> None:
        self.reader.close()
        self.writer.close()


_ROOT = str(Path(__file__).resolve().parents[1])


class _Worker:
    """A separate Python process (not multiprocessing: Streamlit runs a page script as
    ``__main__``, and multiprocessing's spawn/forkserver would re-run that script in the child).
    Safe to start from Streamlit's script thread."""

    def __init__(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from derivations.answers import _serve_stdio; _serve_stdio()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        self.conn = _Duplex(Connection(os.dup(self.process.stdout.fileno()), writable=False),
                            Connection(os.dup(self.process.stdin.fileno()), readable=False))
        self.process.stdout.close()
        self.process.stdin.close()
        try:
            ready = self.conn.poll(_WORKER_START_TIMEOUT) and self.conn.recv() == "ready"
        except (EOFError, OSError):
            ready = False
        if not ready:
            self.kill()
            raise RuntimeError("the answer-checking worker did not start")

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            pass
        self.conn.close()


class _Pool:
    def __init__(self, size: int) -> None:
        self._slots = threading.BoundedSemaphore(size)
        self._lock = threading.Lock()
        self._idle: list[_Worker] = []
        self.last_killed_pid: int | None = None

    def run(self, diff: sympy.Expr, timeout: float) -> str:
        """"zero" | "nonzero" | "failed" (SymPy raised) | "timeout" | "error" | "busy"."""
        if not self._slots.acquire(timeout=_POOL_WAIT):
            return "busy"
        worker = None
        try:
            with self._lock:
                while self._idle and worker is None:
                    candidate = self._idle.pop()
                    if candidate.alive():
                        worker = candidate
                    else:
                        candidate.kill()
            if worker is None:
                worker = _Worker()
            try:
                payload = pickle.dumps(diff)
            except Exception:  # an expression that cannot travel (e.g. a local Function)
                self._return(worker)
                return "failed"
            try:
                worker.conn.send_bytes(payload)
                ready = worker.conn.poll(timeout)
                status, result = worker.conn.recv() if ready else ("timeout", None)
            except (EOFError, OSError):
                status, result = "broken", None
            if status in ("ok", "failed"):  # the worker answered: keep it for the next check
                self._return(worker)
                return result if status == "ok" else "failed"
            self.last_killed_pid = worker.pid
            worker.kill()
            return "timeout" if status == "timeout" else "error"
        except RuntimeError:
            return "error"
        finally:
            self._slots.release()

    def _return(self, worker: _Worker) -> None:
        with self._lock:
            self._idle.append(worker)

    def idle_pids(self) -> list[int | None]:
        with self._lock:
            return [w.pid for w in self._idle]

    def shutdown(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            try:
                worker.conn.send_bytes(b"")
            except OSError:
                pass
            worker.kill()


_POOL = _Pool(_POOL_SIZE)
atexit.register(_POOL.shutdown)


def shutdown_workers() -> None:
    """Stop the idle proof workers (they also stop when the parent process exits)."""
    _POOL.shutdown()


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


# --------------------------------------------------------------------------------------------
# Hints: variants of the right answer built from the chain-rule factors.


def _sigma_prime_symbol(expr: sympy.Expr) -> sympy.Symbol | None:
    """s when expr is s(1 − s) for a symbol s (σ′ written with the neuron's output)."""
    for sym in sorted(expr.free_symbols, key=str):
        if sympy.expand(expr - sym * (1 - sym)) == 0:
            return sym
    return None


def _latex(expr) -> str:
    return sympy.latex(expr)


def _variants(expected, factors, paths) -> list[tuple[sympy.Expr, str]]:
    """(wrong expression, hint) pairs, most specific first."""
    out: list[tuple[sympy.Expr, str]] = []
    factor_list = list(factors or [])
    # σ′ slips, in a factor or in the whole answer when it is σ′ itself.
    slots = [(i, f) for i, (_, f) in enumerate(factor_list)] or [(None, expected)]
    for i, fac in slots:
        s = _sigma_prime_symbol(fac)
        if s is None:
            continue
        rest = (sympy.Mul(*[f for j, (_, f) in enumerate(factor_list) if j != i])
                if i is not None else sympy.Integer(1))
        s_tex = _latex(s)
        slip = (f"You wrote σ′ as $1 - {s_tex}$: the sigmoid's derivative is "
                f"${s_tex}(1 - {s_tex})$ — the notes make this slip for the hidden layer.")
        out.append((rest * (1 - s), slip))
        out.append((-rest * (1 - s), slip + " The sign is wrong too (the notes' formula has "
                                            "both slips)."))
        if i is None:  # with several factors a minus sign could come from any of them
            out.append((-s * (1 - s),
                        f"Sign slip: the sigmoid's derivative is ${s_tex}(1 - {s_tex})$, with "
                        f"no minus sign (the notes write $-\\hat{{y}}(1 - \\hat{{y}})$ by "
                        "mistake)."))
        out.append((rest * s,
                    f"σ′ is ${s_tex}(1 - {s_tex})$: the factor $(1 - {s_tex})$ is missing."))
    # One output path instead of the sum over the output neurons.
    for k, path in enumerate(paths or [], start=1):
        out.append((path,
                    f"That is only the path through output neuron {k}: a hidden neuron feeds "
                    "every output neuron, so the gradient sums the paths over all of them."))
        out.append((-path, f"Only the path through output neuron {k}, and the sign is wrong: "
                           "sum the paths over every output neuron."))
    # Chain terms dropped (all subsets up to a size), with either sign.
    n = len(factor_list)
    if 0 < n <= _MAX_DROPPED_FACTORS:
        for size in range(1, n):
            for dropped in itertools.combinations(range(n), size):
                kept = sympy.Mul(*[f for j, (_, f) in enumerate(factor_list) if j not in dropped])
                names = ", ".join(f"${factor_list[j][0]}$" for j in dropped)
                word = "chain term" if size == 1 else "chain terms"
                out.append((kept, f"Missing the {word} {names}: multiply every factor of the "
                                  "chain rule."))
                out.append((-kept, f"Missing the {word} {names}, and the sign is wrong."))
    return out


def _sign_hint(expected: sympy.Expr, factors) -> str:
    candidates = [f for _, f in factors or []] + [expected]
    s = next((s for s in map(_sigma_prime_symbol, candidates) if s is not None), None)
    if s is not None:
        s_tex = _latex(s)
        return (f"Wrong sign: check each factor — the sigmoid's derivative is "
                f"${s_tex}(1 - {s_tex})$ with no minus sign (the notes' own slip is "
                f"$-{s_tex}(1 - {s_tex})$), and $\\partial E/\\partial y = -(t - y) = y - t$.")
    return ("Wrong sign: check each factor's sign — e.g. $\\partial E/\\partial y = -(t - y) = "
            "y - t$ for $E = \\frac{1}{2}(t - y)^2$.")


def _scale_hint(c: sympy.Expr) -> str:
    if c in (2, sympy.Rational(1, 2), -2, -sympy.Rational(1, 2)):
        return ("Off by a factor of 2: the ½ in $E = \\frac{1}{2}(t - y)^2$ cancels the 2 "
                "from the power rule.")
    return f"Off by a constant factor ${_latex(c)}$: check the numbers in each factor."


# --------------------------------------------------------------------------------------------


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


def check_answer(
    student_expr: sympy.Expr,
    expected: sympy.Expr,
    *,
    symbols: Mapping[str, sympy.Symbol],
    factors: Sequence[tuple[str, sympy.Expr]] | None = None,
    paths: Sequence[sympy.Expr] | None = None,
    definitions: Mapping[sympy.Symbol, sympy.Expr] | None = None,
    positive: bool = True,
    timeout: float = 2.0,
) -> Verdict:
    """Compare a parsed answer with the right one; see ``Verdict``.

    ``factors``: the chain-rule factors as ``(name_latex, expr)`` whose product is ``expected``;
    ``paths``: for a hidden weight, the per-output-neuron path products whose sum is
    ``expected``. ``definitions`` (e.g. ``{y: 1/(1+exp(-z))}``) are substituted into both sides
    so an answer in z is accepted where the page writes y. ``positive``: the page's symbols are
    positive (sigmoid outputs, positive inputs) — both for the proof and the test points.
    ``timeout`` is the time limit in seconds for the proof.
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

    student = _substitute(student_expr, definitions)
    target = _substitute(expected, definitions)
    syms = sorted(student.free_symbols | target.free_symbols, key=str)
    points = _sample_points(syms, positive)
    s_vals = _values(student, syms, points)
    e_vals = _values(target, syms, points)

    def verdict(**kwargs) -> Verdict:
        return Verdict(preview_latex=preview, **kwargs)

    def prove(diff: sympy.Expr) -> str:
        if positive:
            diff = diff.xreplace({s: sympy.Symbol(s.name, positive=True) for s in syms})
        return _POOL.run(diff, timeout)

    # "Different" needs a point where both are defined and differ; else try to prove.
    if not any(sv is not None and ev is not None and not _close(sv, ev)
               for sv, ev in zip(s_vals, e_vals, strict=True)):
        status = prove(student - target)
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
        if _close(float(guess), ratio) and prove(student - guess * target) == "zero":
            c = guess
            relation = "negated" if guess == -1 else "scaled"

    # Hints: which variant of the right answer did the student write?
    variant_list = [(_substitute(v, definitions), h) for v, h in _variants(expected, factors,
                                                                              paths)]
    for variant, text in variant_list:
        if _all_close(s_vals, _values(variant, syms, points)):
            hint = text
            break
    if hint is None and relation == "negated":
        hint = _sign_hint(expected, factors)
    if hint is None and relation == "scaled":
        hint = _scale_hint(c)

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
                   hint=hint, message=message)


def check_text(text: str, expected: sympy.Expr, *, symbols: Mapping[str, sympy.Symbol],
               **kwargs) -> Verdict:
    """``parse_answer`` then ``check_answer``; raises ``AnswerParseError`` for bad text."""
    return check_answer(parse_answer(text, symbols), expected, symbols=symbols, **kwargs)


# --------------------------------------------------------------------------------------------


@dataclass
class AnswerProgress:
    """Which answers (by key, e.g. "dy1_dz1") a student has got right, and attempts per key."""

    right: set[str] = field(default_factory=set)
    attempts: dict[str, int] = field(default_factory=dict)

    def record(self, key: str, verdict: Verdict | bool) -> None:
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
