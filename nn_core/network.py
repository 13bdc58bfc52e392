"""A fully connected network: weighted sum → activation per layer; backprop by the chain rule.

Conventions (the notes'): data points are the rows of X (X[i, j]: point i, feature j). Layer l
has weights W of shape (n_in, n_out) and bias b of shape (n_out,); it computes the weighted sum
z = y_prev @ W + b and its activation y = f(z). The input X plays the part of y_0.

The forward pass and backpropagation are written once, in ``Workspace`` (into arrays allocated
once, reused by ``train`` every epoch); ``Network.forward_pass``, ``loss`` and ``backprop`` run
one pass of it and return its numbers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, Activation, get_activation
from .datasets import decode
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
        ws = Workspace(self, None, X.shape[0], backward=False).load(X)
        ws.forward(Params(self))
        return ws.forward_record()

    def forward(self, X) -> np.ndarray:
        """The prediction ŷ (shape (n, n_out))."""
        return self.forward_pass(X).output

    def predict_classes(self, X, encoding: str | None = None) -> np.ndarray:
        """Class indices from the outputs (see ``datasets.decode``)."""
        return decode(self.forward(X), encoding)

    # ----------------------------------------------------------------- loss and gradients
    def loss(self, X, Y, loss: str | Loss = "squared_error") -> float:
        X = self._check_X(X)
        Y = self._check_Y(Y, np.empty((X.shape[0], self.sizes[-1])))
        fp = self.forward_pass(X)
        # The Loss's own value (train's fused loop sums the same numbers in another order).
        return self._loss(loss).value(fp.output, Y, fp.zs[-1])

    def backprop(self, X, Y, loss: str | Loss = "squared_error") -> Backprop:
        """Forward pass, loss, error terms δ and gradients, with every intermediate kept (the
        same ``Workspace`` pass that ``train`` runs every epoch)."""
        loss_fn = self._loss(loss)
        X = self._check_X(X)
        Y = self._check_Y(Y, np.empty((X.shape[0], self.sizes[-1])))
        ws = Workspace(self, loss_fn, X.shape[0]).load(X, Y)
        params = Params(self)
        ws.forward(params)
        ws.backward(params)
        grads = [(g[:-1], g[-1]) for g in params.grad_layers]  # views: params is this call's
        fp = ws.forward_record()
        return Backprop(fp, [d.T for d in ws.delta], grads,
                        loss_fn.value(fp.output, Y, fp.zs[-1]))

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


class Params:
    """A copy of every weight and bias of a network in one flat array (``train``'s gradient step
    is then one array operation). ``store`` writes the numbers back into the network's own arrays.

    Layer l's part is the (n_in + 1, n_out) matrix [W; b]: the bias is the weight on an extra
    input that is always 1, so a layer's weighted sum z = y_prev W + b is one matrix product.
    """

    def __init__(self, net: Network):
        self.shapes = [(w.shape[0] + 1, w.shape[1]) for w in net.weights]
        self.values = np.empty(sum(r * c for r, c in self.shapes), net.dtype)
        self.grads = np.empty_like(self.values)
        self.layers = self.split(self.values)  # [W; b] per layer, views into values
        self.grad_layers = self.split(self.grads)  # [∂E/∂W; ∂E/∂b] per layer
        self.weights = [Wb[:-1] for Wb in self.layers]  # views without the bias row
        for Wb, W, b in zip(self.layers, net.weights, net.biases, strict=True):
            Wb[:-1], Wb[-1] = W, b

    def split(self, flat: np.ndarray) -> list[np.ndarray]:
        """A flat array of this size as one (n_in + 1, n_out) view per layer."""
        views, start = [], 0
        for r, c in self.shapes:
            views.append(flat[start:start + r * c].reshape(r, c))
            start += r * c
        return views

    def load(self, net: Network) -> bool:
        """Copy the network's weights in; True if they differed from the ones held here."""
        changed = False
        for Wb, W, b in zip(self.layers, net.weights, net.biases, strict=True):
            if not (np.array_equal(Wb[:-1], W) and np.array_equal(Wb[-1], b)):
                Wb[:-1], Wb[-1] = W, b
                changed = True
        return changed

    def store(self, net: Network) -> None:
        for Wb, W, b in zip(self.layers, net.weights, net.biases, strict=True):
            np.copyto(W, Wb[:-1])
            np.copyto(b, Wb[-1])


