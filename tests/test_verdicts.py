"""page_model.verdicts: each verdict on a case for each of its outcomes, edges included, and
every piece of advice re-run to check it does what it says."""

import numpy as np
import pytest

from derivations import notes_network, step_through
from derivations.step import FD_STEP
from nn_core import Network, make_dataset
from page_model.descent import critical_lr, descent_path
from page_model.numbers import fmt, fmt_latex, fmt_share
from page_model.verdicts import (
    backprop_check,
    classify_descent,
    descent_verdict,
    factor_check,
    gradient_check,
    loss_change,
    reversals,
    rises,
    weakest_class,
)


def _linear():
    d = make_dataset("regression", 80, noise=0.05, test_fraction=0.0, seed=3)
    return d.X_train, d.y_train.astype(float)


def _verdict(X, Y, w0, model, lr, steps=20, learn=(True, False)):
    learn = list(learn)
    path = descent_path(X, Y, w0, 0.0, model, lr, steps, learn)

    def run(eta):
        p = descent_path(X, Y, w0, 0.0, model, eta, steps, learn)
        return p.losses, p.weights, p.blew_up

    floor = float(np.min(path.losses))
    for w in np.linspace(-4, 4, 81):  # the drawn curve's lowest loss, as the page's
        floor = min(floor, float(descent_path(X, Y, [w, w0[1]], 0.0, model, 1e-9, 1,
                                              learn).losses[0]))
    eta_max = critical_lr(X, learn) if model == "linear" else None
    return path, descent_verdict(path.losses, path.weights, path.grads, floor, lr, run, eta_max,
                                 path.blew_up), run


def _check_advice(v, run):
    """The advised η, re-run: falls at every step to the loss the advice states."""
    if v.advice is None:
        return
    losses, _, blew_up = run(v.advice.lr)
    assert not blew_up and rises(losses) == 0
    assert losses[-1] == pytest.approx(v.advice.end_loss)
    assert fmt(v.advice.end_loss) in v.text


@pytest.mark.parametrize("ratio, kind", [(0.3, "settling"), (0.004, "slow"),
                                         (0.99, "overshooting"), (1.01, "diverging"),
                                         (1.08, "diverging"), (150.0, "diverging")])
def test_linear_descent_regimes_around_the_stability_limit(ratio, kind):
    X, Y = _linear()
    eta = ratio * critical_lr(X, [True, False])
    path, v, run = _verdict(X, Y, [-3.0, 0.5], "linear", eta)
    assert v.kind == kind, v.text
    if kind == "settling":
        assert np.all(np.diff(path.losses) <= 0) and "falls at every step" in v.text
    if kind == "overshooting":  # just under η_max: falls, but jumps across the valley
        assert np.all(np.diff(path.losses) <= 0)
        steps = np.diff(path.weights[:, 0])
        assert np.all(steps[:-1] * steps[1:] < 0)
        assert "larger η" not in v.text  # any larger η diverges
        assert v.advice is not None and v.advice.lr < eta
    if kind == "slow":
        assert v.advice is not None and v.advice.lr > eta
        assert v.advice.share > 0.5
    if kind == "diverging":
        assert path.losses[-1] > path.losses[0]
        assert v.advice is not None and v.advice.lr < critical_lr(X, [True, False])
    _check_advice(v, run)


def test_descent_at_the_bottom_and_with_a_flat_slope():
    X, Y = _linear()
    w_star = float(np.linalg.lstsq(X[:, :1], Y, rcond=None)[0][0])
    _, v, _ = _verdict(X, Y, [w_star, 0.0], "linear", 0.5, learn=(True, False))
    # At the bottom: the start is already the lowest loss (the gradient is ~0).
    assert v.kind == "at_bottom" and v.advice is None
    d = make_dataset("linear", 80, noise=0.1, test_fraction=0.0, seed=3)
    Xs, Ys = d.X_train, d.y_train.astype(float)
    # A saturated sigmoid: the slope is tiny, the run barely moves; the advice is simulated.
    _, v, run = _verdict(Xs, Ys, [60.0, -60.0], "sigmoid", 0.2, learn=(True, True))
    assert v.kind == "slow" and "slope is tiny" in v.text
    _check_advice(v, run)


def test_zigzag_loss_is_not_called_settling():
    losses = [1.0, 0.5, 0.7, 0.3, 0.4, 0.2]
    weights = np.array([[0.0], [1.0], [0.2], [0.9], [0.3], [0.8]])
    kind, _ = classify_descent(losses, weights, 0.0)
    assert kind == "zigzag" and rises(losses) == 2
    v = descent_verdict(losses, weights, [[0.1]] * 5, 0.0, 1.0)
    assert "went up at 2 of the 5 steps" in v.text and v.level == "warning"


def test_zigzag_advice_is_only_given_when_a_smaller_rate_falls_smoothly():
    def run(eta):  # an oscillating run at every η: no advice may be given
        return [1.0, 0.5, 0.7, 0.4], np.array([[0.0], [1.0], [0.2], [0.9]]), False

    v = descent_verdict([1.0, 0.5, 0.7, 0.4], np.array([[0.0], [1.0], [0.2], [0.9]]),
                        [[1.0]] * 3, 0.0, 1.0, run)
    assert v.advice is None and "No smaller η tried" in v.text and len(v.tried) == 12


