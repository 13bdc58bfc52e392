"""Small SymPy formulas for the walkthrough pages (the neuron, a layer, gradient descent).

Every formula a page shows is a SymPy expression printed by ``sympy.latex``; "with numbers"
versions are built unevaluated from the same expression so the printed arithmetic is exactly
the formula's. The numbers themselves come from nn_core; nothing here computes a network.

Printing costs milliseconds and a page asks again on every rerun, so each function remembers
its recent answers (``lru_cache``, bounded); the dicts returned are shared: read, never change.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import sympy as sp

from .symbolic import activation_expr

SIG_DIGITS = 4

z, y, y_hat, b, theta, eta, E, w, x = sp.symbols(
    r"z y \hat{y} b theta eta E w x", real=True)
w_new = sp.Symbol(r"w_{\mathrm{new}}", real=True)


def num(value: float) -> sp.Float:
    """A number as SymPy prints it on the pages (4 significant digits)."""
    return sp.Float(float(value), SIG_DIGITS)


def _latex(expr) -> str:
    return sp.latex(expr, order="none")


def equation_lines(lhs: str, *rhs: str) -> str:
    """lhs = rhs₁ = rhs₂ …, one "= …" per line so it fits a narrow column."""
    rest = r" \\ ".join(f"&= {r}" for r in rhs[1:])
    body = f"{lhs} &= {rhs[0]}" + (r" \\ " + rest if rest else "")
    return rf"\begin{{aligned}} {body} \end{{aligned}}"


# ---------------------------------------------------------------------------- the neuron
def feature_symbols(n: int):
    xs = sp.symbols(f"x_1:{n + 1}", real=True)
    ws = sp.symbols(f"w_1:{n + 1}", real=True)
    return xs, ws


def weighted_sum(n: int = 2):
    """z = Σ_j w_j x_j + b for n features."""
    xs, ws = feature_symbols(n)
    return sp.Add(*[wj * xj for wj, xj in zip(ws, xs, strict=True)], b, evaluate=False)


def notes_weighted_sum_latex() -> str:
    """The notes' form: z_i = Σ_j W_j X_ij (data point i, feature j; no bias)."""
    i, j = sp.symbols("i j", integer=True)
    W, X = sp.IndexedBase("W"), sp.IndexedBase("X")
    zi = sp.Indexed(sp.IndexedBase("z"), i)
    return _latex(sp.Eq(zi, sp.Sum(W[j] * X[i, j], (j, 1, sp.Symbol("n")))))


@lru_cache(maxsize=1)
def threshold_z():
    """The weighted sum at which σ(z) = θ, solved by SymPy: the log-odds ln(θ/(1−θ))."""
    th = sp.Symbol("theta", positive=True)
    (sol,) = sp.solve(sp.Eq(activation_expr("sigmoid", z), th), z)
    # SymPy prints its solution as log(−θ/(θ−1)); show the same value in the usual form.
    tidy = sp.log(th / (1 - th))
    if sp.simplify(sol - tidy) != 0:
        raise AssertionError(f"unexpected solution {sol}")
    return tidy.subs(th, theta)


@lru_cache(maxsize=64)
def neuron_formulas(n: int = 2) -> dict[str, str]:
    """LaTeX of the neuron page's formulas, keyed by what they are."""
    cls = sp.Symbol(r"\text{class}")
    line = sp.Eq(weighted_sum(n), threshold_z())
    return {
        "weighted_sum": _latex(sp.Eq(z, weighted_sum(n))),
        "notes_weighted_sum": notes_weighted_sum_latex(),
        "sigmoid": _latex(sp.Eq(y_hat, activation_expr("sigmoid", z))),
        "classifier": _latex(sp.Eq(cls, sp.Piecewise((1, y_hat >= theta), (0, True)))),
        "decision_line": _latex(line),
    }


def weighted_sum_numbers(weights: Sequence[float], inputs: Sequence[float], bias: float,
                         value: float) -> str:
    """z = w₁x₁ + … + b with the numbers put in, = value."""
    return _weighted_sum_numbers(tuple(map(float, weights)), tuple(map(float, inputs)),
                                 float(bias), float(value))


