"""derivations.answer_notes: every misconception, generated from the right answer, names itself.

Each note's mutation is applied to each part of a practice exercise on the notes' MLP (every
factor alone, the whole formula with its sum over output neurons, its number), the wrong
answer is judged, and the note's own tag must fire. Equivalent forms of a right answer never
trigger a note. Judged in this process (``judge``), as a worker would.
"""

import pytest
import sympy

from derivations import chain_rule, notes_network
from derivations.answer_notes import NOTES, Context, wrong_answers
from derivations.answer_verdicts import _at, judge
from derivations.parser import parse_answer
from derivations.practice import definitions_of, exercise, typed_symbols_of
from derivations.step import primary_values

NET, X, Y, _ = notes_network("mlp", 0)
HIDDEN = chain_rule((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", 1, 0, 0, "weight")
OUTPUT = chain_rule((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", 2, 1, 0, "weight")
SYMBOLS = typed_symbols_of(HIDDEN.net)


def _parts(rule):
    values = rule.evaluate(primary_values(NET, X, Y))["values"]
    return exercise(rule, values, "p")


def _judge(answer, part):
    return judge(answer, part.expected, symbols=SYMBOLS, **part.judge_kwargs(HIDDEN.net))


def _mutations(part):
    kwargs = part.judge_kwargs(HIDDEN.net)
    ctx = Context(part.expected, part.chain, list(part.paths), kwargs["swaps"],
                  kwargs["notation"])
    return [(tag, wrong, text) for tag, wrong, text in wrong_answers(ctx)
            if tag != "missing_factor"]


CASES = [(rule_name, part) for rule_name, rule in (("hidden", HIDDEN), ("output", OUTPUT))
         for part in _parts(rule)]


@pytest.mark.parametrize(("rule_name", "part"), CASES,
                         ids=[f"{n}-{p.key}" for n, p in CASES])
def test_each_mutation_of_each_part_fires_its_own_note(rule_name, part):
    fired = set()
    for tag, wrong, _text in _mutations(part):
        if part.kind == "number":
            value = _at(wrong, part.at)
            assert value is not None, tag
            wrong = sympy.Float(value, 15)
        verdict = _judge(wrong, part)
        assert not verdict.equivalent, (tag, wrong)
        assert verdict.note == tag, (part.key, tag, wrong, verdict.note)
        assert verdict.hint  # the note's feedback is shown
        fired.add(tag)
    assert fired  # every part has at least one known slip


def test_every_note_in_the_table_fires_somewhere():
    seen = {tag for _name, part in CASES for tag, _w, _t in _mutations(part)}
    assert seen == {note.tag for note in NOTES}


@pytest.mark.parametrize("step", range(len(HIDDEN.factors)))
def test_equivalent_forms_never_trigger_a_note(step):
    part = _parts(HIDDEN)[step]
    right = part.expected
    forms = [right, sympy.expand(right), sympy.factor(right), sympy.Mul(-1, -right),
             right.xreplace(definitions_of(HIDDEN.net))]  # σ(z) where the page writes ŷ
    for form in forms:
        verdict = _judge(form, part)
        assert verdict.equivalent and verdict.note is None, (part.key, form)


def test_whole_formula_in_another_order_is_right_and_quiet():
    part = next(p for p in _parts(HIDDEN) if p.kind == "whole")
    text = ("x1*yh11*(1-yh11)*((yhat1-y1)*yhat1*(1-yhat1)*wh11z1"
            " + wh11z2*(yhat2 - yhat2^2)*(yhat2-y2))")
    verdict = _judge(parse_answer(text, SYMBOLS), part)
    assert verdict.equivalent and verdict.note is None


def test_the_number_is_right_to_three_digits_and_a_formula_is_refused():
    part = next(p for p in _parts(HIDDEN) if p.kind == "number")
    value = _at(part.expected, part.at)
    assert _judge(sympy.Float(float(f"{value:.4g}"), 15), part).equivalent
    assert not _judge(sympy.Float(value * 1.01, 15), part).equivalent
    typed = _judge(SYMBOLS["x1"], part)
    assert typed.status == "unreadable" and "number" in typed.message


def test_hints_use_the_pages_notation():
    # The step-through writes ŷ for the output and y for the target: no t in the sign hint.
    part = _parts(OUTPUT)[0]  # ∂E/∂ŷ₂ = ŷ₂ − y₂
    verdict = _judge(-part.expected, part)
    assert verdict.note == "wrong_sign"
    assert r"\hat{y}" in verdict.hint and "t -" not in verdict.hint and "- t" not in verdict.hint
