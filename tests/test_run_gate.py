"""ui.run_gate: script runs go a few at a time, in the order they came, and a run waiting on a
worker gives its slot away meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
from streamlit.runtime.scriptrunner import script_runner
from streamlit.testing.v1 import AppTest

from ui import run_gate
from ui.run_gate import FifoGate

WAIT = 10.0  # s: generous, for a loaded machine; a working gate takes milliseconds


def _wait_until(condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.002)


def test_one_slot_lets_runs_in_in_the_order_they_asked():
    gate, order, release = FifoGate(1), [], threading.Event()
    gate.enter()  # a run in progress: the others queue behind it
    threads = []
    for k in range(6):
        def run(k=k):
            with gate.held():
                order.append(k)
        threads.append(threading.Thread(target=run))
        threads[-1].start()
        _wait_until(lambda k=k: len(gate._queue) == k + 1)  # queued, in this order
    assert order == []  # nobody passed the run in progress
    gate.leave()
    release.set()
    for t in threads:
        t.join(WAIT)
    assert order == list(range(6))
    assert gate.held_slots() == 0


def test_never_more_runs_at_once_than_slots():
    gate, inside, most, lock = FifoGate(2), [0], [0], threading.Lock()

    def run():
        with gate.held():
            with lock:
                inside[0] += 1
                most[0] = max(most[0], inside[0])
            time.sleep(0.01)
            with lock:
                inside[0] -= 1

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert most[0] == 2
    assert gate.held_slots() == 0


def test_a_run_that_raises_gives_its_slot_back():
    gate = FifoGate(1)
    with pytest.raises(RuntimeError), gate.held():
        raise RuntimeError("the page failed")
    assert gate.held_slots() == 0
    with gate.held():  # not stuck
        assert gate.holds()


def test_a_run_waiting_on_a_worker_steps_out(monkeypatch):
    gate = FifoGate(1)
    monkeypatch.setattr(run_gate, "_gate", gate)
    other_ran, waiting = threading.Event(), threading.Event()

    def other():
        waiting.wait(WAIT)
        with gate.held():
            other_ran.set()

    t = threading.Thread(target=other)
    with gate.held():
        t.start()
        with run_gate.stepped_out():
            assert not gate.holds()
            waiting.set()
            assert other_ran.wait(WAIT)  # it got in while this run waited
        assert gate.holds()  # back in before drawing anything more
    t.join(WAIT)
    assert gate.held_slots() == 0


ANSWER_PAGE = """
import sympy
import streamlit as st
from ui.answer_box import answer_box
y = sympy.Symbol("y")
st.session_state.setdefault("seen", [])
answer_box("k", "y", y, {"y": y})
"""


def test_the_answer_box_waits_for_its_workers_outside_the_gate(monkeypatch, tmp_path):
    """The two waits of ui.answer_box (the preview of the typed text, the verdict) happen with
    the run's slot given away; the page's own drawing inside it."""
    import ui.answer_box as box

    monkeypatch.setattr(script_runner.ScriptRunner, "_run_script",
                        script_runner.ScriptRunner._run_script)  # restored after the test
    monkeypatch.setattr(run_gate, "_gate", None)
    monkeypatch.setenv("NN_RUN_SLOTS", "1")
    assert run_gate.gate_script_runs.__wrapped__() == 1
    gate = run_gate._gate
    held_during: dict[str, bool] = {}
    real_preview = box.preview

    def preview(*args, **kwargs):
        held_during["preview"] = gate.holds()
        return real_preview(*args, **kwargs)

    class Pending(box.PendingVerdict):
        def __init__(self):
            pass

        def done(self):
            return True

        def verdict(self, wait):
            held_during["verdict"] = gate.holds()
            return None  # "still checking"

    monkeypatch.setattr(box, "preview", preview)
    monkeypatch.setattr(box, "start_check_text", lambda *a, **k: Pending())
    page = tmp_path / "answer.py"
    page.write_text(ANSWER_PAGE)
    at = AppTest.from_file(str(page), default_timeout=60)
    at.run()
    at.text_input(key="k__text").input("y*(1 - y)").run()
    at.button(key="k__check").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert held_during == {"preview": False, "verdict": False}
    assert gate.held_slots() == 0  # every run gave its slot back


def test_not_installed_on_another_streamlit(monkeypatch):
    monkeypatch.setattr(script_runner.ScriptRunner, "_run_script",
                        script_runner.ScriptRunner._run_script)
    before = script_runner.ScriptRunner._run_script
    monkeypatch.setattr(run_gate.streamlit, "__version__", "0.0.0")
    assert run_gate.gate_script_runs.__wrapped__() == 0
    assert script_runner.ScriptRunner._run_script is before
