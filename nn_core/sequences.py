"""Sequences for recurrent networks: shape checks, gradient clipping and training.

A sequence is a (T, n_in) array, one row per time step; a batch of N sequences of the same
length is an (N, T, n_in) array. The loss of one sequence is the notes' E_total summed over
time, E = Σ_t ½‖ŷ_t − y_t‖²; the loss of a batch is the mean over its sequences of that sum
(as ``Network.loss`` is the mean over data points), so its gradient carries a 1/N.

``train_sequences(model, xs, ys, lr, epochs, ...)`` is gradient descent for an ``RNN`` or an
``LSTM``, with the ``History``, ``callback`` and ``DivergenceError`` of ``nn_core.training``.
``clip`` (optional) rescales each gradient whose norm exceeds it: g ← g · clip / ‖g‖.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator

import numpy as np

from .training import (
    DivergenceError,
    History,
    as_number,
    batch_size_for,
    epoch_count,
    learning_rate,
)

MAX_STEPS = 2000  # time steps per sequence
MAX_UNITS = 256  # inputs, hidden units or outputs
MAX_SEQUENCES = 10_000  # sequences in one batch


def leaves(tree) -> Iterator[np.ndarray]:
    """The arrays of a gradient (or weight) dict, nested dicts included, in a fixed order."""
    if isinstance(tree, dict):
        for key in tree:
            yield from leaves(tree[key])
    else:
        yield tree


def map_tree(fn, tree):
    """A dict of the same shape with ``fn`` applied to every array."""
    if isinstance(tree, dict):
        return {k: map_tree(fn, v) for k, v in tree.items()}
    return fn(tree)


def global_norm(grads) -> float:
    """‖g‖: the Euclidean norm of every gradient entry together."""
    return math.sqrt(sum(float(np.vdot(g, g)) for g in leaves(grads)))


def clip_by_norm(grads, max_norm: float | None):
    """(clipped gradients, norm before clipping). When ‖g‖ > max_norm every entry is scaled by
    max_norm / ‖g‖, so the step keeps its direction and only its length is capped."""
    norm = global_norm(grads)
    if max_norm is None or not norm > max_norm:  # `not >`: a NaN norm stays unclipped (visible)
        return grads, norm
    scale = max_norm / norm
    return map_tree(lambda g: g * scale, grads), norm


def check_clip(clip) -> float | None:
    if clip is None:
        return None
    clip = as_number(clip, float, "The clipping threshold must be a positive number")
    if not (math.isfinite(clip) and clip > 0):
        raise ValueError(f"The clipping threshold must be a positive number (got {clip}).")
    return clip


def check_size(n, what: str, cap: int = MAX_UNITS) -> int:
    n = as_number(n, int, f"{what} must be a whole number")
    if not 1 <= n <= cap:
        raise ValueError(f"{what} must be between 1 and {cap} (got {n}).")
    return n


def as_weight(w, what: str, shape: tuple[int, ...]) -> np.ndarray:
    """``w`` as a float64 array of ``shape`` (a scalar or flat list is accepted when it has
    the right number of entries, e.g. a scalar for a 1-unit cell)."""
    try:
        arr = np.array(w, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{what} must be numbers (got {w!r}).") from None
    if arr.shape != shape:
        # Only a lower-dimensional array may be reshaped: a transposed matrix stays an error.
        if arr.size != math.prod(shape) or arr.ndim >= len(shape):
            raise ValueError(f"{what} must have shape {shape}; got shape {arr.shape}.")
        arr = arr.reshape(shape)
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{what} has a NaN or infinite entry.")
    return arr


def check_xs(xs, n_in: int) -> tuple[np.ndarray, bool]:
    """(xs as an (N, T, n_in) batch, whether it was one sequence)."""
    try:
        xs = np.asarray(xs, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("The inputs xs must be numbers: one row per time step.") from None
    single = xs.ndim <= 2
    if xs.ndim == 1 and n_in == 1:
        xs = xs.reshape(-1, 1)  # a scalar input per time step
    if xs.ndim == 2:
        xs = xs[None]
    if xs.ndim != 3 or xs.shape[2] != n_in:
        raise ValueError(
            f"xs must have shape (T, {n_in}) for one sequence (one row per time step, one "
            f"column per input) or (N, T, {n_in}) for N sequences; got shape {xs.shape}."
        )
    n, T = xs.shape[:2]
    if T < 1:
        raise ValueError("A sequence needs at least one time step.")
    if n < 1:
        raise ValueError("Give at least one sequence.")
    if T > MAX_STEPS:
        raise ValueError(f"Sequences are capped at {MAX_STEPS} time steps (got {T}).")
    if n > MAX_SEQUENCES:
        raise ValueError(f"Batches are capped at {MAX_SEQUENCES} sequences (got {n}).")
    if not np.all(np.isfinite(xs)):
        raise ValueError("xs contains NaN or infinite values: every input must be a number.")
    return xs, single


def check_ys(ys, shape: tuple[int, int, int], what: str = "ys") -> np.ndarray:
    """Targets as an (N, T, n_out) batch matching the inputs' (N, T) and the output size."""
    n, T, n_out = shape
    try:
        ys = np.asarray(ys, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"The targets {what} must be numbers: one row per time step.") from None
    if ys.size == n * T * n_out and ys.shape in {(T,), (n, T)} and n_out == 1:
        ys = ys.reshape(n, T, 1)  # one scalar target per time step
    if ys.ndim == 2:
        ys = ys[None]
    if ys.shape != shape:
        want = f"({T}, {n_out})" if n == 1 else f"({n}, {T}, {n_out})"
        raise ValueError(
            f"{what} must have shape {want}: one target row per time step of every sequence, "
            f"one column per output; got shape {np.shape(ys)}."
        )
    if not np.all(np.isfinite(ys)):
        raise ValueError(f"{what} contains NaN or infinite values: every target must be a number.")
    return ys


