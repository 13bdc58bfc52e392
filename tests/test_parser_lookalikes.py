"""derivations.parser: what a keyboard produces for the page's names and operators is read."""

import pytest
import sympy

from derivations.formulas import typed_symbols
from derivations.parser import AnswerParseError, parse_answer

yh1, y1, eta = sympy.symbols(r"\hat{y}_{1} y_{1} \eta")
w = sympy.Symbol("w_{x_{1} h_{11}}")
SYMBOLS = typed_symbols(yh1 * y1 * eta * w)  # yhat1, y1, eta, wx1h11


@pytest.mark.parametrize(("text", "expected"), [
    ("ŷ₁ − y₁", yh1 - y1),             # precomposed ŷ, subscript digits, unicode minus
    ("y\u0302\u2081 - y1", yh1 - y1),   # y + combining circumflex
    ("ȳ1·(1 − ȳ1)", yh1 * (1 - yh1)),  # the macron a keyboard offers beside ŷ
    ("ŷ₁ × y₁", yh1 * y1),
    ("ŷ₁ ∙ y₁", yh1 * y1),
    ("ŷ₁²", yh1 ** 2),
    ("ŷ₁⁻¹", 1 / yh1),
    ("ŷ₁¹⁰", yh1 ** 10),
    ("η·ŷ₁", eta * yh1),
    ("ηy1", eta * y1),
    ("σ(y₁)", 1 / (1 + sympy.exp(-y1))),
    ("yhat1 ‐ y1", yh1 - y1),          # U+2010 hyphen
    ("yhat1 － y1", yh1 - y1),          # fullwidth minus
    ("wₓ₁ₕ₁₁", w),
    ("w_x1h11", w),                    # an underscore the page name does not have
])
def test_look_alikes_read_as_the_legend_spells_them(text, expected):
    assert sympy.simplify(parse_answer(text, SYMBOLS) - expected) == 0


@pytest.mark.parametrize(("text", "words"), [
    ("ŷ₂", "Unknown name 'ŷ₂'"),      # the name as typed, not its ASCII spelling
    ("ŷ₁⁻", "superscript minus"),
    ("ŷ₁¹¹", "Exponent"),              # the exponent cap holds for superscripts too
])
def test_look_alikes_that_name_nothing_are_refused_plainly(text, words):
    with pytest.raises(AnswerParseError) as err:
        parse_answer(text, SYMBOLS)
    assert words.lower() in err.value.reason.lower()


@pytest.mark.parametrize("text", ["σ′(z)", "sigma'(z)", "σ'(z)"])
def test_sigma_prime_typed_as_a_function_says_how_to_write_it(text):
    with pytest.raises(AnswerParseError) as err:
        parse_answer(text, SYMBOLS)
    assert "write the sigmoid's slope out" in err.value.reason
