"""Worker processes for everything SymPy does with a student's answer, under hard limits.

The Streamlit script thread never parses, prints or proves a student's expression itself: it
sends the job to a worker process and waits (without holding the interpreter lock). A hosted
server has many students and two cores, so:

- **Hard limits.** Each job has a CPU budget. The worker enforces it with a CPU-time timer
  (``ITIMER_PROF``, raised in the worker's main thread: the job answers "timeout" and the
  worker lives on), the parent kills the worker once the job has used a second more CPU
  (read from /proc: inside a long C call no signal handler runs), the kernel kills it a
  little later still (``RLIMIT_CPU``), and a generous wall-clock limit catches the rest. A
  killed worker is replaced.
- **Fair share.** Each session has at most one job in flight per lane (a second gets
  ``"in_flight"``: "still checking your last answer"). Waiting jobs are served in order of their
  session's recent use of the workers (halving every ``USAGE_HALF_LIFE`` seconds), so a student
  sending one slow answer after another waits behind a student with one quick answer, not the
  other way; and sessions with heavy recent use share all workers but one, which stays free
  for everyone else.
- **No orphans.** A worker exits when the server does: the kernel sends it SIGKILL when its
  parent thread ends (``PR_SET_PDEATHSIG`` on Linux; workers are started from the lane's own
  long-lived dispatcher threads, never a script thread), and a watcher thread exits when the
  lifeline pipe from the parent closes (any OS, and if the parent is SIGKILLed).

Workers are plain ``python -c`` processes (not multiprocessing: Streamlit runs a page as
``__main__``, which spawn/forkserver would re-run in the child). Jobs name a function in
``JOBS`` (a fixed table, never text from the student) and travel pickled over pipes.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib
import itertools
import math
import os
import pickle
import resource
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path

__all__ = [
    "JOBS",
    "Lane",
    "OverBudget",
    "cpu_budget",
    "lane",
    "shutdown_workers",
    "warm_up",
]

# The job table: kind → "module:function". The worker imports only these.
JOBS = {
    "prove": "derivations.answer_verdicts:prove_zero",
    "preview": "derivations.answer_verdicts:preview_job",
    "check": "derivations.answer_verdicts:check_job",
}

WORKER_START_TIMEOUT = 120.0  # seconds; start-up is not charged to any job
QUEUE_WAIT = 60.0  # at most this long in the queue, then "busy"
USAGE_HALF_LIFE = 30.0  # seconds: how fast a session's past CPU use is forgiven
HEAVY_USAGE = 3.0  # a session with more recent use than this is "heavy": its jobs may hold
# all workers but one, which stays free for everyone else
_ROOT = str(Path(__file__).resolve().parents[1])
_LIFELINE_ENV = "ANSWER_WORKER_LIFELINE_FD"
_PARENT_ENV = "ANSWER_WORKER_PARENT_PID"
_PR_SET_PDEATHSIG = 1
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class OverBudget(Exception):
    """Raised in a worker when the job's CPU budget is spent."""


_deadlines: list[float] = []  # CPU-time deadlines of the budgets in force, innermost last


def _over(_signum, _frame):
    raise OverBudget


def _arm() -> None:
    if _deadlines:
        signal.setitimer(signal.ITIMER_PROF, max(_deadlines[-1] - time.process_time(), 0.001))
    else:
        signal.setitimer(signal.ITIMER_PROF, 0)


@contextlib.contextmanager
def cpu_budget(seconds: float):
    """Raise ``OverBudget`` in this (main) thread once ``seconds`` of CPU time are used.

    Budgets nest (an inner one never outlasts the outer). Only in a process's main thread
    (signals); elsewhere it does nothing, and the parent's wall-clock kill is the limit.
    """
    if threading.current_thread() is not threading.main_thread() or not seconds > 0:
        yield
        return
    if signal.getsignal(signal.SIGPROF) is not _over:
        signal.signal(signal.SIGPROF, _over)
    deadline = time.process_time() + seconds
    _deadlines.append(min(deadline, _deadlines[-1]) if _deadlines else deadline)
    _arm()
    try:
        yield
    finally:
        _deadlines.pop()
        _arm()


# --------------------------------------------------------------------------------------------
# The worker side.


def _die_with_parent(lifeline_fd: int, parent_pid: int) -> None:
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # the lifeline below still works
    if os.getppid() != parent_pid:  # the parent died before prctl took effect
        os._exit(0)

    def watch() -> None:
        with contextlib.suppress(OSError):
            while os.read(lifeline_fd, 1):
                pass
        os._exit(0)  # EOF: every copy of the parent's end is closed, the parent is gone

    threading.Thread(target=watch, name="lifeline", daemon=True).start()


