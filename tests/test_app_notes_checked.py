"""The notes page: every audited formula is shown stated beside derived, with the audit's verdicts
and counter-examples, and the training run is derivations' own."""

import pytest
from app_helpers import has_latex, notices, open_box, page, table

from derivations import audit_by_key, audit_notes, train_with_notes_formula


@pytest.fixture(scope="module")
def at():
    return page("notes_checked", {"epochs": "100"})


def test_every_formula_stated_beside_derived(at):
    for rec in audit_notes():
        assert has_latex(at, f"{rec.label} = {rec.stated_latex}"), rec.key
        assert has_latex(at, f"{rec.label} = {rec.derived_latex}"), rec.key


def test_default_record_verdict_counterexample_and_run(at):
    rec = audit_by_key()["where_dy_dz"]
    assert not rec.agrees
    cex = table(at, 1)
    assert cex["stated gives"] == pytest.approx(rec.counterexample["stated_value"])
    assert cex["derived gives"] == pytest.approx(rec.counterexample["derived_value"])
    run = train_with_notes_formula("where_dy_dz", case="mlp", epochs=100, lr=0.5)
    t = table(at, 2)
    assert t["after training, as derived"] == pytest.approx(run.derived_loss[-1])
    assert t["after training, as stated"] == pytest.approx(run.stated_loss[-1])
    assert any("wrong" in m.value for m in at.markdown)


def test_choosing_another_record_and_case():
    at = page("notes_checked", {"rec": "where_dyh_dzh", "epochs": "100"})
    run = train_with_notes_formula("where_dyh_dzh", case="mlp", epochs=100, lr=0.5)
    assert table(at, 2)["after training, as stated"] == pytest.approx(run.stated_loss[-1])
    open_box(at, "notes.more")  # the training run's settings are drawn while it is open
    at.radio(key="notes.case").set_value("single_layer").run()
    assert not at.exception
    # a hidden-layer formula has no run on a network without a hidden layer: a warning, no crash
    assert any("hidden layer" in w.value for w in at.warning)


def test_bad_link_value_notice():
    at = page("notes_checked", {"rec": "no_such_formula", "epochs": "100"})
    assert any("formula (“no\\_such\\_formula”) was not one of the choices" in n
               for n in notices(at))
    assert at.selectbox(key="notes.rec").value == "where_dy_dz"


def test_your_turn_box_on_a_where_line():
    at = open_box(page("notes_checked", {"rec": "where_dy_dz", "epochs": "50"}), "notes.turn")
    at.text_input(key="notes.where_dy_dz__text").set_value("yhati*(1 - yhati)").run()
    at.button(key="notes.where_dy_dz__check").click().run()
    assert any("Correct" in s.value for s in at.success)
