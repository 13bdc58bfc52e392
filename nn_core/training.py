"""Gradient descent: w ← w − η ∂E/∂w, full batch, mini-batch or stochastic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .datasets import ENCODINGS, decode
from .network import Network

MAX_EPOCHS = 1_000_000


class DivergenceError(RuntimeError):
    """The loss became NaN or infinite: the steps were too large to settle into a minimum."""

    def __init__(self, epoch: int, lr: float, last_loss: float | None):
        self.epoch, self.lr, self.last_loss = epoch, lr, last_loss
        self.suggested_lr = lr / 10
        super().__init__(
            f"Training diverged at epoch {epoch}: the loss became NaN or infinite. "
            f"Each step w ← w − η ∂E/∂w overshot the minimum by more than the last, so the "
            f"weights grew without bound. Try a smaller learning rate, e.g. η = "
            f"{self.suggested_lr:g} instead of {lr:g}."
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

    def as_rows(self) -> list[dict]:
        return [
            {"epoch": e, "train_loss": a, "test_loss": b, "train_accuracy": c, "test_accuracy": d}
            for e, a, b, c, d in zip(self.epoch, self.train_loss, self.test_loss,
                                     self.train_accuracy, self.test_accuracy, strict=True)
        ]


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
) -> History:
    """Train ``net`` in place by gradient descent and return the per-epoch history.

    ``batch_size`` None (or ≥ n) is full-batch gradient descent, 1 is stochastic, anything in
    between mini-batch (points reshuffled every epoch by ``seed``). ``callback(epoch, history,
    net)`` runs after every epoch; returning False stops training early. ``history`` continues
    an earlier record (the playground trains a few epochs at a time).
    """
    X = net._check_X(X)
    Y = net._check_Y(Y, np.empty((X.shape[0], net.sizes[-1])))
    has_test = X_test is not None and Y_test is not None
    if has_test:
        X_test = net._check_X(X_test)
        Y_test = net._check_Y(Y_test, np.empty((X_test.shape[0], net.sizes[-1])))
    lr, epochs = float(lr), int(epochs)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate η must be a positive number (got {lr}).")
    if not 0 <= epochs <= MAX_EPOCHS:
        raise ValueError(f"Epochs must be between 0 and {MAX_EPOCHS} (got {epochs}).")
    if not (np.isfinite(l2) and l2 >= 0):
        raise ValueError(f"The L2 strength λ must be 0 or positive (got {l2}).")
    n = X.shape[0]
    if batch_size is None or batch_size >= n:
        batch_size = n
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"The batch size must be at least 1 (got {batch_size}).")
    loss_fn = net._loss(loss)
    if encoding is None:
        encoding = infer_encoding(Y)
    elif encoding not in ENCODINGS:
        raise ValueError(f"Unknown encoding {encoding!r}: choose one of {', '.join(ENCODINGS)}.")
    labels = decode(Y, encoding) if encoding else None
    test_labels = decode(Y_test, encoding) if encoding and has_test else None

    history = history if history is not None else History()
    start = history.epoch[-1] if history.epoch else 0
    rng = np.random.default_rng(seed + start)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"):
        for epoch in range(start + 1, start + epochs + 1):
            if batch_size == n:
                bp = net.backprop(X, Y, loss_fn)
                net.apply_gradients(bp.grads, lr, l2)
            else:
                order = rng.permutation(n)
                for s in range(0, n, batch_size):
                    idx = order[s:s + batch_size]
                    bp = net.backprop(X[idx], Y[idx], loss_fn)
                    net.apply_gradients(bp.grads, lr, l2)
            # Record the loss of the weights after this epoch's steps.
            fp = net.forward_pass(X)
            train_loss = loss_fn.value(fp.output, Y, fp.zs[-1])
            if not np.isfinite(train_loss) or not all(np.all(np.isfinite(w)) for w in net.weights):
                raise DivergenceError(epoch, lr, history.train_loss[-1] if history else None)
            history.epoch.append(epoch)
            history.train_loss.append(train_loss)
            history.train_accuracy.append(
                float(np.mean(decode(fp.output, encoding) == labels)) if encoding else None)
            if has_test:
                fpt = net.forward_pass(X_test)
                history.test_loss.append(loss_fn.value(fpt.output, Y_test, fpt.zs[-1]))
                history.test_accuracy.append(
                    float(np.mean(decode(fpt.output, encoding) == test_labels))
                    if encoding else None)
            else:
                history.test_loss.append(None)
                history.test_accuracy.append(None)
            if callback is not None and callback(epoch, history, net) is False:
                history.stopped_early = True
                break
    return history
