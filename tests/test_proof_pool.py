"""derivations.proof_pool: hard limits, one job in flight per session, a fair share, and no
worker outliving the server."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sympy

from derivations.proof_pool import Lane

ROOT = Path(__file__).resolve().parents[1]
x, u, v, s = sympy.symbols("x u v s")
# simplify of this (equal) difference runs for well over a minute.
_SLOW = sympy.tanh(x + u) ** 5 * sympy.exp(x - v) * (x + v) ** 6 / (1 + sympy.exp(-x - s)) ** 4
SLOW_DIFF = _SLOW - sympy.expand(_SLOW.rewrite(sympy.exp))


def _running(pid: int) -> bool:
    """Alive and not a zombie (a reaped or zombie process burns no CPU)."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def make_lane():
    lanes = []

    def make(size):
        lanes.append(Lane("test", size))
        return lanes[-1]

    yield make
    for lane in lanes:
        lane.shutdown()


@pytest.mark.timeout(300)
def test_worker_dies_when_the_server_is_killed_mid_check(tmp_path):
    parent = tmp_path / "server.py"
    parent.write_text(
        "import sys, time\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "from derivations.proof_pool import Lane\n"
        f"from tests.test_proof_pool import SLOW_DIFF\n"
        "lane = Lane('check', 1)\n"
        "lane.submit('student', 'prove', SLOW_DIFF, budget=600)\n"
        "while not lane.worker_pids(): time.sleep(0.05)\n"
        "print(lane.worker_pids()[0], flush=True)\n"
        "time.sleep(600)\n")
    server = subprocess.Popen([sys.executable, str(parent)], stdout=subprocess.PIPE, text=True,
                              cwd=ROOT)
    try:
        worker = int(server.stdout.readline())
        time.sleep(1.0)  # the worker is simplifying now
        assert _running(worker)
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        deadline = time.monotonic() + 2.0
        while _running(worker) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(worker), "the worker outlived the server"
    finally:
        if server.poll() is None:
            server.kill()


@pytest.mark.timeout(120)
def test_one_job_in_flight_per_session_and_others_still_served(make_lane):
    lane = make_lane(2)
    slow = lane.submit("a", "prove", SLOW_DIFF, budget=2.0)
    again = lane.submit("a", "prove", sympy.Integer(0), budget=4.0)
    assert again.result(5) == ("in_flight", None)  # "still checking your last answer"
    quick = lane.submit("b", "prove", x - x, budget=4.0)
    assert quick.result(60) == ("ok", "zero")
    assert not slow.done()  # b did not wait for a
    status, _ = slow.result(60)
    assert status == "timeout"  # past its CPU budget: stopped by the worker itself …
    assert lane.submit("a", "prove", x - x, budget=4.0).result(60) == ("ok", "zero")
    assert lane.last_killed_pid is None  # … which lives on


@pytest.mark.timeout(120)
def test_a_worker_that_ignores_its_own_limit_is_killed_at_the_cpu_limit():
    # Inside one long C call no signal handler runs, so the worker's own timer cannot stop
    # it: the parent reads its CPU time and kills it. Here a process that burns CPU and never
    # answers stands in for such a worker.
    from multiprocessing.connection import Connection

    from derivations.proof_pool import _Worker

    burner = subprocess.Popen([sys.executable, "-c", "while True: pass"],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    worker = _Worker.__new__(_Worker)
    worker.process = burner
    worker.reader = Connection(os.dup(burner.stdout.fileno()), writable=False)
    worker.writer = Connection(os.dup(burner.stdin.fileno()), readable=False)
    worker._lifeline = os.open(os.devnull, os.O_RDONLY)
    start = time.monotonic()
    status, _, killed = worker.run(b"job", cpu_limit=0.5, wall_limit=100.0)
    assert (status, killed) == ("timeout", True)
    assert time.monotonic() - start < 90  # the CPU limit, not the wall limit, ended it
    worker.kill()
    assert not _running(burner.pid)


@pytest.mark.timeout(120)
def test_a_session_with_less_recent_use_goes_first(make_lane):
    lane = make_lane(1)
    assert lane.submit("heavy", "prove", SLOW_DIFF, budget=1.0).result(60)[0] == "timeout"
    blocker = lane.submit("other", "prove", SLOW_DIFF, budget=1.5)
    time.sleep(0.3)  # "other" holds the only worker now
    heavy = lane.submit("heavy", "prove", x - x, budget=2.0)
    light = lane.submit("light", "prove", x - x, budget=2.0)  # came later, used nothing
    assert heavy.result(60) == light.result(60) == ("ok", "zero")
    assert blocker.result(60)[0] == "timeout"
    assert light.ticket.started < heavy.ticket.started


def test_a_job_that_fails_is_a_status_and_the_worker_lives_on(make_lane):
    lane = make_lane(1)
    assert lane.submit("a", "prove", "not an expression", budget=2.0).result(60)[0] in (
        "ok", "failed")
    pid = lane.worker_pids()[0]
    assert lane.submit("a", "prove", x - x, budget=2.0).result(60) == ("ok", "zero")
    assert lane.worker_pids() == [pid]


@pytest.mark.timeout(180)
def test_heavy_sessions_leave_one_worker_for_the_others(make_lane):
    lane = make_lane(2)
    assert lane.submit("warm", "prove", x - x, budget=2.0).result(60) == ("ok", "zero")
    lane._charge("heavy1", 100.0)  # both have used the checkers a lot just now
    lane._charge("heavy2", 100.0)
    first = lane.submit("heavy1", "prove", SLOW_DIFF, budget=1.5)
    second = lane.submit("heavy2", "prove", SLOW_DIFF, budget=1.5)
    time.sleep(0.5)
    light = lane.submit("light", "prove", x - x, budget=2.0)
    assert light.result(60) == ("ok", "zero")
    # Only one heavy job ran beside it; the other waited for a worker heavy jobs may use.
    assert not (first.done() and second.done())
    assert first.result(120)[0] == second.result(120)[0] == "timeout"
    later = max(first.ticket.started, second.ticket.started)
    assert light.ticket.started < later


def test_in_flight_answers_at_once_through_every_entry_point(make_lane):
    lane = make_lane(1)
    slow = lane.submit("a", "prove", SLOW_DIFF, budget=1.0)
    assert lane.run("a", "prove", x - x, budget=1.0) == ("in_flight", None)
    assert slow.result(60)[0] == "timeout"
