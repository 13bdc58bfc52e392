"""Gradient descent: w ← w − η ∂E/∂w, full batch, mini-batch or stochastic.

``train`` takes the same steps, and records the same numbers (up to rounding, ~1e-15), as this
plain loop::

    for epoch in range(epochs):
        for X_b, Y_b in batches:                        # full batch: one batch of all points
            grads = net.gradients(X_b, Y_b, loss)       # forward pass, then backpropagation
            net.apply_gradients(grads, lr, l2)          # w ← w − η ∂E/∂w
        history.train_loss.append(net.loss(X, Y, loss))  # the loss after this epoch's steps

Both run the one backpropagation of nn_core, ``network.Workspace``; ``train`` is faster because
it keeps one workspace per batch size for the whole run (its weighted sums, activations and
error terms are reused every epoch), updates every weight and bias in one array operation
(``network.Params``, one flat array), and, for full batch, the forward pass that records an
epoch's loss is also the next epoch's forward pass (the weights have not changed in between).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from .datasets import ENCODINGS
from .network import Network, Params, Workspace

MAX_EPOCHS = 1_000_000


#: a loss this many times its value at the start of the run is diverging: stopped there, when
#: the blow-up starts, not ~100 epochs later when it overflows to infinity
BLOW_UP = 1e3
BLOW_UP_FLOOR = 1e-8  # below this a loss is rounding noise: a rise from it is not a blow-up


def blew_up(loss: float, start_loss: float | None) -> bool:
    """True if ``loss`` is up by orders of magnitude (× BLOW_UP) from the run's start."""
    if start_loss is None or not math.isfinite(start_loss):
        return False
    return loss > BLOW_UP * max(float(start_loss), BLOW_UP_FLOOR)


class DivergenceError(RuntimeError):
    """The loss grew by orders of magnitude, or it or a weight became NaN or infinite: the
    steps were too large to settle into a minimum."""

    def __init__(self, epoch: int, lr: float, last_loss: float | None,
                 start_loss: float | None = None, loss: float | None = None):
        self.epoch, self.lr, self.last_loss = epoch, lr, last_loss
        self.start_loss, self.loss = start_loss, loss
        self.suggested_lr = lr / 10
        if loss is not None and math.isfinite(loss) and start_loss is not None:
            # %g: scientific notation for large and tiny numbers (the pages' formatter's rule)
            what = (f"the loss grew from {start_loss:.4g} to {loss:.4g}, more than "
                    f"{BLOW_UP:g} times its value at the start")
        else:
            what = "the loss or the weights became NaN or infinite"
        super().__init__(
            f"Training diverged at epoch {epoch}: {what}. The steps w ← w − η ∂E/∂w carry "
            f"the weights away instead of settling. A smaller learning rate takes smaller "
            f"steps (e.g. η = {self.suggested_lr:.4g} instead of {lr:.4g})."
        )


@dataclass
class History:
    """Per-epoch record; test entries are None when no test set was given, accuracies are None
    for regression targets."""

    epoch: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    test_loss: list[float | None] = field(default_factory=list)
    train_accuracy: list[float | None] = field(default_factory=list)
    test_accuracy: list[float | None] = field(default_factory=list)
    stopped_early: bool = False

    def __len__(self) -> int:
        return len(self.epoch)

    #: the per-epoch columns, in order (a row of ``as_rows``, a column of a CSV)
    COLUMNS: ClassVar[tuple[str, ...]] = ("epoch", "train_loss", "test_loss", "train_accuracy",
                                          "test_accuracy")

    def as_rows(self) -> list[dict]:
        columns = [getattr(self, c) for c in self.COLUMNS]
        return [dict(zip(self.COLUMNS, row, strict=True)) for row in zip(*columns, strict=True)]

    def copy(self) -> History:
        """A history with copies of the columns (training appends to this one in place)."""
        return History(*(list(getattr(self, c)) for c in self.COLUMNS),
                       stopped_early=self.stopped_early)


def infer_encoding(Y: np.ndarray) -> str | None:
    """The class encoding that targets Y look like, or None for regression targets."""
    Y = np.asarray(Y)
    if Y.size == 0 or not np.all((Y == 0) | (Y == 1)):
        return None
    if Y.shape[1] == 1:
        return "binary"
    row = Y.sum(axis=1)
    if np.all(row == 1):
        return "one_vs_rest"
    if Y.shape[1] == 2 and np.all(row <= 1):
        return "notes_2neuron"
    return None


