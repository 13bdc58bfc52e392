"""The LSTM cell's derivatives, derived by SymPy and checked against nn_core, step by step.

A scalar cell (one unit, 1 or 2 inputs) unrolled over T ≤ 4 steps, as ``nn_core.lstm``:
z_{k,t} = Σ_m x_{t,m} w_{k,m} + u_k h_{t−1} + b_k for k in a, i, f, o; a_t = tanh(z_{a,t}),
i_t, f_t, o_t = σ(z); c_t = a_t i_t + f_t c_{t−1}; h_t = tanh(c_t) o_t; E = Σ_t ½(y_t − h_t)².

Every local derivative is the ``sympy.diff`` of one local expression at one step: the gates'
slopes (∂a_t/∂z_{a,t} = 1 − a_t², ∂i_t/∂z_{i,t} = i_t(1 − i_t), …), what each gate does to the
cell (∂c_t/∂a_t = i_t, ∂c_t/∂i_t = a_t, ∂c_t/∂f_t = c_{t−1}, ∂h_t/∂o_t = tanh(c_t),
∂h_t/∂c_t = o_t(1 − tanh²(c_t))), and the cell path ∂c_t/∂c_{t−1} = f_t, whose product over
steps is ``nn_core``'s ``LSTM.cell_path``. The whole gradient of every weight is
``sympy.diff`` of the composed E, checked against nn_core's BPTT and central differences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from nn_core import GATES, LSTM
from nn_core.lstm import GATE_ACTIVATIONS, GATE_NAMES
from nn_core.sequences import leaves

from .step import FD_STEP, central_difference, rel_error
from .symbolic import (
    activation_derivative_at,
    activation_expr,
    lambdify,
    loss_term,
    number_latex,
    partial_latex,
    sym,
)

MAX_T = 4
MAX_T_WHOLE = 2  # the whole composed E's sympy.diff grows ~10× per step: T = 3 takes ~30 s
MAX_INPUTS = 2
GATE_ACT = {k: act.name for k, act in GATE_ACTIVATIONS.items()}  # nn_core's gates, by name


@dataclass
class SymbolicLSTM:
    """Symbols per step t = 1 … T (index 0: h_0 = c_0 = 0) and each step's local expressions
    (``z_local``, ``gate_local``, ``c_local``, ``h_local``) in the symbols of the step before."""

    T: int
    n_in: int
    x: list[list[sp.Symbol]]
    y: list[sp.Symbol]
    W: dict[str, list[sp.Symbol]]  # W[k][m]: input m → gate k
    U: dict[str, sp.Symbol]
    b: dict[str, sp.Symbol]
    z: list[dict[str, sp.Symbol]]
    gate: list[dict[str, sp.Symbol]]
    c: list[sp.Expr]
    h: list[sp.Expr]
    z_local: list[dict[str, sp.Expr]]
    gate_local: list[dict[str, sp.Expr]]
    c_local: list[sp.Expr]
    h_local: list[sp.Expr]

    @property
    def weight_symbols(self) -> list[tuple[str, str, int, sp.Symbol]]:
        """(part, gate, row, symbol) in nn_core's ``leaves(params())`` order: W, U, b."""
        out = [("W", k, m, self.W[k][m]) for k in GATES for m in range(self.n_in)]
        out += [("U", k, 0, self.U[k]) for k in GATES]
        out += [("b", k, 0, self.b[k]) for k in GATES]
        return out

    @property
    def primary(self) -> list[sp.Symbol]:
        return [*(s for row in self.x[1:] for s in row), *self.y[1:],
                *(w[3] for w in self.weight_symbols)]

    @property
    def intermediate(self) -> list[sp.Symbol]:
        out = []
        for t in range(1, self.T + 1):
            out += [self.z[t][k] for k in GATES] + [self.gate[t][k] for k in GATES]
            out += [self.c[t], self.h[t]]
        return out


def check_sizes(T: int, n_in: int) -> None:
    if not 1 <= T <= MAX_T:
        raise ValueError(f"The unrolled LSTM derivation is for 1 to {MAX_T} time steps "
                         f"(got {T}).")
    if not 1 <= n_in <= MAX_INPUTS:
        raise ValueError(f"The LSTM derivation takes a one-unit cell with 1 or {MAX_INPUTS} "
                         f"inputs (got {n_in} inputs).")


