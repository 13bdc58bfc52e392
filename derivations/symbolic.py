"""The network as one SymPy expression, in the notes' naming, and its local derivatives.

Naming (the notes'): inputs x_1 … x_n; hidden layer l, neuron m is h_{lm} with weighted sum
z_{h_{lm}} and activation y_{h_{lm}}; output neuron k has weighted sum z_k, prediction ŷ_k and
ground truth y_k. A weight is named by the two nodes it joins: w_{x_1 h_{11}}, w_{h_{11} z_1}
(and w_{x_1 z_1} without a hidden layer); a bias by its neuron: b_{h_{11}}, b_{z_1}.

Every derivative here comes from ``sympy.diff``; the activation's derivative is also rewritten in
terms of the activation itself (σ' = ŷ(1 − ŷ), as the notes write it) by solving ŷ = f(z) for z,
and that rewrite is proved equal to the plain derivative.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache

import sympy as sp


def sym(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def _idx(*parts: int) -> str:
    """Subscript digits as the notes write them (h_{11}); commas once a number has two digits."""
    return ("," if any(p > 9 for p in parts) else "").join(str(p) for p in parts)


def node_name(layer: int, m: int, n_layers: int) -> str:
    """The notes' name of neuron m (0-based) of layer ``layer`` (0 = inputs, n_layers = outputs)."""
    if layer == 0:
        return f"x_{{{m + 1}}}"
    if layer == n_layers:
        return f"z_{{{m + 1}}}"  # the notes name output weights by the output's weighted sum
    return f"h_{{{_idx(layer, m + 1)}}}"


# --------------------------------------------------------------------- activations and losses
#: f(z) of each elementwise activation, built from its argument: the one symbolic home of every
#: activation formula (formulas, the answer parser, the audit and the notes read it). nn_core's
#: ``ACTIVATIONS`` holds the same functions numerically.
ACTIVATIONS: dict[str, Callable[[sp.Expr], sp.Expr]] = {
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)),
    "tanh": sp.tanh,
    "relu": lambda z: sp.Max(0, z),
    "linear": lambda z: z,
}
ELEMENTWISE = tuple(ACTIVATIONS)


def activation_expr(name: str, z: sp.Expr) -> sp.Expr:
    """f(z) for the elementwise activations (see ``ACTIVATIONS``)."""
    try:
        return ACTIVATIONS[name](z)
    except KeyError:
        raise ValueError(
            f"No symbolic form for activation {name!r}: derivations support "
            f"{', '.join(ELEMENTWISE)} (softmax couples the output neurons; use sigmoid outputs "
            "to walk the chain rule neuron by neuron)."
        ) from None


_Z, _Y = sym("z"), sym("y")


def kink_convention(expr: sp.Expr) -> sp.Expr:
    """ReLU' at z = 0 is taken as 0 (Heaviside(0) = 0), as nn_core and most libraries do."""
    return expr.replace(sp.Heaviside, lambda a, *_: sp.Heaviside(a, 0))


@dataclass(frozen=True)
class ActivationDerivative:
    """f'(z) as ``sympy.diff`` gives it (``z_form``, in z) and in terms of the activation
    y = f(z) where that is possible (``y_form``, in y; equals z_form for ReLU and linear)."""

    name: str
    z_form: sp.Expr
    y_form: sp.Expr
    in_terms_of_output: bool
    proved: bool


@cache
def activation_derivative(name: str) -> ActivationDerivative:
    """Differentiate f, then (sigmoid, tanh) rewrite f'(z) in y = f(z) by inverting f."""
    f = activation_expr(name, _Z)
    z_form = sp.diff(f, _Z)
    if name == "relu":
        z_form = kink_convention(z_form)
    if name in ("sigmoid", "tanh"):
        y_form = z_form.subs(f, _Y)  # tanh' = 1 − tanh² already contains f itself
        if _Z in y_form.free_symbols:  # σ' = e^{−z}/(1 + e^{−z})²: invert y = σ(z) instead
            inverse = sp.solve(sp.Eq(_Y, f), _Z)[0]
            y_form = sp.simplify(z_form.subs(_Z, inverse))
        # Proof that the rewrite is the same function: substitute y = f(z) back.
        proved = sp.simplify(y_form.subs(_Y, f) - z_form) == 0
        return ActivationDerivative(name, z_form, y_form, True, bool(proved))
    if name == "relu":  # shown as cases (0 for z ≤ 0, else 1); proved equal to the Heaviside
        y_form = z_form.rewrite(sp.Piecewise)
        proved = sp.simplify((y_form - z_form).rewrite(sp.Piecewise)) == 0
        return ActivationDerivative(name, z_form, y_form, False, bool(proved))
    return ActivationDerivative(name, z_form, z_form, False, True)


