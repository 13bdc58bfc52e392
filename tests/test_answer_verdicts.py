"""derivations.answer_verdicts: checking student answers in workers, hints from the chain rule.

The notes' factors are built here directly with SymPy (E = ½(t − y)², y = σ(z)), not taken
from the derivation modules, so these tests stand on their own.
"""

import math
import os
import sys
import threading
import types

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations import answer_verdicts as verdicts_module
from derivations import proof_pool
from derivations.answer_verdicts import Verdict, check_answer, check_text
from derivations.parser import AnswerParseError, parse_answer
from page_model.answer_progress import AnswerProgress

y1, y2, t1, t2, z1, yh, zh, x1, w1, w2 = sympy.symbols(
    "y_1 y_2 t_1 t_2 z_1 y_h11 z_h11 x_1 w_h11z1 w_h11z2")


def sig(x):
    return 1 / (1 + sympy.exp(-x))


# One output neuron, as on the step-through page: y is the output, t the target.
OUT = {"y": y1, "t": t1, "z": z1, "y_h11": yh}
# The whole network of the notes' hidden-layer section, with two output neurons.
NET = {"y1": y1, "y2": y2, "t1": t1, "t2": t2, "y_h11": yh, "x1": x1,
       "w_h11z1": w1, "w_h11z2": w2, "z1": z1, "z_h11": zh}

E = sympy.Rational(1, 2) * (t1 - y1) ** 2
dE_dy = sympy.diff(E, y1)  # −(t − y)
dy_dz = y1 * (1 - y1)  # σ′ written with the output, as the page shows it
dyh_dzh = yh * (1 - yh)

# ∂E_total/∂w_{h11 z1} = ∂E/∂y1 · ∂y1/∂z1 · ∂z1/∂w_{h11 z1}
OUTPUT_FACTORS = [
    (r"\frac{\partial E_{total}}{\partial y_1}", dE_dy),
    (r"\frac{\partial y_1}{\partial z_1}", dy_dz),
    (r"\frac{\partial z_1}{\partial w_{h_{11}z_1}}", yh),
]
OUTPUT_GRADIENT = sympy.Mul(*[f for _, f in OUTPUT_FACTORS])

# ∂E_total/∂w_{x1 h11} = Σ_i (∂E_i/∂y_i ∂y_i/∂z_i ∂z_i/∂y_h11) · ∂y_h11/∂z_h11 · ∂z_h11/∂w
PATHS_TO_HIDDEN = [(y - t) * y * (1 - y) * w for y, t, w in ((y1, t1, w1), (y2, t2, w2))]
HIDDEN_FACTORS = [
    (r"\sum_i \frac{\partial E_i}{\partial y_i}\frac{\partial y_i}{\partial z_i}"
     r"\frac{\partial z_i}{\partial y_{h_{11}}}", sympy.Add(*PATHS_TO_HIDDEN)),
    (r"\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}}", dyh_dzh),
    (r"\frac{\partial z_{h_{11}}}{\partial w_{x_1h_{11}}}", x1),
]
HIDDEN_GRADIENT = sympy.Mul(*[f for _, f in HIDDEN_FACTORS])
HIDDEN_PATHS = [p * dyh_dzh * x1 for p in PATHS_TO_HIDDEN]


def check(text, expected, symbols=OUT, **kwargs) -> Verdict:
    return check_text(text, expected, symbols=symbols, **kwargs)


# ---------------------------------------------------------------------------------------------
# Every correct factor of the notes' derivations, in several equivalent forms.

@pytest.mark.parametrize(
    ("expected", "forms", "kwargs"),
    [
        (dE_dy, ["-(t-y)", "y-t", "-t+y", "(y − t)", "-1*(t-y)", "y - t + 0", "-(t - y)·1"],
         {}),
        (dy_dz, ["y(1-y)", "y*(1-y)", "y - y^2", "y-y²", "-y(y-1)", "(1-y)y", "y**1 - y**2"],
         {}),
        (dy_dz, ["exp(-z)/(1+exp(-z))^2", "σ(z)(1-σ(z))", "e^(-z)/(1+e^(-z))²",
                 "1/(1+exp(-z)) - 1/(1+exp(-z))^2", "exp(z)/(1+exp(z))^2", "y(1-y)"],
         {"definitions": {y1: sig(z1)}}),
        (yh, ["y_h11", "yh11", "1*y_h11"], {}),
        (dyh_dzh, ["y_h11(1-y_h11)", "yh11 - yh11^2"], {}),
    ],
)
def test_correct_factors_are_accepted_in_several_forms(expected, forms, kwargs):
    for text in forms:
        verdict = check(text, expected, **kwargs)
        assert verdict.equivalent, (text, verdict)
        assert verdict.relation == "equal"
        assert verdict.hint is None and verdict.counterexample is None
        assert not verdict.timed_out
        assert verdict.preview_latex == sympy.latex(parse_answer(text, OUT))