def number_name(value: float) -> str:
    """A live number as it stands in for a symbol in a formula (negatives in brackets)."""
    text = _latex(num(value))
    return rf"\left({text}\right)" if float(value) < 0 else text


def with_numbers(general, values: dict) -> str:
    """The general expression printed with each symbol's number in its place: the "with the
    numbers" line has the general formula's tree exactly (SymPy cannot fold −(−2.9) into 2.9
    or merge + (−0.3) into − 0.3), products shown with a dot."""
    names = {s: number_name(v) for s, v in values.items()}
    return sp.latex(general, order="none", mul_symbol="dot", symbol_names=names)


@lru_cache(maxsize=4096)
def _weighted_sum_numbers(weights: tuple, inputs: tuple, bias: float, value: float) -> str:
    xs, ws = feature_symbols(len(weights))
    values = {**dict(zip(ws, weights, strict=True)), **dict(zip(xs, inputs, strict=True)),
              b: bias}
    return equation_lines("z", with_numbers(weighted_sum(len(weights)), values),
                          _latex(num(value)))


@lru_cache(maxsize=4096)
def activation_numbers(name: str, z_value: float, value: float, lhs: str = r"\hat{y}") -> str:
    """ŷ = f(z) with z put in, = value."""
    return equation_lines(lhs, with_numbers(activation_expr(name, z), {z: z_value}),
                          _latex(num(value)))


@lru_cache(maxsize=4096)
def shown_digits(value: float, against: float, above: bool, digits: int = SIG_DIGITS) -> int:
    """Enough significant digits that ``value`` printed next to ``against`` shows the true
    relation (≥ when ``above``, < otherwise): ŷ = 0.49996 is not printed as 0.5000 < θ = 0.5."""
    for d in range(digits, 17):
        shown = float(f"{float(value):.{d}g}")
        if (shown >= against) == above and (above or shown != against):
            return d
    return 17


@lru_cache(maxsize=4096)
def threshold_numbers(theta_value: float, y_value: float, cls: int) -> str:
    rel = r"\geq" if cls == 1 else "<"
    d = shown_digits(y_value, float(f"{float(theta_value):.{SIG_DIGITS}g}"), cls == 1)
    return (rf"\begin{{aligned}} \hat{{y}} = {_latex(sp.Float(float(y_value), d))} &{rel} \theta = "
            rf"{_latex(num(theta_value))} \\ \Rightarrow\; \text{{class}} &= {cls} "
            r"\end{aligned}")


@lru_cache(maxsize=4096)
def threshold_z_value(theta_value: float) -> float:
    """z_θ for a threshold θ in (0, 1): the number the derived formula gives."""
    return float(threshold_z().subs(theta, sp.Float(theta_value)))


@lru_cache(maxsize=4096)
def threshold_z_numbers(theta_value: float, value: float) -> str:
    form = threshold_z()  # solved outside evaluate(False), where SymPy cannot simplify
    with sp.evaluate(False):
        expr = form.subs(theta, num(theta_value))
    return equation_lines(r"z_\theta", _latex(expr), _latex(num(value)))


# ---------------------------------------------------------------------------- a layer
@lru_cache(maxsize=64)
def layer_formulas(layer: int, activation: str) -> dict[str, str]:
    """Neuron j of layer l: z_j = Σ_i w_ij y_i^(l−1) + b_j and y_j = f(z_j)."""
    i, j, n = sp.symbols("i j n", integer=True)
    l_prev = "x" if layer == 1 else f"y^{{({layer - 1})}}"
    W = sp.IndexedBase(f"w^{{({layer})}}")
    Yp = sp.IndexedBase(l_prev)
    zj = sp.Indexed(sp.IndexedBase(f"z^{{({layer})}}"), j)
    yj = sp.Indexed(sp.IndexedBase(f"y^{{({layer})}}"), j)
    bj = sp.Indexed(sp.IndexedBase(f"b^{{({layer})}}"), j)
    if activation == "softmax":
        k = sp.Symbol("k", integer=True)
        f = sp.exp(zj) / sp.Sum(sp.exp(sp.Indexed(sp.IndexedBase(f"z^{{({layer})}}"), k)),
                                (k, 1, sp.Symbol("m")))
    else:
        f = activation_expr(activation, zj)
    return {
        "weighted_sum": _latex(sp.Eq(zj, sp.Sum(W[i, j] * Yp[i], (i, 1, n)) + bj)),
        "activation": _latex(sp.Eq(yj, f)),
    }