def _limit_cpu(seconds: float) -> None:
    """Kernel backstop: SIGXCPU (then SIGKILL) a little after ``seconds`` more of CPU."""
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = used.ru_utime + used.ru_stime
    soft = math.ceil(spent + seconds) + 2
    with contextlib.suppress(ValueError, OSError):
        _, hard = resource.getrlimit(resource.RLIMIT_CPU)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard if hard == resource.RLIM_INFINITY
                                                  else max(hard, soft)))


def _serve(reader: Connection, writer: Connection) -> None:
    """The worker loop: run each job sent, until the parent closes the pipe."""
    functions: dict[str, Callable] = {}
    writer.send("ready")
    while True:
        try:
            data = reader.recv_bytes()
        except (EOFError, OSError):  # the parent is gone: exit, leave no orphan
            return
        if not data:  # b"": stop
            return
        try:
            kind, budget, job = pickle.loads(data)
            if kind not in functions:
                module, name = JOBS[kind].split(":")
                functions[kind] = getattr(importlib.import_module(module), name)
            _limit_cpu(budget)
            with cpu_budget(budget):
                args, kwargs = pickle.loads(job)  # unpickling SymPy objects evaluates them
                reply = ("ok", functions[kind](*args, **kwargs))
        except OverBudget:
            reply = ("timeout", None)
        except Exception as exc:  # any SymPy failure is reported, the worker lives on
            reply = ("failed", f"{type(exc).__name__}: {exc}")
        try:
            message = pickle.dumps(reply)
        except Exception:
            message = pickle.dumps(("failed", "the result could not be sent"))
        writer.send_bytes(message)


def _serve_stdio() -> None:
    """Child entry point: the protocol runs on stdin/stdout; stray prints go to stderr."""
    _die_with_parent(int(os.environ[_LIFELINE_ENV]), int(os.environ[_PARENT_ENV]))
    read_fd, write_fd = os.dup(0), os.dup(1)
    os.dup2(2, 1)
    _serve(Connection(read_fd, writable=False), Connection(write_fd, readable=False))


# --------------------------------------------------------------------------------------------
# The parent side.


