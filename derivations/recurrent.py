"""Backpropagation through time, derived by SymPy on the unrolled RNN and checked number by number.

The RNN of ``nn_core.rnn`` unrolled over T ≤ 4 steps is one SymPy expression: h_t = f(x_t W_x +
h_{t−1} W_h + b_h), ŷ_t = h_t W_y + b_y, h_0 = 0, E = Σ_t Σ_k ½(y_{t,k} − ŷ_{t,k})². For a
weight w, ``sympy.diff`` of the whole composed E is the gradient; the split is the sum over
*paths*: an error E_t reaches w used at step k ≤ t through the hidden states h_t, h_{t−1}, …,
h_k, and each path is a product of local factors, each the ``sympy.diff`` of one local
expression (∂E_t/∂ŷ_t, ∂ŷ_t/∂h_t, ∂h_m/∂z_m, ∂z_m/∂h_{m−1} = a recurrent weight, …,
∂z_k/∂w). ``RecurrentRule.proof()`` checks symbolically that the sum of the path products
equals the whole derivative, as ``derivations.chain`` does for the MLP.

``rnn_step_through(rnn, xs, ys, param, i, j, lr)`` evaluates every factor at a live nn_core
RNN's numbers, checks each against nn_core's number for it, the whole gradient against central
finite differences of nn_core's loss and against nn_core's BPTT, and groups the paths by time
step (by the error E_t they start from, and by the step k that uses the weight; the latter is
nn_core's per-step term h_{k−1}ᵀ δ_k). Then the update w ← w − η ∂E/∂w and the new loss.

Symbolic work is cached per (T, sizes, activation, param, i, j); new numbers only re-run
lambdified (``cse=True``) NumPy functions.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from nn_core import RNN
from nn_core.training import learning_rate

from .chain import MAX_PATHS  # the walkthroughs show at most MAX_PATHS paths
from .step import FD_STEP, central_difference, rel_error
from .symbolic import (
    abbreviate_sums,
    activation_derivative,
    activation_derivative_at,
    activation_expr,
    is_zero,
    lambdify,
    loss_term,
    number_latex,
    partial_latex,
    sym,
)

MAX_T = 4
MAX_UNITS = 2
RNN_ACTIVATIONS = ("tanh", "sigmoid", "linear")
PARAMS = ("W_x", "W_h", "b_h", "W_y", "b_y")


def _sub(*parts) -> str:
    return ",".join(str(p) for p in parts)


@dataclass
class SymbolicRNN:
    """Symbols and expressions of the unrolled RNN; time steps t = 1 … T (index 0: h_0 = 0).

    ``z[t][j]``, ``h[t][j]``, ``y_hat[t][k]``: symbols of step t; ``z_local``/``y_hat_local``:
    the same in the symbols of the step before; ``z_full``/``h_full``/``y_hat_full``: composed
    down to the inputs and weights; ``E_terms[t]`` the error of step t in the ŷ_t symbols,
    ``E_full`` the whole error composed.
    """

    T: int
    n_in: int
    n_h: int
    n_out: int
    activation: str
    x: list[list[sp.Symbol]]
    targets: list[list[sp.Symbol]]
    weights: dict[str, list]  # "W_x" [i][j], "W_h" [i][j], "b_h" [j], "W_y" [i][j], "b_y" [k]
    z: list[list[sp.Symbol]]
    h: list[list[sp.Expr]]
    y_hat: list[list[sp.Symbol]]
    z_local: list[list[sp.Expr]]
    y_hat_local: list[list[sp.Expr]]
    z_full: list[list[sp.Expr]]
    h_full: list[list[sp.Expr]]
    y_hat_full: list[list[sp.Expr]]
    E_terms: list[sp.Expr]
    E_full: sp.Expr

    @property
    def weight_symbols(self) -> list[sp.Symbol]:
        w = self.weights
        return [*_flat(w["W_x"]), *_flat(w["W_h"]), *w["b_h"], *_flat(w["W_y"]), *w["b_y"]]

    @property
    def primary(self) -> list[sp.Symbol]:
        """Argument order of the lambdified functions: inputs, targets (step by step), then the
        weights in PARAMS order (row by row)."""
        return [*_flat(self.x[1:]), *_flat(self.targets[1:]), *self.weight_symbols]

    @property
    def intermediate(self) -> list[sp.Symbol]:
        return [s for t in range(1, self.T + 1) for s in (*self.z[t], *self.h[t], *self.y_hat[t])]

    def full_subs(self) -> dict:
        subs = {}
        for t in range(1, self.T + 1):
            subs.update(zip(self.z[t], self.z_full[t], strict=True))
            subs.update(zip(self.h[t], self.h_full[t], strict=True))
            subs.update(zip(self.y_hat[t], self.y_hat_full[t], strict=True))
        return subs

    def param_symbol(self, param: str, i: int, j: int) -> sp.Symbol:
        w = self.weights[param]
        return w[j] if param in ("b_h", "b_y") else w[i][j]

    def unrolled_latex(self) -> list[tuple[str, str]]:
        """(lhs, rhs) LaTeX of each h_t composed to the inputs and weights (unit 1), and of E."""
        rows = [(sp.latex(self.h[t][0]), sp.latex(self.h_full[t][0]))
                for t in range(1, self.T + 1)]
        rows.append(("E", sp.latex(self.E_full)))
        return rows


def _flat(rows) -> list:
    return [s for row in rows for s in row]


def _unit(name: str, m: int, n: int) -> str:
    return f"{name}_{{{m + 1}}}" if n > 1 else name


def check_sizes(T: int, n_in: int, n_h: int, n_out: int, activation: str) -> None:
    if not 1 <= T <= MAX_T:
        raise ValueError(f"The unrolled derivation is for 1 to {MAX_T} time steps (got {T}): "
                         "SymPy's expressions grow quickly with every step.")
    for what, n in (("inputs", n_in), ("hidden units", n_h), ("outputs", n_out)):
        if not 1 <= n <= MAX_UNITS:
            raise ValueError(f"The unrolled derivation takes 1 or {MAX_UNITS} {what} "
                             f"(got {n}).")
    if activation not in RNN_ACTIVATIONS:
        raise ValueError(f"The unrolled derivation supports the activations "
                         f"{', '.join(RNN_ACTIVATIONS)} (got {activation}).")


@lru_cache(maxsize=32)
def symbolic_rnn(T: int, n_in: int, n_h: int, n_out: int, activation: str = "tanh"
                 ) -> SymbolicRNN:
    """The RNN unrolled over T steps as SymPy expressions (names: w_{xh}, w_{hh}, b_h, w_{hŷ},
    b_ŷ for a 1-unit cell; with 2 units each side is numbered, e.g. w_{h_1 h_2})."""
    check_sizes(T, n_in, n_h, n_out, activation)
    xu = [_unit("x", i, n_in) for i in range(n_in)]
    hu = [_unit("h", j, n_h) for j in range(n_h)]
    yu = [_unit(r"\hat{y}", k, n_out) for k in range(n_out)]
    weights = {
        "W_x": [[sym(f"w_{{{xu[i]} {hu[j]}}}") for j in range(n_h)] for i in range(n_in)],
        "W_h": [[sym(f"w_{{{hu[i]} {hu[j]}}}") for j in range(n_h)] for i in range(n_h)],
        "b_h": [sym(f"b_{{{hu[j]}}}") for j in range(n_h)],
        "W_y": [[sym(f"w_{{{hu[j]} {yu[k]}}}") for k in range(n_out)] for j in range(n_h)],
        "b_y": [sym(f"b_{{{yu[k]}}}") for k in range(n_out)],
    }

    def at(name, t, m, n):
        return sym(f"{name}_{{{_sub(t, m + 1) if n > 1 else t}}}")

    x = [[]] + [[at("x", t, i, n_in) for i in range(n_in)] for t in range(1, T + 1)]
    targets = [[]] + [[at("y", t, k, n_out) for k in range(n_out)] for t in range(1, T + 1)]
    z = [[]] + [[at("z", t, j, n_h) for j in range(n_h)] for t in range(1, T + 1)]
    h: list = [[sp.Integer(0)] * n_h]
    h += [[at("h", t, j, n_h) for j in range(n_h)] for t in range(1, T + 1)]
    y_hat = [[]] + [[at(r"\hat{y}", t, k, n_out) for k in range(n_out)]
                    for t in range(1, T + 1)]
    W_x, W_h, b_h, W_y, b_y = (weights[p] for p in PARAMS)

    def weighted_sum(xt, hprev, j):
        return (sp.Add(*(xt[i] * W_x[i][j] for i in range(n_in)))
                + sp.Add(*(hprev[m] * W_h[m][j] for m in range(n_h))) + b_h[j])

    def output(ht, k):
        return sp.Add(*(ht[j] * W_y[j][k] for j in range(n_h))) + b_y[k]

    z_local, y_local, z_full, h_full, y_full = [[]], [[]], [[]], [h[0]], [[]]
    E_terms = [sp.Integer(0)]
    for t in range(1, T + 1):
        z_local.append([weighted_sum(x[t], h[t - 1], j) for j in range(n_h)])
        y_local.append([output(h[t], k) for k in range(n_out)])
        z_full.append([weighted_sum(x[t], h_full[t - 1], j) for j in range(n_h)])
        h_full.append([activation_expr(activation, zf) for zf in z_full[t]])
        y_full.append([output(h_full[t], k) for k in range(n_out)])
        E_terms.append(sp.Add(*(loss_term("squared_error", y_hat[t][k], targets[t][k])
                                for k in range(n_out))))
    E_full = sp.Add(*(loss_term("squared_error", y_full[t][k], targets[t][k])
                      for t in range(1, T + 1) for k in range(n_out)))
    return SymbolicRNN(T, n_in, n_h, n_out, activation, x, targets, weights, z, h, y_hat,
                       z_local, y_local, z_full, h_full, y_full, E_terms, E_full)


# --------------------------------------------------------------------- the split into paths
@dataclass
class RFactor:
    """One factor ∂num/∂den of a path. ``general`` is in the notes' terms (tanh' as 1 − h²);
    ``z_form`` exactly what ``sympy.diff`` returned (proved equal in ``activation_derivative``).
    ``kind``: "loss" (∂E_t/∂ŷ), "output_weight" (∂ŷ/∂h = a weight of W_y), "activation"
    (∂h/∂z = f'), "recurrent_weight" (∂z_m/∂h_{m−1} = a weight of W_h), "input" (∂z_k/∂w or
    ∂ŷ_t/∂w: what multiplies the weight). ``t`` the time step, ``unit`` the unit (or output)
    of the numerator, ``source`` that of the denominator."""

    symbol_latex: str
    general: sp.Expr
    z_form: sp.Expr
    kind: str
    t: int
    unit: int
    source: int | None = None
    of: str = ""  # for "input": what multiplies the weight: "x", "h_prev", "h" or "bias"


@dataclass
class RPath:
    """One path: from the error E_t (output ``out``) back to the weight used at step ``k``,
    through the hidden units ``route`` (one per step t, t−1, …, k)."""

    t: int
    k: int
    out: int
    route: tuple[int, ...]
    factors: list[RFactor]


@dataclass
class RecurrentRule:
    net: SymbolicRNN
    param: str
    i: int
    j: int
    param_symbol: sp.Symbol
    paths: list[RPath]
    gradient: sp.Expr  # sympy.diff(E_full, w)
    general: sp.Expr  # Σ_paths Π factors in the notes' terms
    chain_latex: str  # ∂E/∂w = Σ_t Σ_k … in ∂ symbols
    _forward_fn: object = field(repr=False, default=None)
    _factor_fn: object = field(repr=False, default=None)
    _gradient_fn: object = field(repr=False, default=None)
    _factor_index: list[list[int]] = field(repr=False, default_factory=list)
    _unique: list[RFactor] = field(repr=False, default_factory=list)
    _proved: bool | None = field(repr=False, default=None)

    def proof(self) -> bool:
        """True when Σ_paths Π factors (the sympy.diff outputs, composed) − ∂E/∂w is shown to
        be 0 and the activation's rewrite (f' in terms of h) is proved (cached)."""
        if self._proved is None:
            self._proved = _proves(self.net, [p.factors for p in self.paths], self.gradient)
        return self._proved

    def evaluate(self, args: np.ndarray) -> dict:
        """Numbers at ``args`` (``net.primary`` order): every intermediate symbol's value, the
        factors of every path, the whole gradient and E."""
        with np.errstate(all="ignore"):
            inter = [float(v) for v in self._forward_fn(*args)]
            n = len(self.net.intermediate)
            values = dict(zip(self.net.intermediate, inter[:n], strict=True))
            values.update(zip(self.net.primary, (float(a) for a in args), strict=True))
            unique = [float(v) for v in self._factor_fn(*args, *inter[:n])]
            gradient = float(self._gradient_fn(*args))
        return {
            "values": values,
            "paths": [[unique[u] for u in idx] for idx in self._factor_index],
            "gradient": gradient,
            "loss": inter[n],
        }


def _proves(net: SymbolicRNN, paths: list[list[RFactor]], gradient: sp.Expr) -> bool:
    """Σ_paths Π z_form factors, composed, equals ``gradient`` (sympy.diff of the whole E)."""
    subs = net.full_subs()
    total = sp.Add(*(sp.Mul(*(f.z_form for f in path)) for path in paths))
    difference = _abbreviate(total.xreplace(subs) - gradient, net)
    rewrite_ok = activation_derivative(net.activation).proved
    return bool(rewrite_ok and is_zero(difference))


def _abbreviate(expr: sp.Expr, net: SymbolicRNN) -> sp.Expr:
    """Every composed weighted sum (and its negative) becomes its symbol z_t, the latest step
    first, so the zero test sees the same atoms on both sides."""
    for t in range(net.T, 0, -1):
        expr = abbreviate_sums(expr, zip(net.z_full[t], net.z[t], strict=True))
    return expr


def _factor_activation(net: SymbolicRNN, t: int, j: int) -> RFactor:
    z, h = net.z[t][j], net.h[t][j]
    return RFactor(partial_latex(h, z), activation_derivative_at(net.activation, z, h, "y"),
                   activation_derivative_at(net.activation, z, h, "z"), "activation", t, j)


def _diff_factor(expr, num, den, kind, t, unit, source=None, of="") -> RFactor:
    d = sp.diff(expr, den)
    return RFactor(partial_latex(num, den), d, d, kind, t, unit, source, of)


def _hidden_paths(net: SymbolicRNN, param: str, i: int, j: int, p: sp.Symbol) -> list[RPath]:
    paths = []
    for t in range(1, net.T + 1):
        for k in range(t, 0, -1):
            for later in itertools.product(range(net.n_h), repeat=t - k):
                route = (*later, j)  # units at steps t, t−1, …, k
                for out in range(net.n_out):
                    fs = [_diff_factor(net.E_terms[t], "E" + f"_{{{t}}}", net.y_hat[t][out],
                                       "loss", t, out),
                          _diff_factor(net.y_hat_local[t][out], net.y_hat[t][out],
                                       net.h[t][route[0]], "output_weight", t, out, route[0])]
                    for step, m in enumerate(range(t, k, -1)):
                        u, below = route[step], route[step + 1]
                        fs.append(_factor_activation(net, m, u))
                        fs.append(_diff_factor(net.z_local[m][u], net.z[m][u],
                                               net.h[m - 1][below], "recurrent_weight", m, u,
                                               below))
                    fs.append(_factor_activation(net, k, j))
                    of = {"W_x": "x", "W_h": "h_prev", "b_h": "bias"}[param]
                    fs.append(_diff_factor(net.z_local[k][j], net.z[k][j], p, "input", k, j,
                                           i if param != "b_h" else None, of))
                    paths.append(RPath(t, k, out, route, fs))
    return paths


def _output_paths(net: SymbolicRNN, param: str, i: int, j: int, p: sp.Symbol) -> list[RPath]:
    return [RPath(t, t, j, (), [
        _diff_factor(net.E_terms[t], f"E_{{{t}}}", net.y_hat[t][j], "loss", t, j),
        _diff_factor(net.y_hat_local[t][j], net.y_hat[t][j], p, "input", t, j,
                     i if param == "W_y" else None, "h" if param == "W_y" else "bias"),
    ]) for t in range(1, net.T + 1)]


def _check_index(param: str, i: int, j: int, n_in: int, n_h: int, n_out: int) -> None:
    if param not in PARAMS:
        raise ValueError(f"param must be one of {', '.join(PARAMS)} (got {param!r}).")
    rows = {"W_x": n_in, "W_h": n_h, "W_y": n_h}.get(param)
    cols = n_out if param in ("W_y", "b_y") else n_h
    if not 0 <= j < cols:
        raise ValueError(f"Column j={j} does not exist: {param} has columns 0 … {cols - 1}.")
    if rows is not None and not 0 <= i < rows:
        raise ValueError(f"Row i={i} does not exist: {param} has rows 0 … {rows - 1}.")


@lru_cache(maxsize=64)
def recurrent_rule(T: int, n_in: int, n_h: int, n_out: int, activation: str, param: str,
                   i: int = 0, j: int = 0) -> RecurrentRule:
    """Derive ∂E/∂w for w = param[i, j] of the T-step unrolled RNN, split into paths."""
    check_sizes(T, n_in, n_h, n_out, activation)
    _check_index(param, i, j, n_in, n_h, n_out)
    if param in ("b_h", "b_y"):
        i = 0
    net = symbolic_rnn(T, n_in, n_h, n_out, activation)
    n_paths = (T * n_out if param in ("W_y", "b_y") else
               n_out * sum(n_h ** (t - k) for t in range(1, T + 1) for k in range(1, t + 1)))
    if n_paths > MAX_PATHS:
        raise ValueError(f"{param} reaches the errors along {n_paths} paths; the step-through "
                         f"shows at most {MAX_PATHS}. Use fewer steps, units or outputs.")
    p = net.param_symbol(param, i, j)
    build = _output_paths if param in ("W_y", "b_y") else _hidden_paths
    paths = build(net, param, i, j, p)
    gradient = sp.diff(net.E_full, p)
    general = sp.Add(*(sp.Mul(*(f.general for f in path.factors)) for path in paths))
    terms = []
    for t in range(1, T + 1):
        inner = " + ".join(" ".join(f.symbol_latex for f in path.factors)
                           for path in paths if path.t == t)
        terms.append(rf"\underbrace{{{inner}}}_{{E_{{{t}}}}}")
    chain = rf"{partial_latex('E', p)} = " + " + ".join(terms)

    rule = RecurrentRule(net, param, i, j, p, paths, gradient, general, chain)
    # Factors repeat across paths (the same weight, the same f'): evaluate each once.
    unique: dict[sp.Expr, int] = {}
    rule._factor_index = [[unique.setdefault(f.general, len(unique)) for f in path.factors]
                          for path in paths]
    inter = net.intermediate
    subs = net.full_subs()
    rule._forward_fn = lambdify(net.primary, [subs[s] for s in inter] + [net.E_full],
                                   modules="numpy", cse=True)
    rule._factor_fn = lambdify([*net.primary, *inter], list(unique), modules="numpy")
    rule._gradient_fn = sp.lambdify(net.primary, gradient, modules="numpy", cse=True)
    return rule


# --------------------------------------------------------------------- the step-through
@dataclass
class RNNTerm:
    symbol_latex: str
    general_latex: str
    substituted_latex: str
    value: float
    running_product: float  # restarts at every path
    path: int  # index into RNNStepThrough.paths
    check_value: float  # the same factor from nn_core's numbers
    abs_err: float
    rel_err: float
    check_source: str = ""
    kind: str = ""
    t: int = 0


@dataclass
class PathContribution:
    t: int  # the error E_t the path starts from
    k: int  # the time step whose use of the weight it ends at
    out: int
    route: tuple[int, ...]
    product: float
    share: float  # product / gradient (signed)
    magnitude_share: float  # |product| / Σ |products|
    product_latex: str = ""  # the path's factors in ∂ symbols


@dataclass
class StepContribution:
    """One time step's part of the gradient: ``value`` (the sum of its paths), its ``share``
    of the gradient (signed) and of Σ |parts| (``magnitude_share``), and ``check``: the same
    number computed another way (nn_core's per-step BPTT term for a use step k; a finite
    difference of E_t alone for an error step t)."""

    t: int
    value: float
    share: float
    magnitude_share: float
    check: float
    abs_err: float
    check_source: str = ""


@dataclass
class RNNStepThrough:
    terms: list[RNNTerm]
    paths: list[PathContribution]
    by_error_step: list[StepContribution]  # grouped by the error E_t, t = 1 … T
    by_use_step: list[StepContribution]  # grouped by the step k that uses the weight
    gradient: float  # the whole sympy.diff, evaluated
    sum_of_paths: float
    fd_gradient: float
    bptt_gradient: float
    abs_err: float  # sum of paths vs finite difference
    rel_err: float
    abs_err_bptt: float  # sum of paths vs nn_core's BPTT
    rel_err_bptt: float
    abs_err_whole: float  # sum of paths vs the whole derivative
    proved: bool
    weight_latex: str
    chain_latex: str
    gradient_latex: str  # Σ paths Π factors in the notes' terms
    old_value: float
    new_value: float
    lr: float
    old_loss: float
    new_loss: float
    update_latex: str
    param: str = "W_h"
    i: int = 0
    j: int = 0
    T: int = 0
    notes: list[str] = field(default_factory=list)


def rnn_step_through(rnn: RNN, xs, ys, param: str = "W_h", i: int = 0, j: int = 0,
                     lr: float = 0.1) -> RNNStepThrough:
    """BPTT for ``param[i, j]`` of a live RNN on one sequence, term by term, with checks.

    ``param`` one of W_x, W_h, b_h, W_y, b_y (``i`` the row, ``j`` the column; biases ignore
    ``i``). The sequence has at most ``MAX_T`` steps; the RNN at most ``MAX_UNITS`` inputs,
    units and outputs."""
    if not isinstance(rnn, RNN):
        raise ValueError("rnn must be an nn_core RNN (RNN.from_weights or RNN.init).")
    act = rnn.activation.name
    xs = np.asarray(xs, dtype=float)
    if xs.ndim == 3:
        raise ValueError("The step-through takes one sequence (T, n_in), not a batch.")
    run = rnn.forward(xs)  # validates xs
    T = run.h.shape[0]
    check_sizes(T, rnn.n_in, rnn.n_h, rnn.n_out, act)
    lr = learning_rate(lr)
    try:
        i, j = int(i), int(j)
    except (TypeError, ValueError):
        raise ValueError(f"i and j must be whole numbers (got {i!r}, {j!r}).") from None
    bp = rnn.bptt(xs, ys, per_step=True)
    ys = np.asarray(ys, dtype=float).reshape(T, rnn.n_out)
    rule = recurrent_rule(T, rnn.n_in, rnn.n_h, rnn.n_out, act, param, i, j)
    i = rule.i
    args = np.concatenate([run.x.ravel(), ys.ravel()]
                          + [w.ravel() for w in rnn.params().values()])
    ev = rule.evaluate(args)
    names = {s: number_latex(v) for s, v in ev["values"].items()}

    terms: list[RNNTerm] = []
    paths: list[PathContribution] = []
    for n, (path, fvals) in enumerate(zip(rule.paths, ev["paths"], strict=True)):
        running = 1.0
        for f, v in zip(path.factors, fvals, strict=True):
            running *= v
            check, source = _factor_check(f, rnn, run, ys)
            terms.append(RNNTerm(
                symbol_latex=f.symbol_latex, general_latex=sp.latex(f.general),
                substituted_latex=sp.latex(f.general, symbol_names=names), value=v,
                running_product=running, path=n, check_value=check, abs_err=abs(v - check),
                rel_err=rel_error(v, check), check_source=source, kind=f.kind, t=f.t))
        paths.append(PathContribution(
            path.t, path.k, path.out, path.route, running, 0.0, 0.0,
            " ".join(f.symbol_latex for f in path.factors)))
    total = sum(pa.product for pa in paths)
    total_abs = sum(abs(pa.product) for pa in paths)
    for pa in paths:
        pa.share = pa.product / total if total else 0.0
        pa.magnitude_share = abs(pa.product) / total_abs if total_abs else 0.0

    w_old = _get(rnn, param, i, j)
    per_t = [sum(pa.product for pa in paths if pa.t == t) for t in range(1, T + 1)]
    per_k = [sum(pa.product for pa in paths if pa.k == k) for k in range(1, T + 1)]
    fd_t = [_fd(lambda r, t=t: _step_error(r, xs, ys, t), rnn, param, i, j)
            for t in range(1, T + 1)]
    bptt_k = [float(_entry(bp.per_step[param][k - 1], param, i, j)) for k in range(1, T + 1)]
    by_error = _group(per_t, fd_t, "finite difference of E_t alone (nn_core forward)")
    by_use = _group(per_k, bptt_k, "nn_core BPTT: this step's term of the sum")

    fd = _fd(lambda r: r.loss(xs, ys), rnn, param, i, j)
    bptt = float(_entry(bp.grads[param], param, i, j))
    gradient = ev["gradient"]
    new = w_old - lr * total
    new_loss = _with(rnn, param, i, j, new).loss(xs, ys)
    w_latex = sp.latex(rule.param_symbol)
    update = (rf"{w_latex} \leftarrow {number_latex(w_old)} - {number_latex(lr)} \cdot "
              rf"{number_latex(total)} = {number_latex(new)}")
    notes = []
    if param == "W_h":
        notes.append("At step 1 the previous hidden state is h_0 = 0, so the paths that end at "
                     "step 1 contribute 0: the recurrent weight is first used at step 2.")
    return RNNStepThrough(
        terms=terms, paths=paths, by_error_step=by_error, by_use_step=by_use,
        gradient=gradient, sum_of_paths=total, fd_gradient=fd, bptt_gradient=bptt,
        abs_err=abs(total - fd), rel_err=rel_error(total, fd), abs_err_bptt=abs(total - bptt),
        rel_err_bptt=rel_error(total, bptt), abs_err_whole=abs(total - gradient),
        proved=rule.proof(), weight_latex=w_latex, chain_latex=rule.chain_latex,
        gradient_latex=sp.latex(rule.general), old_value=w_old, new_value=new, lr=lr,
        old_loss=float(ev["loss"]), new_loss=new_loss, update_latex=update, param=param, i=i,
        j=j, T=T, notes=notes,
    )


def _group(values, checks, source) -> list[StepContribution]:
    total = sum(values)
    total_abs = sum(abs(v) for v in values)
    return [StepContribution(t, v, v / total if total else 0.0,
                             abs(v) / total_abs if total_abs else 0.0, c, abs(v - c), source)
            for t, (v, c) in enumerate(zip(values, checks, strict=True), start=1)]


def _factor_check(f: RFactor, rnn: RNN, run, ys) -> tuple[float, str]:
    t = f.t - 1
    if f.kind == "loss":
        return float(run.y[t, f.unit] - ys[t, f.unit]), "nn_core ŷ_t − y_t"
    if f.kind == "output_weight":
        return float(rnn.W_y[f.source, f.unit]), "the weight in nn_core's W_y"
    if f.kind == "recurrent_weight":
        return float(rnn.W_h[f.source, f.unit]), "the weight in nn_core's W_h"
    if f.kind == "activation":
        der = rnn.activation.der(run.z[t, f.unit], run.h[t, f.unit])
        return float(der), f"nn_core {rnn.activation.name}.der"
    # "input": what multiplies the weight in its weighted sum
    if f.of == "bias":
        return 1.0, "1 (a bias adds to the sum)"
    if f.of == "h":
        return float(run.h[t, f.source]), "nn_core's hidden state h_t"
    if f.of == "x":
        return float(run.x[t, f.source]), "the input x_t"
    if t == 0:
        return 0.0, "h_0 = 0"
    return float(run.h[t - 1, f.source]), "nn_core's hidden state h_{t−1}"


def _entry(arr: np.ndarray, param: str, i: int, j: int) -> float:
    return arr[j] if param in ("b_h", "b_y") else arr[i, j]


def _get(rnn: RNN, param: str, i: int, j: int) -> float:
    return float(_entry(rnn.params()[param], param, i, j))


def _with(rnn: RNN, param: str, i: int, j: int, value: float) -> RNN:
    out = rnn.copy()
    w = out.params()[param]
    if param in ("b_h", "b_y"):
        w[j] = value
    else:
        w[i, j] = value
    return out


def _step_error(rnn: RNN, xs, ys, t: int) -> float:
    diff = rnn.forward(xs).y[t - 1] - ys[t - 1]
    return 0.5 * float(diff @ diff)


def _fd(fn, rnn: RNN, param: str, i: int, j: int, h: float = FD_STEP) -> float:
    """∂fn/∂w by the 4th-order central difference."""
    return central_difference(lambda v: fn(_with(rnn, param, i, j, v)), _get(rnn, param, i, j), h)
