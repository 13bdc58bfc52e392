"""derivations.parser: the whitelist parser for student answers (never eval)."""

import ast
import builtins
import contextlib
import importlib
import math

import pytest
import sympy
import sympy.parsing.sympy_parser as sympy_parser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derivations import parser as parser_module
from derivations.parser import MAX_DEPTH, MAX_LENGTH, AnswerParseError, parse_answer

# The module, not the function sympy.core re-exports under the same name.
sympify_module = importlib.import_module("sympy.core.sympify")

y, t, z, x1, w, yh, wh, eta = sympy.symbols("y t z x1 w y_h11 w_h11z1 eta")
SYMBOLS = {"y": y, "t": t, "z": z, "x1": x1, "w": w, "y_h11": yh, "w_h11z1": wh, "eta": eta}


def sig(x):
    return 1 / (1 + sympy.exp(-x))


def same(a, b) -> bool:
    return sympy.simplify(a - b) == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("y*(1-y)", y * (1 - y)),
        ("y(1-y)", y * (1 - y)),
        ("(y)(1-y)", y * (1 - y)),
        ("[y](1 - y)", y * (1 - y)),
        ("-(t - y)", y - t),
        ("1/(1+exp(-z))", sig(z)),
        ("x1*w", x1 * w),
        ("x1w", x1 * w),  # longest-match split into page names
        ("2y", 2 * y),
        ("2 y", 2 * y),
        ("y^2", y**2),
        ("y**2", y**2),
        ("y²", y**2),
        ("y³ - y", y**3 - y),
        ("−y·t", -y * t),
        ("y × t ÷ 2", y * t / 2),
        ("-y^2", -(y**2)),  # unary minus binds looser than ^
        ("2^-1", sympy.Rational(1, 2)),
        ("2^3^2", sympy.Integer(512)),  # ^ is right-associative
        ("1/2y", y / 2),  # left to right: (1/2)·y
        ("0.5y", y / 2),
        (".5 y", y / 2),
        ("1e-3", sympy.Rational(1, 1000)),
        ("2.5E2", sympy.Integer(250)),
        ("σ(z)(1 - σ(z))", sig(z) * (1 - sig(z))),
        ("sigma(z)", sig(z)),
        ("sigmoid(z)", sig(z)),
        ("e^(-z)", sympy.exp(-z)),
        ("exp(-z)/(1+exp(-z))^2", sympy.exp(-z) / (1 + sympy.exp(-z)) ** 2),
        ("ln(y) - log(t)", sympy.log(y) - sympy.log(t)),
        ("sqrt(y)", sympy.sqrt(y)),
        ("abs(w)", sympy.Abs(w)),
        ("tanh(z) + sin(z)cos(z) + tan(z)", sympy.tanh(z) + sympy.sin(z) * sympy.cos(z)
         + sympy.tan(z)),
        ("pi y", sympy.pi * y),
        ("yh11(1 - yh11)", yh * (1 - yh)),  # underscores optional
        ("w_h11z1 y_h11", wh * yh),
        ("eta x1", eta * x1),  # a page name wins over splitting into e·t·a
        ("yexp(z)", y * sympy.exp(z)),
        ("  y  ", y),
        ("+y", y),
        ("--y", y),
    ],
)
def test_parses_plain_math(text, expected):
    result = parse_answer(text, SYMBOLS)
    assert isinstance(result, sympy.Expr)
    assert same(result, expected), (text, result)


def test_longest_match_backtracks_to_a_full_split():
    a, ab, bc = sympy.symbols("a ab bc")
    # Greedy "ab" then "c" fails; the parser backtracks to a·bc.
    assert parse_answer("abc", {"a": a, "ab": ab, "bc": bc}) == a * bc
    assert parse_answer("ab", {"a": a, "ab": ab, "bc": bc}) == ab


