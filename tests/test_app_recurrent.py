"""The recurrent-network pages in AppTest: every number shown is nn_core's, every sentence the
page_model function's for those numbers, and the link reopens the same view."""

import re
from pathlib import Path

import numpy as np
import pytest
from app_helpers import has_latex, notes_lines, notices, page, table

from derivations.recurrent_formulas import lstm_step_formulas, rnn_step_formulas
from nn_core import LSTM, RNN
from nn_core import golden_lstm as golden
from page_model.numbers import fmt
from page_model.recurrent import (
    clip_sentence,
    clipping_step,
    decay_kind,
    decay_sentence,
    forget_sentence,
    golden_sentence,
    golden_verdict,
    lstm_cell_path,
    make_task,
    rnn_flows,
)
from page_model.sequence_playground import SequenceConfig, SequenceSession


def markdown(at) -> str:
    return "\n".join(m.value for m in at.markdown)


_NOTES = Path("/work/shared/notes/neural-network.md")  # where the GUIDE says the notes are
if not _NOTES.exists():
    _NOTES = Path(__file__).resolve().parents[2] / "shared" / "notes" / "neural-network.md"


def assert_quotes_verbatim(at) -> None:
    """Every quote of the notes on the page (and in its “In the notes” line) is in the notes."""
    notes = " ".join(_NOTES.read_text().split())
    # a quote may close its page's introduction (ui.layout.header's quote: one element)
    quoted = [m.value.split(marker, 1)[1] for m in at.markdown
              for marker in ("> *The notes write:*", "> *A comment under the notes:*")
              if marker in m.value]
    lines = notes_lines(at)
    assert len(lines) == 1, lines
    quoted += [q for line in lines for q in re.findall(r"“([^”]+)”", line)]
    assert quoted
    for q in quoted:
        q = " ".join(q.split())
        assert q in notes or q.strip("$") in notes, q


# ------------------------------------------------------------------ unrolled through time
def test_unrolled_numbers_are_the_rnn_forward_pass_step_by_step():
    at = page("rnn_unrolled")
    rnn = RNN.init(1, 2, 1, seed=0)
    xs = make_task("sine", 1, 5, k=1, seed=0).xs[0]
    run = rnn.forward(xs)
    for key in ("weighted_sum", "activation", "output", "start"):
        assert has_latex(at, rnn_step_formulas("tanh")[key])
    # the unrolled formula of h_2: the step formula with h_1's own put in
    assert has_latex(at, r"h_{2} = \tanh{\left(b_{h} + w_{h h} \tanh{\left(b_{h} + w_{x h} x_{1}")
    assert "partly right" in at.expander[0].label
    assert_quotes_verbatim(at)
    t = table(at)
    assert t["input x_t"] == pytest.approx(xs[0, 0])
    assert t["h_(t−1), unit 1"] == 0.0  # h_0 = 0
    assert t["h_t, unit 1"] == pytest.approx(run.h[0, 0], rel=1e-12)
    at.slider(key="unroll.t").set_value(3).run()
    at.radio(key="unroll.j").set_value(2).run()
    t = table(at)
    assert t["h_(t−1), unit 2"] == pytest.approx(run.h[1, 1], rel=1e-12)
    assert t["z_t, unit 2"] == pytest.approx(run.z[2, 1], rel=1e-12)
    assert t["output ŷ_t"] == pytest.approx(run.y[2, 0], rel=1e-12)
    assert at.query_params["t"] == "3" and at.query_params["j"] == "2"
    at.button(key="unroll#next").click().run()  # the next step reads the state just shown
    assert table(at)["h_(t−1), unit 2"] == pytest.approx(run.h[2, 1], rel=1e-12)
    assert at.query_params["t"] == "4"


def test_unrolled_link_past_the_sequence_is_pulled_back_with_a_notice():
    at = page("rnn_unrolled", {"T": "4", "t": "7", "units": "1", "j": "3", "act": "relu"})
    text = " ".join(notices(at))
    assert "time step (7) does not fit" in text and "hidden unit (3) does not fit" in text
    rnn = RNN.init(1, 1, 1, seed=0, activation="relu")
    run = rnn.forward(make_task("sine", 1, 4, k=1, seed=0).xs[0])
    assert table(at)["h_t, unit 1"] == pytest.approx(run.h[3, 0], rel=1e-12)


