"""Activation functions f, each with its derivative f' beside it.

A layer computes the weighted sum z = X @ W + b, then its activation y = f(z). Backpropagation
needs f'(z); for the elementwise activations it is written in terms of z and y = f(z) (whichever
is cheaper: σ' = y(1 - y), tanh' = 1 - y²). Softmax is not elementwise: its backward pass is a
vector-Jacobian product, kept beside its forward pass in the same way.
"""

from __future__ import annotations

import numpy as np


class Activation:
    """An activation: ``output(z)`` is f(z), ``der(z, y)`` is f'(z) given y = f(z)."""

    name: str = ""
    label: str = ""
    elementwise: bool = True

    def output(self, z: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def der(self, z: np.ndarray, y: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def backward(self, z: np.ndarray, y: np.ndarray, grad_y: np.ndarray) -> np.ndarray:
        """∂E/∂z from ∂E/∂y (chain rule through this activation)."""
        return grad_y * self.der(z, y)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    name, label = "sigmoid", "Sigmoid σ(z) = 1 / (1 + e^(-z))"

    def output(self, z):
        # Stable: e^(-|z|) never overflows, for either sign of z.
        e = np.exp(-np.abs(z))
        return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))

    def der(self, z, y):
        return y * (1.0 - y)


class Tanh(Activation):
    name, label = "tanh", "tanh(z)"

    def output(self, z):
        return np.tanh(z)

    def der(self, z, y):
        return 1.0 - y * y


class ReLU(Activation):
    name, label = "relu", "ReLU max(0, z)"

    def output(self, z):
        return np.maximum(z, 0.0)

    def der(self, z, y):
        # The kink at z = 0 gets derivative 0 (the usual convention).
        return (z > 0).astype(z.dtype)


class Linear(Activation):
    name, label = "linear", "Linear (identity) f(z) = z"

    def output(self, z):
        return z

    def der(self, z, y):
        return np.ones_like(z)

    def backward(self, z, y, grad_y):
        return grad_y


class Softmax(Activation):
    """Softmax over the neurons of a layer (row-wise): y_k = e^{z_k} / Σ_m e^{z_m}."""

    name, label = "softmax", "Softmax e^(z_k) / Σ_m e^(z_m)"
    elementwise = False

    def output(self, z):
        shifted = z - z.max(axis=-1, keepdims=True)  # no overflow
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)

    def der(self, z, y):
        """The Jacobian ∂y_k/∂z_m = y_k (δ_km − y_m), one (k, m) matrix per data point."""
        eye = np.eye(y.shape[-1], dtype=y.dtype)
        return y[..., :, None] * (eye - y[..., None, :])

    def backward(self, z, y, grad_y):
        # Jacobian-vector product without building the Jacobian.
        return y * (grad_y - (grad_y * y).sum(axis=-1, keepdims=True))


ACTIVATIONS: dict[str, Activation] = {
    a.name: a for a in (Sigmoid(), Tanh(), ReLU(), Linear(), Softmax())
}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")


def get_activation(name: str | Activation) -> Activation:
    if isinstance(name, Activation):
        return name
    try:
        return ACTIVATIONS[str(name).lower()]
    except KeyError:
        raise ValueError(
            f"Unknown activation {name!r}: choose one of {', '.join(ACTIVATIONS)}."
        ) from None


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Stable logistic sigmoid (used by losses computed from the weighted sum)."""
    return ACTIVATIONS["sigmoid"].output(np.asarray(z, dtype=float))