@lru_cache(maxsize=16)
def symbolic_lstm(T: int, n_in: int) -> SymbolicLSTM:
    check_sizes(T, n_in)

    def idx(t, m=None):
        return f"{t}" if m is None or n_in == 1 else f"{t},{m + 1}"

    x = [[]] + [[sym(f"x_{{{idx(t, m)}}}") for m in range(n_in)] for t in range(1, T + 1)]
    y = [sp.Integer(0)] + [sym(f"y_{{{t}}}") for t in range(1, T + 1)]
    W = {k: [sym(f"w_{{{k}{',' + str(m + 1) if n_in > 1 else ''}}}") for m in range(n_in)]
         for k in GATES}
    U = {k: sym(f"u_{{{k}}}") for k in GATES}
    b = {k: sym(f"b_{{{k}}}") for k in GATES}
    z = [{}] + [{k: sym(f"z_{{{k},{t}}}") for k in GATES} for t in range(1, T + 1)]
    gate = [{}] + [{k: sym(f"{k}_{{{t}}}") for k in GATES} for t in range(1, T + 1)]
    c: list = [sp.Integer(0)] + [sym(f"c_{{{t}}}") for t in range(1, T + 1)]
    h: list = [sp.Integer(0)] + [sym(f"h_{{{t}}}") for t in range(1, T + 1)]
    z_local, gate_local, c_local, h_local = [{}], [{}], [sp.Integer(0)], [sp.Integer(0)]
    for t in range(1, T + 1):
        zl = {k: sp.Add(*(x[t][m] * W[k][m] for m in range(n_in))) + U[k] * h[t - 1] + b[k]
              for k in GATES}
        gl = {k: activation_expr(GATE_ACT[k], z[t][k]) for k in GATES}
        cl = gate[t]["a"] * gate[t]["i"] + gate[t]["f"] * c[t - 1]
        hl = activation_expr("tanh", c[t]) * gate[t]["o"]
        z_local.append(zl)
        gate_local.append(gl)
        c_local.append(cl)
        h_local.append(hl)
    return SymbolicLSTM(T, n_in, x, y, W, U, b, z, gate, c, h, z_local, gate_local, c_local,
                        h_local)


def composed_error(net: SymbolicLSTM) -> sp.Expr:
    """E composed down to the inputs and weights (large: built only for the whole gradient)."""
    c_full = h_full = sp.Integer(0)
    E = sp.Integer(0)
    for t in range(1, net.T + 1):
        zf = {k: net.z_local[t][k].xreplace({net.h[t - 1]: h_full}) for k in GATES}
        gf = {k: activation_expr(GATE_ACT[k], zf[k]) for k in GATES}
        c_full = gf["a"] * gf["i"] + gf["f"] * c_full
        h_full = activation_expr("tanh", c_full) * gf["o"]
        E += loss_term("squared_error", h_full, net.y[t])
    return E


@dataclass
class LocalFactor:
    """One local derivative at step t: ``key`` names it ("dc_dc_prev" is the cell path)."""

    key: str
    t: int
    symbol_latex: str
    general: sp.Expr
    description: str
    gate: str | None = None


def _local_factors(net: SymbolicLSTM, t: int) -> list[LocalFactor]:
    g, c, h = net.gate[t], net.c[t], net.h[t]
    out = []
    for k in GATES:
        out.append(LocalFactor(
            f"d{k}_dz", t, partial_latex(g[k], net.z[t][k]),
            activation_derivative_at(GATE_ACT[k], net.z[t][k], g[k], "y"),
            f"the {GATE_NAMES[k]}'s slope", k))
    for k, what in (("a", "what the input gate lets through of the candidate"),
                    ("i", "the input gate scales the candidate"),
                    ("f", "the forget gate scales the old cell state")):
        out.append(LocalFactor(f"dc_d{k}", t, partial_latex(c, g[k]),
                               sp.diff(net.c_local[t], g[k]), what, k))
    out.append(LocalFactor("dh_do", t, partial_latex(h, g["o"]),
                           sp.diff(net.h_local[t], g["o"]),
                           "the output gate reads out tanh of the cell", "o"))
    out.append(LocalFactor("dh_dc", t, partial_latex(h, c), sp.diff(net.h_local[t], c),
                           "the output's slope in the cell state"))
    if t > 1:
        out.append(LocalFactor("dc_dc_prev", t, partial_latex(c, net.c[t - 1]),
                               sp.diff(net.c_local[t], net.c[t - 1]),
                               "the cell path: the cell state carried by addition"))
        out.append(LocalFactor("dz_dh_prev", t, partial_latex(net.z[t]["f"], net.h[t - 1]),
                               sp.diff(net.z_local[t]["f"], net.h[t - 1]),
                               "the forget gate's weighted sum in the previous output", "f"))
    return out