def test_page_symbol_named_e_shadows_the_constant():
    e_sym = sympy.Symbol("e")
    assert parse_answer("e", {"e": e_sym}) == e_sym
    assert parse_answer("e", {"y": y}) == sympy.E


def test_numbers_are_exact_rationals():
    result = parse_answer("0.1 + 0.2", SYMBOLS)
    assert result == sympy.Rational(3, 10)


@pytest.mark.parametrize(
    ("text", "words", "position"),
    [
        ("foo", "Unknown name 'foo'", 0),
        ("y*foo", "Unknown name 'foo'", 2),
        ("y + q", "Unknown name 'q'", 4),
        ("", "Type an expression", 0),
        ("   ", "Type an expression", 0),
        ("y)", "Unmatched ')'", 1),
        ("(y", "Missing ')'", 2),
        ("y+", "ends too early", 2),
        ("y**/t", "Unexpected '/'", 3),
        ("y*/t", "Two operators", 2),
        ("()", "Empty brackets", 0),
        ("sin z", "needs brackets", 0),
        ("exp", "needs brackets", 0),
        ("y,t", "Unexpected ','", 1),
        ("y = 2", "without '='", 2),
        ("y ; t", "Unexpected character ';'", 2),
        ("y & t", "Unexpected character '&'", 2),
        ("2 3", "Two numbers in a row", 2),
        ("1/0", "Division by zero", 1),
        ("1/(y-y)", "Division by zero", 1),
        ("log(0)", "undefined or infinite", 0),
        ("0^-1", "undefined", 1),
        ("sqrt(-1)", "imaginary", 0),
        ("²", "needs something before it", 0),
        ("y.t", "Unexpected character '.'", 1),
    ],
)
def test_bad_input_says_what_and_where(text, words, position):
    with pytest.raises(AnswerParseError) as info:
        parse_answer(text, SYMBOLS)
    err = info.value
    assert isinstance(err, ValueError)
    assert words in err.reason
    assert err.position == position
    # The pointer puts a caret under the offending spot.
    line, caret = err.pointer.split("\n")
    assert line == text
    assert caret == " " * position + "^"
    assert err.pointer in str(err)


def test_unknown_name_lists_the_page_symbols():
    with pytest.raises(AnswerParseError) as info:
        parse_answer("foo", {"y": y, "t": t})
    assert "the symbols on this page are: t, y" in info.value.reason


@pytest.mark.timeout(60)  # a hang guard only: these would run for minutes if evaluated
@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("9^9^9", "exponent is too large"),
        ("9**9**9**9", "exponent is too large"),
        ("y^11", "exponent is too large"),
        ("y^(-11)", "exponent is too large"),
        ("((y^10)^10)", "Exponent too large"),
        ("2^(10^9*log(2)/log(2))", "exponent is too large"),
        ("exp(10^9*log(2))", "argument of exp is too large"),
        ("e^(10^9*log(2))", "exponent is too large"),
        ("σ(-10^9)", "argument of σ is too large"),
        ("exp(exp(exp(5)))", "argument of exp is too large"),
        ("(10^9)^10", "too large"),
        ("1234567890123", "too many digits"),
        ("1e30", "too large or too small"),
        ("1e-30", "too large or too small"),
        ("10000000000", "too large or too small"),
        ("y^1.5e1", "exponent is too large"),
    ],
)
def test_limits_refuse_huge_work_before_sympy_does_it(text, words):
    with pytest.raises(AnswerParseError) as info:
        parse_answer(text, SYMBOLS)
    assert words in info.value.reason