# ------------------------------------------------------------------ vanishing and exploding
def test_gradient_page_curves_and_sentences_are_nn_cores():
    at = page("rnn_gradients")
    flows = rnn_flows([0.5, 0.9, 1.5], 12, 0.02, 0)
    cell = lstm_cell_path(12, 0.02, 3.0, 0)
    text = markdown(at)
    kinds = set()
    for w, f in flows.items():
        sentence = decay_sentence(f.norms, f"RNN, w_h = {w:g}")
        assert sentence in text
        kinds.add(decay_kind(f.norms))
        assert table(at)[f"RNN, w_h = {w:g}: |∂h_T/∂h_1|"] == pytest.approx(f.norms[-1])
    assert kinds == {"vanishes", "stays", "explodes"}  # the defaults show all three
    assert_quotes_verbatim(at)
    assert decay_sentence(cell.norms, "LSTM cell path, b_f = 3") in text
    step = clipping_step(1.5, 12, 0.02, 0, 1.0)
    assert clip_sentence(step.norm, 1.0) in text
    clip = table(at, 1)
    assert clip["‖g‖ before clipping"] == pytest.approx(step.norm)
    assert clip["‖g‖ used"] == pytest.approx(1.0)
    assert "Clipped at length 1, the RNN with w_h = 1.5." in [c.value for c in at.sidebar.caption]
    at.session_state["grads.more"] = True  # the clipping controls: drawn while their box is open
    at.run()
    at.toggle(key="grads.clip_on").set_value(False).run()
    clip = table(at, 1)
    assert clip["‖g‖ used"] == pytest.approx(step.norm)
    assert clip["loss after the step"] == pytest.approx(clipping_step(1.5, 12, 0.02, 0).loss_after)
    assert at.query_params["clip_on"] == "0"


def test_gradient_page_link_and_an_empty_choice():
    at = page("rnn_gradients", {"w_h": "2", "T": "30", "forget_bias": "6", "amplitude": "0"})
    flows = rnn_flows([2.0], 30, 0.0, 0)
    # no input: h stays 0, every factor is w_h, the product 2^(T−t)
    assert table(at)["RNN, w_h = 2: |∂h_T/∂h_1|"] == pytest.approx(2.0 ** 29)
    assert decay_sentence(flows[2.0].norms, "RNN, w_h = 2") in markdown(at)
    at.multiselect(key="grads.w_h").set_value([]).run()
    assert any("at least one" in w.value for w in at.warning)


# ------------------------------------------------------------------ the LSTM cell
def test_lstm_page_gate_numbers_and_the_golden_example():
    at = page("lstm_cell", {"units": "2", "t": "3", "j": "2", "forget_bias": "2"})
    cell = LSTM.init(1, 2, seed=0, forget_bias=2.0)
    run = cell.forward(make_task("sine", 1, 4, k=1, seed=0).xs[0])
    t = table(at)
    assert t["Forget gate f"] == pytest.approx(run.gates["f"][2, 1], rel=1e-12)
    assert t["Input gate i"] == pytest.approx(run.gates["i"][2, 1], rel=1e-12)
    assert t["c_(t−1)"] == pytest.approx(run.c[1, 1], rel=1e-12)
    assert t["cell state c_t"] == pytest.approx(run.c[2, 1], rel=1e-12)
    assert t["output h_t"] == pytest.approx(run.h[2, 1], rel=1e-12)
    for key in ("c", "h", "z_f", "f"):
        assert has_latex(at, lstm_step_formulas()[key])
    assert forget_sentence(run.gates["f"]) in markdown(at)
    rows = golden.reproduce()
    box = next(e for e in at.expander if e.label.startswith("A published worked example"))
    assert box.label.endswith(golden_verdict(rows))  # the verdict in its title
    at.session_state["lstm#golden_open"] = True  # the worked example is drawn only while open
    at.run()
    assert any(golden_sentence(rows, golden.DIGITS) == s.value for s in at.success)
    shown = at.dataframe[-1].value
    assert list(shown["agrees"]) == ["✓"] * len(rows)
    assert list(shown["computed here"])[:2] == ["0.81775", "0.96083"]  # a_1, i_1 of the post
    assert any("1 cell unit" in i.value for i in at.info)  # 2 units: no symbolic cell


def test_lstm_page_derives_each_gate_and_checks_the_worked_example_with_sympy():
    at = page("lstm_cell", {"t": "3"})
    cell = LSTM.init(1, 1, seed=0, forget_bias=1.0)
    xs = make_task("sine", 1, 4, k=1, seed=0).xs[0]
    run = cell.forward(xs)
    # step 3's slope of the forget gate, derived as f(1 − f), at the cell's own f_3
    f3 = float(run.gates["f"][2, 0])
    assert has_latex(at, r"\frac{\partial f_{3}}{\partial z_{f,3}}")
    assert has_latex(at, fmt(f3 * (1 - f3), 6))
    # each derivative's check: a small line under its formula (ui.layout.small)
    # (the main area's: in the sidebar, a closed box's summary is a small line too)
    main = "\n".join(m.value for m in at.main.markdown)
    ticks = [t for t in re.findall(r":small\[([^\]]*)\]", main)
             if not t.startswith("In the notes:")]  # the header's line, drawn small too
    assert ticks and all(c.startswith("✓") for c in ticks)
    path = np.prod(run.gates["f"][1:, 0])
    assert f"∂c_T/∂c_1 = {fmt(path)} over 3 steps; ✓ equals" in markdown(at)
    assert "partly right" in at.expander[0].label
    assert_quotes_verbatim(at)
    at.session_state["lstm#golden_open"] = True  # the worked example is drawn only while open
    at.run()
    at.toggle(key="lstm#golden_sympy").set_value(True).run()
    grads = at.dataframe[-1].value
    assert len(grads) == 16 and set(grads["agrees"]) == {"✓"}
    assert any(m.value.startswith("✓ All 16 derivatives agree") for m in at.markdown)