def train(
    net: Network,
    X,
    Y,
    lr: float,
    epochs: int,
    batch_size: int | None = None,
    loss: str = "squared_error",
    seed: int = 0,
    callback: Callable[[int, History, Network], bool | None] | None = None,
    X_test=None,
    Y_test=None,
    l2: float = 0.0,
    encoding: str | None = None,
    history: History | None = None,
    momentum: float = 0.0,
    velocity: list[np.ndarray] | None = None,
) -> History:
    """Train ``net`` in place by gradient descent and return the per-epoch history.

    ``batch_size`` None (or ≥ n) is full-batch gradient descent, 1 is stochastic, anything in
    between mini-batch (points reshuffled every epoch by ``seed``). ``callback(epoch, history,
    net)`` runs after every epoch; returning False stops training early. ``history`` continues
    an earlier record (the playground trains a few epochs at a time). Training runs in the
    network's dtype: ``Network.init(..., dtype=np.float32)`` (or ``net.astype``) is about twice
    as fast on large data sets.

    ``lr`` is a number or a schedule: a function of the epoch (1, 2, …) giving that epoch's η
    (see ``nn_core.schedules``). ``momentum`` μ > 0 takes the steps v ← μ v − η ∂E/∂w,
    w ← w + v instead of w ← w − η ∂E/∂w; ``velocity`` (from ``new_velocity``, updated in place)
    carries v from one call to the next.
    """
    X = net._check_X(X)
    if X.shape[0] == 0:
        raise ValueError("X has no data points: give at least one row to train on.")
    Y = net._check_Y(Y, np.empty((X.shape[0], net.sizes[-1])))
    has_test = X_test is not None and Y_test is not None
    if has_test:
        X_test = net._check_X(X_test)
        Y_test = net._check_Y(Y_test, np.empty((X_test.shape[0], net.sizes[-1])))
        has_test = X_test.shape[0] > 0  # an empty test set is no test set (its mean is NaN)
    schedule = lr if callable(lr) else None
    lr = _learning_rate(lr, (history.epoch[-1] if history and history.epoch else 0) + 1)
    momentum = as_number(momentum, float, "The momentum μ must be a number in [0, 1)")
    if not 0 <= momentum < 1:
        raise ValueError(f"The momentum μ must be in [0, 1) (got {momentum}).")
    epochs = epoch_count(epochs)
    l2 = l2_strength(l2)
    seed = as_number(seed, int, "The seed must be a whole number")
    n = X.shape[0]
    batch_size = batch_size_for(batch_size, n)
    loss_fn = net._loss(loss)
    if encoding is None:
        encoding = infer_encoding(Y)
    elif encoding not in ENCODINGS:
        raise ValueError(f"Unknown encoding {encoding!r}: choose one of {', '.join(ENCODINGS)}.")

    history = history if history is not None else History()
    start = history.epoch[-1] if history.epoch else 0
    rng = np.random.default_rng(seed + start)
    params = _Params(net, momentum, velocity)
    # The full data set: its forward pass records the loss (and, for full batch, takes the steps).
    full = Workspace(net, loss_fn, n, backward=batch_size == n).load(X, Y, encoding)
    test = None
    if has_test:
        test = Workspace(net, loss_fn, len(X_test), backward=False).load(X_test, Y_test, encoding)
    batches = {m: Workspace(net, loss_fn, m) for m in {batch_size, n % batch_size} - {0, n}}
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
            first = full.forward(params)  # at the start: full batch's first backward pass
            start_loss = history.train_loss[0] if history.train_loss else first
            for epoch in range(start + 1, start + epochs + 1):
                if schedule is not None:
                    lr = _learning_rate(schedule, epoch)
                if batch_size == n:
                    full.backward(params)
                    params.step(lr, l2)
                else:
                    order = rng.permutation(n)
                    for s in range(0, n, batch_size):
                        idx = order[s:s + batch_size]
                        ws = batches[len(idx)]
                        ws.take(full, idx)
                        ws.forward(params)
                        ws.backward(params)
                        params.step(lr, l2)
                # The loss of the weights after this epoch's steps (for full batch, this forward
                # pass is also the next epoch's).
                train_loss = full.forward(params)
                last = history.train_loss[-1] if history.train_loss else None
                if not (math.isfinite(train_loss) and np.isfinite(params.values).all()):
                    raise DivergenceError(epoch, lr, last)
                if blew_up(train_loss, start_loss):  # stop when the blow-up starts
                    raise DivergenceError(epoch, lr, last, start_loss, train_loss)
                history.epoch.append(epoch)
                history.train_loss.append(train_loss)
                history.train_accuracy.append(full.accuracy())
                if test is not None:
                    history.test_loss.append(test.forward(params))
                    history.test_accuracy.append(test.accuracy())
                else:
                    history.test_loss.append(None)
                    history.test_accuracy.append(None)
                if callback is not None:
                    params.store(net)
                    stop = callback(epoch, history, net) is False
                    if params.load(net):  # the callback changed the weights: go on from those
                        full.forward(params)
                    if stop:
                        history.stopped_early = True
                        break
    finally:
        params.store(net)
        params.store_velocity(velocity)
    return history