@dataclass
class LSTMDerivation:
    net: SymbolicLSTM
    factors: list[LocalFactor]
    _steps: list = field(repr=False, default_factory=list)
    _factor_fn: object = field(repr=False, default=None)

    def forward(self, args) -> tuple[list[float], float]:
        """(every intermediate value in ``net.intermediate`` order, E) at ``args``."""
        net = self.net
        inter = [0.0] * len(net.intermediate)
        per_step = 2 * len(GATES) + 2
        for t, fn in enumerate(self._steps):
            inter[t * per_step:(t + 1) * per_step] = [float(v) for v in fn(*args, *inter)]
        n_x = net.T * net.n_in
        ys = args[n_x:n_x + net.T]
        hs = [inter[(t + 1) * per_step - 1] for t in range(net.T)]
        return inter, 0.5 * float(sum((y - h) ** 2 for y, h in zip(ys, hs, strict=True)))


@lru_cache(maxsize=16)
def lstm_derivation(T: int, n_in: int) -> LSTMDerivation:
    """Every local factor at every step, lambdified with the composed forward pass."""
    net = symbolic_lstm(T, n_in)
    factors = [f for t in range(1, T + 1) for f in _local_factors(net, t)]
    inter = net.intermediate
    der = LSTMDerivation(net, factors)
    # The forward pass step by step from the local expressions (the composed ones are large):
    # step t's z, gates, c, h from x_t, the weights and step t−1's symbols.
    steps = []
    for t in range(1, T + 1):
        local = {**{net.z[t][k]: net.z_local[t][k] for k in GATES},
                 **{net.gate[t][k]: net.gate_local[t][k] for k in GATES},
                 net.c[t]: net.c_local[t], net.h[t]: net.h_local[t]}
        outs = [net.z[t][k] for k in GATES] + [net.gate[t][k] for k in GATES]
        outs += [net.c[t], net.h[t]]
        # each output in the symbols of step t−1: substitute the ones computed before it
        exprs, done = [], {}
        for s in outs:
            e = local[s].xreplace(done)
            done[s] = e
            exprs.append(e)
        steps.append(lambdify([*net.primary, *inter], exprs, modules="numpy"))
    der._steps = steps
    der._factor_fn = lambdify([*net.primary, *inter], [f.general for f in factors],
                                 modules="numpy")
    return der


@lru_cache(maxsize=8)
def lstm_gradients(T: int, n_in: int):
    """(sympy.diff(E_full, w) per weight in ``weight_symbols`` order, one lambdified function)
    for T ≤ MAX_T_WHOLE."""
    if not 1 <= T <= MAX_T_WHOLE:
        raise ValueError(f"The whole LSTM derivative is derived for 1 to {MAX_T_WHOLE} steps "
                         f"(got {T}): its expression grows about tenfold with every step.")
    net = symbolic_lstm(T, n_in)
    E_full = composed_error(net)
    gradients = [sp.diff(E_full, w[3]) for w in net.weight_symbols]
    return gradients, sp.lambdify(net.primary, gradients, modules="numpy", cse=True)


@dataclass
class LSTMTerm:
    key: str
    t: int
    gate: str | None
    symbol_latex: str
    general_latex: str
    substituted_latex: str
    value: float
    check_value: float
    abs_err: float
    check_source: str
    description: str


@dataclass
class GradientCheck:
    part: str  # "W", "U" or "b"
    gate: str
    row: int
    symbol_latex: str
    symbolic: float  # sympy.diff of the whole E, evaluated
    bptt: float  # nn_core
    fd: float  # central difference of nn_core's loss
    rel_err_bptt: float
    rel_err_fd: float


@dataclass
class LSTMCheck:
    terms: list[LSTMTerm]  # every local factor at every step, with nn_core's number
    gradients: list[GradientCheck]  # empty for T > MAX_T_WHOLE (see lstm_gradients)
    cell_path: list[float]  # Π_{k=t+1..T} f_k for t = T … 1, from the derived factors
    cell_path_check: list[float]  # nn_core's LSTM.cell_path
    loss: float
    max_rel_err_bptt: float
    max_rel_err_fd: float
    max_factor_err: float