@pytest.mark.parametrize(
    "text",
    [
        "(y1-t1) y1 (1-y1) y_h11",
        "-(t1 - y1)*y1*(1 - y1)*y_h11",
        "y1 y_h11 (y1 - t1)(1 - y1)",
        "(y1^2 - y1^3 - t1 y1 + t1 y1^2) y_h11",
    ],
)
def test_whole_output_weight_gradient_accepted(text):
    verdict = check(text, OUTPUT_GRADIENT, NET, factors=OUTPUT_FACTORS)
    assert verdict.equivalent and verdict.relation == "equal"


@pytest.mark.parametrize(
    "text",
    [
        "((y1-t1)y1(1-y1)w_h11z1 + (y2-t2)y2(1-y2)w_h11z2) y_h11(1-y_h11) x1",
        "(y1-t1)y1(1-y1)w_h11z1 yh11(1-yh11)x1 + (y2-t2)y2(1-y2)w_h11z2 yh11(1-yh11)x1",
        "x1 (y_h11 - y_h11^2)((y1-t1)(y1-y1^2)w_h11z1 - (t2-y2)(y2-y2^2)w_h11z2)",
    ],
)
def test_whole_hidden_weight_gradient_accepted(text):
    verdict = check(text, HIDDEN_GRADIENT, NET, factors=HIDDEN_FACTORS, paths=HIDDEN_PATHS)
    assert verdict.equivalent and verdict.relation == "equal"


# ---------------------------------------------------------------------------------------------
# The notes' wrong formulas (and the other usual slips) are rejected with the matching hint.

def test_notes_sign_slip_on_sigma_prime():
    verdict = check("-y(1-y)", dy_dz)  # the notes: ∂y_i/∂z_i = −ŷ_i(1 − ŷ_i)
    assert not verdict.equivalent
    assert verdict.relation == "negated" and verdict.factor == -1
    assert "Sign slip" in verdict.hint and "no minus sign" in verdict.hint


def test_notes_hidden_layer_slip_one_minus_y():
    verdict = check("1 - y_h11", dyh_dzh)  # the notes: ∂y_h11/∂z_h11 = 1 − ŷ_h11
    assert not verdict.equivalent and verdict.relation == "different"
    assert "$1 - y_{h11}$" in verdict.hint and "hidden layer" in verdict.hint


def test_notes_whole_hidden_formula_gets_both_slips_named():
    # Following the notes: Σ(−(t−y))(−y(1−y))w · (1 − y_h) · x1.
    text = ("((-(t1-y1))(-y1(1-y1))w_h11z1 + (-(t2-y2))(-y2(1-y2))w_h11z2)"
            "(1 - y_h11) x1")
    verdict = check(text, HIDDEN_GRADIENT, NET, factors=HIDDEN_FACTORS, paths=HIDDEN_PATHS)
    assert not verdict.equivalent
    assert "1 - y_{h11}" in verdict.hint and "sign is wrong" in verdict.hint


def test_missing_sigma_prime_factor_is_named():
    verdict = check("(y1 - t1) y_h11", OUTPUT_GRADIENT, NET, factors=OUTPUT_FACTORS)
    assert not verdict.equivalent and verdict.relation == "different"
    assert "Missing the chain term" in verdict.hint
    assert r"\frac{\partial y_1}{\partial z_1}" in verdict.hint
    assert r"\partial E_{total}" not in verdict.hint  # only the missing one is named


def test_two_missing_factors_are_both_named():
    verdict = check("y1(1-y1)", OUTPUT_GRADIENT, NET, factors=OUTPUT_FACTORS)
    assert "chain terms" in verdict.hint
    assert r"\partial E_{total}" in verdict.hint and r"w_{h_{11}z_1}" in verdict.hint


def test_missing_sum_over_output_neurons():
    text = "(y1-t1)y1(1-y1)w_h11z1 y_h11(1-y_h11) x1"  # only the path through output 1
    verdict = check(text, HIDDEN_GRADIENT, NET, factors=HIDDEN_FACTORS, paths=HIDDEN_PATHS)
    assert not verdict.equivalent
    assert "output neuron 1" in verdict.hint and "sum" in verdict.hint
    verdict2 = check("(y2-t2)y2(1-y2)w_h11z2 y_h11(1-y_h11) x1", HIDDEN_GRADIENT, NET,
                     factors=HIDDEN_FACTORS, paths=HIDDEN_PATHS)
    assert "output neuron 2" in verdict2.hint


