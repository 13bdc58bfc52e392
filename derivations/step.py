"""Step-through data: the chain rule for one weight of a live nn_core network, factor by factor.

``step_through(net, x, y, layer, i, j, loss, lr, param)`` returns every factor with its symbol,
its general derivative, the same with the live numbers put in, its value and the running product;
each factor is checked against the matching nn_core number, and the whole gradient against
nn_core's backpropagation and a central finite difference of nn_core's loss. Then the update
w ← w − η ∂E/∂w and the loss after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy as sp

from nn_core import Network, get_loss
from nn_core.training import learning_rate

from .chain import ChainRule, Factor, chain_rule
from .symbolic import (
    ELEMENTWISE,
    activation_cancels,
    error_term,
    number_latex,
    softmax_error_term,
)

FD_STEP = 1e-3  # 4th-order stencil: truncation ~h⁴, rounding ~ε/h, both far below 1e-9


@dataclass
class ChainTerm:
    symbol_latex: str
    general_latex: str
    substituted_latex: str
    value: float
    running_product: float
    path: int | None  # index into StepThrough.paths (= output neuron k with one hidden layer)
    check_value: float  # the same factor from nn_core's numbers
    abs_err: float
    rel_err: float
    check_source: str = ""  # what check_value is, in words
    #: nn_core's error term δ = ∂E/∂z when the running product has just become one (after an
    #: activation factor: δ_k of an output neuron on its path, or δ of the weight's neuron)
    delta_check: float | None = None
    kind: str = ""  # the chain-rule factor's kind (loss, activation, weight, input, …)


@dataclass
class PathSummary:
    k: int  # the output neuron this path ends at
    product: float
    share: float  # product / Σ products (signed; paths can cancel)
    route: tuple[int, ...] = ()  # neuron per layer above the weight's layer, ending at k
    magnitude_share: float = 0.0  # |product| / Σ |products|


@dataclass
class StepThrough:
    terms: list[ChainTerm]
    paths: list[PathSummary]
    gradient: float
    fd_gradient: float
    backprop_gradient: float
    abs_err: float  # symbolic vs finite difference
    rel_err: float
    abs_err_backprop: float  # symbolic vs nn_core backprop
    rel_err_backprop: float
    weight_latex: str
    gradient_latex: str
    old_value: float
    new_value: float
    lr: float
    old_loss: float
    new_loss: float
    chain_latex: str = ""  # the split in ∂ symbols, paths explicit
    update_latex: str = ""  # w ← w − η ∂E/∂w with the numbers
    proved: bool = False  # Σ paths Π factors == ∂E_total/∂w, symbolically
    layer: int = 1
    i: int = 0
    j: int = 0
    param: str = "weight"
    loss: str = "squared_error"
    notes: list[str] = field(default_factory=list)  # caveats for the page (e.g. ReLU kink)
    #: the output error term δ_k = ∂E_k/∂z_k for this output activation and loss, simplified
    delta_latex: str = ""
    activation_cancels: bool = False  # True for sigmoid + cross-entropy: δ_k = ŷ_k − y_k


def rel_error(a: float, b: float) -> float:
    """|a − b| / max(|a|, |b|); 0 when both are 0."""
    scale = max(abs(a), abs(b))
    return 0.0 if scale == 0 else abs(a - b) / scale


def _check_inputs(net, x, y, lr):
    if not isinstance(net, Network):
        raise ValueError("net must be an nn_core Network (Network.from_weights or Network.init).")
    for act in net.activation_names[:-1]:
        if act not in ELEMENTWISE:
            raise ValueError(f"Hidden layers use {', '.join(ELEMENTWISE)} (got {act}).")
    if net.activation_names[-1] not in (*ELEMENTWISE, "softmax"):
        raise ValueError(f"No step-through for a {net.activation_names[-1]} output layer: use "
                         f"{', '.join(ELEMENTWISE)} or softmax.")
    x = np.asarray(x, dtype=float).reshape(-1)
    y = np.asarray(y, dtype=float).reshape(-1)
    if x.shape != (net.sizes[0],):
        raise ValueError(f"x must be one data point with {net.sizes[0]} features; got shape "
                         f"{x.shape}.")
    if y.shape != (net.sizes[-1],):
        raise ValueError(f"y must be one target with {net.sizes[-1]} entries (one per output "
                         f"neuron); got shape {y.shape}.")
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise ValueError("x and y must be finite numbers.")
    return x, y, learning_rate(lr)


def primary_values(net: Network, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The live numbers in ``SymbolicNetwork.primary`` order: x, y, then W and b per layer."""
    parts = [x, y]
    for W, b in zip(net.weights, net.biases, strict=True):
        parts += [W.reshape(-1), b]
    return np.concatenate(parts).astype(float)


