"""page_model.recurrent and charts.recurrent: the sequence tasks, the sentences decided from the
numbers, and the figures of the recurrent pages."""

import math

import numpy as np
import pytest

from charts import HIGHLIGHT
from charts.recurrent import (
    contributions_chart,
    gates_chart,
    gradient_decay_chart,
    hidden_state_chart,
    unrolled_diagram,
)
from page_model.recurrent import (
    MAX_CONTINUE,
    MAX_T,
    SINE_AMPLITUDE,
    SINE_OMEGA,
    TASKS,
    clip_sentence,
    compare_sentence,
    contribution_sentence,
    decay_kind,
    decay_sentence,
    forget_sentence,
    make_task,
    shares,
)


# ------------------------------------------------------------------ tasks
def test_remember_targets_are_the_input_k_steps_earlier():
    t = make_task("remember", n_sequences=5, T=9, k=3, seed=4)
    assert t.xs.shape == t.ys.shape == (5, 9, 1)
    for n in range(5):
        for step in range(1, 10):  # steps from 1
            expected = t.xs[n, step - 1 - 3, 0] if step > 3 else 0.0
            assert t.ys[n, step - 1, 0] == expected


def test_running_sum_and_sine_targets():
    s = make_task("running_sum", 3, 7, seed=1)
    for n in range(3):
        total = 0.0
        for step in range(7):
            total += s.xs[n, step, 0]
            assert s.ys[n, step, 0] == pytest.approx(total, abs=1e-15)
    w = make_task("sine", 3, 8, seed=2)
    # y_t = x_{t+1}, and the stored future continues the same wave
    np.testing.assert_array_equal(w.ys[:, :-1, 0], w.xs[:, 1:, 0])
    assert w.future.shape == (3, MAX_CONTINUE)
    wave = np.concatenate([w.xs[0, :, 0], w.future[0]])
    phase = math.asin(w.xs[0, 0, 0] / SINE_AMPLITUDE) - SINE_OMEGA
    ok = [np.allclose(wave, SINE_AMPLITUDE * np.sin(SINE_OMEGA * np.arange(1, wave.size + 1) + p))
          for p in (phase, math.pi - phase - 2 * SINE_OMEGA)]
    assert any(ok)
    assert w.ys[0, -1, 0] == w.future[0, 0]  # the last target is the first continued value


@pytest.mark.parametrize("task", TASKS)
def test_same_seed_same_data_other_seed_other_data(task):
    a, b, c = (make_task(task, 4, 6, 2, seed=s) for s in (7, 7, 8))
    np.testing.assert_array_equal(a.xs, b.xs)
    assert not np.array_equal(a.xs, c.xs)
    assert np.all(np.abs(a.ys) < 1.5)  # within reach of a tanh-bounded LSTM, mostly


@pytest.mark.parametrize("args, words", [
    (("lstm", 4, 5, 1), "Unknown task"), (("remember", 0, 5, 1), "sequences"),
    (("sine", 4, MAX_T + 1, 1), "steps"), (("remember", 4, 5, 5), "longer than k"),
    (("remember", 4, 5, 0), "k"),
])
def test_bad_sizes_say_what_to_change(args, words):
    with pytest.raises(ValueError, match=words):
        make_task(*args)


# ------------------------------------------------------------------ sentences
def test_decay_verdict_follows_the_numbers():
    gaps = np.arange(11)
    assert decay_kind(0.5 ** gaps) == "vanishes"
    assert decay_kind(1.6 ** gaps) == "explodes"
    assert decay_kind(0.98 ** gaps) == "stays"
    assert decay_kind([1.0, math.inf]) == "explodes"
    text = decay_sentence(0.5 ** gaps, "w_h = 0.5")
    assert text.startswith("w_h = 0.5: over 10 steps back") and "0.00098" in text
    assert "×0.5 per step" in text and "vanishes" in text
    assert "grows by a factor of 1.1×10²" in decay_sentence(1.6 ** gaps)
    assert "stays within a factor of 10" in decay_sentence(0.98 ** gaps)
    # a rise the end hides is said: up 1000-fold at 5 steps back, back to 0.5 at the end
    bump = np.r_[10.0 ** np.arange(6), 0.5]
    assert decay_kind(bump) == "stays"
    assert "first grows, to ×10⁵ at 5 steps back" in decay_sentence(bump)
    with pytest.raises(ValueError):
        decay_kind([1.0])


def test_clip_sentence_depends_on_the_norm():
    long = clip_sentence(250.0, 5.0)
    assert "above the threshold 5" in long and "50 times shorter" in long
    assert "changes nothing" in clip_sentence(0.2, 5.0)
    assert "not finite" in clip_sentence(math.nan, 5.0)


def test_contribution_shares_and_sentence():
    c = [0.1, -0.05, 0.4, 0.0]
    s = shares(c)
    assert s.sum() == pytest.approx(1.0) and s[2] == pytest.approx(0.4 / 0.55)
    text = contribution_sentence(c)
    assert "Step 3 contributes the most (73%" in text and "Step 1 contributes 18%" in text
    assert "1 step pulls the other way" in text
    assert "contributes 0" in contribution_sentence([0.0, 0.0])
    assert np.all(shares([0, 0]) == 0)


