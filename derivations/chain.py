"""The chain rule for one weight (or bias), derived and proved by SymPy, evaluated by lambdify.

``chain_rule(sizes, activations, loss, layer, i, j, param)`` splits ∂E_total/∂w into the notes'
factors. Each factor is the ``sympy.diff`` of one local expression with respect to the quantity
just below it (∂E_k/∂ŷ_k, ∂ŷ_k/∂z_k, ∂z_k/∂y_{h_{11}}, ∂y_{h_{11}}/∂z_{h_{11}}, ∂z_{h_{11}}/∂w …).
For a weight below the output layer, every route from it to an output neuron is one path; the
gradient is the sum over paths. ``ChainRule.proof()`` checks symbolically that this sum of
products equals ``sympy.diff`` of the whole composed E_total, so the split is proved, not assumed.

Everything symbolic is cached per (sizes, activations, loss, layer, i, j, param); new numbers
only re-run one lambdified (``cse=True``) NumPy function.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from .symbolic import (
    SymbolicNetwork,
    abbreviate_sums,
    activation_derivative,
    activation_derivative_at,
    is_zero,
    kink_convention,
    partial_latex,
    softmax_error_term,
    symbolic_network,
)

MAX_PATHS = 64
MAX_PARAMS = 150


@dataclass
class Factor:
    """One chain-rule factor ∂num/∂den.

    ``general`` is in the notes' terms (σ' as ŷ(1 − ŷ)); ``z_form`` is exactly what
    ``sympy.diff`` returned (the two are proved equal in ``activation_derivative``). ``kind``
    says which nn_core number checks it: "loss" (∂E/∂ŷ), "activation" (f'), "weight" (∂z/∂y of
    the layer below = a weight), "input" (∂z/∂w = the activation feeding the weight, or 1 for a
    bias). ``layer``/``neuron``/``source`` locate it (layers 1-based, neurons 0-based).
    """

    symbol_latex: str
    general: sp.Expr
    z_form: sp.Expr
    kind: str
    layer: int
    neuron: int
    source: int | None = None


@dataclass
class ChainRule:
    net: SymbolicNetwork
    layer: int
    i: int
    j: int
    param: str
    param_symbol: sp.Symbol
    routes: list[tuple[int, ...]]  # neuron per layer above `layer`, ending at the output k
    path_factors: list[list[Factor]]  # empty for an output-layer parameter
    shared: list[Factor]
    gradient: sp.Expr  # sympy.diff(E_total composed, parameter)
    general: sp.Expr  # the sum of products in the notes' terms
    chain_latex: str  # the split in ∂ symbols
    _fn: object = field(repr=False, default=None)
    _n_inter: int = 0
    _proved: bool | None = field(default=None, repr=False)

    @property
    def factors(self) -> list[Factor]:
        return [f for path in self.path_factors for f in path] + self.shared

    @property
    def is_output_layer(self) -> bool:
        return not self.path_factors

    def proof(self) -> bool:
        """True when Σ_paths Π factors (sympy.diff outputs, composed) − ∂E_total/∂w expands to 0
        and every σ'-style rewrite was proved equal to its diff (cached after the first call)."""
        if self._proved is None:
            subs = self.net.full_subs()
            prod = sp.Mul(*(f.z_form for f in self.shared))
            if self.path_factors:
                prod *= sp.Add(*(sp.Mul(*(f.z_form for f in path))
                                 for path in self.path_factors))
            # Each composed weighted sum becomes its symbol z on both sides (sound: the same
            # sub-expression is replaced everywhere), which keeps cancel() small.
            difference = abbreviate(prod.xreplace(subs) - self.gradient, self.net)
            acts = self.net.activations
            rewrites_ok = all(activation_derivative(a).proved for a in acts if a != "softmax")
            if acts[-1] == "softmax":
                n_out = len(self.net.a[-1])
                rewrites_ok &= all(softmax_error_term(n_out, self.net.loss, k)[2]
                                   for k in range(n_out))
            self._proved = bool(rewrites_ok and is_zero(difference))
        return self._proved

    def evaluate(self, args: np.ndarray) -> dict:
        """Numbers at ``args`` (in ``net.primary`` order): every intermediate symbol's value,
        every factor's value (paths first, then shared), the gradient and E_total."""
        # Saturated sigmoids overflow e^{-z}; step_through decides what to do with inf/NaN.
        with np.errstate(all="ignore"):
            out = self._fn(*args)
        out = [float(v) for v in out]
        inter_syms = _intermediate_symbols(self.net)
        values = dict(zip(inter_syms, out[:self._n_inter], strict=True))
        values.update(zip(self.net.primary, (float(a) for a in args), strict=True))
        n_f = len(self.factors)
        return {
            "values": values,
            "factors": out[self._n_inter:self._n_inter + n_f],
            "gradient": out[-2],
            "loss": out[-1],
        }