def activation_derivative_at(name: str, z: sp.Expr, y: sp.Expr, form: str = "y") -> sp.Expr:
    d = activation_derivative(name)
    return (d.y_form if form == "y" else d.z_form).xreplace({_Z: z, _Y: y})


#: E_k(ŷ_k, y_k), the error of one output neuron for one data point (E_total = Σ_k E_k), by
#: the loss names nn_core resolves; the one symbolic home of each loss formula.
LOSSES: dict[str, Callable[[sp.Expr, sp.Expr], sp.Expr]] = {
    "squared_error": lambda y_hat, y: sp.Rational(1, 2) * (y - y_hat) ** 2,
    "binary_cross_entropy": lambda y_hat, y: -(y * sp.log(y_hat) + (1 - y) * sp.log(1 - y_hat)),
    "categorical_cross_entropy": lambda y_hat, y: -y * sp.log(y_hat),
}


def loss_term(loss: str, y_hat: sp.Expr, y: sp.Expr) -> sp.Expr:
    """E_k, the error of one output neuron for one data point (see ``LOSSES``)."""
    try:
        return LOSSES[loss](y_hat, y)
    except KeyError:
        raise ValueError(
            f"No symbolic form for loss {loss!r}: derivations support squared_error and "
            "cross_entropy."
        ) from None


def softmax_exprs(zs: list[sp.Expr]) -> list[sp.Expr]:
    """ŷ_k = e^{z_k} / Σ_m e^{z_m}: every output depends on every weighted sum."""
    total = sp.Add(*(sp.exp(z) for z in zs))
    return [sp.exp(z) / total for z in zs]


@cache
def softmax_error_term(n_out: int, loss: str, k: int) -> tuple[sp.Expr, sp.Expr, bool]:
    """δ_k = ∂E_total/∂z_k through a softmax output layer, as (z_form, y_form, proved).

    ``z_form`` is ``sympy.diff`` of E_total composed with softmax, in the z_k; ``y_form`` is the
    same rewritten in the ŷ_k (each e^{z_m} as ŷ_m·S, then Σ_m ŷ_m = 1), proved equal by putting
    the softmax back. One factor replaces ∂E/∂ŷ · ∂ŷ/∂z, because every ŷ_m depends on z_k.
    """
    zs = [sym(f"z_{{{m + 1}}}") for m in range(n_out)]
    ys = [sym(f"y_{{{m + 1}}}") for m in range(n_out)]
    yh = [sym(rf"\hat{{y}}_{{{m + 1}}}") for m in range(n_out)]
    soft = softmax_exprs(zs)
    E = sp.Add(*(loss_term(loss, soft[m], ys[m]) for m in range(n_out)))
    z_form = sp.diff(E, zs[k])
    S = sp.Symbol("S", positive=True)
    y_form = sp.simplify(z_form.subs({sp.exp(zs[m]): yh[m] * S for m in range(n_out)}))
    others = sp.Add(*(yh[m] for m in range(n_out) if m != k))
    y_form = y_form.subs(sp.Add(*yh), 1).subs(others, 1 - yh[k])
    y_form = sp.factor_terms(sp.collect(sp.expand(y_form), yh[k]))
    back = y_form.xreplace(dict(zip(yh, soft, strict=True)))
    proved = S not in y_form.free_symbols and sp.simplify(back - z_form) == 0
    if not proved:  # keep the plain derivative rather than show an unproved rewrite
        y_form = z_form
    return z_form, y_form, bool(proved)


@cache
def error_term(output_activation: str, loss: str) -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """(∂E_k/∂ŷ_k, ∂ŷ_k/∂z_k, their product: the error term δ_k = ∂E_k/∂z_k), in ŷ_k and y_k.

    δ_k is simplified when that makes it shorter: with sigmoid and cross-entropy the σ' factor
    cancels and δ_k = ŷ_k − y_k; with squared error it stays (ŷ_k − y_k) ŷ_k (1 − ŷ_k).
    """
    y_hat, y = sym(r"\hat{y}_{k}"), sym("y_{k}")
    z = sym("z_{k}")
    d_loss = sp.diff(loss_term(loss, y_hat, y), y_hat)
    d_act = activation_derivative_at(output_activation, z, y_hat)
    product = d_loss * d_act
    simpler = sp.simplify(product)
    return d_loss, d_act, simpler if sp.count_ops(simpler) < sp.count_ops(product) else product