def test_wrong_sign_of_dE_dy():
    verdict = check("t - y", dE_dy)
    assert verdict.relation == "negated" and not verdict.equivalent
    assert "Wrong sign" in verdict.hint
    assert "negative" in verdict.message


def test_wrong_sign_in_whole_gradient_mentions_both_usual_culprits():
    verdict = check("(t1-y1) y1(1-y1) y_h11", OUTPUT_GRADIENT, NET, factors=OUTPUT_FACTORS)
    assert verdict.relation == "negated"
    assert "Wrong sign" in verdict.hint and "y_{1}(1 - y_{1})" in verdict.hint


def test_constant_factor_is_said_as_such():
    verdict = check("2(y - t)", dE_dy)
    assert verdict.relation == "scaled" and verdict.factor == 2 and not verdict.equivalent
    assert "factor of 2" in verdict.hint and "½" in verdict.hint
    verdict3 = check("3(y - t)", dE_dy)
    assert verdict3.relation == "scaled" and verdict3.factor == 3
    assert "3 times" in verdict3.message


def test_counterexample_holds_both_true_values():
    verdict = check("y + t", dE_dy)
    assert verdict.relation == "different" and not verdict.equivalent
    ce = verdict.counterexample
    assert set(ce["at"]) == {"y", "t"}
    point = {OUT[name]: value for name, value in ce["at"].items()}
    assert ce["student"] == pytest.approx(float((y1 + t1).subs(point)))
    assert ce["expected"] == pytest.approx(float(dE_dy.subs(point)))
    assert ce["student"] != pytest.approx(ce["expected"])
    assert f"{ce['student']:.4g}" in verdict.message


def test_positive_assumption_matters():
    # sqrt(y²) = y only for y ≥ 0: sigmoid outputs are positive, weights need not be.
    assert check("sqrt(y^2)", y1).equivalent
    verdict = check("sqrt(y^2)", y1, positive=False)
    assert not verdict.equivalent
    assert verdict.counterexample["at"]["y"] < 0


def test_same_answer_same_verdict():
    first = check("y + t", dE_dy)
    assert check("y + t", dE_dy) == first  # seeded test points: reproducible messages


# ---------------------------------------------------------------------------------------------
# The time limit: a separate process, killed on timeout, from any thread.

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(300)  # a hang guard; the check itself stops after its 2 s limit
def test_slow_simplify_times_out_and_the_worker_goes_on():
    x, u, v, s = sympy.symbols("x u v s")
    syms = {"x": x, "u": u, "v": v, "s": s}
    # simplify of this (equal, real) pair runs for well over a minute.
    slow = sympy.tanh(x + u) ** 5 * sympy.exp(x - v) * (x + v) ** 6 / (1 + sympy.exp(-x - s)) ** 4
    expanded = sympy.expand(slow.rewrite(sympy.exp))
    assert check_answer(x, x, symbols=syms).equivalent  # a warm worker
    pids = proof_pool.lane("check").worker_pids()
    verdict = check_answer(slow, expanded, symbols=syms, timeout=2.0)
    assert verdict.timed_out and verdict.relation == "unknown" and not verdict.equivalent
    assert "too complex" in verdict.message.lower()
    # The worker stopped the proof at its CPU limit and answers the next check.
    assert check("y(1-y)", dy_dz).equivalent
    assert set(proof_pool.lane("check").worker_pids()) & set(pids)


def test_tiny_time_limit_times_out():
    text = "(y1-t1)y1(1-y1)w_h11z1 yh11(1-yh11)x1 + (y2-t2)y2(1-y2)w_h11z2 yh11(1-yh11)x1"
    verdict = check(text, HIDDEN_GRADIENT, NET, timeout=0.001)
    assert verdict.timed_out and not verdict.equivalent


def test_checks_run_from_another_thread():
    # Streamlit runs page scripts in a non-main thread, where signal.alarm cannot work.
    results = []
    thread = threading.Thread(target=lambda: results.append(check("y - y^2", dy_dz)))
    thread.start()
    thread.join(120)
    assert results and results[0].equivalent


def test_shutdown_stops_idle_workers():
    assert check("y-t", dE_dy).equivalent
    pids = proof_pool.lane("check").worker_pids()
    assert pids
    proof_pool.shutdown_workers()
    assert proof_pool.lane("check").worker_pids() == []
    assert not any(_pid_alive(pid) for pid in pids)
    assert check("y-t", dE_dy).equivalent  # and a new one starts on demand


