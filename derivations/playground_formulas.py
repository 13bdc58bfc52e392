"""The playground's update rule w ← w − η ∂E/∂w, built in SymPy with the current η (and λ)."""

from __future__ import annotations

import math

import sympy as sp

w, eta, lam = sp.symbols("w eta lambda", real=True)
E = sp.Function("E")


def _number(value: float, what: str) -> sp.Float:
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{what} must be a positive number (got {value}).")
    return sp.Float(value, 4)


def update_rule(lr: float | None = None, l2: float = 0.0) -> sp.Expr:
    """The right-hand side of the gradient-descent step for one weight w, unevaluated so it
    reads as the notes write it.

    With L2 regularisation the error gains ½λw², so the step is w − η(∂E/∂w + λw). ``lr`` and
    ``l2`` put in the current numbers; ``lr=None`` keeps the symbols η, λ.
    """
    grad = sp.Derivative(E(w), w)
    if l2:
        coeff = lam if lr is None else _number(l2, "The L2 strength λ")
        grad = sp.Add(grad, sp.Mul(coeff, w, evaluate=False), evaluate=False)
    step = eta if lr is None else _number(lr, "The learning rate η")
    return sp.Add(w, sp.Mul(-1, step, grad, evaluate=False), evaluate=False)


def update_rule_latex(lr: float | None = None, l2: float = 0.0) -> str:
    """LaTeX of w ← the rule, in symbols (``lr=None``) or with the current η, λ."""
    return rf"{sp.latex(w)} \gets {sp.latex(update_rule(lr, l2), order='none')}"
