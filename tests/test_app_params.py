"""Link values are parsed, range-checked and fall back with a notice; writes touch only changes."""

from hypothesis import given, settings
from hypothesis import strategies as st

from ui.params import Params, format_value, parse_choice, parse_float, parse_int


def test_parse_int():
    assert parse_int("n", "3", 1, 1, 5) == (3, None)
    assert parse_int("n", None, 2, 1, 5) == (2, None)
    value, notice = parse_int("n", "9", 1, 1, 5)
    assert value == 1 and "n='9'" in notice and "using 1" in notice
    value, notice = parse_int("n", "abc", 1, 1, 5)
    assert value == 1 and "not a whole number" in notice


def test_parse_float_rejects_nan_inf_and_range():
    assert parse_float("w", "0.25", 0.0, -1, 1) == (0.25, None)
    for raw in ("nan", "inf", "-inf", "2", "x", "1e999"):
        value, notice = parse_float("w", raw, 0.5, -1, 1)
        assert value == 0.5 and notice and "using 0.5" in notice


def test_parse_choice():
    assert parse_choice("c", "b", "a", ["a", "b"]) == ("b", None)
    value, notice = parse_choice("c", "__import__('os')", "a", ["a", "b"])
    assert value == "a" and "choose one of a, b" in notice


@settings(max_examples=40, deadline=None)
@given(st.floats(-10, 10, allow_nan=False))
def test_float_round_trip(x):
    value, notice = parse_float("w", format_value(x), 0.0, -10, 10)
    assert notice is None and abs(value - x) <= 1e-9 * max(1.0, abs(x))


def test_params_collect_notices_and_write_only_changes():
    qp = {"w": "7", "n": "2", "act": "tanh"}
    p = Params("page", qp)
    assert p.get_float("w", 1.0, -5, 5) == 1.0
    assert p.get_int("n", 1, 1, 3) == 2
    assert p.get_choice("act", "sigmoid", ["sigmoid", "relu"]) == "sigmoid"
    assert len(p.notices) == 2
    p.set(w=1.0, n=2, flag=True)
    assert qp == {"w": "1", "n": "2", "act": "tanh", "flag": "1"}


def test_page_settings_class_is_built_once_per_definition():
    """A page's settings class (made on every rerun) is the same class while its definition is,
    so stored settings stay instances of it; a changed default makes a new class."""
    import dataclasses

    from ui.page_state import settings as page_settings

    def define(default=-1.0):
        @page_settings
        class Neuron:
            stage: str = "classifier"
            w1: float = default

        return Neuron

    first, again, changed = define(), define(), define(2.0)
    assert first is again and changed is not first
    assert isinstance(again(), first) and again() == first()
    assert dataclasses.is_dataclass(first) and changed().w1 == 2.0
    try:
        first().w1 = 3.0
    except dataclasses.FrozenInstanceError:
        pass
    else:
        raise AssertionError("settings must be frozen")