def test_compare_and_forget_sentences():
    assert "press Play" in compare_sentence(1.0, 1.0, 0)
    assert "the LSTM is ahead" in compare_sentence(0.4, 0.1, 50)
    assert "4 times lower" in compare_sentence(0.4, 0.1, 50)
    assert "RNN is ahead" in compare_sentence(0.1, 0.4, 50)
    assert "about level" in compare_sentence(0.100, 0.102, 50)
    assert "RNN is not finite" in compare_sentence(math.inf, 0.1, 5).replace("of the ", "")
    f = np.array([[0.9, 0.5]] * 4)
    text = forget_sentence(f)
    assert "keeps 70%" in text and "unit 1 still carries 0.73" in text and "step 4" in text


# ------------------------------------------------------------------ charts
def test_unrolled_diagram_draws_every_step_and_highlights_one():
    xs, hs, ys = np.arange(4.0), np.ones((4, 2)) * 0.5, np.zeros((4, 1))
    fig = unrolled_diagram(xs, hs, ys, step=2)
    nodes = {tr.name: tr for tr in fig.data}
    assert list(nodes["hidden states"].x) == [1, 2, 3, 4]
    assert "h₂" in nodes["hidden states"].text[1] and "0.50, 0.50" in nodes["hidden states"].text[1]
    assert list(nodes["hidden states"].marker.opacity) == [1.0, 1.0, 0.35, 0.35]
    labels = [a.text for a in fig.layout.annotations if a.text]
    assert "W_h" in labels and "W_x" in labels and "W_y" in labels
    path = unrolled_diagram(xs, hs, ys, span=(2, 3))  # a backprop path from E_3 back to step 2
    nodes = {tr.name: tr for tr in path.data}
    assert list(nodes["hidden states"].marker.line.color[:3]) == ["#444", HIGHLIGHT, HIGHLIGHT]
    assert list(nodes["hidden states"].marker.opacity) == [1.0, 1.0, 1.0, 0.35]
    lit = [a for a in path.layout.annotations if a.showarrow and a.arrowcolor == HIGHLIGHT]
    # h₁→h₂, h₂→h₃, x₂→h₂ and h₃→ŷ₃: the path's arrows, no other input or output
    assert sorted((a.ax, a.x) for a in lit) == [(1, 2), (2, 2), (2, 3), (3, 3)]
    with pytest.raises(ValueError):
        unrolled_diagram(xs, hs, span=(3, 2))
    lstm = unrolled_diagram(xs, hs, cs=hs, weight_names={"c": "f"})
    assert "cell states" in {tr.name for tr in lstm.data}
    with pytest.raises(ValueError):
        unrolled_diagram(xs, hs, step=5)
    with pytest.raises(ValueError):
        unrolled_diagram(xs, hs[:3])


def test_line_charts():
    h = hidden_state_chart(np.c_[np.arange(5.0), -np.arange(5.0)], mark_step=3)
    assert [tr.name for tr in h.data] == ["h unit 1", "h unit 2"]
    assert list(h.data[1].x) == [1, 2, 3, 4, 5]
    g = gates_chart({k: np.full((3, 2), v) for k, v in zip("aifo", (0.1, 0.2, 0.3, 0.4),
                                                            strict=True)}, unit=1)
    assert {tr.name: tr.y[0] for tr in g.data}["forget gate f"] == 0.3
    d = gradient_decay_chart({"w=0.5": [1.0, 0.5, 0.0, math.inf], "LSTM": [1.0, 1.0, 1.0, 1.0]})
    assert d.layout.yaxis.type == "log"
    assert list(d.data[0].y) == [1.0, 0.5, None, None]  # a log axis cannot show 0 or ∞
    bars = contributions_chart([0.2, -0.1], shares([0.2, -0.1]))
    assert list(bars.data[0].text) == ["67%", "33%"]


# ------------------------------------------------------------------ derived products and formulas
@pytest.mark.parametrize("act", ["tanh", "sigmoid", "linear", "relu"])
def test_derived_hidden_factor_is_nn_cores_slope_times_w_h(act):
    from derivations.recurrent_formulas import hidden_factor_function
    from nn_core import get_activation

    z = np.linspace(-2.0, 2.0, 9)
    f = get_activation(act)
    h = f.output(z)
    np.testing.assert_allclose(hidden_factor_function(act)(h, z, 1.7), 1.7 * f.der(z, h),
                               rtol=1e-12, atol=1e-15)


def test_product_check_compares_the_derivation_with_gradient_flow():
    from derivations.recurrent_formulas import gradient_product_formulas
    from page_model.recurrent import product_check, product_check_sentence

    forms = gradient_product_formulas("tanh")
    assert r"w_{h} \left(1 - h_{k}^{2}\right)" in forms["rnn_factor"]
    assert r"\prod_{k=t + 1}^{T} f_{k}" in forms["cell_product"]
    check = product_check(2.0, 10, 0.0)  # no input: h = 0, each factor is w_h
    np.testing.assert_allclose(check.derived, 2.0 ** np.arange(10))
    assert check.ok and product_check_sentence(check, "w_h = 2").startswith("✓ w_h = 2")
    broken = type(check)(check.derived * 1.01, check.computed, 0.01)
    assert product_check_sentence(broken, "x").startswith("✗")