def activation_cancels(output_activation: str, loss: str) -> bool:
    """True when the loss's slope has a denominator that the activation's slope cancels."""
    d_loss, _, delta = error_term(output_activation, loss)
    return sp.denom(sp.together(d_loss)) != 1 and sp.denom(sp.together(delta)) == 1


# --------------------------------------------------------------------- the network
@dataclass
class SymbolicNetwork:
    """Symbols and expressions of a network; layer l = 1 … L (1 = first weight layer).

    ``z[l][m]``/``a[l][m]``: symbols of the weighted sum and activation of neuron m in layer l
    (``a[0]`` are the inputs, ``a[L]`` the predictions ŷ). ``z_local``: z as the weighted sum of
    the previous layer's activation *symbols*; ``z_full``/``a_full``: composed all the way down
    to the inputs, weights and biases (the primary symbols). ``E_full``: E_total composed.
    """

    sizes: tuple[int, ...]
    activations: tuple[str, ...]
    loss: str
    x: list[sp.Symbol]
    targets: list[sp.Symbol]
    W: list[list[list[sp.Symbol]]]  # W[l][i][j], l = 1 … L (W[0] unused)
    b: list[list[sp.Symbol]]
    z: list[list[sp.Symbol]]
    a: list[list[sp.Symbol]]
    z_local: list[list[sp.Expr]]
    z_full: list[list[sp.Expr]]
    a_full: list[list[sp.Expr]]
    E_terms: list[sp.Expr]  # E_k in the ŷ_k symbols
    E_full: sp.Expr

    @property
    def n_layers(self) -> int:
        return len(self.sizes) - 1

    @property
    def primary(self) -> list[sp.Symbol]:
        """Argument order of every lambdified function: x, y, then W and b layer by layer."""
        out = [*self.x, *self.targets]
        for layer in range(1, self.n_layers + 1):
            out += [w for row in self.W[layer] for w in row]
            out += self.b[layer]
        return out

    def full_subs(self) -> dict:
        """Intermediate symbol → its composed expression (for proofs and evaluation)."""
        subs = {}
        for layer in range(1, self.n_layers + 1):
            for m in range(self.sizes[layer]):
                subs[self.z[layer][m]] = self.z_full[layer][m]
                subs[self.a[layer][m]] = self.a_full[layer][m]
        return subs

    def param_symbol(self, layer: int, i: int, j: int, param: str) -> sp.Symbol:
        return self.W[layer][i][j] if param == "weight" else self.b[layer][j]


@lru_cache(maxsize=64)
def symbolic_network(sizes: tuple[int, ...], activations: tuple[str, ...],
                     loss: str) -> SymbolicNetwork:
    L = len(sizes) - 1
    if len(activations) != L:
        raise ValueError(f"Give one activation per layer ({L}); got {len(activations)}.")
    x = [sym(node_name(0, j, L)) for j in range(sizes[0])]
    targets = [sym(f"y_{{{k + 1}}}") for k in range(sizes[-1])]
    W: list = [[]]
    b: list = [[]]
    z: list = [[]]
    a: list = [x]
    z_local: list = [[]]
    z_full: list = [[]]
    a_full: list = [list(x)]
    for layer in range(1, L + 1):
        src = [node_name(layer - 1, i, L) for i in range(sizes[layer - 1])]
        dst = [node_name(layer, j, L) for j in range(sizes[layer])]
        W.append([[sym(f"w_{{{s} {d}}}") for d in dst] for s in src])
        b.append([sym(f"b_{{{d}}}") for d in dst])
        if layer == L:
            z.append([sym(f"z_{{{k + 1}}}") for k in range(sizes[layer])])
            a.append([sym(rf"\hat{{y}}_{{{k + 1}}}") for k in range(sizes[layer])])
        else:
            z.append([sym(f"z_{{{d}}}") for d in dst])
            a.append([sym(f"y_{{{d}}}") for d in dst])
        zl, zf, af = [], [], []
        for j in range(sizes[layer]):
            zl.append(sp.Add(*(a[layer - 1][i] * W[layer][i][j]
                               for i in range(sizes[layer - 1]))) + b[layer][j])
            zf.append(sp.Add(*(a_full[layer - 1][i] * W[layer][i][j]
                               for i in range(sizes[layer - 1]))) + b[layer][j])
            if activations[layer - 1] != "softmax":
                af.append(activation_expr(activations[layer - 1], zf[-1]))
        if activations[layer - 1] == "softmax":
            if layer != L:
                raise ValueError("softmax can only be the output activation.")
            af = softmax_exprs(zf)
        z_local.append(zl)
        z_full.append(zf)
        a_full.append(af)
    E_terms = [loss_term(loss, a[L][k], targets[k]) for k in range(sizes[-1])]
    E_full = sp.Add(*(loss_term(loss, a_full[L][k], targets[k]) for k in range(sizes[-1])))
    return SymbolicNetwork(tuple(sizes), tuple(activations), loss, x, targets, W, b, z, a,
                           z_local, z_full, a_full, E_terms, E_full)


