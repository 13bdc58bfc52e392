"""One neuron per class or fewer? Train the class encodings side by side on the same data.

The notes say 1 neuron separates 2 classes and 2 neurons separate 3 ("1 vs All"). This module
trains, on one data set, networks without a hidden layer for:

- ``notes_2neuron``: the notes' 2 sigmoid neurons for 3 classes (third class = neither fires),
- ``one_vs_rest``: 3 sigmoid neurons, one per class, the largest wins,
- ``softmax``: 3 softmax outputs with cross-entropy,

and reports accuracy, per-class recall and how often the 2-neuron code is ambiguous (both fire).
NumPy only; the pages call it and draw the results.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nn_core.datasets import Dataset, ambiguous, decode, encode, n_outputs
from nn_core.network import Network
from nn_core.training import DivergenceError, History, epoch_count, train

#: encoding → (output activation, loss) of its network
SCHEME_SETUP: dict[str, tuple[str, str]] = {
    "binary": ("sigmoid", "squared_error"),
    "notes_2neuron": ("sigmoid", "squared_error"),
    "one_vs_rest": ("sigmoid", "squared_error"),
    "softmax": ("softmax", "cross_entropy"),
}
SCHEME_LABELS = {
    "binary": "1 neuron, threshold (2 classes)",
    "notes_2neuron": "the notes: 2 neurons for 3 classes",
    "one_vs_rest": "one vs rest: 3 neurons",
    "softmax": "softmax: 3 outputs",
}
#: the three ways to code 3 classes that the one-vs-all page compares side by side
SCHEMES = ("notes_2neuron", "one_vs_rest", "softmax")
MAX_SCHEME_EPOCHS = 1500  # the page's cap (shared server)


@dataclass
class SchemeResult:
    encoding: str
    net: Network
    history: History
    train_accuracy: float
    test_accuracy: float | None
    recall: list[float]  # per class, on the training points
    ambiguous_fraction: float  # points where more than one neuron fires (≥ threshold)
    none_fraction: float  # points where no neuron fires
    #: the data's class of each code index: classes[k] is the class whose target is code k
    #: (for the notes' code, the last one is the class written (0, 0), "neither fires")
    classes: tuple[int, ...] = (0, 1, 2)

    @property
    def weakest_class(self) -> int:
        """The class this scheme recalls worst on the training points (the first if tied)."""
        return int(np.nanargmin(self.recall))

    def predict_classes(self, X) -> np.ndarray:
        """The data's class the network answers for each point."""
        return np.asarray(self.classes)[decode(self.net.forward(X), self.encoding)]


def code_order(neither: int, n_classes: int = 3) -> tuple[int, ...]:
    """The data's classes in code order: the others keep their order, class ``neither`` last
    (the notes' (0, 0)). Only the code changes, never the classes' names."""
    if not 0 <= neither < n_classes:
        raise ValueError(f"The “neither” class must be 0 … {n_classes - 1} (got {neither}).")
    return tuple([c for c in range(n_classes) if c != neither] + [neither])


def relabel(labels: np.ndarray, neither: int, n_classes: int = 3) -> np.ndarray:
    """Each label's code index under ``code_order(neither)`` (what the network is trained on)."""
    order = code_order(neither, n_classes)
    new = np.empty(n_classes, dtype=int)
    new[list(order)] = np.arange(n_classes)
    return new[np.asarray(labels, dtype=int)]


def fit_scheme(data: Dataset, encoding: str, epochs: int = 400, lr: float = 2.0,
               seed: int = 0, neither: int | None = None) -> SchemeResult:
    """Train a network without hidden layer for ``encoding`` on ``data`` (full batch).

    ``neither`` (the notes' code only): the data's class written (0, 0). The network is
    trained on the code; recall, accuracy and ``predict_classes`` speak of the data's classes.
    """
    if encoding not in SCHEME_SETUP:
        raise ValueError(f"Unknown scheme {encoding!r}: choose one of {', '.join(SCHEME_SETUP)}.")
    if data.is_regression:
        raise ValueError("One-vs-all needs class labels; pick a classification data set.")
    epochs = epoch_count(epochs, 1, MAX_SCHEME_EPOCHS)
    act, loss = SCHEME_SETUP[encoding]
    k = n_outputs(data.n_classes, encoding)
    classes = tuple(range(data.n_classes))
    if encoding == "notes_2neuron" and neither is not None:
        classes = code_order(int(neither), data.n_classes)
    to_code = np.empty(data.n_classes, dtype=int)
    to_code[list(classes)] = np.arange(data.n_classes)
    net = Network.init([data.X_train.shape[1], k], act, seed=seed)
    Y = encode(to_code[data.y_train.astype(int)], data.n_classes, encoding)
    has_test = len(data.y_test) > 0
    Y_test = encode(to_code[data.y_test.astype(int)], data.n_classes, encoding) \
        if has_test else None
    try:
        history = train(net, data.X_train, Y, lr=lr, epochs=epochs, loss=loss, seed=seed,
                        X_test=data.X_test if has_test else None, Y_test=Y_test,
                        encoding=encoding)
    except DivergenceError as exc:
        raise ValueError(str(exc)) from None
    out = net.forward(data.X_train)
    pred = np.asarray(classes)[decode(out, encoding)]
    recall = [float(np.mean(pred[data.y_train == c] == c)) if np.any(data.y_train == c)
              else float("nan") for c in range(data.n_classes)]
    fires = out >= 0.5
    test_acc = None
    if has_test:
        test_acc = float(np.mean(np.asarray(classes)[decode(net.forward(data.X_test), encoding)]
                                 == data.y_test))
    return SchemeResult(
        encoding=encoding, net=net, history=history,
        train_accuracy=float(np.mean(pred == data.y_train)), test_accuracy=test_acc,
        recall=recall,
        ambiguous_fraction=float(np.mean(ambiguous(out))) if k > 1 else 0.0,
        none_fraction=float(np.mean(~fires.any(axis=1))) if encoding != "softmax" else 0.0,
        classes=classes,
    )


def compare_schemes(data: Dataset, epochs: int = 400, lr: float = 2.0, seed: int = 0,
                    encodings=("notes_2neuron", "one_vs_rest", "softmax")
                    ) -> dict[str, SchemeResult]:
    """``fit_scheme`` for each encoding, same data, same seed."""
    return {enc: fit_scheme(data, enc, epochs, lr, seed) for enc in encodings}


@dataclass
class NeuronPoint:
    """One sigmoid neuron's numbers for a chosen data point, and its accuracy with threshold θ."""

    z: float  # weighted sum
    y_hat: float  # σ(z)
    predicted: int  # 1 if ŷ ≥ θ
    accuracy: float  # over all points, with the same threshold


def neuron_point(net: Network, X, labels, point: int, theta: float) -> NeuronPoint:
    if not 0 < theta < 1:
        raise ValueError(f"The threshold θ must be between 0 and 1 (got {theta}).")
    fp = net.forward_pass(X)
    pred = decode(fp.ys[-1], "binary", threshold=theta)
    return NeuronPoint(float(fp.zs[-1][point, 0]), float(fp.ys[-1][point, 0]), int(pred[point]),
                       float(np.mean(pred == np.asarray(labels))))
