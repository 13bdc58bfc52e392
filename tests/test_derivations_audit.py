"""The audit of the notes: stable verdicts, real counter-examples, and what following the notes'
formulas does to training."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp

import derivations as d
from derivations.audit import ALIASES, _build_audit
from derivations.notes import stated_parts
from derivations.symbolic import sym
from nn_core import get_activation

EXPECTED = {
    # the notes' "where" block
    "where_dE_dy": True, "where_dy_dz": False, "where_dz_dyh": True, "where_dyh_dzh": False,
    "where_dzh_dw": True, "where_block": False,
    # definitions, update rules and chain-rule splits
    "weighted_sum": False, "sigmoid": True, "squared_error": True,
    "update_single": True, "update_output": True, "update_hidden": True,
    "chain_single_1": True, "chain_single_2": True, "chain_output_1": True,
    "chain_output_2": True, "chain_hidden": True,
}


def _at(expr, point: dict) -> float:
    return float(expr.xreplace(ALIASES).xreplace(point))


def test_records_have_the_contract_fields():
    recs = d.audit_notes()
    keys = [r.key for r in recs]
    assert len(keys) == len(set(keys))
    for r in recs:
        assert r.kind in ("formula", "prose")
        assert isinstance(r.stated, sp.Basic) and isinstance(r.derived, sp.Basic)
        assert isinstance(r.agrees, bool) and r.label and r.consequence and r.title
        assert r.severity in ("ok", "error", "omission", "notation")
        assert r.agrees == (r.severity == "ok")
    words = {"prose_f2_activation", "prose_z_name", "prose_y_meaning", "prose_i_index",
             "prose_hidden_hat"}  # records about words show words
    for r in recs:
        if r.key.startswith("update_"):  # derived shows what SymPy derives of the rule too
            assert r.derived_latex.startswith(sp.latex(r.derived, order="none"))
            assert r"\leq 0" in r.derived_latex
        elif r.key in words:
            assert r"\text{" in r.label + r.stated_latex + r.derived_latex
        elif not r.key.startswith("chain_"):  # chain records print with weighted sums abbreviated
            assert r.stated_latex == sp.latex(r.stated, order="none")
            assert r.derived_latex == sp.latex(r.derived, order="none")
    assert {r.key for r in recs if r.kind == "prose"} >= {
        "prose_f2_activation", "prose_f1_one", "prose_z_name", "prose_y_meaning",
        "prose_i_index", "prose_hidden_hat"}


def test_verdicts_are_the_derived_ones():
    by_key = d.audit_by_key()
    assert {k: by_key[k].agrees for k in EXPECTED} == EXPECTED


def test_audit_is_stable():
    first, second = _build_audit(), _build_audit()
    assert [(r.key, r.agrees, r.counterexample) for r in first] == [
        (r.key, r.agrees, r.counterexample) for r in second]


def test_every_formula_disagreement_has_a_real_counterexample():
    for r in d.audit_notes():
        if r.agrees or (r.counterexample is None and r.kind == "prose"):
            continue
        ce = dict(r.counterexample)
        stated_value, derived_value = ce.pop("stated_value"), ce.pop("derived_value")
        point = {sym(name): value for name, value in ce.items()}
        s, dv = _at(r.stated, point), _at(r.derived, point)
        assert s == pytest.approx(stated_value) and dv == pytest.approx(derived_value)
        assert abs(s - dv) > 1e-6, r.key


def test_sign_error_in_sigmoid_slope():
    r = d.audit_by_key()["where_dy_dz"]
    y_hat = sym(r"\hat{y}_{i}")
    assert sp.simplify(r.stated / r.derived) == -1
    # The derived slope matches nn_core's sigmoid derivative.
    z = np.linspace(-4, 4, 9)
    a = get_activation("sigmoid")
    derived = sp.lambdify(y_hat, r.derived)(a.output(z))
    np.testing.assert_allclose(derived, a.der(z, a.output(z)), rtol=1e-14)
    # One step with the stated formula climbs, the derived one descends.
    demo = r.demo
    assert demo["loss_after_stated"] > demo["loss_before"] > demo["loss_after_derived"]


def test_record_at_live_numbers():
    r = d.audit_by_key()["where_dyh_dzh"]
    assert r.at({"y_{h_{11}}": 0.25}) == pytest.approx((0.75, 0.1875))
    with pytest.raises(ValueError, match="Give a value"):
        r.at({})


def test_hidden_slope_overstated_by_one_over_activation():
    r = d.audit_by_key()["where_dyh_dzh"]
    y_h = sym("y_{h_{11}}")
    assert sp.simplify(r.stated.xreplace(ALIASES) / r.derived - 1 / y_h) == 0
    assert r.ratio_latex == sp.latex(1 / y_h)
    ce = r.counterexample
    assert ce["stated_value"] == pytest.approx(ce["derived_value"] / ce["y_{h_{11}}"])


def test_where_block_gradient_points_the_wrong_way():
    r = d.audit_by_key()["where_block"]
    assert sp.simplify(r.stated.xreplace(ALIASES) / r.derived + 1 / sym("y_{h_{11}}")) == 0
    assert r.demo["loss_after_stated"] > r.demo["loss_before"]


def test_derived_where_block_is_nn_core_backprop():
    """Assembled from the derived lines, the hidden-weight gradient is nn_core's."""
    net, x, y, _ = d.notes_network("mlp", seed=4)
    fp = net.forward_pass(x)
    r = d.audit_by_key()["where_block"]
    point = {sym("x_{1}"): x[0], sym("y_{h_{11}}"): fp.ys[1][0, 0]}
    for k in range(2):
        point[sym(rf"\hat{{y}}_{{{k + 1}}}")] = fp.ys[2][0, k]
        point[sym(f"y_{{{k + 1}}}")] = y[k]
        point[sym(f"w_{{h_{{11}} z_{{{k + 1}}}}}")] = net.weights[1][0, k]
    assert _at(r.derived, point) == pytest.approx(net.gradients(x, y)[0][0][0, 0], rel=1e-12)


