"""Long short-term memory (LSTM): a recurrent cell whose state is written and read through gates.

One step, in the notes' row convention (z = x W + b), for k in a (candidate), i (input gate),
f (forget gate), o (output gate)::

    z_k,t = x_t W_k + h_{t−1} U_k + b_k
    a_t = tanh(z_a,t),   i_t = σ(z_i,t),   f_t = σ(z_f,t),   o_t = σ(z_o,t)
    c_t = a_t ⊙ i_t + f_t ⊙ c_{t−1}          (the cell state)
    h_t = tanh(c_t) ⊙ o_t                     (the output; h_0 = c_0 = 0)

The gates are numbers between 0 and 1 that scale what is written to the cell state (i), what
it keeps (f) and what is read out of it (o). The cell state is updated by addition, so along
the cell path ∂c_t/∂c_{t−1} = f_t (elementwise), not a weight matrix times f'(z) as in an RNN.

The loss is E = Σ_t ½‖h_t − y_t‖² (no output layer: the targets are compared with h directly,
as in A. Gomez's worked example); for a batch the mean over sequences of that sum.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import ACTIVATIONS
from .rnn import GradientFlow
from .sequences import (
    Recurrent,
    as_weight,
    check_clip,
    check_size,
    clip_by_norm,
    squeeze,
    sum_of_outer,
)

GATES = ("a", "i", "f", "o")  # candidate, input gate, forget gate, output gate
GATE_NAMES = {"a": "candidate", "i": "input gate", "f": "forget gate", "o": "output gate"}
GATE_ACTIVATIONS = {"a": ACTIVATIONS["tanh"], "i": ACTIVATIONS["sigmoid"],
                    "f": ACTIVATIONS["sigmoid"], "o": ACTIVATIONS["sigmoid"]}
_TANH = ACTIVATIONS["tanh"]


@dataclass
class LSTMRun:
    """Every number of a forward pass. ``z[k]`` the weighted sums and ``gates[k]`` their
    activations for k in "a", "i", "f", "o"; ``c`` the cell states, ``tanh_c`` = tanh(c), ``h``
    the outputs (steps 1 … T; h_0 = c_0 = 0 are not stored). Shapes (T, n_h) for one sequence,
    (N, T, n_h) for a batch."""

    x: np.ndarray
    z: dict[str, np.ndarray]
    gates: dict[str, np.ndarray]
    c: np.ndarray
    tanh_c: np.ndarray
    h: np.ndarray


@dataclass
class LSTMBackprop:
    """BPTT through the LSTM. ``dh[t]`` = ∂E/∂h_t (own error plus the later steps'), ``dc[t]`` =
    ∂E/∂c_t, ``dgates[k][t]`` = ∂E/∂(gate k at t), ``delta[k][t]`` = ∂E/∂z_k,t (the error term of
    each gate); ``grads`` {"W", "U", "b"} × {"a", "i", "f", "o"}."""

    forward: LSTMRun
    loss: float
    dh: np.ndarray
    dc: np.ndarray
    dgates: dict[str, np.ndarray]
    delta: dict[str, np.ndarray]
    grads: dict[str, dict[str, np.ndarray]]
    grad_norm: float = 0.0
    clipped: bool = False


class LSTM(Recurrent):
    """See the module docstring. ``W[k]`` (n_in, n_h), ``U[k]`` (n_h, n_h), ``b[k]`` (n_h,)."""

    def __init__(self, W: dict, U: dict, b: dict):
        self.W, self.U, self.b = W, U, b

    # ----------------------------------------------------------------- construction
    @classmethod
    def from_weights(cls, W, U, b) -> LSTM:
        """An LSTM from dicts keyed "a", "i", "f", "o": W[k] (n_in, n_h), U[k] (n_h, n_h),
        b[k] (n_h,). A 1-unit cell may give U and b as scalars, W as a flat list."""
        for name, d in (("W", W), ("U", U), ("b", b)):
            if not isinstance(d, dict) or set(d) != set(GATES):
                got = sorted(d) if isinstance(d, dict) else type(d).__name__
                raise ValueError(f"{name} must be a dict with one entry per gate, keys "
                                 f"{', '.join(GATES)} (got {got}).")
        n_h = check_size(np.size(b["a"]), "The number of cell units n_h (entries of b['a'])")
        n_in = check_size(np.size(W["a"]) // n_h or 1, "The number of inputs n_in (rows of W)")
        return cls(
            {k: as_weight(W[k], f"W['{k}']", (n_in, n_h)) for k in GATES},
            {k: as_weight(U[k], f"U['{k}']", (n_h, n_h)) for k in GATES},
            {k: as_weight(b[k], f"b['{k}']", (n_h,)) for k in GATES},
        )

    @classmethod
    def init(cls, n_in, n_h, seed=0, forget_bias: float = 1.0) -> LSTM:
        """Random weights, reproducible by seed: W Glorot-scaled, U scaled by 1/√n_h, biases 0
        except the forget gate's (``forget_bias``, 1 by default: f starts near σ(1) ≈ 0.73, so
        a fresh cell keeps most of its state, the usual choice)."""
        n_in = check_size(n_in, "The number of inputs n_in")
        n_h = check_size(n_h, "The number of cell units n_h")
        rng = np.random.default_rng(seed)
        W = {k: rng.standard_normal((n_in, n_h)) * np.sqrt(2.0 / (n_in + n_h)) for k in GATES}
        U = {k: rng.standard_normal((n_h, n_h)) / np.sqrt(n_h) for k in GATES}
        b = {k: np.full(n_h, float(forget_bias) if k == "f" else 0.0) for k in GATES}
        return cls.from_weights(W, U, b)

    @classmethod
    def from_dict(cls, data: dict) -> LSTM:
        """The inverse of ``to_dict``: {"W": {gate: …}, "U": {…}, "b": {…}}."""
        try:
            return cls.from_weights(data["W"], data["U"], data["b"])
        except (KeyError, TypeError):
            raise ValueError("An LSTM needs the entries W, U and b, each a dict keyed "
                             f"{', '.join(GATES)}.") from None

    def copy(self) -> LSTM:
        return LSTM(*({k: w.copy() for k, w in d.items()} for d in (self.W, self.U, self.b)))

    def params(self) -> dict[str, dict[str, np.ndarray]]:
        return {"W": self.W, "U": self.U, "b": self.b}

    @property
    def n_in(self) -> int:
        return self.W["a"].shape[0]

    @property
    def n_h(self) -> int:
        return self.U["a"].shape[0]

    @property
    def n_out(self) -> int:
        return self.n_h  # the targets are compared with h itself

    def __repr__(self) -> str:
        return f"LSTM(n_in={self.n_in}, n_h={self.n_h})"

    # ----------------------------------------------------------------- forward
    def forward(self, xs) -> LSTMRun:
        """The forward pass over one sequence (T, n_in) or a batch (N, T, n_in)."""
        xs, single = self.check_inputs(xs)
        return _squeeze_run(self._forward(xs), single)

    def _stacked(self, part: dict) -> np.ndarray:
        """The four gates' weights side by side, so one product gives all four sums."""
        return np.concatenate([part[k].reshape(-1, self.n_h) for k in GATES], axis=1)

    def _forward(self, xs: np.ndarray) -> LSTMRun:
        n, T, _ = xs.shape
        n_h = self.n_h
        U = self._stacked(self.U)
        z_all = xs @ self._stacked(self.W) + self._stacked(self.b)[0]  # input terms, all steps
        g_all = np.empty_like(z_all)
        c = np.empty((n, T, n_h))
        h = np.empty_like(c)
        tanh_c = np.empty_like(c)
        h_prev = np.zeros((n, n_h))
        c_prev = np.zeros((n, n_h))
        for t in range(T):
            z_all[:, t] += h_prev @ U
            for m, k in enumerate(GATES):
                cols = slice(m * n_h, (m + 1) * n_h)
                # No out= into this strided view: NumPy 2.4's in-place unary ufuncs miscompute
                # some strided views (a 64-byte row stride with one column), see the tests.
                g_all[:, t, cols] = GATE_ACTIVATIONS[k].output(z_all[:, t, cols])
            a, i, f, o = (g_all[:, t, m * n_h:(m + 1) * n_h] for m in range(4))
            c[:, t] = c_prev = a * i + f * c_prev
            tanh_c[:, t] = _TANH.output(c_prev)
            h[:, t] = h_prev = tanh_c[:, t] * o
        z = {k: z_all[..., m * n_h:(m + 1) * n_h] for m, k in enumerate(GATES)}
        g = {k: g_all[..., m * n_h:(m + 1) * n_h] for m, k in enumerate(GATES)}
        return LSTMRun(xs, z, g, c, tanh_c, h)

    # ----------------------------------------------------------------- loss and gradients
    def _outputs(self, xs: np.ndarray) -> np.ndarray:
        return self._forward(xs).h  # no output layer: E = Σ_t ½‖h_t − y_t‖²

    def backprop(self, xs, ys, clip: float | None = None) -> LSTMBackprop:
        """Forward pass, loss and backpropagation through time with every intermediate kept."""
        clip = check_clip(clip)
        xs, ys, single = self.check_data(xs, ys)
        run = self._forward(xs)
        n, T, _ = xs.shape
        g = run.gates
        err = (run.h - ys) / n  # ∂E_t/∂h_t (the batch mean brings 1/N)
        loss = 0.5 * float(np.vdot(err, err)) * n
        dh = np.empty_like(run.h)
        dc = np.empty_like(run.c)
        dgates = {k: np.empty_like(run.c) for k in GATES}
        delta = {k: np.empty_like(run.c) for k in GATES}
        U_all = self._stacked(self.U)
        h_later = np.zeros((n, self.n_h))  # ∂E/∂h_t through the gates of step t+1
        c_later = np.zeros((n, self.n_h))  # ∂E/∂c_t through c_{t+1} = … + f_{t+1} c_t
        for t in range(T - 1, -1, -1):
            dh[:, t] = err[:, t] + h_later
            # h_t = tanh(c_t) o_t: ∂h_t/∂c_t = o_t tanh'(c_t); plus the cell path from t+1.
            dc[:, t] = _TANH.backward(run.c[:, t], run.tanh_c[:, t],
                                      dh[:, t] * g["o"][:, t]) + c_later
            c_prev = run.c[:, t - 1] if t else np.zeros((n, self.n_h))
            dgates["o"][:, t] = dh[:, t] * run.tanh_c[:, t]
            dgates["a"][:, t] = dc[:, t] * g["i"][:, t]
            dgates["i"][:, t] = dc[:, t] * g["a"][:, t]
            dgates["f"][:, t] = dc[:, t] * c_prev
            for k in GATES:
                delta[k][:, t] = GATE_ACTIVATIONS[k].backward(run.z[k][:, t], g[k][:, t],
                                                              dgates[k][:, t])
            h_later = np.concatenate([delta[k][:, t] for k in GATES], axis=1) @ U_all.T
            c_later = dc[:, t] * g["f"][:, t]  # ∂c_t/∂c_{t−1} = f_t
        h_prev = np.concatenate([np.zeros((n, 1, self.n_h)), run.h[:, :-1]], axis=1)
        grads = {
            "W": {k: sum_of_outer(xs, delta[k]) for k in GATES},
            "U": {k: sum_of_outer(h_prev, delta[k]) for k in GATES},
            "b": {k: delta[k].sum(axis=(0, 1)) for k in GATES},
        }
        clipped, norm = clip_by_norm(grads, clip)
        return LSTMBackprop(
            forward=_squeeze_run(run, single), loss=loss, dh=squeeze(dh, single),
            dc=squeeze(dc, single), dgates={k: squeeze(v, single) for k, v in dgates.items()},
            delta={k: squeeze(v, single) for k, v in delta.items()}, grads=clipped,
            grad_norm=norm, clipped=clipped is not grads,
        )

    def gradients(self, xs, ys, clip: float | None = None) -> dict[str, dict[str, np.ndarray]]:
        """{"W": {"a", "i", "f", "o"}, "U": {...}, "b": {...}}: ∂E/∂w by BPTT (rescaled to norm
        ``clip`` when their norm exceeds it)."""
        return self.backprop(xs, ys, clip).grads

    # ----------------------------------------------------------------- the cell path
    def cell_path(self, xs) -> GradientFlow:
        """The cell path ∂c_T/∂c_t = Π_{k=t+1..T} f_k (elementwise) for t = T … 1 along one
        sequence: how much of the cell state at step t survives, through the forget gates
        alone, to step T (the gates held fixed; the paths through h are left out). ``norms`` is
        the largest |entry| (the norm of the diagonal Jacobian)."""
        xs = self.check_sequence(xs, "cell_path")
        f = self._forward(xs).gates["f"][0]  # (T, n_h)
        T = xs.shape[1]
        factors = np.ones((T, self.n_h))
        factors[1:] = f[::-1][:-1]  # f_T, f_{T−1}, …, f_2
        products = np.cumprod(factors, axis=0)
        t = np.arange(T, 0, -1)
        return GradientFlow(t=t, gap=T - t, norms=np.abs(products).max(axis=1),
                            products=products, factors=factors)


def _squeeze_run(run: LSTMRun, single: bool) -> LSTMRun:
    return LSTMRun(
        x=squeeze(run.x, single), z={k: squeeze(v, single) for k, v in run.z.items()},
        gates={k: squeeze(v, single) for k, v in run.gates.items()},
        c=squeeze(run.c, single), tanh_c=squeeze(run.tanh_c, single), h=squeeze(run.h, single),
    )
