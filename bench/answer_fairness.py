"""How long one student's quick, correct answer waits while others flood the checkers.

    python -m bench.answer_fairness [HEAVY_SESSIONS] [ROUNDS]

HEAVY_SESSIONS (default 8) sessions each keep one slow check in flight (simplify runs past
its 2 s limit); meanwhile one more session checks "y - t" ROUNDS times (default 5). Printed:
that session's wait per check, with the fair share (``derivations.proof_pool``) and with plain
first-come-first-served in the same process, and the CPU each worker lane used.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time

import sympy

from derivations import proof_pool
from derivations.answer_verdicts import start_check_answer

x, u, v, s, y, t = sympy.symbols("x u v s y t")
SLOW = sympy.tanh(x + u) ** 5 * sympy.exp(x - v) * (x + v) ** 6 / (1 + sympy.exp(-x - s)) ** 4
SLOW_EXPECTED = sympy.expand(SLOW.rewrite(sympy.exp))
HEAVY_SYMS = {"x": x, "u": u, "v": v, "s": s}


def _flood(session: str, stop: threading.Event, rounds_done: list) -> None:
    while not stop.is_set():
        start_check_answer(SLOW, SLOW_EXPECTED, symbols=HEAVY_SYMS, session=session,
                           timeout=2.0).verdict()
        rounds_done.append(session)


def _waits(heavy: int, rounds: int) -> list[float]:
    stop = threading.Event()
    done: list[str] = []
    floods = [threading.Thread(target=_flood, args=(f"heavy{k}", stop, done), daemon=True)
              for k in range(heavy)]
    for thread in floods:
        thread.start()
    while len(set(done)) < heavy:  # steady state: every flooding session has had a check
        time.sleep(0.5)
    waits = []
    for _ in range(rounds):
        start = time.perf_counter()
        verdict = start_check_answer(y - t, -(t - y), symbols={"y": y, "t": t},
                                     session="light").verdict()
        waits.append(time.perf_counter() - start)
        if not verdict.equivalent:
            print(f"  (the quick check got no verdict: {verdict.status})")
        time.sleep(1.0)
    stop.set()
    for thread in floods:
        thread.join(60)
    return waits


def main(argv: list[str]) -> int:
    heavy = int(argv[0]) if argv else 8
    rounds = int(argv[1]) if len(argv) > 1 else 5
    proof_pool.lane("check").warm()
    check = start_check_answer(y, y, symbols={"y": y}, session="warm").verdict()
    assert check.equivalent
    fair = _waits(heavy, rounds)
    lane = proof_pool.lane("check")
    fair_next = lane._next_ticket
    lane._next_ticket = lambda: min(lane._waiting, key=lambda ticket: ticket.seq)  # FIFO, all
    # workers for anyone: how the checkers were shared before
    try:
        fifo = _waits(heavy, rounds)
    finally:
        lane._next_ticket = fair_next
    print(f"{heavy} sessions flooding {lane.size} checkers with slow answers; one more "
          f"session checks 'y - t' {rounds} times")
    for name, waits in (("fair share", fair), ("first come, first served", fifo)):
        print(f"  {name:26s} wait median {statistics.median(waits):5.2f} s, "
              f"max {max(waits):5.2f} s  ({', '.join(f'{w:.2f}' for w in waits)})")
    proof_pool.shutdown_workers()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
