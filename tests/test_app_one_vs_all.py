"""One-vs-all page: its numbers are page_model.one_vs_all's; the link picks the 'neither' class."""

import pytest
from app_helpers import has_latex, notices, open_box, page, table_by

from derivations import formulas as F
from nn_core import make_dataset
from page_model.one_vs_all import code_order, fit_scheme

SETTINGS = {"n": "90", "epochs": "150", "noise": "0.3", "lr": "2"}


def _expected(neither, encoding):
    data = make_dataset("blobs3", 90, noise=0.3, test_fraction=0.25, seed=0)
    return fit_scheme(data, encoding, 150, 2.0, 0, neither=neither)


@pytest.fixture(scope="module")
def at():
    return page("one_vs_all", SETTINGS)


def test_formulas_present(at):
    for enc in ("notes_2neuron", "one_vs_rest", "softmax"):
        forms = F.encoding_formulas(enc, 3, code_order(2) if enc == "notes_2neuron" else None)
        assert has_latex(at, forms["targets"]) and has_latex(at, forms["rule"])
    assert has_latex(at, r"0 \mapsto \left[\begin{matrix}1\\0\end{matrix}\right]")


def test_regions_drawn_for_every_scheme(at):
    assert len(at.get("plotly_chart")) == 2  # binary and the chosen scheme
    # opened: the three schemes side by side and the loss curves
    assert len(open_box(at, "ova.side").get("plotly_chart")) == 6


def test_numbers_equal_nn_core(at):
    shown = table_by(at, 1)  # a column per scheme
    assert list(shown) == ["the notes' 2", "one vs rest", "softmax"]
    for column, enc in zip(shown, ("notes_2neuron", "one_vs_rest", "softmax"), strict=True):
        r = _expected(2, enc)
        t = shown[column]
        assert t["train accuracy"] == pytest.approx(r.train_accuracy)
        assert t["test accuracy"] == pytest.approx(r.test_accuracy)
        assert [t[f"recall, class {c}"] for c in range(3)] == pytest.approx(r.recall)
        if enc != "softmax":
            assert t["share ambiguous (2 fire)"] == pytest.approx(r.ambiguous_fraction)
            assert t["share where none fires"] == pytest.approx(r.none_fraction)
        else:  # no such row for softmax: its cells stay empty
            assert "share ambiguous (2 fire)" not in t and "share where none fires" not in t


def test_moving_the_neither_class_retrains(at):
    at.radio(key="ova.neither").set_value(0).run()
    assert not at.exception
    r = _expected(0, "notes_2neuron")
    assert table_by(at, 1)["the notes' 2"]["share where none fires"] == pytest.approx(
        r.none_fraction)
    assert any("Class 0 has no neuron of its own" in m.value for m in at.markdown)
    assert at.query_params["neither"] == "0"


def test_bad_link_values_give_notices():
    at = page("one_vs_all", {**SETTINGS, "lr": "7", "show": "<script>"})
    text = " ".join(notices(at))
    assert "learning rate η (“7”) was not one of “0.1”, “0.3”, “1”, “2”, “3”, “5”" in text
    assert "regions shown (“\\<script\\>”)" in text  # escaped: shown as typed, never as HTML
    assert at.query_params["lr"] == "2"
