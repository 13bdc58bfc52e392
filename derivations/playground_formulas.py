"""The playground's update rule w ← w − η ∂E/∂w, built in SymPy with the current η (and λ)."""

from __future__ import annotations

from functools import lru_cache

import sympy as sp

from nn_core.training import l2_strength, learning_rate

w, eta, lam = sp.symbols("w eta lambda", real=True)
E = sp.Function("E")


def _number(value: float) -> sp.Float:
    return sp.Float(value, 4)


def update_rule(lr: float | None = None, l2: float = 0.0) -> sp.Expr:
    """The right-hand side of the gradient-descent step for one weight w, unevaluated so it
    reads as the notes write it.

    With L2 regularisation the error gains ½λw², so the step is w − η(∂E/∂w + λw). ``lr`` and
    ``l2`` put in the current numbers; ``lr=None`` keeps the symbols η, λ.
    """
    grad = sp.Derivative(E(w), w)
    if l2:
        coeff = lam if lr is None else _number(l2_strength(l2))
        grad = sp.Add(grad, sp.Mul(coeff, w, evaluate=False), evaluate=False)
    step = eta if lr is None else _number(learning_rate(lr))
    return sp.Add(w, sp.Mul(-1, step, grad, evaluate=False), evaluate=False)


@lru_cache(maxsize=1024)  # printed again on every rerun with the same numbers
def update_rule_latex(lr: float | None = None, l2: float = 0.0) -> str:
    """LaTeX of w ← the rule, in symbols (``lr=None``) or with the current η, λ."""
    return rf"{sp.latex(w)} \gets {sp.latex(update_rule(lr, l2), order='none')}"


# ------------------------------------------------------------------ momentum and schedules
v, mu = sp.symbols("v mu", real=True)
t, T, gamma, k, eta0 = sp.symbols("t T gamma k eta_0", positive=True)


def momentum_rule(lr: float | None = None, momentum: float | None = None, l2: float = 0.0
                  ) -> tuple[sp.Expr, sp.Expr]:
    """Gradient descent with momentum, as (new v, new w): v ← μ v − η (∂E/∂w [+ λw]), then
    w ← w + v (the new v). With μ = 0 it is the plain step. Numbers replace η, μ, λ when given."""
    grad = sp.Derivative(E(w), w)
    if l2:
        coeff = lam if lr is None else _number(l2_strength(l2))
        grad = sp.Add(grad, sp.Mul(coeff, w, evaluate=False), evaluate=False)
    step = eta if lr is None else _number(learning_rate(lr))
    m = mu if momentum is None else sp.Float(momentum, 4)
    new_v = sp.Add(sp.Mul(m, v, evaluate=False), sp.Mul(-1, step, grad, evaluate=False),
                   evaluate=False)
    return new_v, sp.Add(w, v, evaluate=False)


@lru_cache(maxsize=1024)  # printed again on every rerun with the same numbers
def momentum_rule_latex(lr: float | None = None, momentum: float | None = None,
                        l2: float = 0.0) -> str:
    new_v, new_w = momentum_rule(lr, momentum, l2)
    return (rf"\begin{{aligned}} {sp.latex(v)} &\gets {sp.latex(new_v, order='none')} \\ "
            rf"{sp.latex(w)} &\gets {sp.latex(new_w, order='none')} \end{{aligned}}")


def schedule_expr(name: str) -> sp.Expr:
    """η_t in epoch t for the schedule ``name`` (nn_core.schedules computes the same numbers)."""
    if name == "constant":
        return eta0
    if name == "step":
        return eta0 * gamma ** sp.floor((t - 1) / T)
    if name == "inverse_time":
        return eta0 / (1 + k * (t - 1))
    raise ValueError(f"Unknown schedule {name!r}.")


@lru_cache(maxsize=1024)  # printed again on every rerun with the same numbers
def schedule_latex(name: str) -> str:
    return rf"\eta_t = {sp.latex(schedule_expr(name))}"