def new_velocity(net: Network) -> list[np.ndarray]:
    """Momentum's v, zero to start: one [v_W; v_b] array of shape (n_in + 1, n_out) per layer
    (the bias row last), as ``train(..., momentum=μ, velocity=v)`` keeps it."""
    return [np.zeros((w.shape[0] + 1, w.shape[1]), net.dtype) for w in net.weights]


# The checks of train's settings, one function per rule, shared by every layer that takes the
# same setting (train_sequences, the step-through, the pages' models), so the rule and its
# message are written once.
def learning_rate(value) -> float:
    """η as a float: the one check of the rule "the learning rate is a positive number"."""
    lr = as_number(value, float, "The learning rate η must be a positive number")
    if not (math.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate η must be a positive number (got {lr}).")
    return lr


def l2_strength(value) -> float:
    """λ as a float: the one check of the rule "the L2 strength is 0 or positive"."""
    l2 = as_number(value, float, "The L2 strength λ must be 0 or positive")
    if not (math.isfinite(l2) and l2 >= 0):
        raise ValueError(f"The L2 strength λ must be 0 or positive (got {l2}).")
    return l2


def epoch_count(value, least: int = 0, most: int = MAX_EPOCHS) -> int:
    """Epochs as a whole number from ``least`` to ``most`` (a page's own cap)."""
    epochs = as_number(value, int, f"Epochs must be a whole number from {least} to {most}")
    if not least <= epochs <= most:
        raise ValueError(f"Epochs must be between {least} and {most} (got {epochs}).")
    return epochs


def batch_size_for(value, n: int) -> int:
    """The batch size for n points: None is all of them (full batch); at least 1, at most n."""
    if value is None:
        return n
    size = as_number(value, int, "The batch size must be a whole number ≥ 1")
    if size < 1:
        raise ValueError(f"The batch size must be at least 1 (got {size}).")
    return min(size, n)


def _learning_rate(lr, epoch: int) -> float:
    """η for ``epoch``: the number itself, or what the schedule gives for that epoch."""
    return learning_rate(lr(epoch) if callable(lr) else lr)


def as_number(value, kind, message: str):
    """``kind(value)``, or ValueError "message (got …)" when it is not one."""
    try:
        return kind(value)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{message} (got {value!r}).") from None


class _Params(Params):
    """The network's parameters in one flat array (``network.Params``) plus what a gradient step
    needs: the step itself, one array operation, and momentum's velocity."""

    def __init__(self, net: Network, momentum: float = 0.0, velocity=None):
        super().__init__(net)
        self.momentum = momentum
        if momentum:
            self.velocity = np.zeros_like(self.values)
            if velocity is not None:
                for v, given in zip(self.split(self.velocity), velocity, strict=True):
                    v[...] = given

    def store_velocity(self, velocity) -> None:
        if self.momentum and velocity is not None:
            for v, kept in zip(velocity, self.split(self.velocity), strict=True):
                np.copyto(v, kept)

    def step(self, lr: float, l2: float) -> None:
        """w ← w − η (∂E/∂w + λ w) for every weight and bias (λ: weights only); with momentum μ,
        v ← μ v − η (∂E/∂w + λ w) and w ← w + v."""
        if self.momentum:
            if l2:
                for G, W in zip(self.grad_layers, self.weights, strict=True):
                    G[:-1] += l2 * W
            self.velocity *= self.momentum
            self.velocity -= lr * self.grads
            self.values += self.velocity
            return
        if l2:
            for W in self.weights:
                W *= 1.0 - lr * l2
        np.multiply(self.grads, lr, out=self.grads)
        self.values -= self.grads
