"""Losses (errors) E, each with its derivative ∂E/∂ŷ beside it.

Notation follows the notes' training section: y is the ground truth, ŷ the prediction.
For one data point the notes' squared error is E_total = Σ_k ½ (y_k − ŷ_k)² over the output
neurons; over a batch of n points every loss here is the mean over points of the per-point loss,
so ``der`` carries a 1/n.

The output layer's error term δ = ∂E/∂z (z: its weighted sum) is ``delta``. For sigmoid with
binary cross-entropy and softmax with categorical cross-entropy the activation's derivative
cancels and δ = (ŷ − y)/n: computed in that fused form it stays finite when ŷ saturates at 0 or 1.
"""

from __future__ import annotations

import numpy as np

from .activations import Activation, get_activation


def _softplus(z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) without overflow."""
    return np.maximum(z, 0.0) + np.log1p(np.exp(-np.abs(z)))


def _logsumexp(z: np.ndarray) -> np.ndarray:
    m = z.max(axis=-1, keepdims=True)
    return (m + np.log(np.exp(z - m).sum(axis=-1, keepdims=True)))[..., 0]


class Loss:
    name: str = ""
    label: str = ""
    #: output activations this loss is defined for (None: any)
    outputs: tuple[str, ...] | None = None
    #: the output activation with which σ'/softmax' cancels in δ
    fused_with: str | None = None

    def value(self, y_hat: np.ndarray, y: np.ndarray, z: np.ndarray | None = None) -> float:
        """Mean over data points of the per-point loss."""
        return float(self.per_point(y_hat, y, z).mean())

    def per_point(self, y_hat, y, z=None) -> np.ndarray:
        raise NotImplementedError

    def der(self, y_hat: np.ndarray, y: np.ndarray) -> np.ndarray:
        """∂E/∂ŷ for the batch-mean loss (same shape as ŷ)."""
        raise NotImplementedError

    def delta(self, z, y_hat, y, activation: Activation) -> np.ndarray:
        """The output layer's error term ∂E/∂z."""
        if activation.name == self.fused_with:
            return (y_hat - y) / y.shape[0]
        return activation.backward(z, y_hat, self.der(y_hat, y))

    def check_output(self, activation: Activation) -> None:
        if self.outputs is not None and activation.name not in self.outputs:
            raise ValueError(
                f"The {self.label} loss needs an output activation of "
                f"{' or '.join(self.outputs)} (predictions between 0 and 1); the output layer "
                f"uses {activation.name}. Change the output activation or use squared_error."
            )

    def __repr__(self) -> str:
        return f"Loss({self.name!r})"


class SquaredError(Loss):
    name, label = "squared_error", "squared error ½(y − ŷ)²"

    def per_point(self, y_hat, y, z=None):
        return 0.5 * ((y - y_hat) ** 2).sum(axis=-1)

    def der(self, y_hat, y):
        # ∂/∂ŷ of ½(y − ŷ)² is −(y − ŷ) = ŷ − y.
        return (y_hat - y) / y.shape[0]


class BinaryCrossEntropy(Loss):
    """−[y log ŷ + (1 − y) log(1 − ŷ)], summed over output neurons (each a yes/no)."""

    name, label = "binary_cross_entropy", "binary cross-entropy"
    outputs = ("sigmoid",)
    fused_with = "sigmoid"
    _eps = 1e-12

    def per_point(self, y_hat, y, z=None):
        if z is not None:  # from the weighted sum: exact and finite for any z
            return (_softplus(z) - y * z).sum(axis=-1)
        p = np.clip(y_hat, self._eps, 1 - self._eps)
        return -(y * np.log(p) + (1 - y) * np.log1p(-p)).sum(axis=-1)

    def der(self, y_hat, y):
        p = np.clip(y_hat, self._eps, 1 - self._eps)
        return (p - y) / (p * (1 - p)) / y.shape[0]


class CategoricalCrossEntropy(Loss):
    """−Σ_k y_k log ŷ_k with softmax outputs (one-hot y)."""

    name, label = "categorical_cross_entropy", "categorical cross-entropy"
    outputs = ("softmax",)
    fused_with = "softmax"
    _eps = 1e-300

    def per_point(self, y_hat, y, z=None):
        if z is not None:  # log softmax = z − logsumexp(z)
            return (y * (_logsumexp(z)[..., None] - z)).sum(axis=-1)
        return -(y * np.log(np.maximum(y_hat, self._eps))).sum(axis=-1)

    def der(self, y_hat, y):
        return -y / np.maximum(y_hat, self._eps) / y.shape[0]

    def delta(self, z, y_hat, y, activation):
        if activation.name == "softmax":
            # General form y_hat·Σy − y; equals y_hat − y for one-hot rows.
            return (y_hat * y.sum(axis=-1, keepdims=True) - y) / y.shape[0]
        return super().delta(z, y_hat, y, activation)


LOSSES: dict[str, Loss] = {
    loss.name: loss for loss in (SquaredError(), BinaryCrossEntropy(), CategoricalCrossEntropy())
}
LOSS_NAMES = ("squared_error", "cross_entropy", *LOSSES.keys() - {"squared_error"})


def get_loss(name: str | Loss, output_activation: str | Activation | None = None) -> Loss:
    """The loss by name. ``cross_entropy`` picks binary or categorical by the output activation."""
    if isinstance(name, Loss):
        loss = name
    else:
        key = str(name).lower()
        if key == "cross_entropy":
            act = get_activation(output_activation) if output_activation is not None else None
            key = "categorical_cross_entropy" if act and act.name == "softmax" else (
                "binary_cross_entropy")
        try:
            loss = LOSSES[key]
        except KeyError:
            raise ValueError(
                f"Unknown loss {name!r}: choose squared_error or cross_entropy "
                f"(or {', '.join(k for k in LOSSES if k != 'squared_error')})."
            ) from None
    if output_activation is not None:
        loss.check_output(get_activation(output_activation))
    return loss