def lstm_check(lstm: LSTM, xs, ys) -> LSTMCheck:
    """Every local derivative of a live one-unit LSTM at every step, and every weight's
    gradient, derived by SymPy and checked against nn_core (and finite differences)."""
    if not isinstance(lstm, LSTM):
        raise ValueError("lstm must be an nn_core LSTM (LSTM.from_weights or LSTM.init).")
    if lstm.n_h != 1:
        raise ValueError(f"The symbolic LSTM is a one-unit cell (got {lstm.n_h} units).")
    xs = np.asarray(xs, dtype=float)
    if xs.ndim == 3:
        raise ValueError("The LSTM derivation takes one sequence (T, n_in), not a batch.")
    bp = lstm.backprop(xs, ys)  # validates xs and ys
    run = bp.forward
    T = run.h.shape[0]
    check_sizes(T, lstm.n_in)
    ys = np.asarray(ys, dtype=float).reshape(T, 1)
    der = lstm_derivation(T, lstm.n_in)
    net = der.net
    args = np.concatenate([run.x.ravel(), ys.ravel(),
                           *(w.ravel() for w in leaves(lstm.params()))])
    with np.errstate(all="ignore"):
        inter, loss = der.forward(args)
        n = len(net.intermediate)
        fvals = [float(v) for v in der._factor_fn(*args, *inter)]
    checks = []
    if T <= MAX_T_WHOLE:
        with np.errstate(all="ignore"):
            gvals = [float(v) for v in lstm_gradients(T, lstm.n_in)[1](*args)]
        grads = list(leaves(bp.grads))
        for (part, k, m, symbol), g_sym in zip(net.weight_symbols, gvals, strict=True):
            g_bptt = float(grads[_leaf_index(part, k)].ravel()[m])
            fd = _fd(lstm, xs, ys, part, k, m)
            checks.append(GradientCheck(part, k, m, sp.latex(symbol), g_sym, g_bptt, fd,
                                        rel_error(g_sym, g_bptt), rel_error(g_sym, fd)))
    values = dict(zip(net.intermediate, inter[:n], strict=True))
    values.update(zip(net.primary, (float(a) for a in args), strict=True))
    names = {s: number_latex(v) for s, v in values.items()}

    terms = []
    for f, v in zip(der.factors, fvals, strict=True):
        check, source = _factor_check(f, lstm, run)
        terms.append(LSTMTerm(f.key, f.t, f.gate, f.symbol_latex, sp.latex(f.general),
                              sp.latex(f.general, symbol_names=names), v, check,
                              abs(v - check), source, f.description))
    path_factor = {f.t: v for f, v in zip(der.factors, fvals, strict=True)
                   if f.key == "dc_dc_prev"}
    cell, product = [1.0], 1.0
    for t in range(T, 1, -1):
        product *= path_factor[t]
        cell.append(product)
    return LSTMCheck(
        terms=terms, gradients=checks, cell_path=cell,
        cell_path_check=[float(v) for v in lstm.cell_path(xs).products[:, 0]],
        loss=loss,
        max_rel_err_bptt=max((c.rel_err_bptt for c in checks), default=float("nan")),
        max_rel_err_fd=max((c.rel_err_fd for c in checks), default=float("nan")),
        max_factor_err=max(tm.abs_err for tm in terms),
    )


def _leaf_index(part: str, gate: str) -> int:
    return "WUb".index(part) * len(GATES) + GATES.index(gate)


def _factor_check(f: LocalFactor, lstm: LSTM, run) -> tuple[float, str]:
    from nn_core.lstm import GATE_ACTIVATIONS

    t = f.t - 1
    g = {k: float(run.gates[k][t, 0]) for k in GATES}
    c, tc = float(run.c[t, 0]), float(run.tanh_c[t, 0])
    c_prev = float(run.c[t - 1, 0]) if t else 0.0
    if f.key.endswith("_dz"):
        k = f.gate
        act = GATE_ACTIVATIONS[k]
        return float(act.der(run.z[k][t, 0], run.gates[k][t, 0])), f"nn_core {act.name}.der"
    table = {
        "dc_da": (g["i"], "nn_core's input gate i_t"),
        "dc_di": (g["a"], "nn_core's candidate a_t"),
        "dc_df": (c_prev, "nn_core's previous cell state c_{t−1}"),
        "dh_do": (tc, "nn_core's tanh(c_t)"),
        "dh_dc": (g["o"] * float(GATE_ACTIVATIONS["a"].der(c, tc)),
                  "nn_core's o_t times tanh.der(c_t)"),
        "dc_dc_prev": (g["f"], "nn_core's forget gate f_t"),
        "dz_dh_prev": (float(lstm.U["f"][0, 0]), "the weight u_f in nn_core"),
    }
    return table[f.key]


def _fd(lstm: LSTM, xs, ys, part: str, gate: str, m: int, h: float = FD_STEP) -> float:
    w = lstm.params()[part][gate].reshape(-1)  # a view: the weights are contiguous
    old = w[m]

    def E(v):
        w[m] = v
        return lstm.loss(xs, ys)

    try:
        return central_difference(E, old, h)
    finally:
        w[m] = old
