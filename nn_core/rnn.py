"""A recurrent network (RNN): the same weights at every time step, and backprop through time.

One step, in the notes' row convention (z = x W + b)::

    z_t = x_t W_x + h_{t−1} W_h + b_h,   h_t = f(z_t),   ŷ_t = h_t W_y + b_y,   h_0 = 0

Unrolled over T steps it is a T-layer network whose layers all share W_x, W_h, b_h (the
comment under the notes: "just NN of fixed parameters at each hidden" step). Backpropagation
through time (BPTT) is backprop on that unrolled network: the error term of step t,
δ_t = ∂E/∂z_t, collects ∂E_t/∂h_t from its own output and δ_{t+1} W_hᵀ from the step after it;
each shared weight's gradient is the sum of its uses, ∂E/∂W_h = Σ_t h_{t−1}ᵀ δ_t.

``gradient_flow(xs)`` is the product the vanishing/exploding-gradient story is about:
∂h_T/∂h_t = Π_{k=t+1..T} ∂h_k/∂h_{k−1}, with ∂h_k/∂h_{k−1} = diag(f'(z_k)) W_hᵀ.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .activations import HIDDEN_ACTIVATIONS, Activation, get_activation
from .sequences import (
    Recurrent,
    as_weight,
    check_clip,
    check_size,
    clip_by_norm,
    squeeze,
    sum_of_outer,
)

PARAM_NAMES = ("W_x", "W_h", "b_h", "W_y", "b_y")
MAX_FLOW_ENTRIES = 2_000_000  # T · n_h² numbers kept by gradient_flow (16 MB per array)


@dataclass
class RNNRun:
    """Every number of a forward pass: ``z`` the weighted sums, ``h`` the hidden states (h_1 …
    h_T; h_0 = 0 is not stored), ``y`` the outputs ŷ. Shapes (T, ·) for one sequence, (N, T, ·)
    for a batch."""

    x: np.ndarray
    z: np.ndarray
    h: np.ndarray
    y: np.ndarray


@dataclass
class BPTT:
    """Backpropagation through time for one sequence or a batch.

    ``delta[t]`` is the error term δ_t = ∂E/∂z_t; ``dh[t]`` is ∂E/∂h_t (from ŷ_t and from the
    later steps). ``per_step[name][t]`` is step t's term in the sum that makes ``grads[name]``
    (the use of the shared weight at step t: for W_h, h_{t−1}ᵀ δ_t), so the page can show each
    step's contribution; ``grads[name] == per_step[name].sum(0)``. ``grad_norm`` is ‖g‖ before
    clipping, ``clipped`` whether ``grads`` were rescaled.
    """

    forward: RNNRun
    loss: float
    delta: np.ndarray
    dh: np.ndarray
    grads: dict[str, np.ndarray]
    per_step: dict[str, np.ndarray] = field(default_factory=dict)
    grad_norm: float = 0.0
    clipped: bool = False


@dataclass
class GradientFlow:
    """∂h_T/∂h_t (or, for the LSTM, the cell path ∂c_T/∂c_t) for t = T, T−1, …, 1.

    ``t[k]`` is the time step, ``gap[k] = T − t``, ``norms[k]`` the size of the product (the
    spectral norm of the Jacobian; for a diagonal product the largest |entry|), ``factors[k]``
    the last factor multiplied in (∂h_{t+1}/∂h_t; identity at t = T), ``products[k]`` the
    product itself.
    """

    t: np.ndarray
    gap: np.ndarray
    norms: np.ndarray
    products: np.ndarray
    factors: np.ndarray


class RNN(Recurrent):
    """h_t = f(x_t W_x + h_{t−1} W_h + b_h), ŷ_t = h_t W_y + b_y (see the module docstring)."""

    def __init__(self, W_x, W_h, b_h, W_y, b_y, activation: str | Activation = "tanh"):
        self.W_x, self.W_h, self.b_h, self.W_y, self.b_y = W_x, W_h, b_h, W_y, b_y
        self.activation = get_activation(activation)

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_weights(cls, W_x, W_h, b_h, W_y, b_y, activation="tanh") -> RNN:
        """An RNN from explicit weights: W_x (n_in, n_h), W_h (n_h, n_h), b_h (n_h,),
        W_y (n_h, n_out), b_y (n_out,). A 1-unit cell may give scalars."""
        act = get_activation(activation)
        if act.name not in HIDDEN_ACTIVATIONS:
            raise ValueError(f"The hidden state's activation must be one of "
                             f"{', '.join(HIDDEN_ACTIVATIONS)} (got {act.name}).")
        # Sizes from the biases (a scalar bias: one unit); the weights must then fit them.
        n_h = check_size(np.size(b_h), "The number of hidden units n_h (entries of b_h)")
        n_out = check_size(np.size(b_y), "The number of outputs n_out (entries of b_y)")
        n_in = check_size(np.size(W_x) // n_h or 1, "The number of inputs n_in (rows of W_x)")
        return cls(
            as_weight(W_x, "W_x", (n_in, n_h)),
            as_weight(W_h, "W_h", (n_h, n_h)),
            as_weight(b_h, "b_h", (n_h,)),
            as_weight(W_y, "W_y", (n_h, n_out)),
            as_weight(b_y, "b_y", (n_out,)),
            act,
        )

    @classmethod
    def init(cls, n_in, n_h, n_out, seed=0, activation="tanh") -> RNN:
        """Random weights, reproducible by seed: Glorot-scaled W_x, W_y; W_h scaled by 1/√n_h
        so that its products neither vanish nor explode at the start; biases 0."""
        n_in = check_size(n_in, "The number of inputs n_in")
        n_h = check_size(n_h, "The number of hidden units n_h")
        n_out = check_size(n_out, "The number of outputs n_out")
        rng = np.random.default_rng(seed)
        return cls.from_weights(
            rng.standard_normal((n_in, n_h)) * np.sqrt(2.0 / (n_in + n_h)),
            rng.standard_normal((n_h, n_h)) / np.sqrt(n_h),
            np.zeros(n_h),
            rng.standard_normal((n_h, n_out)) * np.sqrt(2.0 / (n_h + n_out)),
            np.zeros(n_out),
            activation,
        )

    def to_dict(self) -> dict:
        return {**super().to_dict(), "activation": self.activation.name}

    @classmethod
    def from_dict(cls, data: dict) -> RNN:
        """The inverse of ``to_dict`` (weights as nested lists, the activation's name)."""
        try:
            return cls.from_weights(*(data[k] for k in PARAM_NAMES),
                                    activation=data.get("activation", "tanh"))
        except (KeyError, TypeError):
            raise ValueError(f"An RNN needs the entries {', '.join(PARAM_NAMES)} (and "
                             "optionally 'activation').") from None

    def copy(self) -> RNN:
        return RNN(*(w.copy() for w in self.params().values()), self.activation)

    def params(self) -> dict[str, np.ndarray]:
        return {"W_x": self.W_x, "W_h": self.W_h, "b_h": self.b_h, "W_y": self.W_y,
                "b_y": self.b_y}

    @property
    def n_in(self) -> int:
        return self.W_x.shape[0]

    @property
    def n_h(self) -> int:
        return self.W_h.shape[0]

    @property
    def n_out(self) -> int:
        return self.W_y.shape[1]

    def __repr__(self) -> str:
        return (f"RNN(n_in={self.n_in}, n_h={self.n_h}, n_out={self.n_out}, "
                f"activation={self.activation.name!r})")

    # ----------------------------------------------------------------- forward
    def forward(self, xs) -> RNNRun:
        """The forward pass over one sequence (T, n_in) or a batch (N, T, n_in)."""
        xs, single = self.check_inputs(xs)
        run = self._forward(xs)
        return RNNRun(*(squeeze(a, single) for a in (run.x, run.z, run.h, run.y)))

    def _forward(self, xs: np.ndarray) -> RNNRun:
        n, T, _ = xs.shape
        z = np.empty((n, T, self.n_h))
        h = np.empty_like(z)
        x_part = xs @ self.W_x + self.b_h  # every step's input term at once
        h_prev = np.zeros((n, self.n_h))
        for t in range(T):
            z[:, t] = x_part[:, t] + h_prev @ self.W_h
            h[:, t] = h_prev = self.activation.output(z[:, t])
        return RNNRun(xs, z, h, h @ self.W_y + self.b_y)

    # ----------------------------------------------------------------- loss and gradients
    def _outputs(self, xs: np.ndarray) -> np.ndarray:
        return self._forward(xs).y

    def bptt(self, xs, ys, clip: float | None = None, per_step: bool = False) -> BPTT:
        """Forward pass, loss and backpropagation through time with every intermediate kept."""
        clip = check_clip(clip)
        xs, ys, single = self.check_data(xs, ys)
        run = self._forward(xs)
        n, T, _ = xs.shape
        dy = (run.y - ys) / n  # ∂E/∂ŷ_t (the batch mean brings 1/N)
        loss = 0.5 * float(np.vdot(dy, dy)) * n
        delta = np.empty_like(run.z)
        dh = np.empty_like(run.h)
        from_later = np.zeros((n, self.n_h))  # δ_{t+1} W_hᵀ: ∂E/∂h_t through step t+1
        for t in range(T - 1, -1, -1):
            dh[:, t] = dy[:, t] @ self.W_y.T + from_later
            delta[:, t] = self.activation.backward(run.z[:, t], run.h[:, t], dh[:, t])
            from_later = delta[:, t] @ self.W_h.T
        h_prev = np.concatenate([np.zeros((n, 1, self.n_h)), run.h[:, :-1]], axis=1)
        # Each shared weight's gradient is the sum of its uses over steps (and sequences);
        # per_step keeps the step axis (T times the memory, so only when asked for).
        sums = (0,) if per_step else (0, 1)
        steps = {
            "W_x": sum_of_outer(xs, delta, per_step),
            "W_h": sum_of_outer(h_prev, delta, per_step),
            "b_h": delta.sum(axis=sums),
            "W_y": sum_of_outer(run.h, dy, per_step),
            "b_y": dy.sum(axis=sums),
        }
        grads = {k: v.sum(axis=0) for k, v in steps.items()} if per_step else steps
        clipped, norm = clip_by_norm(grads, clip)
        return BPTT(
            forward=RNNRun(*(squeeze(a, single) for a in (run.x, run.z, run.h, run.y))),
            loss=loss, delta=squeeze(delta, single), dh=squeeze(dh, single), grads=clipped,
            per_step=steps if per_step else {}, grad_norm=norm, clipped=clipped is not grads,
        )

    def gradients(self, xs, ys, clip: float | None = None) -> dict[str, np.ndarray]:
        """{"W_x", "W_h", "b_h", "W_y", "b_y"}: ∂E/∂w shaped like each weight, by BPTT
        (rescaled to norm ``clip`` when their norm exceeds it)."""
        return self.bptt(xs, ys, clip).grads

    # ----------------------------------------------------------------- vanishing / exploding
    def gradient_flow(self, xs) -> GradientFlow:
        """∂h_T/∂h_t for t = T … 1 along one sequence (T, n_in): how much a change of the
        hidden state at step t still moves the last one. Each factor is
        ∂h_k/∂h_{k−1} = diag(f'(z_k)) W_hᵀ, so the product shrinks (vanishes) or grows
        (explodes) roughly geometrically with T − t."""
        xs = self.check_sequence(xs, "gradient_flow")
        T = xs.shape[1]
        if T * self.n_h * self.n_h > MAX_FLOW_ENTRIES:
            raise ValueError(
                f"gradient_flow keeps one {self.n_h}×{self.n_h} Jacobian per step; {T} steps "
                f"are too many for it (at most {MAX_FLOW_ENTRIES:,} entries): use fewer steps "
                "or hidden units.")
        run = self._forward(xs)
        der = self.activation.der(run.z[0], run.h[0])  # f'(z_k), (T, n_h)
        factors = np.empty((T, self.n_h, self.n_h))
        products = np.empty_like(factors)
        factors[0] = products[0] = np.eye(self.n_h)
        for k in range(1, T):
            step = T - k  # multiply in ∂h_{step+1}/∂h_step (0-based row step of z)
            factors[k] = der[step][:, None] * self.W_h.T
            products[k] = products[k - 1] @ factors[k]
        norms = np.linalg.norm(products, ord=2, axis=(1, 2))
        t = np.arange(T, 0, -1)
        return GradientFlow(t=t, gap=T - t, norms=norms, products=products, factors=factors)
