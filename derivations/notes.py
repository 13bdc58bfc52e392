"""The notes' two worked cases as live nn_core networks, and training with the notes' formulas.

``notes_network(case, seed)``:

- ``"single_layer"``: the notes' first case, no hidden layer, "2 neurons for 3 classes": 2 inputs
  (x_1, x_2, so the page can draw the plane), 2 sigmoid output neurons, squared error; the data
  point's target uses the notes' 2-neuron code (class 0 → (1, 0), class 1 → (0, 1),
  class 2 → (0, 0); classes keep the data's names 0, 1, 2 on every page).
- ``"mlp"``: the notes' Multi Layer Perceptron: 2 inputs, one hidden layer of 3 sigmoid neurons
  (h_{11}, h_{12}, h_{13}), 2 sigmoid outputs, same code and loss.

Biases start at 0 (the notes leave them out) but are real parameters the dashboard can step.

What the notes state lives here: ``WHERE_STATED`` holds the "where" block's derivatives as the
notes write them (transcribed; ``audit`` derives the other side and compares). For training they
take nn_core's own shape, value and derivative side by side: ``StatedSigmoid`` is the sigmoid
with the notes' slope, ``StatedSquaredError`` the squared error with the notes' ∂E/∂ŷ, and
``stated_network(net, record_key)`` is ``net`` with those in place, so training "as the notes
state it" is ``nn_core.train`` on that network (no second backprop).

``train_with_notes_formula(record_key, …)`` trains two copies of the same network side by side,
one with the derivative as derived, one with the formula as the notes state it (for the chosen
audit record), and returns both loss curves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np
import sympy as sp

from nn_core import DivergenceError, History, Network, encode, make_dataset, train
from nn_core.activations import Sigmoid
from nn_core.losses import Loss, SquaredError
from nn_core.training import epoch_count, learning_rate

from .symbolic import sym

NOTES_CASES = {
    "single_layer": "No hidden layer: 2 inputs → 2 sigmoid output neurons (3 classes, the notes' "
                    "2-neuron code), squared error.",
    "mlp": "One hidden layer (MLP): 2 inputs → 3 sigmoid hidden neurons → 2 sigmoid outputs "
           "(3 classes, the notes' 2-neuron code), squared error.",
}
NOTES_SIZES = {"single_layer": (2, 2), "mlp": (2, 3, 2)}
#: each case as a choice on a page
CASE_LABELS = {"single_layer": "no hidden layer (2 → 2)",
               "mlp": "one hidden layer, MLP (2 → 3 → 2)"}
CASES = tuple(NOTES_CASES)
MAX_COMPARISON_EPOCHS = 1000  # a training comparison's cap (shared server)


def _sizes(case: str) -> tuple[int, ...]:
    if case not in NOTES_SIZES:
        raise ValueError(f"Unknown case {case!r}: choose one of {', '.join(NOTES_SIZES)}.")
    return NOTES_SIZES[case]


class NotesCase(NamedTuple):
    net: Network
    x: np.ndarray  # one data point, shape (2,)
    y: np.ndarray  # its target in the notes' 2-neuron code, shape (2,)
    label: int  # its class, 0 … 2


def notes_network(case: str = "mlp", seed: int = 0) -> NotesCase:
    """A reproducible network and data point for one of the notes' cases (see NOTES_CASES)."""
    net = Network.init(list(_sizes(case)), "sigmoid", seed=seed)
    rng = np.random.default_rng(seed + 1000)
    x = np.round(rng.uniform(-2, 2, size=2), 2)  # round numbers read better on the page
    label = int(rng.integers(0, 3))
    y = encode([label], 3, "notes_2neuron")[0]
    return NotesCase(net, x, y, label)


# --------------------------------------------------------------------- what the notes state
# The notes' symbols: the generic index i for an output neuron (ŷ_i, y_i, z_i), the hidden
# neuron h_{11}.
y_hat_i, y_i, z_i = sym(r"\hat{y}_{i}"), sym("y_{i}"), sym("z_{i}")
y_h, z_h = sym("y_{h_{11}}"), sym("z_{h_{11}}")
y_h_notes = sym(r"\hat{y}_{h_{11}}")  # the notes put a hat on the hidden activation
w_hz, w_xh, x_1 = sym("w_{h_{11} z_{i}}"), sym("w_{x_{1} h_{11}}"), sym("x_{1}")

#: the notes' symbol → ours, applied to a stated formula before comparing or evaluating it
ALIASES = {y_h_notes: y_h}

#: each line of the notes' "where" block, right-hand side as the notes write it
WHERE_STATED: dict[str, sp.Expr] = {
    "where_dE_dy": sp.Mul(-1, y_i - y_hat_i, evaluate=False),
    "where_dy_dz": -y_hat_i * (1 - y_hat_i),
    "where_dz_dyh": w_hz,
    "where_dyh_dzh": 1 - y_h_notes,
    "where_dzh_dw": x_1,
}

# Which backprop ingredient each trainable audit record replaces.
TRAINABLE = {
    "where_dE_dy": "loss",
    "where_dy_dz": "output",
    "where_dyh_dzh": "hidden",
    "where_block": "all",
}


