"""Activation functions f, each with its derivative f' beside it.

A layer computes the weighted sum z = X @ W + b, then its activation y = f(z). Backpropagation
needs f'(z); for the elementwise activations it is written in terms of z and y = f(z) (whichever
is cheaper: σ' = y(1 - y), tanh' = 1 - y²). Softmax is not elementwise: its backward pass is a
vector-Jacobian product, kept beside its forward pass in the same way.

``output`` and ``der`` take an optional ``out`` array (as NumPy ufuncs do) so the training loop
can reuse its arrays every epoch; the numbers are the same either way.
"""

from __future__ import annotations

import numpy as np


class Activation:
    """An activation: ``output(z)`` is f(z), ``der(z, y)`` is f'(z) given y = f(z)."""

    name: str = ""
    label: str = ""
    elementwise: bool = True

    def output(self, z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def der(self, z: np.ndarray, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        raise NotImplementedError

    def backward(self, z: np.ndarray, y: np.ndarray, grad_y: np.ndarray) -> np.ndarray:
        """∂E/∂z from ∂E/∂y (chain rule through this activation)."""
        return grad_y * self.der(z, y)

    def __repr__(self) -> str:
        return f"Activation({self.name!r})"


class Sigmoid(Activation):
    name, label = "sigmoid", "Sigmoid σ(z) = 1 / (1 + e^(-z))"

    def output(self, z, out=None):
        # Stable: σ(z) = e^min(z, 0) / (1 + e^-|z|), the same as 1 / (1 + e^-z) for z ≥ 0 and
        # e^z / (1 + e^z) for z < 0, and neither exponent is ever positive, so nothing overflows.
        # −|z| as a multiplication by −1: NumPy 2.4's in-place np.negative miscomputes strided
        # views with a 64-byte row stride and one column (e.g. a[:, 0:1] of an (n, 8) array).
        denominator = np.exp(np.multiply(np.abs(z, out=out), -1.0, out=out), out=out)
        denominator += 1.0
        return np.divide(np.exp(np.minimum(z, 0.0)), denominator, out=out)

    def der(self, z, y, out=None):
        return np.multiply(y, np.subtract(1.0, y, out=out), out=out)


class Tanh(Activation):
    name, label = "tanh", "tanh(z)"

    def output(self, z, out=None):
        return np.tanh(z, out=out)

    def der(self, z, y, out=None):
        return np.subtract(1.0, np.multiply(y, y, out=out), out=out)


class ReLU(Activation):
    name, label = "relu", "ReLU max(0, z)"

    def output(self, z, out=None):
        return np.maximum(z, 0.0, out=out)

    def der(self, z, y, out=None):
        # The kink at z = 0 gets derivative 0 (the usual convention).
        if out is None:
            return (z > 0).astype(z.dtype)
        return np.greater(z, 0, out=out)


class Linear(Activation):
    name, label = "linear", "Linear (identity) f(z) = z"

    def output(self, z, out=None):
        if out is None:
            return z
        np.copyto(out, z)
        return out

    def der(self, z, y, out=None):
        if out is None:
            return np.ones_like(z)
        out.fill(1)
        return out

    def backward(self, z, y, grad_y):
        return grad_y


class Softmax(Activation):
    """Softmax over the neurons of a layer (row-wise): y_k = e^{z_k} / Σ_m e^{z_m}."""

    name, label = "softmax", "Softmax e^(z_k) / Σ_m e^(z_m)"
    elementwise = False

    def output(self, z, out=None):
        shifted = z - z.max(axis=-1, keepdims=True)  # no overflow
        e = np.exp(shifted)
        return np.divide(e, e.sum(axis=-1, keepdims=True), out=out)

    def der(self, z, y, out=None):
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