def test_length_limit():
    parse_answer("+".join(["y"] * (MAX_LENGTH // 2)), SYMBOLS)  # 299 characters: fine
    with pytest.raises(AnswerParseError, match="too long"):
        parse_answer("y+" * MAX_LENGTH + "y", SYMBOLS)


def test_depth_limit():
    parse_answer("(" * MAX_DEPTH + "y" + ")" * MAX_DEPTH, SYMBOLS)
    with pytest.raises(AnswerParseError, match="nested"):
        parse_answer("(" * (MAX_DEPTH + 1) + "y" + ")" * (MAX_DEPTH + 1), SYMBOLS)
    with pytest.raises(AnswerParseError, match="nested"):
        parse_answer("-" * 200 + "y", SYMBOLS)
    with pytest.raises(AnswerParseError, match="nested"):
        parse_answer("exp(" * 40 + "y" + ")" * 40, SYMBOLS)


def test_non_text_and_bad_symbol_maps_are_refused():
    with pytest.raises(AnswerParseError):
        parse_answer(123, SYMBOLS)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"sympy\.Symbol"):
        parse_answer("y", {"y": "y"})  # type: ignore[dict-item]


# ---------------------------------------------------------------------------------------------
# Safety: nothing the student types is ever evaluated.

def _injections(marker: str) -> list[str]:
    return [
        f"__import__('os').system('touch {marker}')",
        f'__import__("os").system("touch {marker}")',
        f"__import__('os').popen('touch {marker}').read()",
        f"().__class__.__base__.__subclasses__()[0]('touch {marker}')",
        "().__class__.__base__.__subclasses__()",
        "y.__class__.__mro__",
        f"open('{marker}', 'w').write('x')",
        f"exec(\"open('{marker}','w')\")",
        f"eval(\"open('{marker}','w')\")",
        "import os",
        f"lambda: open('{marker}', 'w')",
        "__builtins__",
        "globals()",
        "exp(z).func",
        "y if y else t",
        "[y for y in ()]",
        "y; import os",
        f"y\n__import__('os').system('touch {marker}')",
        "Symbol('x')",
        "y @ t",
        "y % t",
        "{}",
        "`y`",
        "\\frac{1}{2}",
        "\x00y",
        "y\u200b",
    ]


class _Ran(Exception):
    pass


@contextlib.contextmanager
def _tripwires(marker):
    """Make eval/exec and text-taking sympify/parse_expr write the marker and fail loudly."""
    real_eval, real_exec = builtins.eval, builtins.exec
    real_sympify = sympify_module.sympify
    real_parse_expr = sympy_parser.parse_expr

    def tripped(*_args, **_kwargs):
        marker.write_text("ran")
        raise _Ran

    def guarded_sympify(a, *args, **kwargs):
        if isinstance(a, str):
            tripped()
        return real_sympify(a, *args, **kwargs)

    builtins.eval, builtins.exec = tripped, tripped
    sympify_module.sympify = guarded_sympify
    sympy.sympify = guarded_sympify
    sympy_parser.parse_expr = tripped
    try:
        yield
    finally:
        builtins.eval, builtins.exec = real_eval, real_exec
        sympify_module.sympify = real_sympify
        sympy.sympify = real_sympify
        sympy_parser.parse_expr = real_parse_expr


def test_injection_strings_are_rejected_and_nothing_runs(tmp_path):
    marker = tmp_path / "pwned"
    with _tripwires(marker):
        for text in _injections(marker):
            with pytest.raises(AnswerParseError):
                parse_answer(text, SYMBOLS)
        # Valid answers go through the same guards without tripping them.
        assert parse_answer("y(1-y) + exp(-z)", SYMBOLS) == y * (1 - y) + sympy.exp(-z)
    assert not marker.exists()


def test_tripwires_would_catch_eval(tmp_path):
    # The guard above can fail: evaluating text through it writes the marker.
    marker = tmp_path / "pwned"
    with _tripwires(marker), pytest.raises(_Ran):
        sympy.sympify("y + 1")
    assert marker.exists()


def test_parser_code_names_no_eval_path():
    # Every name and attribute the parser's code uses (docstrings aside).
    tree = ast.parse(open(parser_module.__file__, encoding="utf-8").read())
    names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
    attrs = {node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)}
    assert "Pow" in attrs and "Fraction" in names  # the walk sees the code
    forbidden = {"sympify", "parse_expr", "eval", "exec", "S", "__import__", "getattr",
                 "lambdify", "Function"}
    assert not (names | attrs) & forbidden
    assert "compile" not in names  # the builtin; re.compile is an attribute and harmless


# ---------------------------------------------------------------------------------------------
# Property-based fuzzing.

_ALPHABET = [*"yztwx1h_0123456789.+-*/^()[]  e,'\"=;:{}!@#$%&|<>?~`\\",
             "exp", "log", "sqrt", "σ", "sigma", "**", "−", "·", "²", "x1", "y_h11", "__",
             "import", "os", "(", ")", "9^9", "e9", "1e5", "\n", "é", "٣", "\u200b"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(_ALPHABET), max_size=40).map("".join))