# ------------------------------------------------------------------ the sequence playground
def _metrics(at):
    return {m.label: m.value for m in at.metric}


def test_playground_steps_train_both_networks_as_the_session_does():
    at = page("sequence_playground", {"T": "6", "n": "8", "hidden": "3"})
    assert "press Play" in markdown(at)
    assert_quotes_verbatim(at)
    for _ in range(2):
        at.button(key="sq.step").click().run()
    assert not at.exception
    ref = SequenceSession(SequenceConfig(T=6, n_sequences=8, n_hidden=3))
    ref.step(2)
    m = _metrics(at)
    assert m["Epoch"] == "2"
    assert m["RNN loss (train / held-out)"].startswith(f"{ref.loss('RNN'):.4g}"[:5])
    assert len(at.get("plotly_chart")) >= 5
    at.button(key="sq.reset").click().run()
    assert _metrics(at)["Epoch"] == "0"


def test_playground_sine_link_continues_the_wave_and_bad_values_say_so():
    at = page("sequence_playground", {"task": "sine", "T": "8", "n": "4", "hidden": "2",
                                      "lr": "99", "seq": "9"})
    text = " ".join(notices(at))
    assert "learning rate" in text
    keys = [c.proto.id for c in at.get("plotly_chart")]
    assert len(keys) >= 6  # losses, answers, two hidden states, cell state, the continuation
    assert at.query_params["task"] == "sine" and at.query_params["lr"] == "0.05"


# ------------------------------------------------------------------ backprop through time
def _bptt_reference(T=3, n_h=1, act="tanh", source="sine"):
    rnn = RNN.init(1, n_h, 1, seed=0, activation=act)
    task = make_task(source, 1, T, k=1, seed=0)
    return rnn, task.xs[0], task.ys[0]


def test_bptt_walk_paths_then_the_sum_over_time_then_the_update():
    at = page("rnn_bptt")
    assert_quotes_verbatim(at)
    rnn, xs, ys = _bptt_reference()
    bp = rnn.bptt(xs, ys, per_step=True)
    grad = float(bp.grads["W_h"][0, 0])
    products = []
    for _ in range(6):  # T = 3, one unit: paths E_t → use at k ≤ t: 1 + 2 + 3
        products.append(table(at)["path product"])
        at.button(key="bptt#next").click().run()
    assert sum(products) == pytest.approx(grad, rel=1e-12)
    terms = table(at)
    for k in range(1, 4):  # each step's term is nn_core's per-step BPTT term h_{k−1} δ_k
        assert terms[f"step {k}"] == pytest.approx(float(bp.per_step["W_h"][k - 1][0, 0]),
                                                   rel=1e-9, abs=1e-15)
    assert terms["step 1"] == 0.0  # h_0 = 0: the recurrent weight is first used at step 2
    assert terms["sum = ∂E/∂w"] == pytest.approx(grad, rel=1e-12)
    assert "contributes the most" in markdown(at)
    at.button(key="bptt#next").click().run()
    last = table(at)
    assert last["∂E/∂w, BPTT (NumPy network)"] == pytest.approx(grad, rel=1e-12)
    assert last["∂E/∂w, finite difference"] == pytest.approx(grad, rel=1e-7)
    assert last["new value"] == pytest.approx(rnn.W_h[0, 0] - 0.5 * grad)
    moved = rnn.copy()
    moved.W_h[0, 0] -= 0.5 * grad
    assert last["loss after"] == pytest.approx(moved.loss(xs, ys), rel=1e-12)
    assert any(s.value.startswith("✓ chain rule = backprop") for s in at.success)
    assert at.button(key="bptt#next").disabled and at.query_params["stage"] == "7"


def test_bptt_link_opens_an_output_weight_of_a_two_unit_network_at_its_update():
    at = page("rnn_bptt", {"param": "W_y", "units": "2", "i": "2", "T": "2", "stage": "99",
                           "act": "sigmoid"})
    rnn, xs, ys = _bptt_reference(T=2, n_h=2, act="sigmoid")
    grad = float(rnn.gradients(xs, ys)["W_y"][1, 0])
    last = table(at)
    assert last["∂E/∂w, sum of the paths"] == pytest.approx(grad, rel=1e-12)
    assert at.button(key="bptt#next").disabled  # a stage past the end opens the last one
