"""The computation graph of one data point (micrograd's ``draw_dot`` view): every input, weighted
sum z, activation y and the loss E as a node, with its forward value and its gradient ∂E/∂·,
all read from nn_core's backprop of that one point.

Node names: ``x{i}`` inputs, ``z{l}_{j}`` / ``y{l}_{j}`` the weighted sum and activation of
neuron j of layer l (1-based layers, 0-based j), ``E`` the loss. An edge carries its local
derivative ∂(head)/∂(tail): the weight w for y → z, f'(z) for z → y, ∂E/∂ŷ for ŷ → E.

A weight's gradient is a sum over paths: ∂E/∂w⁽ˡ⁾ᵢⱼ = y⁽ˡ⁻¹⁾ᵢ · Σ over every path from z⁽ˡ⁾ⱼ to E
of the product of the local derivatives along it — grouped by the output neuron it passes
through, the notes' Σ over output neurons. ``weight_paths`` lists them with their shares.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from nn_core.losses import get_loss
from nn_core.network import Network

MAX_LISTED_PATHS = 32  # more paths than this: the TOP_PATHS that add the most are listed
TOP_PATHS = 8


@dataclass
class Node:
    name: str
    kind: str  # "input", "sum", "activation", "loss"
    layer: int
    index: int
    value: float
    grad: float  # ∂E/∂(this node)
    bias: float | None = None  # sum nodes: b and ∂E/∂b (= ∂E/∂z)


@dataclass
class Edge:
    tail: str
    head: str
    local: float  # ∂head/∂tail at this point
    weight: tuple[int, int, int] | None = None  # (layer, i, j) for y → z edges
    grad: float | None = None  # ∂E/∂w for weight edges


@dataclass
class PointGraph:
    nodes: dict[str, Node]
    edges: list[Edge]
    loss: float
    grads: list[tuple[np.ndarray, np.ndarray]]  # (∂E/∂W, ∂E/∂b) per layer, this point only
    weights: list[np.ndarray] = field(default_factory=list)  # W per layer
    jacobians: list[np.ndarray] = field(default_factory=list)  # ∂y_k/∂z_j per layer, (j, k)
    dE_dy: np.ndarray | None = None  # ∂E/∂ŷ of the output layer

    @property
    def size(self) -> int:
        return len(self.nodes)


@dataclass
class Paths:
    """The paths from a weight to the loss and what each adds to ∂E/∂w."""

    weight: tuple[int, int, int]
    gradient: float  # ∂E/∂w from backprop
    per_output: list[float]  # Σ of the paths through each output neuron (the notes' Σ)
    paths: list[tuple[list[str], float]] = field(default_factory=list)  # (nodes, contribution)
    n_paths: int = 0

    @property
    def all_listed(self) -> bool:
        return len(self.paths) == self.n_paths

    @property
    def total(self) -> float:
        return float(sum(self.per_output))

    def share(self, contribution: float) -> float:
        """A contribution as a fraction of their sum (negative: it pulls the other way)."""
        return contribution / self.total if self.total else math.nan


def point_graph(net: Network, x, y, loss: str = "squared_error") -> PointGraph:
    """The graph of the point with features ``x`` (one row) and target ``y`` (one row)."""
    x = np.asarray(x, dtype=float).reshape(1, -1)
    y = np.asarray(y, dtype=float).reshape(1, -1)
    loss_fn = get_loss(loss, net.activations[-1])
    with np.errstate(all="ignore"):
        bp = net.backprop(x, y, loss_fn)
    fp, L = bp.forward, net.n_layers
    nodes: dict[str, Node] = {}
    edges: list[Edge] = []
    jacobians = []
    # ∂E/∂y of each layer's activations: δ⁽ˡ⁺¹⁾ Wᵀ (the chain rule's sum over the next layer),
    # and for the output ∂E/∂ŷ of the loss itself.
    grad_y = [bp.deltas[l] @ net.weights[l].T for l in range(L)]  # layers 0 … L−1
    grad_y.append(loss_fn.der(fp.output, y))
    for i in range(net.sizes[0]):
        nodes[f"x{i}"] = Node(f"x{i}", "input", 0, i, float(x[0, i]), float(grad_y[0][0, i]))
    for l in range(1, L + 1):
        W, b, act = net.weights[l - 1], net.biases[l - 1], net.activations[l - 1]
        z, a, delta = fp.zs[l - 1][0], fp.ys[l][0], bp.deltas[l - 1][0]
        for j in range(W.shape[1]):
            nodes[f"z{l}_{j}"] = Node(f"z{l}_{j}", "sum", l, j, float(z[j]), float(delta[j]),
                                      bias=float(b[j]))
            nodes[f"y{l}_{j}"] = Node(f"y{l}_{j}", "activation", l, j, float(a[j]),
                                      float(grad_y[l][0, j]))
            prev = "x" if l == 1 else f"y{l - 1}_"
            for i in range(W.shape[0]):
                edges.append(Edge(f"{prev}{i}", f"z{l}_{j}", float(W[i, j]), (l, i, j),
                                  float(bp.grads[l - 1][0][i, j])))
        jac = np.zeros((len(z), len(z)))
        for j, k, local in _activation_jacobian(act, z, a):
            edges.append(Edge(f"z{l}_{j}", f"y{l}_{k}", local))
            jac[j, k] = local
        jacobians.append(jac)
    nodes["E"] = Node("E", "loss", L + 1, 0, float(bp.loss), 1.0)
    for k in range(net.sizes[-1]):
        edges.append(Edge(f"y{L}_{k}", "E", float(grad_y[L][0, k])))
    return PointGraph(nodes, edges, float(bp.loss), bp.grads, [w.copy() for w in net.weights],
                      jacobians, grad_y[L][0].copy())


def _activation_jacobian(act, z: np.ndarray, a: np.ndarray):
    """(j, k, ∂y_k/∂z_j) for every nonzero link z_j → y_k: the diagonal for elementwise
    activations, every pair for softmax (its ``backward`` of a unit vector is a Jacobian row)."""
    if act.elementwise:
        der = act.der(z[None, :], a[None, :])[0]
        return [(j, j, float(der[j])) for j in range(len(z))]
    out = []
    for k in range(len(z)):
        unit = np.zeros((1, len(z)))
        unit[0, k] = 1.0
        row = act.backward(z[None, :], a[None, :], unit)[0]  # ∂y_k/∂z_j for every j
        out += [(j, k, float(row[j])) for j in range(len(z))]
    return out


def weight_paths(graph: PointGraph, weight: tuple[int, int, int],
                 max_listed: int = MAX_LISTED_PATHS, top: int = TOP_PATHS) -> Paths:
    """Every path from weight (layer, i, j) to the loss and what it adds to ∂E/∂w: all of them
    listed when there are at most ``max_listed``, else the ``top`` with the largest |share|.

    The contributions come as one array with an axis per layer after l (the neuron the path
    passes through there; softmax's y gets its own axis, as every z_j reaches every y_k):
    y⁽ˡ⁻¹⁾ᵢ · f'(z⁽ˡ⁾ⱼ) · w⁽ˡ⁺¹⁾ⱼₖ · f'(z⁽ˡ⁺¹⁾ₖ) · … · ∂E/∂ŷₘ.
    """
    l, i, j = weight
    L = len(graph.weights)
    if not (1 <= l <= L and 0 <= i < graph.weights[l - 1].shape[0]
            and 0 <= j < graph.weights[l - 1].shape[1]):
        raise ValueError(f"The network has no weight w{i + 1},{j + 1} in layer {l}.")
    tail = "x" if l == 1 else f"y{l - 1}_"
    T = np.zeros(graph.weights[l - 1].shape[1])
    T[j] = graph.nodes[f"{tail}{i}"].value  # ∂z⁽ˡ⁾ⱼ/∂w = the activation w multiplies
    elementwise = []
    for t in range(l, L + 1):
        jac = graph.jacobians[t - 1]
        diagonal = not np.any(jac - np.diag(np.diag(jac)))
        elementwise.append(diagonal)
        T = T * np.diag(jac) if diagonal else T[..., :, None] * jac  # z⁽ᵗ⁾ → y⁽ᵗ⁾
        if t < L:
            T = T[..., :, None] * graph.weights[t]  # y⁽ᵗ⁾ → z⁽ᵗ⁺¹⁾
    full = T * graph.dE_dy  # ŷ → E; the last axis is the output neuron's
    T = full[j]  # the first axis is z⁽ˡ⁾, where only j was set
    # Σ per output neuron (the notes' Σ): when w feeds an output neuron directly, that axis is
    # the output's own.
    per_output = full if full.ndim == 1 else T.reshape(-1, full.shape[-1]).sum(axis=0)
    edge = next(e for e in graph.edges if e.weight == (l, i, j))
    result = Paths(weight, float(edge.grad), [float(v) for v in per_output],
                   n_paths=int(T.size))
    flat = np.atleast_1d(T).ravel()
    keep = np.arange(flat.size) if flat.size <= max_listed else \
        np.argsort(-np.abs(flat), kind="stable")[:top]
    for k in keep:
        index = np.unravel_index(int(k), np.shape(T)) if np.ndim(T) else ()
        result.paths.append((_path_nodes(tail, i, l, j, index, elementwise, L), float(flat[k])))
    return result


def _path_nodes(tail: str, i: int, l: int, j: int, index, elementwise, L: int) -> list[str]:
    """Node names along a path: the tail, z⁽ˡ⁾ⱼ, y⁽ˡ⁾ⱼ, then per later layer its z and y."""
    route, axes = [f"{tail}{i}", f"z{l}_{j}"], list(index)
    prev = j
    for step, t in enumerate(range(l, L + 1)):
        if elementwise[step]:
            route.append(f"y{t}_{prev}")
        else:
            prev = int(axes.pop(0))  # softmax: the y this path takes
            route.append(f"y{t}_{prev}")
        if t < L:
            prev = int(axes.pop(0))
            route.append(f"z{t + 1}_{prev}")
    return [*route, "E"]


def session_point(sess, index: int) -> tuple[PointGraph, str, int, np.ndarray]:
    """The graph of data point ``index`` of a playground session (training points first, then
    test points): (graph, "train" or "test", its index in that set, its raw (x1, x2))."""
    n_train, n_test = len(sess.X_train), len(sess.X_test)
    if not 0 <= index < n_train + n_test:
        raise ValueError(f"Choose a point from 0 to {n_train + n_test - 1}.")
    if index < n_train:
        which, i, X, Y, raw = "train", index, sess.X_train, sess.Y_train, sess.data.X_train
    else:
        which, i, X, Y, raw = "test", index - n_train, sess.X_test, sess.Y_test, sess.data.X_test
    return point_graph(sess.net, X[i], Y[i], sess.cfg.loss), which, i, raw[i]


def nearest_point(sess, x1: float, x2: float, tol: float = 1e-6) -> int | None:
    """The index (as ``session_point`` counts) of the data point at (x1, x2), if one is there."""
    pts = np.vstack([sess.data.X_train, sess.data.X_test])
    if not len(pts):
        return None
    d = np.hypot(pts[:, 0] - x1, pts[:, 1] - x2)
    k = int(np.argmin(d))
    return k if d[k] <= tol * max(1.0, float(np.abs(pts).max())) else None