class StatedSigmoid(Sigmoid):
    """The sigmoid's value f(z) beside its slope f' as the notes state it (a function of y)."""

    def __init__(self, line: str, y_symbol: sp.Symbol):
        self.name = f"sigmoid, {line} as stated"
        self.label = f"Sigmoid with the notes' {line}"
        self._der = sp.lambdify((y_symbol,), WHERE_STATED[line].xreplace(ALIASES), "numpy")

    def der(self, z, y, out=None):
        value = self._der(y)
        if out is None:
            return np.broadcast_to(value, np.shape(y)).astype(np.result_type(y))
        np.copyto(out, value)
        return out


class StatedSquaredError(SquaredError):
    """The notes' squared error ½(y − ŷ)² beside its slope ∂E/∂ŷ as the notes state it."""

    name, label = "squared error, ∂E/∂ŷ as stated", "squared error with the notes' ∂E/∂ŷ"

    def __init__(self):
        self._der = sp.lambdify((y_hat_i, y_i), WHERE_STATED["where_dE_dy"], "numpy")

    def der(self, y_hat, y):
        return self._der(y_hat, y) / y.shape[0]  # batch mean, as nn_core's losses


def _trainable(record_key: str) -> str:
    """The backprop ingredient record ``record_key`` replaces (see TRAINABLE)."""
    if record_key not in TRAINABLE:
        raise ValueError(f"No training comparison for {record_key!r}: choose one of "
                         f"{', '.join(TRAINABLE)}.")
    return TRAINABLE[record_key]


@cache
def stated_parts(record_key: str):
    """(hidden activation, output activation, loss) for training with record ``record_key`` as
    the notes state it; the parts that record does not touch are nn_core's own."""
    which = _trainable(record_key)
    hidden, output, loss = "sigmoid", "sigmoid", "squared_error"
    if which in ("hidden", "all"):
        hidden = StatedSigmoid("where_dyh_dzh", y_h)
    if which in ("output", "all"):
        output = StatedSigmoid("where_dy_dz", y_hat_i)
    if which in ("loss", "all"):
        loss = StatedSquaredError()
    return hidden, output, loss


def stated_network(net: Network, record_key: str) -> tuple[Network, Loss | str]:
    """A copy of ``net`` whose activations take the notes' stated slopes for ``record_key``, and
    the loss to train it with: ``nn_core.train(*stated_network(...)…)`` trains as stated."""
    hidden, output, loss = stated_parts(record_key)
    acts = [hidden] * (net.n_layers - 1) + [output]
    return Network.from_weights(net.weights, net.biases, acts), loss


# --------------------------------------------------------------------- training with the notes
@dataclass
class NotesTraining:
    record_key: str
    epochs: list[int]
    derived_loss: list[float]  # loss after each epoch, derivatives as derived
    stated_loss: list[float]  # the same network trained with the notes' formula
    lr: float
    case: str
    diverged_at: int | None = None  # the epoch where the stated run's weights became infinite

    @property
    def derived_change(self) -> float:
        return self.derived_loss[-1] - self.derived_loss[0]

    @property
    def stated_change(self) -> float:
        return self.stated_loss[-1] - self.stated_loss[0]


def _losses(net: Network, X, Y, lr: float, epochs: int, loss) -> tuple[list[float], int | None]:
    """Loss at the start and after each full-batch epoch; a run that diverges stops there."""
    history = History()
    diverged = None
    try:
        train(net, X, Y, lr, epochs, loss=loss, history=history, encoding="notes_2neuron")
    except DivergenceError as err:
        diverged = err.epoch
    return history.train_loss, diverged


def train_with_notes_formula(record_key: str = "where_dy_dz", case: str = "mlp",
                             dataset: str = "blobs3", n_points: int = 90, lr: float = 0.5,
                             epochs: int = 200, seed: int = 0) -> NotesTraining:
    """Train the notes' network twice from the same start: derivatives as derived vs the formula
    as the notes state it (record ``record_key``, see TRAINABLE). Full-batch gradient descent
    (``nn_core.train``) on the notes' squared error; returns both loss curves (loss after each
    epoch, epoch 0 is the start)."""
    which = _trainable(record_key)
    if len(_sizes(case)) == 2 and which == "hidden":  # no hidden layer
        raise ValueError("This line is the slope of a hidden neuron, and the network without a "
                         "hidden layer has none: choose the network with one hidden layer "
                         "(MLP) to train with it.")
    lr, epochs = learning_rate(lr), epoch_count(epochs, 1, MAX_COMPARISON_EPOCHS)
    data = make_dataset(dataset, n_points=n_points, noise=0.1, test_fraction=0.0, seed=seed)
    if data.n_classes != 3:
        raise ValueError(f"The notes' cases classify 3 classes; {dataset} has "
                         f"{data.n_classes}. Use blobs3.")
    X = data.X_train
    Y = encode(data.y_train, 3, "notes_2neuron")
    start = notes_network(case, seed).net
    curves, diverged = {}, None
    for name, (net, loss) in (("derived", (start.copy(), "squared_error")),
                              ("stated", stated_network(start, record_key))):
        first = net.loss(X, Y)
        losses, at = _losses(net, X, Y, lr, epochs, loss)
        curves[name] = [first, *losses]
        diverged = diverged or at
    return NotesTraining(record_key, list(range(epochs + 1)), curves["derived"],
                         curves["stated"], lr, case, diverged)