def test_ties_edges_of_small_helpers():
    assert rises([1.0, 1.0, 1.0]) == 0  # flat is not a rise
    assert rises([1.0, 1.0 + 1e-13]) == 0  # rounding is not a rise
    assert rises([1.0, float("nan")]) == 1
    assert reversals(np.array([[0.0], [1.0], [0.0], [1.0]])) == 2
    assert weakest_class([0.9, 0.5, 0.5]) == ([1, 2], 0.5)
    assert weakest_class([1.0, 1.0, 1.0]) == ([0, 1, 2], 1.0)
    assert loss_change(0.5, 0.4) == "the loss fell from 0.5 to 0.4"
    assert loss_change(0.5, 0.5) == "the loss did not change beyond rounding (it stays 0.5)"
    assert "did not change" in loss_change(0.5, 0.5 + 1e-16)  # one rounding is no change
    assert "rose by" in loss_change(0.5, 0.5 + 1e-12) and "fell by" in loss_change(0.5, 0.5 - 1e-12)
    assert "rose from" in loss_change(0.5, 0.6)


def test_number_formatter_uses_scientific_notation_for_large_and_tiny():
    assert fmt(1e250) == "10²⁵⁰" and fmt(-3.2e-13) == "-3.2×10⁻¹³"
    assert fmt(0.25) == "0.25" and fmt(123456) == "1.235×10⁵" and fmt(float("inf")) == "∞"
    assert fmt_latex(1.5e-13) == r"1.5 \times 10^{-13}" and fmt_latex(2.5) == "2.5"
    assert fmt_share(0.001) == "< 1%" and fmt_share(0.999) == "> 99%" and fmt_share(1) == "100%"
    assert len(fmt(1.234567e250)) < 12


def test_factor_and_gradient_checks_match_floating_point_noise():
    # A loss slope 1e-13 computed two ways differs by rounding of terms of size 1: a tick.
    assert factor_check(1e-13, 1e-13 + 2e-16, "loss", "nn_core").ok
    assert not factor_check(0.5, 0.5001, "activation", "nn_core").ok
    assert factor_check(2.0, 2.0 + 1e-6, "weight", "the weight").ok is False
    # The whole gradient: a real difference is a cross, agreement a tick.
    ok = gradient_check(0.0123, 0.0123, 0.0123 + 1e-12, 0.3, FD_STEP, 0.0123)
    assert ok.ok and ok.mark == "✓"
    bad = gradient_check(0.0123, 0.0123, 0.0246, 0.3, FD_STEP, 0.0123)
    assert bad.ok is False and "finite difference" in bad.text
    wrong_bp = gradient_check(0.0123, -0.0123, 0.0123, 0.3, FD_STEP, 0.0123)
    assert wrong_bp.ok is False and "backprop" in wrong_bp.text
    # ~1e-13: below the finite difference's noise: no judgement, and the reason.
    tiny = gradient_check(1e-13, 1e-13, 3e-12, 0.3, FD_STEP, 1e-13, [("σ′", 1e-13)])
    assert tiny.ok is None and "vanishing" in tiny.text and "σ′" in tiny.text


@pytest.mark.parametrize("case, weights, x, kind", [
    ("single_layer", 10.0, 3.0, None), ("mlp", 10.0, 3.0, None), ("mlp", None, None, True),
    ("single_layer", None, None, True)])
def test_backprop_check_on_live_networks(case, weights, x, kind):
    start = notes_network(case, 0)
    net = start.net
    xs = start.x
    if weights is not None:  # every weight 10, inputs 3: every sigmoid saturated
        net = Network.from_weights([np.full_like(w, weights) for w in net.weights],
                                   [np.full_like(b, weights) for b in net.biases], "sigmoid")
        xs = np.array([x, x])
    for layer in range(1, net.n_layers + 1):
        s = step_through(net, xs, start.y, layer, 0, 0)
        check = backprop_check(s, FD_STEP)
        assert check.ok is kind, check.text
        if kind is None:  # the gradient really is below the finite difference's resolution
            assert abs(s.gradient) < 1e-9 and "vanishing" in check.text
        else:
            assert abs(s.gradient - s.fd_gradient) < 1e-8
        for t in s.terms:
            assert factor_check(t.value, t.check_value, t.kind, t.check_source).ok


def test_threshold_line_prints_enough_digits_to_show_the_relation():
    from derivations.formulas import shown_digits, threshold_numbers

    assert shown_digits(0.49996, 0.5, False) == 5  # not "0.5000 < 0.5"
    assert shown_digits(0.5, 0.5, True) == 4  # a tie is class 1: "0.5 ≥ 0.5" is true
    assert shown_digits(0.7, 0.5, True) == 4
    assert r"0.49996 &<" in threshold_numbers(0.5, 0.49996, 0)