def test_symbolic_definitions_match_nn_core():
    errs = d.check_against_nn_core(seed=1)
    assert errs["sigmoid"] < 1e-12 and errs["squared_error"] < 1e-12


def test_stated_parts_are_the_stated_formulas():
    hidden, output, loss = stated_parts("where_block")  # every where line as stated
    y_hat = np.array([[0.2], [0.5], [0.9]])
    z = np.log(y_hat / (1 - y_hat))  # the weighted sums behind y_hat
    np.testing.assert_allclose(output.output(z), y_hat)  # the value is the sigmoid's
    np.testing.assert_allclose(output.der(z, y_hat), -y_hat * (1 - y_hat))
    np.testing.assert_allclose(hidden.der(z, y_hat), 1 - y_hat)
    np.testing.assert_allclose(loss.der(y_hat, np.ones((3, 1))) * 3, y_hat - 1)  # × n: mean


# --------------------------------------------------------------------- training side by side
@pytest.mark.parametrize("key", ["where_dy_dz", "where_block"])
def test_training_with_the_sign_error_does_not_learn(key):
    tr = d.train_with_notes_formula(key, case="mlp", epochs=150, lr=0.5, seed=0)
    assert len(tr.derived_loss) == len(tr.stated_loss) == 151
    assert tr.derived_loss[0] == tr.stated_loss[0]  # same start
    assert tr.derived_loss[-1] < 0.5 * tr.derived_loss[0]  # the derived one learns
    assert tr.stated_loss[-1] > tr.stated_loss[0]  # the notes' one climbs
    assert all(np.isfinite(tr.stated_loss))


def test_training_single_layer_with_the_sign_error():
    tr = d.train_with_notes_formula("where_dy_dz", case="single_layer", epochs=100)
    assert tr.derived_change < 0 < tr.stated_change


def test_training_with_an_agreeing_formula_is_identical():
    tr = d.train_with_notes_formula("where_dE_dy", epochs=30)
    np.testing.assert_allclose(tr.stated_loss, tr.derived_loss, rtol=1e-12)


def test_training_with_the_hidden_slope_error_still_descends_but_differs():
    tr = d.train_with_notes_formula("where_dyh_dzh", epochs=60)
    assert tr.stated_loss[-1] < tr.stated_loss[0]  # same sign: it still goes downhill
    assert not np.allclose(tr.stated_loss, tr.derived_loss)


def test_training_bad_input():
    with pytest.raises(ValueError, match="choose one of"):
        d.train_with_notes_formula("sigmoid")
    with pytest.raises(ValueError, match="hidden layer"):
        d.train_with_notes_formula("where_dyh_dzh", case="single_layer")
    with pytest.raises(ValueError, match="learning rate"):
        d.train_with_notes_formula("where_dy_dz", lr=0)
    with pytest.raises(ValueError, match="blobs3"):
        d.train_with_notes_formula("where_dy_dz", dataset="moons")
