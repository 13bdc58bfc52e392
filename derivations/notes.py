"""The notes' two worked cases as live nn_core networks, and training with the notes' formulas.

``notes_network(case, seed)``:

- ``"single_layer"``: the notes' first case, no hidden layer, "2 neurons for 3 classes": 2 inputs
  (x_1, x_2, so the page can draw the plane), 2 sigmoid output neurons, squared error; the data
  point's target uses the notes' 2-neuron code (class 1 → (1, 0), class 2 → (0, 1),
  class 3 → (0, 0)).
- ``"mlp"``: the notes' Multi Layer Perceptron: 2 inputs, one hidden layer of 3 sigmoid neurons
  (h_{11}, h_{12}, h_{13}), 2 sigmoid outputs, same code and loss.

Biases start at 0 (the notes leave them out) but are real parameters the dashboard can step.

``train_with_notes_formula(record_key, …)`` trains two copies of the same network side by side,
one with the derivative as derived, one with the formula as the notes state it (for the chosen
audit record), and returns both loss curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from nn_core import Network, encode, make_dataset

NOTES_CASES = {
    "single_layer": "No hidden layer: 2 inputs → 2 sigmoid output neurons (3 classes, the notes' "
                    "2-neuron code), squared error.",
    "mlp": "One hidden layer (MLP): 2 inputs → 3 sigmoid hidden neurons → 2 sigmoid outputs "
           "(3 classes, the notes' 2-neuron code), squared error.",
}
NOTES_SIZES = {"single_layer": (2, 2), "mlp": (2, 3, 2)}


class NotesCase(NamedTuple):
    net: Network
    x: np.ndarray  # one data point, shape (2,)
    y: np.ndarray  # its target in the notes' 2-neuron code, shape (2,)
    label: int  # its class, 0 … 2


def notes_network(case: str = "mlp", seed: int = 0) -> NotesCase:
    """A reproducible network and data point for one of the notes' cases (see NOTES_CASES)."""
    if case not in NOTES_SIZES:
        raise ValueError(f"Unknown case {case!r}: choose one of {', '.join(NOTES_SIZES)}.")
    net = Network.init(list(NOTES_SIZES[case]), "sigmoid", seed=seed)
    rng = np.random.default_rng(seed + 1000)
    x = np.round(rng.uniform(-2, 2, size=2), 2)  # round numbers read better on the page
    label = int(rng.integers(0, 3))
    y = encode([label], 3, "notes_2neuron")[0]
    return NotesCase(net, x, y, label)


# --------------------------------------------------------------------- training with the notes
@dataclass
class NotesTraining:
    record_key: str
    epochs: list[int]
    derived_loss: list[float]  # loss after each epoch, derivatives as derived
    stated_loss: list[float]  # the same network trained with the notes' formula
    lr: float
    case: str
    explanation: str

    @property
    def derived_change(self) -> float:
        return self.derived_loss[-1] - self.derived_loss[0]

    @property
    def stated_change(self) -> float:
        return self.stated_loss[-1] - self.stated_loss[0]


# Which backprop ingredient each trainable audit record replaces.
TRAINABLE = {
    "where_dE_dy": "loss",
    "where_dy_dz": "output",
    "where_dyh_dzh": "hidden",
    "where_block": "all",
}


def _derived_parts():
    """Derivative functions as derived (same as nn_core for sigmoid + squared error)."""
    return {
        "loss": lambda y_hat, y: y_hat - y,
        "output": lambda y_hat: y_hat * (1 - y_hat),
        "hidden": lambda y_h: y_h * (1 - y_h),
    }


def _stated_parts(record_key: str):
    from .audit import notes_functions

    parts = _derived_parts()
    stated = notes_functions()
    which = TRAINABLE[record_key]
    for part in ("loss", "output", "hidden"):
        if which in (part, "all"):
            parts[part] = stated[part]
    return parts


def _step(net: Network, X, Y, lr: float, parts) -> None:
    """One full-batch gradient-descent step, backprop assembled from ``parts``."""
    fp = net.forward_pass(X)
    n = X.shape[0]
    delta = parts["loss"](fp.ys[-1], Y) * parts["output"](fp.ys[-1]) / n
    grads = []
    for layer in range(net.n_layers - 1, -1, -1):
        grads.append((fp.ys[layer].T @ delta, delta.sum(axis=0)))
        if layer:
            delta = (delta @ net.weights[layer].T) * parts["hidden"](fp.ys[layer])
    net.apply_gradients(grads[::-1], lr)


def train_with_notes_formula(record_key: str = "where_dy_dz", case: str = "mlp",
                             dataset: str = "blobs3", n_points: int = 90, lr: float = 0.5,
                             epochs: int = 200, seed: int = 0) -> NotesTraining:
    """Train the notes' network twice from the same start: derivatives as derived vs the formula
    as the notes state it (record ``record_key``, see TRAINABLE). Full-batch gradient descent
    on the notes' squared error; returns both loss curves (loss after each epoch, epoch 0 is
    the start)."""
    if record_key not in TRAINABLE:
        raise ValueError(f"No training comparison for {record_key!r}: choose one of "
                         f"{', '.join(TRAINABLE)}.")
    if case not in NOTES_SIZES:
        raise ValueError(f"Unknown case {case!r}: choose one of {', '.join(NOTES_SIZES)}.")
    if case == "single_layer" and TRAINABLE[record_key] == "hidden":
        raise ValueError(f"{record_key} is about a hidden layer: use case='mlp'.")
    lr, epochs = float(lr), int(epochs)
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"The learning rate η must be a positive number (got {lr}).")
    if not 1 <= epochs <= 20_000:
        raise ValueError(f"Epochs must be between 1 and 20000 (got {epochs}).")
    data = make_dataset(dataset, n_points=n_points, noise=0.1, test_fraction=0.0, seed=seed)
    if data.n_classes != 3:
        raise ValueError(f"The notes' cases classify 3 classes; {dataset} has "
                         f"{data.n_classes}. Use blobs3.")
    X = data.X_train
    Y = encode(data.y_train, 3, "notes_2neuron")
    start = notes_network(case, seed).net
    curves = {}
    for name, parts in (("derived", _derived_parts()), ("stated", _stated_parts(record_key))):
        net = start.copy()
        losses = [net.loss(X, Y)]
        with np.errstate(over="ignore", under="ignore"):
            for _ in range(epochs):
                _step(net, X, Y, lr, parts)
                losses.append(net.loss(X, Y))
        curves[name] = losses
    from .audit import audit_by_key

    rec = audit_by_key().get(record_key)
    return NotesTraining(record_key, list(range(epochs + 1)), curves["derived"],
                         curves["stated"], lr, case, rec.consequence if rec else "")
