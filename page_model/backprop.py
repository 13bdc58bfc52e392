"""What the backprop step-through page needs beyond ``derivations.step_through``: the network's
weights and biases as one flat list (the order the link and the number boxes use), the network
rebuilt from that list, and which edges and neurons the diagram highlights at each step.

NumPy only; the page lays these out.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from derivations import notes_network
from derivations.formulas import typed_symbols
from nn_core import Network

_FIRST = notes_network("mlp", 0)  # the page opens on the notes' MLP and its data point


@dataclass(frozen=True)
class Backprop:
    """The page's settings (defined once here: a class in the page's script would be built
    again on every rerun)."""

    case: str = "mlp"
    seed: int = 0
    hand: bool = False
    wts: tuple = ()  # hand-set W¹ row by row, b¹, W², b², …; () = the seed's weights
    x1: float = float(_FIRST.x[0])
    x2: float = float(_FIRST.x[1])
    cls: int = _FIRST.label
    layer: int = 1
    param: str = "weight"
    i: int = 0
    j: int = 0
    lr: float = 0.5
    step: int = 0
    mode: str = "explore"  # "practice": each factor hidden until the student answers it
    more: bool = False  # the sidebar's box of network, data point and η: open
    turn: bool = False  # the "Your turn" answer box: open


@lru_cache(maxsize=256)
def names_of(expr) -> dict:
    """``typed_symbols(expr)``, once per formula (the page asks on every rerun)."""
    return typed_symbols(expr)


def flat_params(net: Network) -> list[float]:
    """Every weight and bias as one list: W¹ row by row, b¹, W², b², …"""
    return [float(v) for w, b in zip(net.weights, net.biases, strict=True)
            for v in (*np.ravel(w), *np.ravel(b))]


def param_inputs(net: Network) -> list[tuple[str, str]]:
    """(label, key suffix) of each entry of ``flat_params``, in its order: "w⁽¹⁾ 1→2", "w1_0_1";
    "b⁽¹⁾ 2", "b1_1". The page starts a new group at each layer (``layer_starts``)."""
    out = []
    for layer_no, (w, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        for idx in np.ndindex(w.shape):
            out.append((f"w⁽{layer_no}⁾ {idx[0] + 1}→{idx[1] + 1}",
                        f"w{layer_no}_{idx[0]}_{idx[1]}"))
        for (m,) in np.ndindex(b.shape):
            out.append((f"b⁽{layer_no}⁾ {m + 1}", f"b{layer_no}_{m}"))
    return out


def layer_starts(net: Network) -> dict[int, int]:
    """Index in ``flat_params`` → the layer (1-based) whose weights start there."""
    starts, k = {}, 0
    for layer_no, (w, b) in enumerate(zip(net.weights, net.biases, strict=True), start=1):
        starts[k] = layer_no
        k += w.size + b.size
    return starts


def with_params(net: Network, flat: Sequence[float]) -> Network:
    """``net``'s shape and activations with the weights and biases of ``flat`` (see
    ``flat_params``); ValueError if ``flat`` has the wrong length."""
    if len(flat) != net.n_params:
        raise ValueError(f"The network has {net.n_params} weights and biases; got {len(flat)}.")
    values = np.asarray(flat, dtype=float)
    weights, biases, k = [], [], 0
    for w, b in zip(net.weights, net.biases, strict=True):
        weights.append(values[k:k + w.size].reshape(w.shape))
        k += w.size
        biases.append(values[k:k + b.size])
        k += b.size
    return Network.from_weights(weights, biases, net.activations)


def highlight(layer: int, i: int, j: int, param: str, term=None, factor=None,
              paths: Sequence = ()) -> list[tuple[int, ...]]:
    """The diagram's highlighted edges (layer, i, j) and neurons (layer, j) for one step: the
    parameter itself, the path the step's term runs along (a hidden weight's route through an
    output neuron) and the neuron or weight the factor is about."""
    out: list[tuple[int, ...]] = [(layer, i, j)] if param == "weight" else [(layer, j)]
    if term is not None and term.path is not None:
        chain = [j, *paths[term.path].route]
        out += [(layer + 1 + m, chain[m], chain[m + 1]) for m in range(len(chain) - 1)]
    if factor is not None:
        if factor.kind in ("loss", "activation"):
            out.append((factor.layer, factor.neuron))
        elif factor.kind == "weight":
            out.append((factor.layer, factor.source, factor.neuron))
    return out


def new_seed() -> int:
    """A fresh per-student seed (1 … 999): neighbours get different numbers."""
    return secrets.randbelow(999) + 1


def practice_parts(rule, net: Network, x, y, prefix: str):
    """The practice exercise on ``rule``'s weight at this network and data point (see
    ``derivations.practice.exercise``): the factors, the whole formula, its number."""
    from derivations.practice import exercise
    from derivations.step import primary_values

    values = rule.evaluate(primary_values(net, np.asarray(x, float), np.asarray(y, float)))
    return exercise(rule, values["values"], prefix)
