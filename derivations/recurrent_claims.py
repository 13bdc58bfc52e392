"""The notes' claims about recurrent networks, tested: what is right about them and what is not.

"LSTM is RNN with filter" (the notes' first paragraph) and the comment under the notes that an
RNN "is just NN of fixed parameters at each hidden" step. Each claim becomes a record of
findings; every finding's ``holds`` is computed here (from SymPy derivatives and nn_core
numbers), never asserted, and its ``evidence`` holds the numbers behind it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from nn_core import ACTIVATIONS, GATES, LSTM, RNN

from .lstm_cell import symbolic_lstm
from .recurrent import symbolic_rnn
from .symbolic import activation_derivative_at

SATURATE = 30.0  # a gate bias this large makes σ = 1 − 1e-13: the gate fully open or shut


@dataclass
class Finding:
    statement: str
    holds: bool  # computed from the evidence
    evidence: dict = field(default_factory=dict)
    latex: str = ""  # the derived formula behind it (sympy.latex)


@dataclass
class ClaimRecord:
    key: str
    quote: str  # the notes' words, verbatim, as LaTeX (\\text{…})
    title: str
    right: list[Finding]  # what is right about the claim
    not_right: list[Finding]  # what the claim gets wrong or leaves out
    verdict: str = ""  # computed from the findings: "right", "partly right" or "wrong"

    def __post_init__(self):
        ok = all(f.holds for f in self.right)
        wrong = any(f.holds for f in self.not_right)
        self.verdict = ("partly right" if ok and wrong else "right" if ok else
                        "wrong" if wrong else "not shown")


def _gate_lstm(n_in: int = 1, bias=None, seed: int = 0) -> LSTM:
    """An LSTM with random weights; ``bias`` {gate: b} overrides gate biases (and zeroes that
    gate's weights, so a saturating bias holds it open or shut at every step)."""
    lstm = LSTM.init(n_in, 1, seed=seed)
    for k, b in (bias or {}).items():
        lstm.W[k][:] = 0.0
        lstm.U[k][:] = 0.0
        lstm.b[k][:] = b
    return lstm


def _sequence(T: int, n_in: int = 1, seed: int = 1) -> np.ndarray:
    return np.random.default_rng(seed).uniform(-1, 1, (T, n_in))


def lstm_is_rnn_with_filter(T: int = 20) -> ClaimRecord:
    """The notes: "LSTM is RNN with filter"."""
    net = symbolic_lstm(2, 1)
    g, c_local, h_local = net.gate[2], net.c_local[2], net.h_local[2]
    tanh = ACTIVATIONS["tanh"]

    # Right 1: the gates scale what is written, kept and read (sympy.diff of the cell).
    write, keep = sp.diff(c_local, g["a"]), sp.diff(c_local, net.c[1])
    read = sp.diff(h_local, g["o"])
    shut = _gate_lstm(bias={"i": -SATURATE})  # input gate shut: nothing is written
    xs = _sequence(T)
    xs2 = xs.copy()
    xs2[T // 2] += 1.0  # a different input half-way
    moved = float(np.abs(shut.forward(xs).c - shut.forward(xs2).c).max())
    open_ = _gate_lstm(bias={"i": SATURATE})
    moved_open = float(np.abs(open_.forward(xs).c - open_.forward(xs2).c).max())
    r1 = Finding(
        "The gates filter the cell state: what is written to it is scaled by the input gate "
        "(∂c_t/∂a_t = i_t), what it keeps by the forget gate (∂c_t/∂c_{t−1} = f_t) and what "
        "is read out by the output gate (∂h_t/∂o_t = tanh c_t). With the input gate shut, a "
        "different input leaves the cell state unchanged.",
        holds=bool(write == g["i"] and keep == g["f"] and read == sp.tanh(net.c[2])
                   and moved < 1e-9 < moved_open),
        evidence={"change_in_c_input_gate_shut": moved,
                  "change_in_c_input_gate_open": moved_open, "T": T},
        latex=(rf"\frac{{\partial c_{{2}}}}{{\partial a_{{2}}}} = {sp.latex(write)},\quad "
               rf"\frac{{\partial c_{{2}}}}{{\partial c_{{1}}}} = {sp.latex(keep)},\quad "
               rf"\frac{{\partial h_{{2}}}}{{\partial o_{{2}}}} = {sp.latex(read)}"))

    # Right 2 (with a caveat): gates fixed open, nothing kept → an RNN with tanh(tanh(z)).
    rnn_like = _gate_lstm(bias={"i": SATURATE, "o": SATURATE, "f": -SATURATE})
    W_a, U_a, b_a = (float(rnn_like.W["a"][0, 0]), float(rnn_like.U["a"][0, 0]),
                     float(rnn_like.b["a"][0]))
    h, twice = 0.0, []
    for x in xs[:, 0]:
        h = float(tanh.output(tanh.output(np.array(x * W_a + h * U_a + b_a))))
        twice.append(h)
    lstm_h = rnn_like.forward(xs).h[:, 0]
    plain = RNN.from_weights(W_a, U_a, b_a, 1.0, 0.0).forward(xs).h[:, 0]
    err_twice = float(np.abs(lstm_h - twice).max())
    diff_plain = float(np.abs(lstm_h - plain).max())
    r2 = Finding(
        "With the gates held fixed (input and output gates open, forget gate shut) an LSTM is "
        "an RNN: h_t = tanh(tanh(x_t w_a + h_{t−1} u_a + b_a)), though with tanh applied twice, "
        "not the plain tanh RNN.",
        holds=bool(err_twice < 1e-9 and diff_plain > 1e-6),
        evidence={"max_diff_vs_tanh_twice_rnn": err_twice,
                  "max_diff_vs_plain_tanh_rnn": diff_plain})

    # Not right 1: the additive cell path changes the gradient's product.
    flows = {}
    for w in (0.5, 0.9):
        rnn = RNN.from_weights(0.5, w, 0.0, 1.0, 0.0)
        flows[f"rnn_w_hh_{w:g}"] = float(rnn.gradient_flow(xs).norms[-1])
    remember = _gate_lstm(bias={"f": 4.0})  # f = σ(4) ≈ 0.982 at every step
    flows["lstm_cell_path_f_0.982"] = float(remember.cell_path(xs).norms[-1])
    keep_all = _gate_lstm(bias={"f": SATURATE})
    flows["lstm_cell_path_f_1"] = float(keep_all.cell_path(xs).norms[-1])
    rnn_sym = symbolic_rnn(2, 1, 1, 1, "tanh")
    rnn_factor = sp.diff(rnn_sym.z_local[2][0], rnn_sym.h[1][0]) * sp.diff(
        sp.tanh(rnn_sym.z[2][0]), rnn_sym.z[2][0])
    n1 = Finding(
        f"An LSTM is not an RNN plus a filter: its cell state is carried by addition, so the "
        f"gradient along it over T − 1 = {T - 1} steps is the product of the forget gates "
        f"Π f_k, with no weight and no tanh' in it; an RNN's is Π w_hh tanh'(z_k), which "
        f"shrinks geometrically for |w_hh| < 1.",
        holds=bool(min(flows["lstm_cell_path_f_0.982"], flows["lstm_cell_path_f_1"])
                   > 10 * max(flows["rnn_w_hh_0.5"], flows["rnn_w_hh_0.9"])),
        evidence={**flows, "T": T},
        latex=(rf"\frac{{\partial c_{{2}}}}{{\partial c_{{1}}}} = {sp.latex(keep)}"
               rf"\quad\text{{vs}}\quad \frac{{\partial h_{{2}}}}{{\partial h_{{1}}}} = "
               rf"{sp.latex(rnn_factor)}"))

    # Not right 2: the gates are learned and input-dependent, not a fixed filter.
    lstm = LSTM.init(1, 1, seed=0)
    f_t = lstm.forward(xs).gates["f"][:, 0]
    # ∂f_2/∂x_2 = ∂f_2/∂z_{f,2} · ∂z_{f,2}/∂x_2, each factor a sympy.diff
    df_dx = (activation_derivative_at("sigmoid", net.z[2]["f"], g["f"], "y")
             * sp.diff(net.z_local[2]["f"], net.x[2][0]))
    grad_f = float(np.abs(lstm.gradients(xs, np.zeros(T))["W"]["f"]).max())
    n2 = Finding(
        "The gates are not a fixed filter: each is a learned weighted sum of the current input "
        "and the previous output, so its value changes from step to step, and its weights get "
        "gradients like any other.",
        holds=bool(np.std(f_t) > 1e-3 and grad_f > 0),
        evidence={"forget_gate_min": float(f_t.min()), "forget_gate_max": float(f_t.max()),
                  "forget_gate_std": float(np.std(f_t)), "max_abs_gradient_W_f": grad_f},
        latex=rf"\frac{{\partial f_{{2}}}}{{\partial x_{{2}}}} = {sp.latex(df_dx)}")

    # Not right 3: four weighted sums and two states per step.
    n_in, n_h = 2, 3
    lstm_p = LSTM.init(n_in, n_h).n_params
    rnn_hidden = n_in * n_h + n_h * n_h + n_h  # W_x, W_h, b_h of an RNN of the same size
    run = lstm.forward(xs)
    n3 = Finding(
        "An LSTM also has four weighted sums per step (candidate and three gates), four times "
        "an RNN's recurrent parameters, and two states: the cell state c and the output "
        "h = tanh(c) · o.",
        holds=bool(lstm_p == 4 * rnn_hidden and np.abs(run.h - run.c).max() > 1e-6),
        evidence={"lstm_params": lstm_p, "rnn_hidden_params": rnn_hidden,
                  "n_in": n_in, "n_h": n_h, "gates": list(GATES)})
    return ClaimRecord("lstm_is_rnn_with_filter", r"\text{LSTM is RNN with filter}",
                       "LSTM is RNN with filter", [r1, r2], [n1, n2, n3])


def rnn_is_nn_with_fixed_parameters(T: int = 4) -> ClaimRecord:
    """The comment under the notes: an RNN "is just NN of fixed parameters at each hidden"."""
    net = symbolic_rnn(T, 1, 1, 1, "tanh")
    weights = {s for s in net.weight_symbols if s not in net.weights["W_y"][0]} - set(
        net.weights["b_y"])
    per_step = [net.z_local[t][0].free_symbols & set(net.weight_symbols) for t in range(1, T + 1)]
    shared = all(s == per_step[1] for s in per_step[1:]) and per_step[1] == weights
    rnn = RNN.init(1, 1, 1, seed=2)
    xs = _sequence(T, seed=3)
    ys = np.sin(np.arange(T, dtype=float))
    bp = rnn.bptt(xs, ys, per_step=True)
    steps = bp.per_step["W_h"][:, 0, 0]
    r1 = Finding(
        "Unrolled over time an RNN is a deep network whose layers share one set of weights: "
        "every step's weighted sum uses the same w_xh, w_hh and b_h.",
        holds=bool(shared),
        evidence={"weights_in_each_step": [sorted(str(s) for s in p) for p in per_step]},
        latex=r",\quad ".join(rf"{sp.latex(net.z[t][0])} = {sp.latex(net.z_local[t][0])}"
                              for t in range(1, T + 1)))
    n1 = Finding(
        "But not just a plain feed-forward network: every step also takes a new input x_t and "
        "gives an output, and a shared weight's gradient is the sum of its uses at every step "
        "(each different), where a feed-forward network of the same depth has one gradient "
        "per layer of its own weights.",
        holds=bool(abs(steps.sum() - bp.grads["W_h"][0, 0]) < 1e-12
                   and np.ptp(steps[1:]) > 1e-9),
        evidence={"W_h_gradient": float(bp.grads["W_h"][0, 0]),
                  "W_h_per_step": [float(v) for v in steps]})
    return ClaimRecord("rnn_is_nn_with_fixed_parameters",
                       r"\text{[…] is just NN of fixed parameters at each hidden […]}",
                       "An RNN is an NN with fixed parameters at each step", [r1], [n1])


@lru_cache(maxsize=1)
def recurrent_claims() -> tuple[ClaimRecord, ...]:
    """Both records (cached: the numbers are fixed by seeds)."""
    return (lstm_is_rnn_with_filter(), rnn_is_nn_with_fixed_parameters())
