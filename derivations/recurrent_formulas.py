"""The recurrent pages' forward formulas, built in SymPy and printed by ``sympy.latex``: one RNN
step and one LSTM step, in symbols and with a unit's live numbers put in.

Only forward formulas live here (what a step computes); the derivatives, the unrolled error
and their checks are derivations.recurrent's. Steps and units are counted from 1 on the page.
Nothing here computes a network: the numbers come from nn_core.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import sympy as sp

from .formulas import equation_lines, num
from .symbolic import (
    activation_derivative,
    activation_derivative_at,
    activation_expr,
    partial_latex,
)


def _latex(expr) -> str:
    return sp.latex(expr, order="none")


def _nc(name: str) -> sp.Symbol:
    """A row vector or matrix symbol: non-commutative, so x_t W_x keeps its order."""
    return sp.Symbol(name, commutative=False)


def _sub(name: str, t, j=None) -> str:
    return f"{name}_{{{t}}}" if j is None else f"{name}_{{{t},{j}}}"


def rnn_step_formulas(activation: str = "tanh") -> dict[str, str]:
    """One RNN step, vector form: z_t = x_t W_x + h_{t−1} W_h + b_h, h_t = f(z_t),
    ŷ_t = h_t W_y + b_y, h_0 = 0."""
    x_t, h_prev, h_t, z_t, y_t = (_nc(n) for n in ("x_{t}", "h_{t-1}", "h_{t}", "z_{t}",
                                                   r"\hat{y}_{t}"))
    W_x, W_h, W_y, b_h, b_y = (_nc(n) for n in ("W_{x}", "W_{h}", "W_{y}", "b_{h}", "b_{y}"))
    z_expr = sp.Add(sp.Mul(x_t, W_x), sp.Mul(h_prev, W_h), b_h, evaluate=False)
    return {
        "weighted_sum": _latex(sp.Eq(z_t, z_expr, evaluate=False)),
        # f acts on each unit's z alone: a real scalar symbol (Max needs one to compare)
        "activation": _latex(sp.Eq(h_t, activation_expr(activation, sp.Symbol("z_{t}",
                                                                              real=True)),
                                   evaluate=False)),
        "output": _latex(sp.Eq(y_t, sp.Add(sp.Mul(h_t, W_y), b_y, evaluate=False),
                               evaluate=False)),
        "start": _latex(sp.Eq(_nc("h_{0}"), 0, evaluate=False)),
    }


def _dot_numbers(weights: Sequence[float], inputs: Sequence[float]) -> list:
    return [sp.Mul(num(v), num(w), evaluate=False)
            for v, w in zip(inputs, weights, strict=True)]


def rnn_step_numbers(t: int, j: int, x_t: Sequence[float], h_prev: Sequence[float],
                     w_x: Sequence[float], w_h: Sequence[float], b: float, z: float, h: float,
                     activation: str = "tanh") -> tuple[str, str]:
    """Hidden unit j (from 1) at step t (from 1) with the numbers put in: (z line, h line).
    ``w_x``, ``w_h`` are column j of W_x and W_h; ``h_prev`` is h_{t−1} (zeros at t = 1)."""
    expr = sp.Add(*_dot_numbers(w_x, x_t), *_dot_numbers(w_h, h_prev), num(b),
                  evaluate=False)
    z_line = equation_lines(_sub("z", t, j), _latex(expr), _latex(num(z)))
    with sp.evaluate(False):
        f = activation_expr(activation, num(z))
    return z_line, equation_lines(_sub("h", t, j), _latex(f), _latex(num(h)))


def output_numbers(t: int, k: int, h_t: Sequence[float], w_y: Sequence[float], b: float,
                   value: float) -> str:
    """Output k (from 1) at step t: ŷ_{t,k} = Σ_j h_{t,j} W_y[j, k] + b_y[k] with numbers."""
    expr = sp.Add(*_dot_numbers(w_y, h_t), num(b), evaluate=False)
    return equation_lines(_sub(r"\hat{y}", t, k), _latex(expr), _latex(num(value)))


LSTM_GATE_ACTIVATION = {"a": "tanh", "i": "sigmoid", "f": "sigmoid", "o": "sigmoid"}


def _mul(*args):
    return sp.Mul(*args, evaluate=False)


def lstm_step_formulas() -> dict[str, str]:
    """One LSTM step. Each gate k: z_{k,t} = x_t W_k + h_{t−1} U_k + b_k (vector form) and its
    activation; the cell state and output per unit (every unit multiplies its own gates)."""
    x_t, h_prev = _nc("x_{t}"), _nc("h_{t-1}")
    out = {}
    for k, act in LSTM_GATE_ACTIVATION.items():
        z = sp.Symbol(f"z_{{{k},t}}")
        out[f"z_{k}"] = _latex(sp.Eq(z, sp.Add(_mul(x_t, _nc(f"W_{{{k}}}")),
                                               _mul(h_prev, _nc(f"U_{{{k}}}")),
                                               _nc(f"b_{{{k}}}"), evaluate=False),
                                     evaluate=False))
        out[k] = _latex(sp.Eq(sp.Symbol(f"{k}_{{t}}"), activation_expr(act, z), evaluate=False))
    a, i, f, o, c, c_prev = sp.symbols("a_{t} i_{t} f_{t} o_{t} c_{t} c_{t-1}")
    out["c"] = _latex(sp.Eq(c, sp.Add(_mul(a, i), _mul(f, c_prev), evaluate=False),
                            evaluate=False))
    out["h"] = _latex(sp.Eq(sp.Symbol("h_{t}"), _mul(sp.tanh(c), o), evaluate=False))
    out["start"] = _latex(sp.Eq(sp.Symbol("h_{0}"), sp.Integer(0), evaluate=False)) + r",\; " \
        + _latex(sp.Eq(sp.Symbol("c_{0}"), sp.Integer(0), evaluate=False))
    return out


def lstm_gate_numbers(k: str, t: int, j: int, x_t: Sequence[float], h_prev: Sequence[float],
                      w: Sequence[float], u: Sequence[float], b: float, z: float,
                      value: float) -> tuple[str, str]:
    """Gate ``k`` of unit j (from 1) at step t (from 1) with numbers: (z line, gate line).
    ``w``, ``u`` are column j of W_k and U_k."""
    expr = sp.Add(*_dot_numbers(w, x_t), *_dot_numbers(u, h_prev), num(b), evaluate=False)
    z_line = equation_lines(f"z_{{{k},{t},{j}}}",
                            _latex(expr), _latex(num(z)))
    with sp.evaluate(False):
        act = activation_expr(LSTM_GATE_ACTIVATION[k], num(z))
    return z_line, equation_lines(_sub(k, t, j), _latex(act), _latex(num(value)))


def lstm_cell_numbers(t: int, j: int, a: float, i: float, f: float, c_prev: float, c: float,
                      o: float, h: float) -> tuple[str, str]:
    """The cell state and output of unit j at step t with numbers: (c line, h line)."""
    c_expr = sp.Add(_mul(num(a), num(i)), _mul(num(f), num(c_prev)), evaluate=False)
    c_line = equation_lines(_sub("c", t, j), _latex(c_expr), _latex(num(c)))
    with sp.evaluate(False):
        h_expr = _mul(num(o), sp.tanh(num(c)))
    return c_line, equation_lines(_sub("h", t, j), _latex(h_expr), _latex(num(h)))


# ------------------------------------------------------------------ how far back a gradient reaches
_X, _W_X, _W_H, _B = sp.symbols("x_{k} w_{x} w_{h} b", real=True)
_H_PREV, _H_K, _Z_K = sp.symbols("h_{k-1} h_{k} z_{k}", real=True)


def _hidden_factor(activation: str) -> sp.Expr:
    """∂h_k/∂h_{k−1} = f'(z_k) · ∂z_k/∂h_{k−1} by sympy.diff, f' in h_k where SymPy can."""
    dz_dh = sp.diff(_X * _W_X + _H_PREV * _W_H + _B, _H_PREV)
    form = "y" if activation_derivative(activation).in_terms_of_output else "z"
    return activation_derivative_at(activation, _Z_K, _H_K, form) * dz_dh


def hidden_factor_function(activation: str = "tanh"):
    """The derived ∂h_k/∂h_{k−1} as a NumPy function of (h_k, z_k, w_h), to evaluate at a
    network's own numbers."""
    fn = sp.lambdify((_H_K, _Z_K, _W_H), _hidden_factor(activation), "numpy")
    return lambda h, z, w_h: np.broadcast_to(fn(h, z, w_h), np.shape(h)).astype(float)

