"""A fully connected network: weighted sum → activation per layer; backprop by the chain rule.

Conventions (the notes'): data points are the rows of X (X[i, j]: point i, feature j). Layer l
has weights W of shape (n_in, n_out) and bias b of shape (n_out,); it computes the weighted sum
z = y_prev @ W + b and its activation y = f(z). The input X plays the part of y_0.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, Activation, get_activation
from .losses import Loss, get_loss

MAX_LAYER_SIZE = 4096


@dataclass
class ForwardPass:
    """Every intermediate number of one forward pass.

    ``ys[0]`` is the input X; for layer l (1-based, as the pages count them) ``zs[l-1]`` is its
    weighted sum and ``ys[l]`` its activation. ``ys[-1]`` is the prediction ŷ.
    """

    zs: list[np.ndarray]
    ys: list[np.ndarray]

    @property
    def output(self) -> np.ndarray:
        return self.ys[-1]


@dataclass
class Backprop:
    """The result of backpropagation for a batch.

    ``deltas[l]`` is the error term δ = ∂E/∂z of layer l+1 (shape (n, n_out)); ``grads[l]`` is
    that layer's (∂E/∂W, ∂E/∂b), where ∂E/∂W = y_prevᵀ δ and ∂E/∂b = Σ_i δ_i.
    """

    forward: ForwardPass
    deltas: list[np.ndarray]
    grads: list[tuple[np.ndarray, np.ndarray]]
    loss: float


@dataclass
class Network:
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    activations: list[Activation] = field(default_factory=list)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_weights(cls, weights, biases, activations, dtype=np.float64) -> Network:
        """A network from explicit matrices (W of shape (n_in, n_out), b of shape (n_out,))."""
        weights = [_as_matrix(w, f"weights[{i}]", dtype) for i, w in enumerate(weights)]
        if not weights:
            raise ValueError("A network needs at least one layer of weights.")
        if biases is None:
            biases = [np.zeros(w.shape[1]) for w in weights]
        if len(biases) != len(weights):
            raise ValueError(
                f"Got {len(weights)} weight matrices but {len(biases)} bias vectors: "
                "give one bias vector per layer."
            )
        biases = [np.array(b, dtype=dtype).reshape(-1) for b in biases]
        acts = _activation_list(activations, len(weights))
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.shape[0] == 0 or w.shape[1] == 0:
                raise ValueError(
                    f"Layer {i + 1} is empty (weights of shape {w.shape}): every layer needs at "
                    "least one input and one neuron."
                )
            if b.shape != (w.shape[1],):
                raise ValueError(
                    f"biases[{i}] has {b.size} entries but layer {i + 1} has {w.shape[1]} "
                    "neurons: give one bias per neuron."
                )
            if i and weights[i - 1].shape[1] != w.shape[0]:
                raise ValueError(
                    f"weights[{i}] has {w.shape[0]} rows but layer {i} has "
                    f"{weights[i - 1].shape[1]} neurons: rows must equal the previous layer's size."
                )
            if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
                raise ValueError(f"Layer {i + 1} has a NaN or infinite weight or bias.")
        return cls(weights, biases, acts)

    @classmethod
    def init(cls, sizes, activations="sigmoid", seed=0, dtype=np.float64) -> Network:
        """Random weights for layer sizes [n_in, n_hidden…, n_out], reproducible by seed.

        Scaled to the activation so early signals neither vanish nor explode: He (√(2/n_in)) for
        ReLU, Glorot/Xavier (√(2/(n_in+n_out)), ×4 for sigmoid) otherwise. Biases start at 0.
        """
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2:
            raise ValueError("Give at least two layer sizes: inputs and outputs, e.g. [2, 1].")
        for s in sizes:
            if s < 1:
                raise ValueError(f"Layer sizes must be at least 1 (got {sizes}); no empty layers.")
            if s > MAX_LAYER_SIZE:
                raise ValueError(f"Layer sizes are capped at {MAX_LAYER_SIZE} (got {s}).")
        acts = _activation_list(activations, len(sizes) - 1)
        rng = np.random.default_rng(seed)
        weights, biases = [], []
        for n_in, n_out, act in zip(sizes[:-1], sizes[1:], acts, strict=True):
            if act.name == "relu":
                scale = np.sqrt(2.0 / n_in)
            else:
                scale = np.sqrt(2.0 / (n_in + n_out)) * (4.0 if act.name == "sigmoid" else 1.0)
            weights.append((rng.standard_normal((n_in, n_out)) * scale).astype(dtype))
            biases.append(np.zeros(n_out, dtype=dtype))
        return cls(weights, biases, acts)

    def copy(self) -> Network:
        return Network([w.copy() for w in self.weights], [b.copy() for b in self.biases],
                       list(self.activations))

    def astype(self, dtype) -> Network:
        return Network([w.astype(dtype) for w in self.weights],
                       [b.astype(dtype) for b in self.biases], list(self.activations))

    # ----------------------------------------------------------------- shape facts
    @property
    def sizes(self) -> list[int]:
        return [self.weights[0].shape[0]] + [w.shape[1] for w in self.weights]

    @property
    def n_layers(self) -> int:
        return len(self.weights)

    @property
    def n_params(self) -> int:
        return sum(w.size + b.size for w, b in zip(self.weights, self.biases, strict=True))

    @property
    def dtype(self):
        return self.weights[0].dtype

    @property
    def activation_names(self) -> list[str]:
        return [a.name for a in self.activations]

    # ----------------------------------------------------------------- forward
    def forward_pass(self, X) -> ForwardPass:
        """Weighted sums and activations of every layer (see ForwardPass)."""
        X = self._check_X(X)
        zs, ys = [], [X]
        for W, b, act in zip(self.weights, self.biases, self.activations, strict=True):
            z = ys[-1] @ W + b
            zs.append(z)
            ys.append(act.output(z))
        return ForwardPass(zs, ys)

    def forward(self, X) -> np.ndarray:
        """The prediction ŷ (shape (n, n_out))."""
        return self.forward_pass(X).output

    def predict_classes(self, X, encoding: str | None = None) -> np.ndarray:
        """Class indices from the outputs (see ``datasets.decode``)."""
        from .datasets import decode

        return decode(self.forward(X), encoding)

    # ----------------------------------------------------------------- loss and gradients
    def loss(self, X, Y, loss: str | Loss = "squared_error") -> float:
        fp = self.forward_pass(X)
        Y = self._check_Y(Y, fp.output)
        return self._loss(loss).value(fp.output, Y, fp.zs[-1])

    def backprop(self, X, Y, loss: str | Loss = "squared_error") -> Backprop:
        """Forward pass, loss, error terms δ and gradients, with every intermediate kept."""
        loss_fn = self._loss(loss)
        fp = self.forward_pass(X)
        Y = self._check_Y(Y, fp.output)
        # Output layer: δ = ∂E/∂ŷ · f'(z) (fused where f' cancels).
        delta = loss_fn.delta(fp.zs[-1], fp.output, Y, self.activations[-1])
        deltas: list[np.ndarray] = [delta]
        grads: list[tuple[np.ndarray, np.ndarray]] = []
        for layer in range(self.n_layers - 1, -1, -1):
            y_prev = fp.ys[layer]
            grads.append((y_prev.T @ delta, delta.sum(axis=0)))
            if layer:
                # Hidden layer: δ_prev = (δ Wᵀ) · f'(z_prev): the sum over the next layer's neurons.
                act = self.activations[layer - 1]
                delta = act.backward(fp.zs[layer - 1], y_prev, delta @ self.weights[layer].T)
                deltas.append(delta)
        deltas.reverse()
        grads.reverse()
        return Backprop(fp, deltas, grads, loss_fn.value(fp.output, Y, fp.zs[-1]))

    def gradients(self, X, Y, loss: str | Loss = "squared_error"):
        """One (∂E/∂W, ∂E/∂b) per layer, shaped like the weights and biases."""
        return self.backprop(X, Y, loss).grads

    def apply_gradients(self, grads, lr: float, l2: float = 0.0) -> None:
        """Gradient descent step w ← w − η (∂E/∂w + λ w), in place."""
        for W, b, (dW, db) in zip(self.weights, self.biases, grads, strict=True):
            if l2:
                W *= 1.0 - lr * l2
            W -= lr * dW
            b -= lr * db

    # ----------------------------------------------------------------- (de)serialisation
    def to_dict(self) -> dict:
        return {
            "sizes": self.sizes,
            "activations": self.activation_names,
            "weights": [w.tolist() for w in self.weights],
            "biases": [b.tolist() for b in self.biases],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    @classmethod
    def from_dict(cls, data: dict) -> Network:
        try:
            return cls.from_weights(data["weights"], data["biases"], data["activations"])
        except (KeyError, TypeError) as exc:
            raise ValueError(
                "A network needs 'weights', 'biases' and 'activations' entries."
            ) from exc

    # ----------------------------------------------------------------- validation
    def _loss(self, loss) -> Loss:
        return get_loss(loss, self.activations[-1])

    def _check_X(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=self.dtype)
        if X.ndim == 1:
            X = X.reshape(1, -1)
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X must have shape (n_points, {self.sizes[0]}): one row per data point, one "
                f"column per feature; got shape {X.shape}."
            )
        if not np.all(np.isfinite(X)):
            raise ValueError("X contains NaN or infinite values: remove or fill those points.")
        return X

    def _check_Y(self, Y, y_hat) -> np.ndarray:
        Y = np.asarray(Y, dtype=self.dtype)
        if Y.ndim == 1 and y_hat.shape[1] == 1:
            Y = Y.reshape(-1, 1)
        elif Y.ndim == 1 and y_hat.shape[0] == 1:
            Y = Y.reshape(1, -1)
        if Y.shape != y_hat.shape:
            raise ValueError(
                f"Y must have shape {y_hat.shape} (one row per data point, one column per output "
                f"neuron); got shape {Y.shape}. Encode class labels with "
                "nn_core.datasets.encode first."
            )
        if not np.all(np.isfinite(Y)):
            raise ValueError("Y contains NaN or infinite values: remove or fill those points.")
        return Y


def _as_matrix(w, what: str, dtype) -> np.ndarray:
    try:
        w = np.array(w, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a matrix of numbers ({exc}).") from None
    if w.ndim != 2:
        raise ValueError(f"{what} must be a 2-D matrix of shape (n_in, n_out); got {w.shape}.")
    return w


def _activation_list(activations, n_layers: int) -> list[Activation]:
    """One activation per layer. A single name applies to every layer; a pair (hidden, output)
    applies the first to every hidden layer."""
    if isinstance(activations, (str, Activation)):
        names = [activations] * n_layers
    else:
        names = list(activations)
        if len(names) == 2 and n_layers != 2:
            names = [names[0]] * (n_layers - 1) + [names[1]]
    if len(names) != n_layers:
        raise ValueError(
            f"Give one activation per layer ({n_layers}), a single name for all, or a "
            f"(hidden, output) pair; got {len(names)}."
        )
    acts = [get_activation(n) for n in names]
    for a in acts[:-1]:
        if not a.elementwise:  # softmax couples a layer's neurons: the output layer only
            raise ValueError(
                f"{a.name} can only be the output activation; hidden layers use "
                f"{', '.join(HIDDEN_ACTIVATIONS)}."
            )
    return acts