def get_param(net: Network, layer: int, i: int, j: int, param: str) -> float:
    return float(net.weights[layer - 1][i, j] if param == "weight" else net.biases[layer - 1][j])


def with_param(net: Network, layer: int, i: int, j: int, param: str, value: float) -> Network:
    out = net.copy()
    if param == "weight":
        out.weights[layer - 1][i, j] = value
    else:
        out.biases[layer - 1][j] = value
    return out


def central_difference(E, w: float, h: float = FD_STEP) -> float:
    """dE/dw at w by the fourth-order central difference (the one stencil every check uses)."""
    return (-E(w + 2 * h) + 8 * E(w + h) - 8 * E(w - h) + E(w - 2 * h)) / (12 * h)


def finite_difference(net: Network, x, y, layer, i, j, param, loss, h: float = FD_STEP) -> float:
    """∂E/∂w by the fourth-order central difference of nn_core's loss."""
    X, Y = x.reshape(1, -1), y.reshape(1, -1)

    def E(v):
        return with_param(net, layer, i, j, param, v).loss(X, Y, loss)

    return central_difference(E, get_param(net, layer, i, j, param), h)


def _factor_check(f: Factor, bp, net: Network, lossfn, y) -> tuple[float, str]:
    """The nn_core number that should equal factor f."""
    fp = bp.forward
    if f.kind == "error_term":
        return float(bp.deltas[-1][0, f.neuron]), "the NumPy network's error term δ"
    if f.kind == "loss":
        value = lossfn.der(fp.ys[-1], y.reshape(1, -1))[0, f.neuron]
        return float(value), "the NumPy network's loss slope"
    if f.kind == "activation":
        act = net.activations[f.layer - 1]
        z, a = fp.zs[f.layer - 1], fp.ys[f.layer]
        return float(act.der(z, a)[0, f.neuron]), f"the NumPy network's {act.name} slope"
    if f.kind == "weight":
        weight = net.weights[f.layer - 1][f.source, f.neuron]
        return float(weight), "the weight in the NumPy network"
    if f.source is None:  # ∂z/∂b
        return 1.0, "1 (a bias adds to z)"
    return float(fp.ys[f.layer - 1][0, f.source]), "the NumPy network's input to the weight"