def abbreviate(expr: sp.Expr, net: SymbolicNetwork) -> sp.Expr:
    """Replace every composed weighted sum (and its negative) by its symbol z."""
    sums = [(zf, net.z[layer][m]) for layer in range(1, net.n_layers + 1)
            for m, zf in enumerate(net.z_full[layer])]
    return abbreviate_sums(expr, sums, (1, -1, 2, -2))  # softmax's derivative brings e^{2z}


def _intermediate_symbols(net: SymbolicNetwork) -> list[sp.Symbol]:
    return [s for layer in range(1, net.n_layers + 1) for s in (*net.z[layer], *net.a[layer])]


def _activation_factor(net: SymbolicNetwork, layer: int, m: int) -> Factor:
    act = net.activations[layer - 1]
    z, a = net.z[layer][m], net.a[layer][m]
    return Factor(partial_latex(a, z), activation_derivative_at(act, z, a, "y"),
                  activation_derivative_at(act, z, a, "z"), "activation", layer, m)


def _weight_factor(net: SymbolicNetwork, layer: int, m: int, below: int) -> Factor:
    """∂z_m/∂y_below: differentiate neuron m's weighted sum by the activation below it."""
    z, a_below = net.z[layer][m], net.a[layer - 1][below]
    d = sp.diff(net.z_local[layer][m], a_below)
    return Factor(partial_latex(z, a_below), d, d, "weight", layer, m, below)


def _output_factors(net: SymbolicNetwork, k: int, total: bool) -> list[Factor]:
    """∂E/∂ŷ_k then ∂ŷ_k/∂z_k; with softmax (every ŷ_m depends on z_k) one factor, the error
    term δ_k = ∂E_total/∂z_k."""
    if net.activations[-1] != "softmax":
        return [_loss_factor(net, k, total), _activation_factor(net, net.n_layers, k)]
    z_form, y_form, _ = softmax_error_term(len(net.a[-1]), net.loss, k)
    return [Factor(partial_latex("E_{total}", net.z[-1][k]), y_form, z_form, "error_term",
                   net.n_layers, k)]


def _loss_factor(net: SymbolicNetwork, k: int, total: bool) -> Factor:
    y_hat = net.a[-1][k]
    d = sp.diff(net.E_terms[k], y_hat)
    num = r"E_{total}" if total else f"E_{{{k + 1}}}"
    return Factor(partial_latex(num, y_hat), d, d, "loss", net.n_layers, k)


def check_limits(sizes: tuple[int, ...], layer: int) -> list[tuple[int, ...]]:
    """The routes from a neuron of ``layer`` to the outputs, after checking the size limits."""
    n_params = sum(a * b + b for a, b in itertools.pairwise(sizes))
    if n_params > MAX_PARAMS:
        raise ValueError(
            f"This network has {n_params} weights and biases; the symbolic step-through is for "
            f"small networks (at most {MAX_PARAMS}). Use fewer or smaller hidden layers."
        )
    above = [range(n) for n in sizes[layer + 1:]]
    n_routes = int(np.prod([len(r) for r in above])) if above else 1
    if n_routes > MAX_PATHS:
        raise ValueError(
            f"A weight in layer {layer} reaches the outputs along {n_routes} paths; the "
            f"step-through shows at most {MAX_PATHS}. Use fewer neurons in the layers above it."
        )
    return [tuple(r) for r in itertools.product(*above)]