def softmax_exprs(z_values: Sequence[float], k: int, layer: int = 1):
    """(general, symbol → number) for neuron k (0-based) of a softmax layer:
    y_k = e^{z_k} / (e^{z_1} + … + e^{z_m}) and the LaTeX of each z's number. The numbers are
    printed into the general expression itself (``symbol_names``), so the "with the numbers"
    line is the general formula's tree with numbers for names: SymPy cannot rearrange it."""
    zs = [sp.Symbol(f"z^{{({layer})}}_{{{m + 1}}}", real=True) for m in range(len(z_values))]
    # Unevaluated, so that one output (e^{z}/e^{z}) is not printed as 1.
    general = sp.Mul(sp.exp(zs[k]), sp.Pow(sp.Add(*(sp.exp(z) for z in zs), evaluate=False), -1,
                                           evaluate=False), evaluate=False)
    return general, {z: _latex(num(v)) for z, v in zip(zs, z_values, strict=True)}


def softmax_numbers(z_values: Sequence[float], k: int, value: float, layer: int = 1) -> str:
    return _softmax_numbers(tuple(map(float, z_values)), int(k), float(value), int(layer))


@lru_cache(maxsize=4096)
def _softmax_numbers(z_values: tuple, k: int, value: float, layer: int) -> str:
    general, names = softmax_exprs(z_values, k, layer)
    lhs = f"y^{{({layer})}}_{{{k + 1}}}"
    return equation_lines(lhs, _latex(general), sp.latex(general, order="none",
                                                         symbol_names=names),
                          _latex(num(value)))


# ---------------------------------------------------------------------------- gradient descent
@lru_cache(maxsize=64)
def gradient_descent_formulas() -> dict[str, str]:
    """The update rule, the squared error and, for a linear neuron, when the steps shrink.

    For E(w) = ½(y − w x)² the error after a step is multiplied by 1 − η E''(w); SymPy derives
    E''(w) = x², so the steps settle only while |1 − η E''| < 1, i.e. η < 2 / E''.
    """
    err = sp.Rational(1, 2) * (y - y_hat) ** 2
    quad = sp.Rational(1, 2) * (y - w * x) ** 2
    curvature = sp.diff(quad, w, 2)
    factor = 1 - eta * curvature
    eta_max = sp.solve(sp.Eq(factor, -1), eta)[0]
    return {
        "update": rf"w \gets {_latex(w - eta * sp.Derivative(sp.Function('E')(w, b), w))}",
        "squared_error": _latex(sp.Eq(E, err)),
        "linear_loss": _latex(sp.Eq(sp.Function("E")(w), quad)),
        "curvature": _latex(sp.Eq(sp.Derivative(sp.Function("E")(w), (w, 2)), curvature)),
        "factor": _latex(sp.Eq(sp.Symbol(r"\rho"), factor)),
        "eta_max": _latex(sp.Eq(sp.Symbol(r"\eta_{\max}"), eta_max)),
    }


UPDATE_GRADIENT = sp.Symbol(r"\frac{\partial E}{\partial w}", real=True)


@lru_cache(maxsize=4096)
def update_numbers(old: float, lr: float, grad: float, new: float) -> str:
    """w − η ∂E/∂w (the update rule's tree) with the numbers in, = new."""
    general = sp.Add(w, sp.Mul(-1, eta, UPDATE_GRADIENT, evaluate=False), evaluate=False)
    return equation_lines(r"w_{\mathrm{new}}", with_numbers(
        general, {w: old, eta: lr, UPDATE_GRADIENT: grad}), _latex(num(new)))