def sum_of_outer(a: np.ndarray, b: np.ndarray, per_step: bool = False) -> np.ndarray:
    """Σ over sequences and steps of a_tᵀ b_t (a: (N, T, m), b: (N, T, n)) → (m, n): a shared
    weight's gradient, the sum of its uses. ``per_step`` keeps the step axis: (T, m, n)."""
    if per_step:
        return np.einsum("nti,ntj->tij", a, b)
    return a.reshape(-1, a.shape[-1]).T @ b.reshape(-1, b.shape[-1])


def squeeze(arr: np.ndarray, single: bool) -> np.ndarray:
    return arr[0] if single else arr


def train_sequences(
    model,
    xs,
    ys,
    lr: float,
    epochs: int,
    batch_size: int | None = None,
    seed: int = 0,
    callback: Callable[[int, History, object], bool | None] | None = None,
    clip: float | None = None,
    xs_test=None,
    ys_test=None,
    history: History | None = None,
) -> History:
    """Train an ``RNN`` or ``LSTM`` in place by gradient descent through time; return the
    per-epoch ``History`` (accuracies are None: these are regression targets).

    ``xs`` is one sequence (T, n_in) or a batch (N, T, n_in), ``ys`` the targets at every time
    step. Every step is w ← w − η ∂E/∂w with ∂E/∂w by backpropagation through time (clipped to
    norm ``clip`` if given). ``batch_size`` None (or ≥ N) uses every sequence per step; smaller
    batches are reshuffled every epoch by ``seed``. ``callback(epoch, history, model)`` runs
    after every epoch; returning False stops early. ``history`` continues an earlier record.
    Raises ``DivergenceError`` as soon as the loss or a weight stops being finite.
    """
    xs, ys, _ = model.check_data(xs, ys)
    has_test = xs_test is not None and ys_test is not None
    if has_test:
        xs_test, ys_test, _ = model.check_data(xs_test, ys_test, "ys_test")
    lr = learning_rate(lr)
    epochs = epoch_count(epochs)
    clip = check_clip(clip)
    seed = as_number(seed, int, "The seed must be a whole number")
    n = xs.shape[0]
    batch_size = batch_size_for(batch_size, n)

    history = history if history is not None else History()
    start = history.epoch[-1] if history.epoch else 0
    rng = np.random.default_rng(seed + start)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(start + 1, start + epochs + 1):
            order = np.arange(n) if batch_size == n else rng.permutation(n)
            for s in range(0, n, batch_size):
                idx = order[s:s + batch_size]
                model.apply_gradients(model.gradients(xs[idx], ys[idx], clip=clip), lr)
            train_loss = model.loss(xs, ys)
            if not (math.isfinite(train_loss) and model.is_finite()):
                raise DivergenceError(epoch, lr, history.train_loss[-1] if history else None)
            history.epoch.append(epoch)
            history.train_loss.append(train_loss)
            history.train_accuracy.append(None)
            history.test_loss.append(model.loss(xs_test, ys_test) if has_test else None)
            history.test_accuracy.append(None)
            if callback is not None and callback(epoch, history, model) is False:
                history.stopped_early = True
                break
    return history


