"""A whitelist parser for the maths a student types: text → SymPy expression, never eval.

SymPy's ``sympify``/``parse_expr`` run Python on the text, so student input never goes near them.
This module tokenizes the text itself and builds SymPy objects directly with a recursive-descent
parser. Only these are accepted:

- numbers: ``2``, ``0.5``, ``.5``, ``1e-3`` (kept exact as rationals; at most ``MAX_DIGITS``
  digits and magnitude between ``1/MAX_NUMBER`` and ``MAX_NUMBER``);
- the page's symbols (the ``symbols`` mapping), plus the constants ``e`` and ``pi``/``π`` when
  the page does not use those names itself;
- ``+ - * / ^ **``, the unicode ``− · × ÷ ⋅`` (and the look-alikes in ``_UNICODE_OPS``),
  superscript powers ``² ³ ⁻¹ ¹⁰``, and brackets ``( ) [ ]``;
- look-alike letters (``LOOK_ALIKES``): ``ŷ₁`` is ``yhat1``, ``η`` is ``eta``, ``y₁`` is
  ``y1``, a combining accent composes first;
- the functions in ``FUNCTIONS`` (one argument, in brackets): exp, log/ln, sqrt, sin, cos, tan,
  tanh, sigma/σ/sigmoid (the logistic function, expanded to 1/(1 + exp(−x))), abs.

Implicit multiplication: ``2y``, ``y(1-y)``, ``(a)(b)`` and names written together. A run of
letters that is not a known name is split by longest match from the left into known names
(``x1w`` → ``x1·w``, ``yexp(z)`` → ``y·exp(z)``); if it cannot be split fully the parser
says which part it does not know. Underscores in names are optional (``yh11`` = ``y_h11``).
The live preview shows the student what was understood, so a surprising split is visible.

Limits (shared server): ``MAX_LENGTH`` characters, ``MAX_DEPTH`` nesting, constant exponents of
at most ``MAX_EXPONENT`` in absolute value (checked before SymPy evaluates a power, so
``9^9^9`` is refused, not computed) and constants of at most ``MAX_CONSTANT_DIGITS`` digits.
SymPy folds as it builds (``((e^10)^10)^10`` is exp(1000) after three steps), so every result is
checked again: exponents of e at most ``MAX_EXP_ARGUMENT``, every constant part real, at most
``MAX_CONSTANT_SIZE`` and with at most ``MAX_CONSTANT_NESTING`` functions of numbers inside
each other, any expression at most ``MAX_FUNCTION_NESTING`` functions deep, numeric evaluation
at most ``_EVALF_MAX_DIGITS`` digits. Powers with a variable exponent exist only as e^(...), and
powers of powers with fractional exponents stay as written (SymPy's merging asks questions that
take minutes). The page's symbols are read as real numbers while parsing (SymPy's automatic
evaluation of sin, tanh, abs stays cheap), then put back. With these, any text up to the
length limit is parsed or refused within 0.5 s of CPU (``tests/test_answer_bombs.py``,
``python -m bench.answer_bombs``); the app still runs the parser only in a worker process
under a hard CPU limit (``derivations.proof_pool``).

Refused as what a student cannot have meant: ``x1[0]`` (an index), ``x1(1)`` (a call of a
symbol), ``1e`` (half a number), ``(-8)^(1/3)`` (SymPy's complex principal root).
Anything else raises ``AnswerParseError`` (a ValueError) whose message shows where.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import sympy
import sympy.core.parameters as sympy_parameters

from .symbolic import ACTIVATIONS

MAX_LENGTH = 300
MAX_DEPTH = 25
MAX_DIGITS = 12
MAX_NUMBER = 10**9
MAX_EXPONENT = 10
MAX_CONSTANT_DIGITS = 30
# Constants SymPy builds from a student's text (after its own folding, at every step):
MAX_EXP_ARGUMENT = 100  # |a| in exp(a), e^a, σ(a): e^100 ≈ 2.7e43, cheap to evaluate anywhere
MAX_CONSTANT_SIZE = 1e50  # |c| of any constant part, and at least 1/MAX_CONSTANT_SIZE if not 0
MAX_FUNCTION_NESTING = 4  # exp, σ, sin, log, roots … inside each other, anywhere
MAX_CONSTANT_NESTING = 3  # functions or roots of constants inside each other: sin(exp(√2))
MAX_CONSTANT_FUNCTIONS = 8  # functions and roots in one constant part
MAX_EXPONENT_DENOMINATOR = 1000  # y^(1/1000) at the finest
_EVALF_DIGITS = 15
_EVALF_MAX_DIGITS = 60  # the precision any numeric evaluation of a constant may use

__all__ = [
    "FUNCTIONS",
    "MAX_DEPTH",
    "MAX_EXPONENT",
    "MAX_LENGTH",
    "AnswerParseError",
    "parse_answer",
]


class AnswerParseError(ValueError):
    """The student's text could not be read. ``position`` is the 0-based index of the problem.

    ``reason`` is the plain sentence, ``pointer`` the text with a caret under the spot, and
    ``str(err)`` both together.
    """

    def __init__(self, reason: str, text: str, position: int):
        self.reason = reason
        self.text = text
        self.position = max(0, min(position, len(text)))
        shown = text[:MAX_LENGTH + 20]
        self.pointer = f"{shown}\n{' ' * min(self.position, len(shown))}^"
        super().__init__(f"{reason}\n{self.pointer}")


_sigma = ACTIVATIONS["sigmoid"]  # the logistic function, from the one symbolic table

# name → (SymPy builder, how the legend shows it). ln is log: the notes' log is natural.
FUNCTIONS: dict[str, object] = {
    "exp": sympy.exp,
    "log": sympy.log,
    "ln": sympy.log,
    "sqrt": sympy.sqrt,
    "sin": sympy.sin,
    "cos": sympy.cos,
    "tan": sympy.tan,
    "tanh": ACTIVATIONS["tanh"],
    "sigma": _sigma,
    "sigmoid": _sigma,
    "σ": _sigma,
    "abs": sympy.Abs,
}

_CONSTANTS = {"e": sympy.E, "pi": sympy.pi, "π": sympy.pi}

# One-to-one character replacements, so positions in the text stay right: the operators a
# keyboard, a phone or a copy from a PDF produces in place of the ASCII ones.
_UNICODE_OPS = {
    "−": "-", "–": "-", "·": "*", "⋅": "*", "×": "*", "∗": "*", "÷": "/",
    "（": "(", "）": ")",
    "‐": "-", "‑": "-", "‒": "-", "—": "-", "﹣": "-", "－": "-", "＋": "+",
    "∙": "*", "•": "*", "✕": "*", "⨯": "*", "＊": "*", "／": "/", "∕": "/", "ˆ": "^",
}
_SUPERSCRIPTS = {"⁰": 0, "¹": 1, "²": 2, "³": 3, "⁴": 4, "⁵": 5, "⁶": 6, "⁷": 7, "⁸": 8,
                 "⁹": 9}
_SUPERSCRIPT_MINUS = "⁻"

# Letters a keyboard produces for the page's names, read as the ASCII spelling the legend
# gives: ŷ (and ȳ, ỹ: the accents a keyboard offers near it) is yhat, subscript digits are
# digits, Greek letters are their names. Applied to a name only when it is not known as typed.
LOOK_ALIKES = {
    "ŷ": "yhat", "ȳ": "yhat", "ỹ": "yhat", "Ŷ": "yhat",
    "σ": "sigma", "ς": "sigma", "π": "pi", "η": "eta", "δ": "delta", "θ": "theta",
    "α": "alpha", "β": "beta", "γ": "gamma", "λ": "lambda", "μ": "mu", "ε": "epsilon",
    "ϵ": "epsilon", "ω": "omega", "τ": "tau", "φ": "phi", "ϕ": "phi", "ρ": "rho",
    **{chr(0x2080 + d): str(d) for d in range(10)},  # ₀ … ₉
    "ₕ": "h", "ₓ": "x", "ᵢ": "i", "ⱼ": "j", "ₖ": "k", "ₙ": "n", "ₒ": "o", "ₜ": "t",
    "ʸ": "y",
}

_NUMBER = re.compile(r"([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?")
# ASCII letters, digits, _ and Greek letters (σ, η, δ …); nothing else can start a name.
_NAME = re.compile(r"[A-Za-z_\u0370-\u03ff\u00c0-\u024f\u1e00-\u1eff]"
                   r"[A-Za-z0-9_\u0370-\u03ff\u00c0-\u024f\u1e00-\u1eff\u0300-\u036f"
                   r"\u2080-\u209c\u1d62\u2c7c]*")


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "op", "end"
    text: str
    pos: int


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    n = len(text)
    while i < n:
        ch = _UNICODE_OPS.get(text[i], text[i])
        if ch.isspace():
            i += 1
            continue
        if ch in _SUPERSCRIPTS or ch == _SUPERSCRIPT_MINUS:
            end = i + 1
            while end < n and text[end] in _SUPERSCRIPTS:
                end += 1
            tokens.append(_Token("sup", text[i:end], i))
            i = end
            continue
        if ch in "0123456789" or (ch == "." and i + 1 < n and text[i + 1] in "0123456789"):
            m = _NUMBER.match(text, i)
            assert m is not None  # the first character is a digit or ".digit"
            tokens.append(_Token("num", m.group(0), i))
            i = m.end()
            continue
        if ch == "*" and i + 1 < n and _UNICODE_OPS.get(text[i + 1], text[i + 1]) == "*":
            tokens.append(_Token("op", "^", i))
            i += 2
            continue
        if ch in "+-*/^()[]":
            tokens.append(_Token("op", ch, i))
            i += 1
            continue
        m = _NAME.match(text, i)
        if m is not None:
            tokens.append(_Token("name", m.group(0), i))
            i = m.end()
            continue
        if ch in "'′ʹ" and text[:i].rstrip().endswith(("σ", "sigma", "sigmoid")):
            reason = (f"σ′ at position {i + 1}: write the sigmoid's slope out, e.g. "
                      "y(1 - y) with the neuron's output, or σ(z)(1 - σ(z))")
        elif ch == ",":
            reason = (f"Unexpected ',' at position {i + 1}: functions take one argument "
                      "and decimals use a point (0.5)")
        elif ch in "'\"`":
            reason = f"Quotes are not part of maths (position {i + 1}); type only the formula"
        elif ch == "=":
            reason = f"Type only the right-hand side, without '=' (position {i + 1})"
        else:
            reason = f"Unexpected character {ch!r} at position {i + 1}"
        raise AnswerParseError(reason, text, i)
    tokens.append(_Token("end", "", n))
    return tokens


def _power(base: sympy.Expr, exponent: sympy.Expr) -> sympy.Expr:
    """base^exponent, built the way that stays cheap for SymPy."""
    if base == sympy.E:
        return sympy.exp(exponent)
    if exponent.free_symbols or (not exponent.is_Integer
                                 and (base.is_Pow or isinstance(base, sympy.exp))):
        # SymPy would merge (a^b)^c by asking im(c·log a), which takes minutes for long a, b,
        # c: keep the power as written (exact, and the same function where it is defined).
        return sympy.Pow(base, exponent, evaluate=False)
    return sympy.Pow(base, exponent)


class _Parser:
    def __init__(self, text: str, symbols: Mapping[str, sympy.Symbol]):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.names: dict[str, sympy.Expr] = {}
        for name in _CONSTANTS:
            if name not in symbols:
                self.names[name] = _CONSTANTS[name]
        for name, sym in symbols.items():
            self.names[name] = sym
        # Underscores optional: "yh11" finds "y_h11" unless that spelling is itself a name.
        for name, sym in symbols.items():
            bare = name.replace("_", "")
            if bare and bare not in self.names:
                self.names[bare] = sym
        self.page_names = sorted(symbols)
        self._shapes: dict[sympy.Expr, tuple[int, int]] = {}
        self._checked: set[sympy.Expr] = set()

    # -- helpers ----------------------------------------------------------------------------
    def error(self, reason: str, pos: int) -> AnswerParseError:
        return AnswerParseError(reason, self.text, pos)

    @property
    def tok(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def enter(self, pos: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"Too deeply nested (more than {MAX_DEPTH} levels) at position "
                             f"{pos + 1}; simplify the expression", pos)

    def guard(self, expr: sympy.Expr, pos: int) -> sympy.Expr:
        """Refuse results SymPy cannot check sensibly: division by zero, ∞, i, huge constants.

        Runs on every result SymPy builds (after its own folding: ``(e^10)^10`` is already
        exp(100) here), so no constant grows past the limits in later steps.
        """
        if expr.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
            raise self.error(f"This is undefined or infinite, e.g. a division by zero or log(0) "
                             f"(near position {pos + 1})", pos)
        if expr.has(sympy.I):
            raise self.error(f"This gives an imaginary number (near position {pos + 1})", pos)
        for num in expr.atoms(sympy.Rational):
            if max(abs(num.p), abs(num.q)) >= 10**MAX_CONSTANT_DIGITS:
                raise self.error(f"A number here gets too large (near position {pos + 1}); "
                                 "keep the numbers small", pos)
        for power in expr.atoms(sympy.Pow):
            exp = power.exp
            if exp.is_Number and abs(exp) > MAX_EXPONENT:
                raise self.error(f"Exponent too large (near position {pos + 1}): at most "
                                 f"{MAX_EXPONENT} in size", pos)
            if exp.is_Rational and exp.q > MAX_EXPONENT_DENOMINATOR:
                raise self.error(f"The exponent {exp} is too fine a fraction (near position "
                                 f"{pos + 1}); at most 1/{MAX_EXPONENT_DENOMINATOR}", pos)
        self.check_nesting(expr, 0, pos)
        for func in expr.atoms(sympy.exp):
            # e^a for a constant a: its value needs |a|·1.44 bits in every later evaluation.
            self.check_constant(func.args[0], MAX_EXP_ARGUMENT, "The exponent of e", pos)
        self.check_constants(expr, pos)
        return expr

    def check_nesting(self, expr: sympy.Expr, extra: int, pos: int) -> None:
        """At most MAX_FUNCTION_NESTING functions and roots inside each other (``extra``: the
        one about to be built around ``expr``): SymPy's own evaluation of deeper towers of
        functions of long expressions takes seconds to minutes."""
        if self.constant_shape(expr)[0] + extra > MAX_FUNCTION_NESTING:
            raise self.error(f"Too many functions inside each other (near position {pos + 1}): "
                             f"at most {MAX_FUNCTION_NESTING} levels, e.g. log(σ(w·σ(z)))", pos)

    def numeric(self, value: sympy.Expr, pos: int) -> complex:
        """A constant's value, at bounded precision (``_EVALF_MAX_DIGITS``)."""
        try:
            return complex(value.evalf(_EVALF_DIGITS, maxn=_EVALF_MAX_DIGITS))
        except (ArithmeticError, ValueError, TypeError, RecursionError):
            raise self.error(f"This constant cannot be evaluated (near position {pos + 1}); "
                             "simplify it", pos) from None

    def constant_shape(self, node: sympy.Expr) -> tuple[int, int]:
        """(how deeply, how many) functions and roots are nested in ``node``."""
        shape = self._shapes.get(node)
        if shape is None:
            if node.is_Atom or not node.args:
                shape = (0, 0)
            else:
                kids = [self.constant_shape(a) for a in node.args]
                own = int(node.is_Function
                          or (node.is_Pow and not node.exp.is_Integer))
                shape = (own + max(k[0] for k in kids), own + sum(k[1] for k in kids))
            self._shapes[node] = shape
        return shape

    def check_constants(self, expr: sympy.Expr, pos: int) -> None:
        """Every constant part of ``expr``: few nested functions, a real value of sane size.

        SymPy evaluates constants to decide signs (abs, σ), so a constant that is deep, huge or
        complex costs work in every later step and every check; refuse it where it appears.
        """
        stack = [expr]
        while stack:
            node = stack.pop()
            if node.is_Atom or node in self._checked:
                continue
            if node.free_symbols:
                stack.extend(node.args)
                continue
            depth, count = self.constant_shape(node)
            if depth > MAX_CONSTANT_NESTING or count > MAX_CONSTANT_FUNCTIONS:
                raise self.error(f"Too many functions of numbers inside each other (near "
                                 f"position {pos + 1}); work the numbers out or simplify", pos)
            value = self.numeric(node, pos)
            if not (abs(value.real) <= MAX_CONSTANT_SIZE and abs(value.imag) <= 1e-9 *
                    max(1.0, abs(value.real))):
                if abs(value.imag) > 1e-9 * max(1.0, abs(value.real)):
                    raise self.error(f"This gives an imaginary number (near position "
                                     f"{pos + 1})", pos)
                raise self.error(f"A number here gets too large (near position {pos + 1}); "
                                 "keep the numbers small", pos)
            self._checked.add(node)
            stack.extend(node.args)

    # -- grammar ------------------------------------------------------------------------------
    # expr  := term (('+'|'-') term)*
    # term  := unary (('*'|'/') unary | <implicit ×> power)*
    # unary := ('+'|'-') unary | power
    # power := atom (('^' unary) | '²' | '³')?      (right-associative: a^b^c = a^(b^c))
    # atom  := number | name | function '(' expr ')' | '(' expr ')'
    def parse(self) -> sympy.Expr:
        if self.tok.kind == "end":
            raise self.error("Type an expression first", 0)
        expr = self.expr()
        tok = self.tok
        if tok.kind != "end":
            if tok.text in ")]":
                raise self.error(f"Unmatched '{tok.text}' at position {tok.pos + 1}", tok.pos)
            raise self.error(f"Unexpected '{tok.text}' at position {tok.pos + 1}", tok.pos)
        return expr

    def expr(self) -> sympy.Expr:
        left = self.term()
        while self.tok.kind == "op" and self.tok.text in "+-":
            op = self.take()
            right = self.term()
            left = self.guard(left + right if op.text == "+" else left - right, op.pos)
        return left

    def starts_atom(self) -> bool:
        tok = self.tok
        return tok.kind in ("num", "name") or (tok.kind == "op" and tok.text in "([")

    def term(self) -> sympy.Expr:
        left = self.unary()
        while True:
            tok = self.tok
            if tok.kind == "op" and tok.text in "*/":
                self.take()
                if self.tok.kind == "op" and self.tok.text in "*/":
                    raise self.error(f"Two operators in a row at position {self.tok.pos + 1}",
                                     self.tok.pos)
                right = self.unary()
                if tok.text == "*":
                    left = self.guard(left * right, tok.pos)
                else:
                    if right == 0:
                        raise self.error(f"Division by zero at position {tok.pos + 1}",
                                         tok.pos)
                    left = self.guard(left / right, tok.pos)
            elif self.starts_atom():
                self.check_juxtaposition(self.tokens[self.i - 1], tok)
                right = self.power()
                left = self.guard(left * right, tok.pos)
            else:
                return left

    def check_juxtaposition(self, prev: _Token, tok: _Token) -> None:
        """Refuse implicit products a student cannot have meant as products."""
        if tok.kind == "num" and prev.kind == "num":
            raise self.error(f"Two numbers in a row at position {tok.pos + 1}; "
                             "use * between them", tok.pos)
        if prev.kind == "num" and tok.kind == "name" and prev.pos + len(prev.text) == tok.pos:
            pieces = self.split_name(tok)
            after = self.tokens[self.i + 1]
            power_of_e = len(pieces) == 1 and after.kind == "op" and after.text == "^"
            first = pieces[0][0]
            if self.names.get(first) is sympy.E and not power_of_e:
                raise self.error(f"'{prev.text}{first}' is not a number (position "
                                 f"{tok.pos + 1}): write {prev.text}e3 for {prev.text}·1000, "
                                 f"or {prev.text}*e for {prev.text} times the constant e",
                                 tok.pos)
        if prev.kind == "name" and tok.kind == "op":
            nxt, close = (self.tokens[min(self.i + k, len(self.tokens) - 1)] for k in (1, 2))
            if tok.text == "[":
                raise self.error(f"'{prev.text}[' looks like an index (position {tok.pos + 1})"
                                 f": names are written whole ({', '.join(self.page_names[:3])}"
                                 f"{', …' if len(self.page_names) > 3 else ''}); to multiply "
                                 "write * before the bracket", tok.pos)
            if nxt.kind == "num" and close.kind == "op" and close.text == ")":
                raise self.error(f"'{prev.text}({nxt.text})' looks like a function applied to "
                                 f"{nxt.text} (position {tok.pos + 1}), but {prev.text} is not "
                                 f"a function: to multiply, write {nxt.text}*{prev.text}",
                                 tok.pos)

    def unary(self) -> sympy.Expr:
        tok = self.tok
        if tok.kind == "op" and tok.text in "+-":
            self.take()
            self.enter(tok.pos)
            operand = self.unary()
            self.depth -= 1
            return operand if tok.text == "+" else self.guard(-operand, tok.pos)
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        tok = self.tok
        if tok.kind == "sup":
            self.take()
            digits = tok.text.lstrip(_SUPERSCRIPT_MINUS)
            if not digits or len(tok.text) - len(digits) > 1:
                raise self.error(f"A superscript minus needs digits after it (position "
                                 f"{tok.pos + 1}), e.g. y⁻¹", tok.pos)
            value = int("".join(str(_SUPERSCRIPTS[c]) for c in digits))
            exponent = -value if tok.text[0] == _SUPERSCRIPT_MINUS else value
            return self.make_power(base, sympy.Integer(exponent), tok.pos)
        if tok.kind == "op" and tok.text == "^":
            self.take()
            self.enter(tok.pos)
            exponent = self.unary()
            self.depth -= 1
            return self.make_power(base, exponent, tok.pos)
        return base

    def check_constant(self, value: sympy.Expr, limit: float, what: str, pos: int) -> None:
        """A constant (no symbols) must be at most ``limit`` in size before SymPy uses it."""
        if value.free_symbols:
            return
        size = abs(self.numeric(value, pos))
        if not size <= limit:
            raise self.error(f"{what} is too large at position {pos + 1} (at most {limit:g} "
                             "in size)", pos)

    def make_power(self, base: sympy.Expr, exponent: sympy.Expr, pos: int) -> sympy.Expr:
        # Check before building: Pow(9, 387420489) would be computed by SymPy on the spot.
        self.check_constant(exponent, MAX_EXPONENT, "The exponent", pos)
        if exponent.is_Number and not exponent.is_Rational:
            raise self.error(f"Use a whole number or fraction as exponent (position {pos + 1})",
                             pos)
        if base == 0 and (exponent.is_negative or exponent == 0):
            raise self.error(f"0 to this power is undefined (position {pos + 1})", pos)
        if (not base.free_symbols and not (exponent.is_Integer or exponent.free_symbols)
                and self.numeric(base, pos).real < 0):
            # SymPy would give the complex principal root: (-8)^(1/3) = 1 + 1.73i, not -2.
            raise self.error(f"A negative number to a fractional power is not a real number "
                             f"(position {pos + 1}); for a cube root write -(8^(1/3))", pos)
        if exponent.free_symbols and base != sympy.E:
            # a^y with a ≠ e: nothing on these pages, and SymPy's checks of such powers (is
            # (10^10·y)^(10^10·y) real?) build polynomials of degree 10^10.
            raise self.error(f"A power with a variable in the exponent is only supported as "
                             f"e^(...) (position {pos + 1}); write exp(... · ln(...))", pos)
        if not exponent.is_Integer:
            self.check_nesting(base, 1, pos)
            self.check_nesting(exponent, 1, pos)
        return self.guard(_power(base, exponent), pos)

    def atom(self) -> sympy.Expr:
        tok = self.tok
        if tok.kind == "num":
            self.take()
            return self.number(tok)
        if tok.kind == "op" and tok.text in "([":
            self.take()
            self.enter(tok.pos)
            if self.tok.kind == "op" and self.tok.text in ")]":
                raise self.error(f"Empty brackets at position {tok.pos + 1}", tok.pos)
            inner = self.expr()
            closing = ")" if tok.text == "(" else "]"
            if not (self.tok.kind == "op" and self.tok.text == closing):
                raise self.error(f"Missing '{closing}' for the '{tok.text}' at position "
                                 f"{tok.pos + 1}", self.tok.pos)
            self.take()
            self.depth -= 1
            return inner
        if tok.kind == "name":
            self.take()
            return self.name(tok)
        if tok.kind == "end":
            raise self.error("The expression ends too early", tok.pos)
        if tok.kind == "sup":
            raise self.error(f"A power needs something before it (position {tok.pos + 1})",
                             tok.pos)
        raise self.error(f"Unexpected '{tok.text}' at position {tok.pos + 1}", tok.pos)

    def number(self, tok: _Token) -> sympy.Expr:
        mantissa = tok.text.lower().split("e")[0]
        digits = len(mantissa.replace(".", "").lstrip("0"))
        if digits > MAX_DIGITS:
            raise self.error(f"Number with too many digits at position {tok.pos + 1} "
                             f"(at most {MAX_DIGITS})", tok.pos)
        if "e" in tok.text.lower():
            exp_part = tok.text.lower().split("e")[1]
            if abs(int(exp_part)) > 2 * MAX_DIGITS:
                raise self.error(f"Number too large or too small at position {tok.pos + 1}",
                                 tok.pos)
        value = Fraction(tok.text)  # a regex-checked literal; Fraction parses, never evals
        if value != 0 and not (Fraction(1, MAX_NUMBER) <= abs(value) <= MAX_NUMBER):
            raise self.error(f"Number too large or too small at position {tok.pos + 1} "
                             f"(keep it between 1e-9 and 1e9)", tok.pos)
        return sympy.Rational(value.numerator, value.denominator)

    def name(self, tok: _Token) -> sympy.Expr:
        pieces = self.split_name(tok)
        result: sympy.Expr = sympy.Integer(1)
        for k, (piece, pos) in enumerate(pieces):
            if piece in FUNCTIONS:
                if k != len(pieces) - 1 or not (self.tok.kind == "op" and self.tok.text in "(["):
                    raise self.error(f"The function {piece} needs brackets: {piece}(...) "
                                     f"(position {pos + 1})", pos)
                open_tok = self.tok
                self.enter(open_tok.pos)
                argument = self.atom()  # the bracketed argument
                self.depth -= 1
                if piece in ("exp", "sigma", "sigmoid", "σ"):
                    # exp(10^9·log 2) is 2^(10^9) to SymPy, computed on the spot: refuse first.
                    self.check_constant(argument, 100, f"The argument of {piece}", pos)
                self.check_nesting(argument, 1, pos)
                if piece == "sqrt":
                    value = self.guard(_power(argument, sympy.Rational(1, 2)), pos)
                else:
                    value = self.guard(FUNCTIONS[piece](argument), pos)
            else:
                value = self.names[piece]
            result = self.guard(result * value, pos)
        return result

    def split_name(self, tok: _Token) -> list[tuple[str, int]]:
        """The name itself if known, else a split into known names, longest first."""
        word = tok.text
        known = set(self.names) | set(FUNCTIONS)
        failed: set[int] = set()

        def split(start: int) -> list[str] | None:
            if start == len(word):
                return []
            if start in failed:
                return None
            for end in range(len(word), start, -1):
                if word[start:end] in known:
                    rest = split(end)
                    if rest is not None:
                        return [word[start:end], *rest]
            failed.add(start)
            return None

        parts = split(0)
        if parts is None and word != _plain_name(word):
            # ŷ₁, η, y with a combining accent: the same name in the legend's spelling
            # (the positions below then count in that spelling, clamped to the name).
            word = _plain_name(word)
            failed.clear()
            parts = split(0)
        if parts is None:
            word = tok.text
            listed = ", ".join(self.page_names) or "(none)"
            raise self.error(f"Unknown name '{word}' at position {tok.pos + 1} — the symbols "
                             f"on this page are: {listed}", tok.pos)
        pieces = []
        offset = tok.pos
        for part in parts:
            pieces.append((part, min(offset, tok.pos + len(tok.text) - 1)))
            offset += len(part)
        return pieces


