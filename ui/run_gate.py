"""At most a few script runs at once per server process, in the order they arrive.

Streamlit runs each session's rerun in a thread of its own, and under one interpreter lock the
reruns in flight share the core: with 60 in flight each finishes only when nearly all have, so
a click waits for the whole class's work. Let ``SLOTS`` run at a time, first come first served,
and a click waits only for the runs before it: the same work, done sooner for most. Measured
(``python -m bench.capacity --levels 64``, alternated, README "Server settings"): p95 click to
page 1.36-1.42 s without the gate, 0.61 s with two slots, 0.48-0.52 s with one. Two, not one:
a long run (a page's first SymPy derivation, seconds when cold) then holds one slot while the
class goes on through the other.

A run that waits for something outside this process (a worker checking a typed answer) steps
out of the gate while it waits (``stepped_out``). The environment variable ``NN_RUN_SLOTS``
sets the slots (0: no gate). It wraps ``ScriptRunner._run_script``, an internal method, so it
is installed only on the Streamlit version it was checked against (``CHECKED_VERSION``).
"""

from __future__ import annotations

import collections
import contextlib
import functools
import os
import threading

import streamlit
from streamlit.logger import get_logger

_LOGGER = get_logger(__name__)

CHECKED_VERSION = "1.67.0"
SLOTS = 2


class FifoGate:
    """At most ``slots`` holders at a time, let in in the order they asked."""

    def __init__(self, slots: int) -> None:
        self.slots = slots
        self._cond = threading.Condition()
        self._queue: collections.deque = collections.deque()
        self._holders: collections.Counter = collections.Counter()  # thread id → holds

    def enter(self) -> None:
        ticket = object()
        with self._cond:
            self._queue.append(ticket)
            while self._queue[0] is not ticket or self.held_slots() >= self.slots:
                self._cond.wait()
            self._queue.popleft()
            self._holders[threading.get_ident()] += 1
            self._cond.notify_all()  # the next in line may come in too, if a slot is free

    def leave(self) -> None:
        with self._cond:
            me = threading.get_ident()
            self._holders[me] -= 1
            if not self._holders[me]:
                del self._holders[me]
            self._cond.notify_all()

    def held_slots(self) -> int:
        return sum(self._holders.values())

    def holds(self) -> bool:
        """Whether the calling thread holds a slot."""
        return threading.get_ident() in self._holders

    @contextlib.contextmanager
    def held(self):
        self.enter()
        try:
            yield
        finally:
            self.leave()


_gate: FifoGate | None = None  # the process's gate, once installed


@contextlib.contextmanager
def stepped_out():
    """Around a wait on something that is not this process's CPU (a worker's answer): the
    calling run gives its slot to the next in line, and queues again when the wait is over."""
    gate = _gate
    if gate is None or not gate.holds():
        yield
        return
    gate.leave()
    try:
        yield
    finally:
        gate.enter()


@functools.cache  # once per process: app.py runs again on every rerun
def gate_script_runs() -> int:
    """Put Streamlit's script runs behind a FifoGate of ``NN_RUN_SLOTS`` (default ``SLOTS``)
    slots; returns the slots (0: no gate), also written to the server log."""
    global _gate
    slots = int(os.environ.get("NN_RUN_SLOTS", SLOTS))
    if streamlit.__version__ != CHECKED_VERSION:
        _LOGGER.warning("Script runs not gated: checked on Streamlit %s, running %s",
                        CHECKED_VERSION, streamlit.__version__)
        return 0
    if slots > 0:
        from streamlit.runtime.scriptrunner import script_runner

        gate = _gate = FifoGate(slots)
        run_script = script_runner.ScriptRunner._run_script

        @functools.wraps(run_script)
        def gated(self, *args, **kwargs):
            with gate.held():
                return run_script(self, *args, **kwargs)

        script_runner.ScriptRunner._run_script = gated
    _LOGGER.info("Script runs at once: %s", slots if slots > 0 else "any (no gate)")
    return max(slots, 0)