def step_through(net: Network, x, y, layer: int, i: int, j: int, loss: str = "squared_error",
                 lr: float = 0.5, param: str = "weight") -> StepThrough:
    """The chain rule for W[layer][i, j] (or b[layer][j]) at one data point, with checks.

    ``layer`` is 1-based (1 = the first layer of weights), ``i`` the input neuron (row of W),
    ``j`` the output neuron (column); for ``param="bias"`` ``i`` is ignored. The loss is on the
    single point (n = 1), so nn_core's batch mean equals the notes' E_total.
    """
    x, y, lr = _check_inputs(net, x, y, lr)
    loss_fn = get_loss(loss, net.activations[-1])
    try:
        layer, i, j = int(layer), int(i), int(j)
    except (TypeError, ValueError):
        raise ValueError(f"layer, i and j must be whole numbers (got {layer!r}, {i!r}, "
                         f"{j!r}).") from None
    if param == "bias":
        i = 0
    rule: ChainRule = chain_rule(tuple(net.sizes), tuple(net.activation_names), loss_fn.name,
                                 layer, i, j, param)
    ev = rule.evaluate(primary_values(net, x, y))
    values, fvals = ev["values"], ev["factors"]
    if not all(np.isfinite(fvals)):
        raise ValueError(
            "Some weighted sums are so large that the activations saturate to exactly 0 or 1 in "
            "floating point, so a chain-rule factor (e.g. ∂E/∂ŷ for cross-entropy) is infinite. "
            "Use smaller weights or inputs (or squared error) to step through this network."
        )
    names = {s: number_latex(v) for s, v in values.items()}

    X, Y = x.reshape(1, -1), y.reshape(1, -1)
    bp = net.backprop(X, Y, loss_fn)
    fp = bp.forward
    dW, db = bp.grads[layer - 1]
    bp_grad = float(dW[i, j] if param == "weight" else db[j])
    fd_grad = finite_difference(net, x, y, layer, i, j, param, loss_fn)
    gradient = ev["gradient"]
    notes = []
    if not np.isfinite(gradient):  # e^{-z} overflowed in the composed form: use the factors
        gradient = _product_of_factors(rule, fvals)
        notes.append("The composed derivative overflowed (a saturated sigmoid); the gradient "
                     "shown is the product of the chain-rule factors, proved equal to it.")
    # The loss before and after the step come from the same function (nn_core's), so that
    # "the loss fell / rose" compares like with like, not SymPy's rounding with NumPy's.
    old_loss = net.loss(X, Y, loss_fn)

    terms: list[ChainTerm] = []
    paths: list[PathSummary] = []
    idx = 0
    for p, (route, factors) in enumerate(zip(rule.routes, rule.path_factors, strict=True)):
        running = 1.0
        for f in factors:
            running *= fvals[idx]
            term = _term(f, fvals[idx], running, p, names, bp, net, loss_fn, y)
            if f.kind in ("activation", "error_term") and f.layer == net.n_layers:
                term.delta_check = float(bp.deltas[-1][0, f.neuron])
            terms.append(term)
            idx += 1
        paths.append(PathSummary(k=route[-1], product=running, share=0.0, route=route))
    running = sum(pa.product for pa in paths) if paths else 1.0
    total_abs = sum(abs(pa.product) for pa in paths)
    for pa in paths:
        pa.share = pa.product / running if running != 0 else 0.0
        pa.magnitude_share = abs(pa.product) / total_abs if total_abs > 0 else 0.0
    for f in rule.shared:
        running *= fvals[idx]
        term = _term(f, fvals[idx], running, None, names, bp, net, loss_fn, y)
        if f.kind in ("activation", "error_term"):
            term.delta_check = float(bp.deltas[f.layer - 1][0, f.neuron])
        terms.append(term)
        idx += 1

    old = get_param(net, layer, i, j, param)
    new = old - lr * gradient
    new_loss = with_param(net, layer, i, j, param, new).loss(X, Y, loss_fn)
    w_latex = sp.latex(rule.param_symbol)
    update = (rf"{w_latex} \leftarrow {number_latex(old)} - {number_latex(lr)} \cdot "
              rf"{number_latex(gradient)} = {number_latex(new)}")
    if "relu" in net.activation_names and any(
            abs(z) < 2 * FD_STEP * (1 + np.abs(x).max()) for zs in fp.zs for z in zs.ravel()):
        notes.append("A ReLU weighted sum is within the finite-difference step of its kink at 0; "
                     "the finite difference may straddle it.")
    return StepThrough(
        terms=terms, paths=paths, gradient=gradient, fd_gradient=fd_grad,
        backprop_gradient=bp_grad, abs_err=abs(gradient - fd_grad),
        rel_err=rel_error(gradient, fd_grad), abs_err_backprop=abs(gradient - bp_grad),
        rel_err_backprop=rel_error(gradient, bp_grad), weight_latex=w_latex,
        gradient_latex=sp.latex(rule.general), old_value=old, new_value=new, lr=lr,
        old_loss=old_loss, new_loss=new_loss, chain_latex=rule.chain_latex,
        update_latex=update, proved=rule.proof(), layer=layer, i=i, j=j,
        param=param, loss=loss_fn.name, notes=notes,
        delta_latex=_delta_latex(rule, net, loss_fn.name),
        activation_cancels=_cancels(net, loss_fn.name),
    )


def _delta_latex(rule: ChainRule, net: Network, loss: str) -> str:
    if net.activation_names[-1] == "softmax":
        return sp.latex(softmax_error_term(net.sizes[-1], loss, 0)[1])  # δ_1, the others alike
    return sp.latex(error_term(net.activation_names[-1], loss)[2])


def _cancels(net: Network, loss: str) -> bool:
    if net.activation_names[-1] != "softmax":
        return activation_cancels(net.activation_names[-1], loss)
    # Softmax: the Jacobian cancels when δ is linear in the ŷ (ŷ_k Σ y − y_k).
    delta = softmax_error_term(net.sizes[-1], loss, 0)[1]
    y_hats = [s for s in delta.free_symbols if s.name.startswith(r"\hat{y}")]
    return sp.Poly(delta, *y_hats).total_degree() <= 1


def _product_of_factors(rule: ChainRule, fvals: list[float]) -> float:
    n_path = sum(len(p) for p in rule.path_factors)
    total = 1.0
    if rule.path_factors:
        idx, total = 0, 0.0
        for path in rule.path_factors:
            total += float(np.prod(fvals[idx:idx + len(path)]))
            idx += len(path)
    return total * float(np.prod(fvals[n_path:]))


def _term(f: Factor, value, running, path, names, bp, net, loss_fn, y) -> ChainTerm:
    check, source = _factor_check(f, bp, net, loss_fn, y)
    return ChainTerm(
        symbol_latex=f.symbol_latex, general_latex=sp.latex(f.general),
        substituted_latex=sp.latex(f.general, symbol_names=names), value=value,
        running_product=running, path=path, check_value=check, abs_err=abs(value - check),
        rel_err=rel_error(value, check), check_source=source, kind=f.kind,
    )
