"""Red team for the answer parser: hostile answers, each parsed in a child process.

    python -m bench.answer_bombs [N]     # default 3000 generated answers, seeded

Prints how many answers were tried, refused and parsed, and the slowest ones with their CPU
time (measured in the child, around ``parse_answer`` alone). The child is killed when one
answer runs past ``KILL_SECONDS``, so a regression is reported, never a hang.
``tests/test_answer_bombs.py`` uses the same runner and templates with hypothesis.
"""

from __future__ import annotations

import json
import os
import random
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KILL_SECONDS = 20.0
NAMES = ("y", "t", "z", "x1", "w", "y_h11", "w_h11z1")

# Each wraps an answer in one more level: towers of powers, e, σ, trig, abs, log, nesting.
WRAPPERS = (
    "({})^10", "({})^9", "({})^-10", "({})^(1/3)", "({})^0.5", "({})²", "({})^({})",
    "e^({})", "e^-({})", "exp({})", "exp(-{})", "σ({})", "sigma(-{})", "sigmoid({})",
    "sin({})", "cos({})", "tan({})", "tanh({})", "abs({})", "log({})", "ln({})", "sqrt({})",
    "({})({})", "({})*({})", "({})/({})", "({})+({})", "({})-({})", "-({})", "(({}))",
    "{}*{}*{}", "({})^({})^({})", "10^({})", "2^({})", "(9^9)^({})", "y^({})", "({})y",
    "[{}]", "abs(cos({}))", "log(abs({}))", "σ(σ({}))", "exp(exp({}))", "({})^10^10",
)
SEEDS = ("e", "pi", "y", "t", "z", "x1", "10", "100", "9", "2", "0.5", "1e9", "123456789",
         "1e-9", "e^10", "10^10", "-1", "0", "y-t", "σ(z)", "(-8)", "1/3", "999999999999")


def tower(levels: list[str], seed: str) -> str:
    """``seed`` wrapped by each template in ``levels`` (inside out)."""
    text = seed
    for template in levels:
        text = template.replace("{}", text)
    return text


def random_answers(n: int, seed: int = 12) -> list[str]:
    rng = random.Random(seed)
    out = []
    while len(out) < n:
        text = tower([rng.choice(WRAPPERS) for _ in range(rng.randint(1, 14))],
                     rng.choice(SEEDS))
        if len(text) <= 300:  # the parser's MAX_LENGTH: longer text is refused at once
            out.append(text)
    return out


def _child() -> None:
    """Parse each JSON line from stdin; write {status, cpu, reason} lines to stdout."""
    import sympy

    from derivations.parser import AnswerParseError, parse_answer

    symbols = {name: sympy.Symbol(name) for name in NAMES}
    out = os.fdopen(os.dup(1), "w")
    sys.stdout = sys.stderr  # stray prints must not break the protocol
    for line in sys.stdin:
        text = json.loads(line)
        start = time.process_time()
        try:
            parse_answer(text, symbols)
            status, reason = "parsed", ""
        except AnswerParseError as err:
            status, reason = "refused", err.reason
        except Exception as exc:  # anything else is a bug the caller reports
            status, reason = "crashed", f"{type(exc).__name__}: {exc}"
        cpu = time.process_time() - start
        out.write(json.dumps({"status": status, "cpu": cpu, "reason": reason}) + "\n")
        out.flush()


class ParseRunner:
    """A child process that parses answers one at a time, killed if one takes too long."""

    def __init__(self, kill_seconds: float = KILL_SECONDS) -> None:
        self.kill_seconds = kill_seconds
        self.process: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p))
        return subprocess.Popen(
            [sys.executable, "-c", "from bench.answer_bombs import _child; _child()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)

    def parse(self, text: str) -> dict:
        """{"status": "parsed" | "refused" | "crashed" | "killed", "cpu": s, "reason": …}."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        self.process.stdin.write(json.dumps(text) + "\n")
        self.process.stdin.flush()
        ready, _, _ = select.select([self.process.stdout], [], [], self.kill_seconds)
        line = self.process.stdout.readline() if ready else ""
        if not line:
            self.close()
            return {"status": "killed", "cpu": self.kill_seconds,
                    "reason": f"no answer within {self.kill_seconds:g} s"}
        return json.loads(line)

    def close(self) -> None:
        if self.process is not None:
            if self.process.poll() is None:
                self.process.kill()
            self.process.wait()
            self.process = None


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 3000
    answers = random_answers(n)
    runner = ParseRunner()
    runner.parse("y")  # start-up (imports) is not part of any case
    results = []
    start = time.perf_counter()
    try:
        for text in answers:
            results.append((runner.parse(text), text))
    finally:
        runner.close()
    count = {s: sum(r["status"] == s for r, _ in results)
             for s in ("parsed", "refused", "crashed", "killed")}
    print(f"inputs tried: {len(results)} (lengths {min(map(len, answers))}–"
          f"{max(map(len, answers))} characters), in {time.perf_counter() - start:.1f} s")
    print(f"refused: {count['refused']}   parsed: {count['parsed']}   "
          f"crashed: {count['crashed']}   killed: {count['killed']}")
    slowest = sorted(results, key=lambda rt: -rt[0]["cpu"])[:5]
    print("slowest (CPU seconds of parse_answer in the child):")
    for r, text in slowest:
        print(f"  {r['cpu']:.3f} s  {r['status']:8s} {text[:90]}")
    for r, text in results:
        if r["status"] in ("crashed", "killed"):
            print(f"  {r['status']}: {text[:90]} — {r['reason'][:120]}")
    return 1 if count["crashed"] or count["killed"] or slowest[0][0]["cpu"] > 0.5 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