def _plain_name(word: str) -> str:
    """``word`` in the ASCII spelling of ``LOOK_ALIKES`` (after composing accents: y + U+0302
    is ŷ), without underscores (``w_h11z1`` finds ``wh11z1``)."""
    composed = unicodedata.normalize("NFC", word)
    return "".join(LOOK_ALIKES.get(ch, ch) for ch in composed if ch != "_")


def parse_answer(text: str, symbols: Mapping[str, sympy.Symbol]) -> sympy.Expr:
    """Parse a student's answer into a SymPy expression, through a whitelist only.

    ``symbols`` maps the names a student may type (``"y"``, ``"x1"``, ``"w_h11z1"``) to the
    SymPy symbols of the page. Raises ``AnswerParseError`` (a ``ValueError``) saying what was
    wrong and where; nothing in ``text`` is ever evaluated as Python.
    """
    if not isinstance(text, str):
        raise AnswerParseError("The answer must be text", "", 0)
    for name, sym in symbols.items():
        if not isinstance(name, str) or not isinstance(sym, sympy.Symbol):
            raise ValueError(f"symbols must map names to sympy.Symbol, got {name!r}: {sym!r}")
    if len(text) > MAX_LENGTH:
        raise AnswerParseError(f"The answer is too long ({len(text)} characters, at most "
                               f"{MAX_LENGTH})", text, MAX_LENGTH)
    # The page's quantities are real numbers: parse with real stand-ins, so SymPy's automatic
    # evaluation (sin, tanh, abs ask whether their argument is real) stays cheap, then put the
    # page's own symbols back without evaluating again.
    real = {sym: sympy.Symbol(sym.name, real=True) for sym in set(symbols.values())
            if sym.is_real is not True}
    result = _Parser(text, {name: real.get(sym, sym) for name, sym in symbols.items()}).parse()
    if not real:
        return result
    with sympy_parameters.evaluate(False):
        return result.xreplace({stand_in: sym for sym, stand_in in real.items()})