class _Worker:
    """One worker process; started by (and so tied to) the dispatcher thread that owns it."""

    def __init__(self) -> None:
        lifeline_read, self._lifeline = os.pipe()
        env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1",
                   MKL_NUM_THREADS="1")
        env["PYTHONPATH"] = os.pathsep.join(p for p in (_ROOT, env.get("PYTHONPATH")) if p)
        env[_LIFELINE_ENV] = str(lifeline_read)
        env[_PARENT_ENV] = str(os.getpid())
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-c",
                 "from derivations.proof_pool import _serve_stdio; _serve_stdio()"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True,
                pass_fds=(lifeline_read,))
        finally:
            os.close(lifeline_read)
        self.reader = Connection(os.dup(self.process.stdout.fileno()), writable=False)
        self.writer = Connection(os.dup(self.process.stdin.fileno()), readable=False)
        self.process.stdout.close()
        self.process.stdin.close()
        try:
            ready = self.reader.poll(WORKER_START_TIMEOUT) and self.reader.recv() == "ready"
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

    def cpu_seconds(self) -> float | None:
        """The worker's CPU time so far (Linux /proc), None where it cannot be read."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        except (OSError, IndexError, ValueError):
            return None

    def run(self, payload: bytes, cpu_limit: float, wall_limit: float
            ) -> tuple[str, object, bool]:
        """(status, result, whether the worker was killed). Killed when the job uses more
        than ``cpu_limit`` seconds of CPU (a busy server slows a job down, it does not make it
        use more CPU) or runs ``wall_limit`` seconds."""
        try:
            start_cpu, start = self.cpu_seconds(), time.monotonic()
            self.writer.send_bytes(payload)
            while not self.reader.poll(0.2):
                cpu = self.cpu_seconds()
                used = cpu - start_cpu if cpu is not None and start_cpu is not None else None
                if (used is not None and used > cpu_limit) or (
                        time.monotonic() - start > wall_limit):
                    return "timeout", None, True
            status, result = pickle.loads(self.reader.recv_bytes())
            return status, result, False
        except (EOFError, OSError, pickle.UnpicklingError):
            return "error", None, True  # the worker died (e.g. the kernel's CPU limit)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)
        for end in (self.reader, self.writer):
            with contextlib.suppress(OSError):
                end.close()
        with contextlib.suppress(OSError):
            os.close(self._lifeline)


@dataclass
class _Ticket:
    session: str
    seq: int
    payload: bytes
    cpu_limit: float
    wall_limit: float
    future: Future = field(default_factory=Future)
    queued: float = field(default_factory=time.monotonic)
    started: float | None = None


class Lane:
    """A fixed number of workers for one kind of work, shared fairly between sessions.

    ``submit`` returns a Future of ``(status, result)``: status "ok" (result is the job's),
    "failed" (the job raised; result is the message), "timeout" (over its CPU or wall limit;
    a worker the parent had to kill is replaced), "error" (the worker died), "busy" (no worker
    free within
    ``QUEUE_WAIT``) or "in_flight" (this session already has a job here).
    """

    def __init__(self, name: str, size: int) -> None:
        self.name, self.size = name, size
        self._cond = threading.Condition()
        self._waiting: list[_Ticket] = []
        self._in_flight: dict[str, _Ticket] = {}
        self._usage: dict[str, tuple[float, float]] = {}  # session → (CPU-ish seconds, when)
        self._seq = itertools.count()
        self._threads: list[threading.Thread] = []
        self._workers: dict[tuple[int, int], _Worker | None] = {}  # (generation, slot) →
        self._generation = 0  # shutdown starts a new one; older dispatchers stop
        self._warm = False  # start workers before the first job
        self._running: dict[str, _Ticket] = {}  # session → its job running now
        self.last_killed_pid: int | None = None

    # -- the scheduler -----------------------------------------------------------------------
    def _usage_now(self, session: str, now: float) -> float:
        used, when = self._usage.get(session, (0.0, now))
        running = self._running.get(session)  # a job running now counts as it goes
        extra = now - running.started if running is not None and running.started else 0.0
        return used * 0.5 ** ((now - when) / USAGE_HALF_LIFE) + extra

    def _charge(self, session: str, seconds: float) -> None:
        now = time.monotonic()
        self._usage[session] = (self._usage_now(session, now) + seconds, now)
        if len(self._usage) > 10_000:  # forget the long-gone sessions
            self._usage = {s: u for s, u in self._usage.items() if now - u[1] < 600}

    def _heavy(self, session: str, now: float) -> bool:
        return self._usage_now(session, now) > HEAVY_USAGE

    def _next_ticket(self) -> _Ticket | None:
        """The waiting job of the session with the least recent use, or None when only
        heavy sessions wait and they already hold all but one worker (kept for the others)."""
        now = time.monotonic()
        running_heavy = sum(self._heavy(t.session, now) for t in self._running.values())
        for ticket in sorted(self._waiting,
                             key=lambda t: (self._usage_now(t.session, now), t.seq)):
            if (self.size < 2 or not self._heavy(ticket.session, now)
                    or running_heavy < self.size - 1):
                return ticket
        return None

    def submit(self, session: str, kind: str, *args, budget: float, wall_limit: float | None = None,
               **kwargs) -> Future:
        """Queue ``JOBS[kind](*args, **kwargs)`` with a CPU ``budget`` (seconds)."""
        payload = pickle.dumps((kind, budget, pickle.dumps((args, kwargs))))
        # The worker stops itself at ``budget``; the parent kills it a second later (CPU),
        # or when even a crowded server should have finished (wall).
        wall = wall_limit if wall_limit is not None else 10 * budget + 30.0
        with self._cond:
            if session in self._in_flight:
                done: Future = Future()
                done.ticket = None
                done.set_result(("in_flight", None))
                return done
            ticket = _Ticket(session, next(self._seq), payload, budget + 1.0, wall)
            self._in_flight[session] = ticket
            self._waiting.append(ticket)
            self._start_threads()
            self._cond.notify_all()
        ticket.future.ticket = ticket  # for cancel()
        return ticket.future

    def run(self, session: str, kind: str, *args, budget: float,
            wall_limit: float | None = None, **kwargs) -> tuple[str, object]:
        """``submit`` and wait for the answer (at most the queue wait plus the job's limit)."""
        future = self.submit(session, kind, *args, budget=budget, wall_limit=wall_limit,
                             **kwargs)
        return self.result(future, self.longest_wait(future))

    @staticmethod
    def longest_wait(future: Future) -> float:
        """How long a caller may have to wait for ``future``: the queue, then the job."""
        ticket = getattr(future, "ticket", None)
        return QUEUE_WAIT + (ticket.wall_limit if ticket is not None else 0.0) + 5.0

    def result(self, future: Future, timeout: float) -> tuple[str, object]:
        """The job's ``(status, result)``, or ("busy", None) if it has not started within
        ``timeout`` (it is taken out of the queue then)."""
        try:
            return future.result(timeout)
        except TimeoutError:
            self.cancel(future)
            return future.result()  # "busy" if it was still waiting, else the real answer

    def cancel(self, future: Future) -> None:
        """Take a job out of the queue if it has not started (its answer becomes "busy")."""
        ticket = getattr(future, "ticket", None)
        with self._cond:
            if ticket is not None and ticket in self._waiting:
                self._waiting.remove(ticket)
                self._in_flight.pop(ticket.session, None)
                ticket.future.set_result(("busy", None))

    def _start_threads(self) -> None:
        while len(self._threads) < self.size:
            slot = (self._generation, len(self._threads))
            thread = threading.Thread(target=self._dispatch, args=(slot,), daemon=True,
                                      name=f"{self.name}-worker-{slot[1]}")
            self._threads.append(thread)
            thread.start()

    def _dispatch(self, slot: tuple[int, int]) -> None:
        """One dispatcher thread: owns one worker process and feeds it the fairest job."""
        while True:
            if self._warm and self._workers.get(slot) is None:
                with contextlib.suppress(RuntimeError, OSError):
                    self._workers[slot] = _Worker()
            with self._cond:
                ticket = None
                while self._generation == slot[0]:
                    ticket = self._next_ticket() if self._waiting else None
                    if ticket is not None:
                        break
                    self._cond.wait(1.0)  # past use decays: a heavy session may turn light
                if self._generation != slot[0]:
                    return
                self._waiting.remove(ticket)
                if time.monotonic() - ticket.queued > QUEUE_WAIT:  # nobody waits for it now
                    self._in_flight.pop(ticket.session, None)
                    ticket.future.set_result(("busy", None))
                    continue
                ticket.started = time.monotonic()
                self._running[ticket.session] = ticket
            status, result = self._execute(slot, ticket)
            elapsed = time.monotonic() - ticket.started
            with self._cond:
                del self._running[ticket.session]
                self._charge(ticket.session, elapsed)
                self._in_flight.pop(ticket.session, None)
                self._cond.notify_all()
            ticket.future.set_result((status, result))

    def _execute(self, slot: tuple[int, int], ticket: _Ticket) -> tuple[str, object]:
        worker = self._workers.get(slot)
        if worker is None or not worker.alive():
            if worker is not None:
                worker.kill()
            try:
                worker = _Worker()
            except (RuntimeError, OSError):
                self._workers[slot] = None
                return "error", None
            self._workers[slot] = worker
        status, result, killed = worker.run(ticket.payload, ticket.cpu_limit,
                                            ticket.wall_limit)
        if killed:
            # Over its limit or dead: replace it.
            self.last_killed_pid = worker.pid
            worker.kill()
            self._workers[slot] = None
        return status, result

    def warm(self) -> None:
        """Start the workers now (a worker takes seconds to import SymPy), not on first use."""
        with self._cond:
            self._start_threads()
            self._warm = True
            self._cond.notify_all()

    # -- inspection and shutdown -------------------------------------------------------------
    def worker_pids(self) -> list[int]:
        return [w.pid for w in self._workers.values() if w is not None and w.alive()]

    def in_flight(self, session: str) -> bool:
        with self._cond:
            return session in self._in_flight

    def shutdown(self) -> None:
        """Stop the workers (a busy one is killed; its job answers "error"). New jobs start
        new workers."""
        with self._cond:
            self._generation += 1
            self._cond.notify_all()
            threads, self._threads = self._threads, []
        for thread in threads:
            thread.join(0.2)
        for slot, worker in list(self._workers.items()):
            if worker is not None and slot[0] < self._generation:
                with contextlib.suppress(OSError):
                    worker.writer.send_bytes(b"")
                worker.kill()
                self._workers.pop(slot, None)


_LANES: dict[str, Lane] = {}
_LANES_LOCK = threading.Lock()
LANE_SIZES = {"preview": 1, "check": 2}


def lane(name: str) -> Lane:
    """The server-wide lane ``name`` ("preview": reading answers, "check": verdicts)."""
    with _LANES_LOCK:
        if name not in _LANES:
            _LANES[name] = Lane(name, LANE_SIZES[name])
        return _LANES[name]


def warm_up() -> None:
    """Start every lane's workers in the background (a page with answer boxes calls this)."""
    for name in LANE_SIZES:
        lane(name).warm()


def shutdown_workers() -> None:
    """Stop every worker (they also stop when the server process exits)."""
    with _LANES_LOCK:
        lanes = list(_LANES.values())
    for each in lanes:
        each.shutdown()


atexit.register(shutdown_workers)