# ---------------------------------------------------------------------------- one vs all
@lru_cache(maxsize=64)
def encoding_formulas(encoding: str, n_classes: int = 3, classes=None) -> dict[str, str]:
    """Targets per class (as column vectors) and the decision rule of a class encoding.

    ``classes[k]``: the data's class whose target is code k (the notes' code writes the last
    one (0, 0), "neither fires"); by default class k. Classes keep the data's names; output
    neurons are counted from 1, as the notes write ŷ_1, ŷ_2, so the rule says which class each
    neuron stands for.
    """
    from nn_core.datasets import encode  # targets are nn_core's, printed by SymPy

    classes = tuple(range(n_classes)) if classes is None else tuple(int(c) for c in classes)
    if sorted(classes) != list(range(n_classes)):
        raise ValueError(f"classes must name each of the classes 0 … {n_classes - 1} once.")
    codes = encode(list(range(n_classes)), n_classes, encoding)  # row k: code k's target
    code_of = {c: k for k, c in enumerate(classes)}
    cls = sp.Symbol(r"\text{class}")
    vecs = r",\quad ".join(
        rf"{c} \mapsto {_latex(sp.Matrix([int(v) for v in codes[code_of[c]]]))}"
        for c in range(n_classes))
    k = sp.Symbol("k", integer=True)
    yk = sp.Indexed(sp.IndexedBase(r"\hat{y}"), k)
    best = sp.Symbol("k^{*}")
    c_of = sp.IndexedBase("c")
    n_out = codes.shape[1]
    neuron_classes = _latex(sp.Eq(sp.Tuple(*(c_of[m] for m in range(1, n_out + 1))),
                                  sp.Tuple(*classes[:n_out])))
    argmax = _latex(sp.Eq(best, sp.Function(r"\operatorname{argmax}_k")(yk)))
    if encoding == "binary":
        rule = _latex(sp.Eq(cls, sp.Piecewise((classes[1], y_hat >= theta), (classes[0], True))))
    elif encoding == "notes_2neuron":
        rule = _latex(sp.Eq(cls, sp.Piecewise(
            (c_of[best], sp.Function(r"\max_k")(yk) >= theta), (classes[-1], True))))
        rule = rf"{rule},\quad {argmax},\quad {neuron_classes}"
    else:
        rule = rf"{_latex(sp.Eq(cls, c_of[best]))},\quad {argmax},\quad {neuron_classes}"
    out = {"targets": vecs, "rule": rule}
    if encoding == "softmax":
        m = sp.Symbol("m", integer=True)
        zk = sp.Indexed(sp.IndexedBase("z"), k)
        out["activation"] = _latex(sp.Eq(yk, sp.exp(zk) / sp.Sum(
            sp.exp(sp.Indexed(sp.IndexedBase("z"), m)), (m, 1, n_classes))))
    else:
        out["activation"] = _latex(sp.Eq(yk, activation_expr(
            "sigmoid", sp.Indexed(sp.IndexedBase("z"), k))))
    return out


# ---------------------------------------------------------------------------- answer boxes
def typed_name(symbol: sp.Symbol) -> str:
    r"""The plain name a student types for a page symbol: \hat{y}_{1} → yhat1, y_{h_{11}} → yh11,
    w_{h_{11} z_{1}} → wh11z1 (the answer parser treats underscores as optional)."""
    name = symbol.name.replace(r"\hat{y}", "yhat").replace(r"\eta", "eta")
    return "".join(ch for ch in name if ch.isalnum())


def typed_symbols(expr) -> dict[str, sp.Symbol]:
    """name → symbol for every free symbol of ``expr`` (see ``typed_name``)."""
    return {typed_name(s): s for s in sorted(expr.free_symbols, key=sp.default_sort_key)}


def paths_total(step) -> float:
    """Σ over the output neurons of the path products of a ``StepThrough`` (a hidden weight's
    sum before the shared factors)."""
    return float(sum(path.product for path in step.paths))