def gradient_product_formulas(activation: str = "tanh") -> dict[str, str]:
    """∂h_T/∂h_t for a one-unit RNN and ∂c_T/∂c_t for the LSTM's cell, derived: each step's
    factor is ``sympy.diff`` of that step's formula, then the chain rule multiplies them.

    - RNN: h_k = f(x_k w_x + h_{k−1} w_h + b) ⇒ ∂h_k/∂h_{k−1} = f'(z_k) w_h, with f' in terms
      of h_k where SymPy can invert f (tanh: 1 − h_k²).
    - LSTM: c_k = a_k i_k + f_k c_{k−1} ⇒ ∂c_k/∂c_{k−1} = f_k (the gates held fixed).
    """
    k, t, T = sp.symbols("k t T", integer=True)
    factor = _hidden_factor(activation)
    a, i, f, c_prev = sp.symbols("a_{k} i_{k} f_{k} c_{k-1}", real=True)
    cell_factor = sp.diff(a * i + f * c_prev, c_prev)
    after_t = (k, sp.Add(t, 1, evaluate=False), T)  # k = t + 1 … T
    return {
        "rnn_factor": f"{partial_latex(_H_K, _H_PREV)} = {_latex(factor)}",
        "rnn_product": f"{partial_latex('h_{T}', 'h_{t}')} = "
                       f"{_latex(sp.Product(factor, after_t))}",
        "cell_factor": f"{partial_latex('c_{k}', c_prev)} = {_latex(cell_factor)}",
        "cell_product": f"{partial_latex('c_{T}', 'c_{t}')} = "
                        f"{_latex(sp.Product(cell_factor, after_t))}",
        "clip": _latex(sp.Eq(sp.Symbol(r"g_{\mathrm{used}}"), sp.Symbol("g") * sp.Min(
            1, sp.Symbol("c") / sp.Symbol(r"\lVert g \rVert", positive=True)), evaluate=False)),
    }