class Workspace:
    """The one forward and backward pass (backpropagation) of nn_core, into arrays for a fixed
    number m of data points that are allocated once: ``train`` reuses them every epoch
    (reallocating them is what made a plain loop slow), ``Network.backprop`` and
    ``forward_pass`` make one for a single pass and hand its arrays out.

    Arrays are stored transposed, one column per data point, so each layer's activations are
    contiguous rows: ``a[l]`` holds layer l's activations (``a[0]``: the inputs) and, in its
    last row, the constant 1 that multiplies the bias.
    """

    def __init__(self, net: Network, loss_fn: Loss | None, m: int, backward: bool = True):
        dtype, sizes = net.dtype, net.sizes
        self.m, self.loss_fn, self.acts = m, loss_fn, net.activations
        self.out_act = net.activations[-1]
        self.a = [np.empty((k + 1, m), dtype) for k in sizes]
        for a in self.a:
            a[-1] = 1.0  # the input that multiplies the bias
        self.y = [a[:-1] for a in self.a]  # activations without the row of ones
        self.z = [np.empty((k, m), dtype) for k in sizes[1:]]  # weighted sums
        self.target = np.empty((sizes[-1], m), dtype)
        self.diff = np.empty_like(self.target)
        self.backward_ready = backward
        if backward:
            self.delta = [np.empty((k, m), dtype) for k in sizes[1:]]  # error terms δ = ∂E/∂z
            self.der = [np.empty((k, m), dtype) for k in sizes[1:]]  # f'(z)
        self.encoding = None

    def load(self, X: np.ndarray, Y: np.ndarray | None = None,
             encoding: str | None = None) -> Workspace:
        """Hold the data set X, Y (and its class labels, for the accuracy); Y None: inputs only."""
        self.y[0][...] = X.T
        if Y is not None:
            self.target[...] = Y.T
        self.encoding = encoding
        if encoding is not None:
            self.labels = decode(Y, encoding)
            if encoding == "binary":
                self.labels = self.labels.astype(bool)
            self.correct = np.empty(self.m, bool)
        return self

    def take(self, full: Workspace, idx: np.ndarray) -> None:
        """Load the points ``idx`` of ``full``'s data (a mini-batch)."""
        np.take(full.y[0], idx, axis=1, out=self.y[0])
        np.take(full.target, idx, axis=1, out=self.target)

    def forward(self, params: Params) -> float | None:
        """Weighted sums and activations of every layer; returns the loss (mean over points) and,
        if this workspace does backward passes, leaves the output layer's error term in δ
        (without a loss: the activations only, and None)."""
        for l, (Wb, act) in enumerate(zip(params.layers, self.acts, strict=True)):
            np.matmul(Wb.T, self.a[l], out=self.z[l])  # weighted sum z = Wᵀ y_prev + b
            act.output(self.z[l].T, out=self.y[l + 1].T)  # activation y = f(z), per point
        return None if self.loss_fn is None else self._output_layer()

    def _output_layer(self) -> float:
        loss_fn, act, m = self.loss_fn, self.out_act, self.m
        y_hat, y, z = self.y[-1], self.target, self.z[-1]
        if loss_fn.name == "squared_error" and act.elementwise:
            diff = np.subtract(y_hat, y, out=self.diff)
            # mean over points of Σ_k ½(ŷ_k − y_k)² (NaN for no points, as a mean of nothing)
            value = 0.5 * float(np.vdot(diff, diff)) / m if m else float("nan")
            if self.backward_ready:
                delta = np.divide(diff, m, out=self.delta[-1])  # ∂E/∂ŷ = (ŷ − y)/n
                if act.name != "linear":  # δ = ∂E/∂ŷ · f'(z)
                    delta *= act.der(z, y_hat, out=self.der[-1])
            return value
        value = loss_fn.value(y_hat.T, y.T, z.T)
        if self.backward_ready:
            if loss_fn.fused_with == act.name == "sigmoid":
                np.divide(np.subtract(y_hat, y, out=self.delta[-1]), m, out=self.delta[-1])
            else:
                self.delta[-1][...] = loss_fn.delta(z.T, y_hat.T, y.T, act).T
        return value

    def backward(self, params: Params) -> None:
        """Every layer's gradient [∂E/∂W; ∂E/∂b] into ``params.grads``, from the output layer's
        error term δ left by ``forward``."""
        for l in range(len(self.z) - 1, -1, -1):
            delta = self.delta[l]
            # ∂E/∂W = y_prev δᵀ, and ∂E/∂b = Σ_points δ from the row of ones, in one product.
            np.matmul(self.a[l], delta.T, out=params.grad_layers[l])
            if l:
                # Chain rule into hidden layer l: δ_prev = (W δ) · f'(z_prev), the sum over the
                # next layer's neurons times the activation's derivative.
                W = params.weights[l]
                if W.shape[1] == 1:  # one neuron: W δ is an outer product, cheaper elementwise
                    prev = np.multiply(W, delta, out=self.delta[l - 1])
                else:
                    prev = np.matmul(W, delta, out=self.delta[l - 1])
                act = self.acts[l - 1]
                if act.name != "linear":
                    prev *= act.der(self.z[l - 1], self.y[l], out=self.der[l - 1])

    def forward_record(self) -> ForwardPass:
        """This pass's weighted sums and activations, one row per data point (views)."""
        return ForwardPass([z.T for z in self.z], [y.T for y in self.y])

    def accuracy(self) -> float | None:
        """Fraction of points whose decoded output is the right class (None for regression)."""
        if self.encoding is None:
            return None
        if self.encoding == "binary":  # decode's threshold, without converting the outputs
            np.greater_equal(self.y[-1][0], 0.5, out=self.correct)
            np.equal(self.correct, self.labels, out=self.correct)
            return np.count_nonzero(self.correct) / self.m
        return float(np.mean(decode(self.y[-1].T, self.encoding) == self.labels))