class Recurrent:
    """What ``RNN`` and ``LSTM`` share: their shape checks, the loss, their weights as a dict,
    steps, copies."""

    n_in: int
    n_h: int
    n_out: int

    def params(self) -> dict:
        raise NotImplementedError

    def gradients(self, xs, ys, clip=None) -> dict:
        raise NotImplementedError

    def _outputs(self, xs: np.ndarray) -> np.ndarray:
        """ŷ at every step for a checked (N, T, n_in) batch, shaped (N, T, n_out)."""
        raise NotImplementedError

    # The shape checks every method runs first, against this network's sizes.
    def check_inputs(self, xs) -> tuple[np.ndarray, bool]:
        """(xs as an (N, T, n_in) batch, whether it was one sequence); see ``check_xs``."""
        return check_xs(xs, self.n_in)

    def check_data(self, xs, ys, what: str = "ys") -> tuple[np.ndarray, np.ndarray, bool]:
        """(xs, ys as (N, T, ·) batches, whether xs was one sequence): the targets checked
        against the inputs' N and T and the network's n_out."""
        xs, single = check_xs(xs, self.n_in)
        return xs, check_ys(ys, (*xs.shape[:2], self.n_out), what), single

    def check_sequence(self, xs, what: str) -> np.ndarray:
        """One sequence (T, n_in) as a (1, T, n_in) batch; ``what`` (the method that needs a
        single sequence) refuses a batch."""
        xs, single = check_xs(xs, self.n_in)
        if not single:
            raise ValueError(f"{what} takes one sequence of shape (T, n_in), not a batch.")
        return xs

    def loss(self, xs, ys) -> float:
        """E = Σ_t ½‖ŷ_t − y_t‖² for one sequence; the mean over sequences of it for a batch."""
        xs, ys, _ = self.check_data(xs, ys)
        diff = self._outputs(xs) - ys
        return 0.5 * float(np.vdot(diff, diff)) / xs.shape[0]

    def apply_gradients(self, grads: dict, lr: float) -> None:
        """w ← w − η ∂E/∂w for every weight, in place (``grads`` shaped like ``params()``)."""
        for w, g in zip(leaves(self.params()), leaves(grads), strict=True):
            w -= lr * g

    def is_finite(self) -> bool:
        return all(np.all(np.isfinite(w)) for w in leaves(self.params()))

    @property
    def n_params(self) -> int:
        return sum(w.size for w in leaves(self.params()))

    def to_dict(self) -> dict:
        return map_tree(lambda w: w.tolist(), self.params())
