"""Practice mode on Backprop, step by step: hidden until tried, the student's own numbers, the
summary. The answers are checked in worker processes, as on the hosted server."""

import pytest
from app_helpers import has_latex, page

from derivations import notes_network, step_through

PROMPT = "bp.practice.mlp.{seed}.1.0.0.weight"


def _result(seed):
    net, x, y, _ = notes_network("mlp", seed)
    return step_through(net, x, y, 1, 0, 0, "squared_error", 0.5, "weight")


def _answer(at, key, text, check=True):
    at.text_input(key=key + "__text").set_value(text).run()
    assert not at.exception
    if check:
        at.button(key=key + "__check").click().run()
        assert not at.exception


def _summary(at):
    return at.dataframe[-1].value


def test_the_derived_factor_is_hidden_until_an_attempt_then_shown():
    at = page("backprop_steps", {"mode": "practice", "seed": "17"})
    first = _result(17).terms[0]
    assert not has_latex(at, f"= {first.general_latex}")
    assert not at.dataframe[:-1]  # no numbers table before an attempt, only the summary
    key = PROMPT.format(seed=17) + ".0"
    _answer(at, key, "ŷ₁ − y₁")  # typed with a keyboard's ŷ, subscripts and minus
    assert any("Correct" in s.value for s in at.success)
    assert has_latex(at, f"{first.symbol_latex} = {first.general_latex}")
    assert has_latex(at, first.substituted_latex)  # the numbers appear too


def test_show_me_reveals_without_an_answer_and_the_summary_counts_it():
    at = page("backprop_steps", {"mode": "practice", "seed": "17"})
    key = PROMPT.format(seed=17)
    _answer(at, key + ".0", "y1 - yhat1")  # wrong sign: tried, not right
    assert any("Hint" in w.value and "Wrong sign" in w.value for w in at.warning)
    at.button(key="bp_next").click().run()
    second = _result(17).terms[1]
    assert not has_latex(at, f"= {second.general_latex}")
    at.button(key=key + ".1__show").click().run()
    assert has_latex(at, f"{second.symbol_latex} = {second.general_latex}")
    at.button(key="bp_next").click().run()
    _answer(at, key + ".2", "w_h11z1")
    rows = _summary(at)
    assert list(rows["attempts"][:3]) == [1, 0, 1]
    assert list(rows["right"][:3]) == ["no", "no", "yes"]
    assert list(rows["right first time"][:3]) == ["no", "no", "yes"]
    assert list(rows["shown"][:3]) == ["no", "yes", "no"]
    assert rows["hints"][0] == 1 and rows["slips named"][0] == "a wrong sign"
    assert len(rows) == 10  # 8 factors, the whole formula, its number
    credit = " ".join(m.value for m in at.markdown)
    assert "1 of 2 parts tried right (10 parts in all)" in credit
    md = at.get("download_button")
    assert md  # the summary downloads are on the page


def test_a_seed_reproduces_the_exercise_and_another_differs():
    def numbers(seed):
        at = page("backprop_steps", {"mode": "practice", "seed": str(seed)})
        at.button(key=PROMPT.format(seed=seed) + ".0__show").click().run()
        caption = next(c.value for c in at.sidebar.caption if c.value.startswith("Drawn by"))
        return caption, at.dataframe[0].value["value"].tolist()

    first, again, other = numbers(17), numbers(17), numbers(18)
    assert first == again
    assert first[0] != other[0] and first[1] != other[1]
    x, label = notes_network("mlp", 17)[1::2]
    assert first[0] == f"Drawn by the seed: x = ({x[0]:g}, {x[1]:g}), class {label}."
    assert first[1][0] == pytest.approx(_result(17).terms[0].value)


def test_practice_without_a_seed_draws_one_into_the_link():
    at = page("backprop_steps", {"mode": "practice"})
    seed = int(at.query_params["seed"])
    assert 1 <= seed <= 999 and at.query_params["mode"] == "practice"
    x = notes_network("mlp", seed).x
    assert at.query_params["x1"] == f"{x[0]:g}" or float(at.query_params["x1"]) == x[0]


def test_notes_page_hides_the_derived_line_until_answered():
    from derivations import audit_by_key

    rec = audit_by_key()["where_dy_dz"]
    at = page("notes_checked", {"rec": "where_dy_dz", "mode": "practice"})
    assert not has_latex(at, f"{rec.label} = {rec.derived_latex}")
    verdicts = at.dataframe[0].value["verdict"].tolist()
    assert "? (practice: derive it first)" in verdicts
    _answer(at, "notes.where_dy_dz", "-ŷᵢ(1 − ŷᵢ)")  # the notes' own slip, keyboard-typed
    assert any("Sign slip" in w.value for w in at.warning)
    assert has_latex(at, f"{rec.label} = {rec.derived_latex}")
    rows = _summary(at)
    assert rows["attempts"].tolist()[1] == 1 and rows["slips named"].tolist()[1].startswith("−")