@lru_cache(maxsize=256)
def chain_rule(sizes: tuple[int, ...], activations: tuple[str, ...], loss: str,
               layer: int, i: int, j: int, param: str = "weight") -> ChainRule:
    """Derive the chain rule for W[layer][i, j] (param="weight") or b[layer][j] ("bias").

    ``sizes`` like (2, 3, 2), ``activations`` one elementwise name per layer, ``loss``
    "squared_error" or "binary_cross_entropy"; ``layer`` 1-based, ``i``/``j`` 0-based.
    """
    sizes, activations = tuple(int(s) for s in sizes), tuple(activations)
    L = len(sizes) - 1
    if not 1 <= layer <= L:
        raise ValueError(f"layer must be between 1 and {L} (1 = the first layer of weights).")
    if param not in ("weight", "bias"):
        raise ValueError(f"param must be 'weight' or 'bias' (got {param!r}).")
    if not 0 <= j < sizes[layer]:
        raise ValueError(f"Neuron j={j} does not exist: layer {layer} has neurons 0 … "
                         f"{sizes[layer] - 1}.")
    if param == "weight" and not 0 <= i < sizes[layer - 1]:
        raise ValueError(f"Input i={i} does not exist: layer {layer} takes inputs 0 … "
                         f"{sizes[layer - 1] - 1}.")
    routes = check_limits(sizes, layer) if layer < L else []
    net = symbolic_network(sizes, activations, loss)
    p = net.param_symbol(layer, i, j, param)

    path_factors: list[list[Factor]] = []
    for route in routes:
        full = (j, *route)  # neuron index per layer from `layer` up to the output
        k = route[-1]
        path = _output_factors(net, k, total=False)
        for q in range(L, layer, -1):
            m, below = full[q - layer], full[q - layer - 1]
            if q < L:
                path.append(_activation_factor(net, q, m))
            path.append(_weight_factor(net, q, m, below))
        path_factors.append(path)

    if routes:
        shared = [_activation_factor(net, layer, j)]
    else:
        shared = _output_factors(net, j, total=True)
    d_input = sp.diff(net.z_local[layer][j], p)
    shared.append(Factor(partial_latex(net.z[layer][j], p), d_input, d_input, "input", layer, j,
                         i if param == "weight" else None))

    general = sp.Mul(*(f.general for f in shared))
    if path_factors:
        general *= sp.Add(*(sp.Mul(*(f.general for f in path)) for path in path_factors))
    gradient = kink_convention(sp.diff(net.E_full, p))

    def prod_latex(fs):
        return " ".join(f.symbol_latex for f in fs)

    if path_factors:
        paths_sum = " + ".join(rf"\left({prod_latex(path)}\right)" for path in path_factors)
        chain = rf"\left[{paths_sum}\right] {prod_latex(shared)}"
    else:
        chain = prod_latex(shared)
    chain = rf"{partial_latex('E_{total}', p)} = {chain}"

    rule = ChainRule(net, layer, i, j, param, p, routes, path_factors, shared, gradient,
                     general, chain)
    # One NumPy function for every number the step-through shows; cse shares the forward pass.
    subs = net.full_subs()
    inter = [subs[s] for s in _intermediate_symbols(net)]
    outputs = inter + [f.general.xreplace(subs) for f in rule.factors] + [gradient, net.E_full]
    rule._fn = sp.lambdify(net.primary, outputs, modules="numpy", cse=True)
    rule._n_inter = len(inter)
    return rule
