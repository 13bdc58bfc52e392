"""The loss as a function of one or two weights of a single neuron, and gradient descent on it.

For the gradient-descent page: a neuron ŷ = f(w₁x₁ + w₂x₂ + b) with the bias held fixed, its
loss over a range of weights (a curve for one weight, a surface for two) and the path that
w ← w − η ∂E/∂w takes from a starting point. Every loss and gradient is the Network's own.
NumPy only.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from nn_core.losses import get_loss
from nn_core.network import Network
from nn_core.training import learning_rate

MAX_STEPS = 200
MAX_GRID = 201
RUNAWAY = 1e8  # a loss this large means the steps are running away
WEIGHT_GRID = np.linspace(-4.0, 4.0, 81)  # the weights the page draws the loss over


def capped_steps(steps) -> int:
    """The number of steps to take: at most ``MAX_STEPS`` (a shared server)."""
    return min(int(steps), MAX_STEPS)


def neuron(weights, bias: float, activation: str) -> Network:
    """One neuron with the given input weights and bias."""
    w = np.asarray(weights, dtype=float).reshape(-1, 1)
    return Network.from_weights([w], [[bias]], [activation])


def loss_grid(X, Y, weight_grid, bias: float, activation: str,
              loss: str = "squared_error") -> np.ndarray:
    """The loss for each row of ``weight_grid`` (m, n_features): all m neurons in one pass.

    The m weight vectors become the m output columns of a single layer, so the weighted sums of
    every grid point come from one forward pass; each column's loss is the Loss's own value.
    """
    W = np.asarray(weight_grid, dtype=float)
    if W.ndim != 2 or W.shape[1] != np.asarray(X).shape[1] or W.shape[0] > MAX_GRID ** 2:
        raise ValueError(f"weight_grid must have shape (m ≤ {MAX_GRID ** 2}, n_features).")
    wide = Network.from_weights([W.T], [np.full(W.shape[0], float(bias))], [activation])
    fp = wide.forward_pass(X)
    Y = np.asarray(Y, dtype=float).reshape(-1, 1)
    loss_fn = get_loss(loss, activation)
    with np.errstate(over="ignore", invalid="ignore"):
        return np.array([loss_fn.value(fp.ys[1][:, [k]], Y, fp.zs[0][:, [k]])
                         for k in range(W.shape[0])])


def loss_curve(X, Y, w_values, other_weights, index: int, bias: float, activation: str,
               loss: str = "squared_error") -> np.ndarray:
    """E as weight ``index`` runs over ``w_values``, the other weights held at ``other_weights``."""
    w_values = np.asarray(w_values, dtype=float)
    grid = np.tile(np.asarray(other_weights, dtype=float), (w_values.size, 1))
    grid[:, index] = w_values
    return loss_grid(X, Y, grid, bias, activation, loss)


def loss_surface(X, Y, w1_values, w2_values, bias: float, activation: str,
                 loss: str = "squared_error") -> np.ndarray:
    """E over the (w₁, w₂) grid; rows follow w₂, columns w₁ (a heatmap's layout)."""
    g1, g2 = np.meshgrid(np.asarray(w1_values, float), np.asarray(w2_values, float))
    return loss_grid(X, Y, np.c_[g1.ravel(), g2.ravel()], bias, activation, loss).reshape(g1.shape)


@dataclass
class DescentPath:
    weights: np.ndarray  # (steps+1, n_features): w before each step and after the last
    losses: np.ndarray  # (steps+1,)
    grads: np.ndarray  # (steps, n_features): ∂E/∂w at each step's start
    diverged: bool  # the loss blew up, or ended higher than it started
    blew_up: bool = False  # stopped early: the weights ran off towards infinity


def descent_path(X, Y, w0, bias: float, activation: str, lr: float, steps: int,
                 learn=None, loss: str = "squared_error") -> DescentPath:
    """Full-batch gradient descent w ← w − η ∂E/∂w from ``w0``; ``learn`` (bools) picks which
    weights move (the others and the bias stay fixed). Stops early if the loss blows up."""
    steps = int(steps)
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(f"Steps must be between 1 and {MAX_STEPS} (got {steps}).")
    lr = learning_rate(lr)
    w = np.asarray(w0, dtype=float).copy()
    mask = np.ones_like(w, dtype=bool) if learn is None else np.asarray(learn, dtype=bool)
    Y = np.asarray(Y, dtype=float).reshape(-1, 1)
    ws, losses, grads = [w.copy()], [], []
    diverged = False
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            bp = neuron(w, bias, activation).backprop(X, Y, loss)
            losses.append(bp.loss)
            g = bp.grads[0][0][:, 0] * mask
            grads.append(g)
            w = w - lr * g
            if not (np.all(np.isfinite(w)) and np.all(np.abs(w) < RUNAWAY)):
                diverged = True
                break
            ws.append(w.copy())
        if not diverged:
            last = neuron(w, bias, activation).loss(X, Y, loss)
            diverged = not np.isfinite(last) or last > min(RUNAWAY, losses[0])
            losses.append(last)
        else:
            grads.pop()  # the step that ran away has no end point to draw
    blew_up = diverged and len(ws) <= steps
    return DescentPath(np.array(ws), np.array(losses[:len(ws)]),
                       np.array(grads).reshape(-1, w.size), diverged, blew_up)


def critical_lr(X, learn=None) -> float:
    """For a linear neuron with squared error: the η above which gradient descent diverges.

    E is quadratic in w with curvature H = XᵀX / n (over the learned weights); each step scales
    the error along H's eigenvector of eigenvalue λ by 1 − ηλ, so the steps settle only while
    η < 2 / λ_max.
    """
    X = np.asarray(X, dtype=float)
    if learn is not None:
        X = X[:, np.asarray(learn, dtype=bool)]
    # The page asks for it three times a rerun on the same data: keyed on the numbers' bytes.
    return _critical_lr(np.ascontiguousarray(X).tobytes(), X.shape)


@functools.lru_cache(maxsize=64)
def _critical_lr(data: bytes, shape: tuple) -> float:
    X = np.frombuffer(data, dtype=float).reshape(shape)
    H = X.T @ X / X.shape[0]
    lam = float(np.linalg.eigvalsh(H).max()) if H.size else 0.0
    return 2.0 / lam if lam > 0 else float("inf")


def lowest_loss(path: DescentPath, losses_seen) -> float:
    """The lowest loss on the drawn curve or surface (``losses_seen``) and along the path."""
    return min(float(np.nanmin(losses_seen)), float(np.nanmin(path.losses)))


def progress(path: DescentPath, losses_seen) -> float:
    """How far down the path got: (E_start − E_end) / (E_start − E_min), E_min the lowest loss
    in ``losses_seen`` (the drawn curve or surface) and the path. 1 = at the bottom; ≤ 0 =
    no better than the start."""
    floor = lowest_loss(path, losses_seen)
    drop = float(path.losses[0]) - floor
    return 1.0 if drop <= 0 else (float(path.losses[0]) - float(path.losses[-1])) / drop


# Learning-rate presets: for the linear neuron as fractions of η_max = 2/λ_max; for the sigmoid
# neuron fixed values (its squared-error loss is bounded, so it never runs off to infinity).
LINEAR_PRESETS = {"small": 0.004, "good": 0.3, "large": 1.08}
SIGMOID_PRESETS = {"small": 0.2, "good": 5.0, "large": 80.0}


def preset_lr(preset: str, activation: str, X, learn=None) -> float:
    """The learning rate of a named preset ("small", "good", "large") for this neuron and data."""
    table = LINEAR_PRESETS if activation == "linear" else SIGMOID_PRESETS
    if preset not in table:
        raise ValueError(f"Unknown preset {preset!r}: choose one of {', '.join(table)}.")
    return table[preset] * critical_lr(X, learn) if activation == "linear" else table[preset]


def lr_ratio(lr: float, X, learn=None) -> float:
    """η / η_max for a linear neuron: above 1 the steps diverge."""
    return float(lr) / critical_lr(X, learn)


def preset_runs(activation: str, X, learn, run) -> dict[str, tuple[float, DescentPath]]:
    """Each preset's η and the path ``run(η)`` takes (the page passes its cached descent)."""
    table = LINEAR_PRESETS if activation == "linear" else SIGMOID_PRESETS
    runs = {}
    for preset in table:
        eta = preset_lr(preset, activation, X, learn)
        runs[preset] = (eta, run(eta))
    return runs