# --------------------------------------------------------------------- the zero test of proofs
def abbreviate_sums(expr: sp.Expr, sums, coefficients=(1, -1)) -> sp.Expr:
    """Each composed weighted sum (times each coefficient) becomes its symbol: ``sums`` pairs
    (composed expression, symbol). Sound for a zero test (the same sub-expression is replaced
    everywhere), and it keeps the expressions ``is_zero`` cancels small."""
    return expr.xreplace({c * full: c * z for full, z in sums for c in coefficients})


def is_zero(expr: sp.Expr) -> bool:
    """A sound zero test that stays fast on composed networks: each exp/tanh/Heaviside/log/Max
    sub-expression becomes an independent symbol and the numerator of the rational function
    left must expand to 0 (an identity in independent symbols stays one when the functions are
    put back); failing that, the plain expansion. False means "not shown", never a guess."""
    expr_in = expr
    if expr == 0:
        return True
    # e^{−z} and e^{2z} become powers of one symbol for e^{z}, so e^{z}·e^{−z} = 1 survives.
    bases: dict = {}

    def exp_power(e):
        c, rest = e.args[0].as_coeff_Mul()
        if not c.is_Integer:
            c, rest = sp.Integer(1), e.args[0]
        if rest.could_extract_minus_sign():
            c, rest = -c, -rest
        return bases.setdefault(rest, sp.Dummy()) ** c

    expr = expr.replace(lambda e: isinstance(e, sp.exp), exp_power)
    atoms = sorted(expr.atoms(sp.tanh, sp.Heaviside, sp.log, sp.Max), key=sp.default_sort_key)
    generic = expr.xreplace({a: sp.Dummy() for a in atoms})
    numerator, _ = sp.fraction(sp.together(generic))
    # Either test may succeed alone; this one first: on composed networks the plain expansion
    # of the whole expression is the slow one (the audit's largest identity: 0.24 s against 0.07).
    return sp.expand(numerator) == 0 or sp.expand(expr_in) == 0


def partial_latex(num: sp.Expr | str, den: sp.Expr | str) -> str:
    """∂num/∂den as LaTeX, each side printed by sympy.latex (strings pass through)."""
    n = num if isinstance(num, str) else sp.latex(num)
    d = den if isinstance(den, str) else sp.latex(den)
    return rf"\frac{{\partial {n}}}{{\partial {d}}}"


def number_latex(value: float, digits: int = 4) -> str:
    """A live number as it appears inside a formula (negatives in brackets)."""
    text = sp.latex(sp.Float(float(value), digits))
    return rf"\left({text}\right)" if value < 0 else text


def lambdify(args, exprs, **options):
    """``sympy.lambdify(args, exprs, **options)`` for arguments named as the notes write them
    (``\\eta``, ``h_{t-1}``): lambdify renames each name that is not a Python identifier with
    a pass over the whole expression per argument; here all are renamed in one pass, so the
    function is the same and building it no longer grows with arguments × expression size
    (the LSTM's step functions, 30 arguments: 0.9-1.0 s → 0.5 s). With ``cse=True`` on a few
    arguments and one large expression it gains nothing; those call sympy.lambdify."""
    args = list(args)
    plain = {a: sp.Symbol(f"_a{i}") for i, a in enumerate(args)}
    def rename(e):  # SymPy expressions and plain numbers only: lambdify would run a string
        if isinstance(e, sp.Basic):
            return e.xreplace(plain)
        if isinstance(e, int | float):
            return e
        raise TypeError(f"lambdify takes SymPy expressions, not {type(e).__name__}")

    renamed = [rename(e) for e in exprs] if isinstance(exprs, list | tuple) else rename(exprs)
    return sp.lambdify([plain[a] for a in args], renamed, dummify=False, **options)