# ---------------------------------------------------------------------------------------------
# Bad input and progress.

def test_bad_arguments_are_refused_with_a_message():
    with pytest.raises(ValueError, match="parse_answer"):
        check_answer("y", y1, symbols=OUT)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="does not list"):
        check_answer(x1, x1, symbols=OUT)
    with pytest.raises(ValueError, match="timeout"):
        check_answer(y1, y1, symbols=OUT, timeout=0)
    unreadable = check("__import__('os')", y1)  # the parser's message, from the worker
    assert unreadable.status == "unreadable" and "Quotes" in unreadable.message
    assert not unreadable.equivalent


def test_progress_records_right_answers_per_key():
    progress = AnswerProgress()
    progress.record("dE_dy", check("t - y", dE_dy))
    assert not progress.is_right("dE_dy") and progress.attempts["dE_dy"] == 1
    progress.record("dE_dy", check("y - t", dE_dy))
    progress.record("dy_dz", False)
    assert progress.is_right("dE_dy") and not progress.is_right("dy_dz")
    assert progress.count(["dE_dy", "dy_dz", "dz_dw"]) == (1, 3)
    assert progress.attempts == {"dE_dy": 2, "dy_dz": 1}
    progress.record("dE_dy", False)  # a later slip does not take back a right answer
    assert progress.is_right("dE_dy")
    progress.reset()
    assert progress.count(["dE_dy"]) == (0, 1)


# ---------------------------------------------------------------------------------------------
# Fuzzing: random valid expressions never raise and never hang past the limit.

_atoms = st.sampled_from(["y", "t", "z", "y_h11", "2", "0.5", "3"])


def _grow(children):
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", ""]), children).map(
            lambda a: f"({a[0]}){a[1]}({a[2]})"),
        st.tuples(st.sampled_from(["exp", "σ", "tanh", "log", "sqrt", "-"]), children).map(
            lambda a: f"{a[0]}({a[1]})"),
        st.tuples(children, st.integers(-3, 4)).map(lambda a: f"({a[0]})^({a[1]})"),
    )


_expressions = st.recursive(_atoms, _grow, max_leaves=6)


def _parsed(text):
    try:
        return parse_answer(text, OUT)
    except AnswerParseError:
        return None


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions, _expressions)
def test_fuzz_any_two_valid_answers_get_a_verdict(text_a, text_b):
    a, b = _parsed(text_a), _parsed(text_b)
    if a is None or b is None:
        return
    verdict = check_answer(a, b, symbols=OUT, timeout=1.0)
    assert verdict.relation in {"equal", "negated", "scaled", "different", "unknown"}
    assert verdict.equivalent == (verdict.relation == "equal")
    if verdict.counterexample is not None:
        assert math.isfinite(verdict.counterexample["student"])
        assert math.isfinite(verdict.counterexample["expected"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions)
def test_fuzz_an_answer_equals_itself_and_not_its_negative(text):
    a = _parsed(text)
    if a is None:
        return
    same = check_answer(a, a, symbols=OUT, timeout=1.0)
    assert same.equivalent or same.timed_out
    values = [verdicts_module._values(a, sorted(a.free_symbols, key=str),
                                     verdicts_module._sample_points(
                                         sorted(a.free_symbols, key=str), True))]
    if all(v is not None and abs(v) > 1e-6 for v in values[0]):
        negated = check_answer(-a, a, symbols=OUT, timeout=1.0)
        assert not negated.equivalent
        assert negated.relation in {"negated", "unknown"}


def test_worker_does_not_rerun_the_main_script(tmp_path, monkeypatch):
    # Streamlit runs each page as ``__main__``; multiprocessing's spawn would re-run it in the
    # worker. The worker must start without touching the main script.
    marker = tmp_path / "main-ran"
    script = tmp_path / "page.py"
    script.write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(script)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    proof_pool.shutdown_workers()  # so that a new worker starts under this __main__
    assert check("y - y^2", dy_dz).equivalent
    proof_pool.shutdown_workers()
    assert not marker.exists()


def test_a_second_check_while_one_is_in_flight_says_still_checking():
    pending = verdicts_module.start_check_text("y - t", dE_dy, symbols=OUT, session="twice")
    second = check_text("y - t", dE_dy, symbols=OUT, session="twice")
    first = pending.verdict()
    assert first.equivalent
    # The second came while the first was queued or running, or just after it finished.
    assert second.status == "still_checking" or second.equivalent
    if second.status == "still_checking":
        assert "Still checking your last answer" in second.message
