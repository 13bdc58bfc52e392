"""Answer bombs: any text up to the length limit is parsed or refused within 0.5 s of CPU.

Each case runs in a child process (bench.answer_bombs.ParseRunner) that measures the CPU time of
``parse_answer`` alone and is killed after a generous KILL_SECONDS, so a regression fails the
test instead of hanging CI. Hypothesis builds towers of powers, e, σ, trig, abs, log, roots,
products and factorial-like nests; the issue's own examples run first.
"""

import subprocess
import sys

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.answer_bombs import SEEDS, WRAPPERS, ParseRunner, tower
from derivations.parser import MAX_LENGTH, AnswerParseError, parse_answer

CPU_LIMIT = 0.5  # seconds, the bound the issue names

ISSUE_EXAMPLES = [
    "abs(cos((((((e^10)^10)^10)^10)^10)^10))",
    "abs(cos(((((((e^10)^10)^10)^10)^10)^10)^10))",
    "sigma(" * 12 + "100" + ")" * 12,
    "σ(" * 12 + "y" + ")" * 12,
    "sin(e^(e^(e^4)))",
    "log(abs(sigmoid(tanh(((10^10)y)^((10^10)y)))))",
    "((((((2^2)^3)^4)^5)^6)^7)^8",
    "(((((y+1)^10)^10)^10)^10)",
    "abs(sqrt(2)+sqrt(3)-sqrt(5+2sqrt(6)))",
    "cos(exp(100))*cos(exp(100))*cos(exp(100))*cos(exp(100))",
    "(exp(100)+1)^10",
    "tan(" * 25 + "y" + ")" * 25,
    "+".join(["sin(y)cos(t)tanh(z)"] * 15),
    "(" + "*".join(["σ(y)"] * 40) + ")^10",
]


@pytest.fixture(scope="module")
def runner():
    r = ParseRunner()
    assert r.parse("y")["status"] == "parsed"  # the child is up (imports are not timed)
    yield r
    r.close()


def _assert_quick(runner, text):
    result = runner.parse(text)
    assert result["status"] in ("parsed", "refused"), (text, result)
    assert result["cpu"] <= CPU_LIMIT, (text, result)
    return result


@pytest.mark.timeout(120)
@pytest.mark.parametrize("text", ISSUE_EXAMPLES)
def test_issue_examples_are_parsed_or_refused_quickly(runner, text):
    assert len(text) <= MAX_LENGTH
    _assert_quick(runner, text)


_towers = st.builds(tower, st.lists(st.sampled_from(WRAPPERS), min_size=1, max_size=16),
                    st.sampled_from(SEEDS)).filter(lambda t: len(t) <= MAX_LENGTH)


@pytest.mark.timeout(120)
@settings(max_examples=400, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(_towers)
def test_towers_are_parsed_or_refused_within_half_a_second(runner, text):
    _assert_quick(runner, text)


# Random token soup of the same pieces, up to the length limit.
_pieces = st.sampled_from(["e", "^", "10", "9", "(", ")", "σ(", "exp(", "abs(", "cos(",
                           "log(", "sqrt(", "tan(", "y", "*", "-", "/", "+", "^-", "1/3",
                           "²", "pi", "[", "]", "0.5", "1e9"])


@pytest.mark.timeout(60)
@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_pieces, min_size=1, max_size=120).map("".join))
def test_token_soup_is_parsed_or_refused_within_half_a_second(runner, text):
    _assert_quick(runner, text[:MAX_LENGTH])


def test_runner_kills_a_child_that_hangs(monkeypatch):
    # The guard can fail: a child stuck past the kill timeout is reported and killed.
    started = []

    def sleeper():
        started.append(subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True))
        return started[-1]

    r = ParseRunner(kill_seconds=0.5)
    monkeypatch.setattr(r, "_start", sleeper)
    assert r.parse("y")["status"] == "killed"
    assert started[0].poll() is not None and r.process is None


# ---------------------------------------------------------------------------------------------
# What a student cannot have meant is refused, with a caret at the place.

Y, X1 = sympy.symbols("y x1")
SYMS = {"y": Y, "x1": X1}


@pytest.mark.parametrize(("text", "words", "position"), [
    ("x1[0]", "looks like an index", 2),
    ("y[1-y]", "looks like an index", 1),
    ("x1(1)(2)(3)", "looks like a function applied to 1", 2),
    ("y (2)", "looks like a function", 2),
    ("1e", "'1e' is not a number", 1),
    ("2.5e+y", "'2.5e' is not a number", 3),
    ("(-8)^(1/3)", "negative number to a fractional power", 4),
    ("(-2)^0.5", "negative number to a fractional power", 4),
    ("2^y", "variable in the exponent", 1),
    ("y^(1/1001)", "too fine a fraction", 1),
    ("exp(101)", "argument of exp is too large", 0),
    ("(e^10)^11", "exponent is too large", 6),
    ("((e^10)^10)^2", "exponent of e is too large", 11),
    ("σ(σ(σ(σ(2))))", "functions of numbers", 0),
    ("exp(sin(cos(tan(log(y)))))", "Too many functions", 0),
])
def test_unmeant_input_is_refused_with_a_caret(text, words, position):
    with pytest.raises(AnswerParseError) as info:
        parse_answer(text, SYMS)
    err = info.value
    assert words in err.reason, err.reason
    assert err.position == position, (err.position, err.reason)
    assert err.pointer.split("\n")[1] == " " * position + "^"


@pytest.mark.parametrize(("text", "expected"), [
    ("x1(1 - y)", X1 * (1 - Y)),
    ("(2)(3)y", 6 * Y),
    ("2e^y", 2 * sympy.exp(Y)),  # 2·e^y: a power of e, not "2e"
    ("2e^-y", 2 * sympy.exp(-Y)),
    ("1e1 y", 10 * Y),
    ("-(8^(1/3))", sympy.Integer(-2)),
    ("(-8)^3", sympy.Integer(-512)),
    ("e^(-y)", sympy.exp(-Y)),
    ("exp(100) y", sympy.exp(100) * Y),
    ("σ(σ(σ(y)))", None),
    ("log(σ(x1 σ(y)))", None),
])
def test_what_a_student_means_still_parses(text, expected):
    result = parse_answer(text, SYMS)
    assert result.free_symbols <= {Y, X1}
    if expected is not None:
        assert sympy.simplify(result - expected) == 0, result