def test_fuzz_token_soup_gives_an_expression_or_the_parsers_error(text):
    try:
        result = parse_answer(text, SYMBOLS)
    except AnswerParseError as err:
        assert 0 <= err.position <= len(text)
    else:
        assert isinstance(result, sympy.Expr)
        assert result.free_symbols <= set(SYMBOLS.values())


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_arbitrary_unicode_text(text):
    try:
        result = parse_answer(text, SYMBOLS)
    except AnswerParseError:
        return
    assert isinstance(result, sympy.Expr)


# Random valid expressions, each with its value computed independently of the parser.
POINT = {"y": 0.3, "t": 0.8, "z": -0.4, "x1": 1.7, "w": -0.6}

_leaves = st.one_of(
    st.sampled_from(sorted(POINT)).map(lambda n: (n, POINT[n])),
    st.integers(1, 9).map(lambda k: (str(k), float(k))),
    st.sampled_from(["0.5", "2.5", "1e-1"]).map(lambda s: (s, float(s))),
)


def _combine(children):
    unary = st.tuples(st.sampled_from(["-", "exp", "sigma", "tanh", "()"]), children).map(
        _apply_unary)
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "", "/", "^2", "^-1"]),
                       children).map(_apply_binary)
    return unary | binary


def _apply_unary(args):
    op, (text, value) = args
    if op == "-":
        return f"-({text})", -value
    if op == "()":
        return f"({text})", value
    if op == "exp":
        return f"exp({text})", math.exp(value) if value < 50 else math.inf
    if op == "sigma":
        return f"σ({text})", 1 / (1 + math.exp(-value)) if value > -50 else 0.0
    return f"tanh({text})", math.tanh(value)


def _apply_binary(args):
    (a, va), op, (b, vb) = args
    if op == "+":
        return f"({a})+({b})", va + vb
    if op == "-":
        return f"({a})-({b})", va - vb
    if op == "*":
        return f"({a})*({b})", va * vb
    if op == "":  # implicit multiplication
        return f"({a})({b})", va * vb
    if op == "/":
        return f"({a})/({b})", va / vb if vb != 0 else math.nan
    if op == "^2":
        return f"({a})^2", va * va
    return f"({a})^-1", 1 / va if va != 0 else math.nan


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.recursive(_leaves, _combine, max_leaves=8))
def test_fuzz_valid_expressions_parse_to_the_right_value(pair):
    text, value = pair
    try:
        result = parse_answer(text, SYMBOLS)
    except AnswerParseError as err:
        # Only the documented limits or an exact division by zero may refuse a valid formula.
        assert any(word in err.reason for word in ("nested", "too large", "too long",
                                                   "Exponent", "zero", "undefined"))
        return
    if not math.isfinite(value) or abs(value) > 1e12:
        return
    got = complex(result.subs({SYMBOLS[n]: v for n, v in POINT.items()}).evalf())
    assert got.imag == pytest.approx(0, abs=1e-9)
    assert got.real == pytest.approx(value, rel=1e-6, abs=1e-9), text
