"""A golden example: A. Gomez, "Backpropogating an LSTM: A Numerical Example" (17 Apr 2016).

A scalar cell (one unit) with two inputs, two time steps, squared error ½(h_t − y_t)² at each
step, then one SGD step with learning rate 0.1. The post writes each gate's weights as a row
W_k = [w_1, w_2] on the inputs and a scalar U_k on the previous output; in this package's
row convention (z = x W + b) that is W[k] of shape (2, 1), U[k] and b[k] of one entry.

``REFERENCE`` holds the post's numbers at its 5 decimals, in the post's order (forward at
t = 0 and t = 1, backward at t = 1 and t = 0, the gradients). The post carries its rounded
intermediates forward (its c_0 = 0.81775 × 0.96083 + 0 = 0.78572, where full precision gives
0.785726), so a full-precision result may differ from it by one unit in the 5th decimal.
Provenance, said plainly: the post renders its numbers as images that our text sources do not
carry, so they could not be transcribed and compared automatically; the values here are the
post's as far as they could be confirmed, and the tests check every one against an independent
scalar pure-Python implementation as well as nn_core. Compare them by eye with the post.

``reproduce()`` computes every quantity with nn_core and says, per quantity, whether it rounds
to the reference exactly (``exact``) and whether it is within ``TOLERANCE`` (``matches``).

Note the post's own footnote: a label of 1.25 cannot be reached, since h = tanh(c)·o < 1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .lstm import GATES, LSTM

SOURCE = ('A. Gomez, "Backpropogating an LSTM: A Numerical Example", 17 Apr 2016, '
          "https://blog.aidangomez.ca/2016/04/17/Backpropogating-an-LSTM-A-Numerical-Example/")
DIGITS = 5
TOLERANCE = 1.5e-5  # one unit in the 5th decimal (the post's rounded intermediates) + rounding
LEARNING_RATE = 0.1

# The post's weights: per gate, W on the two inputs, U on the previous output, the bias b.
W = {"a": [0.45, 0.25], "i": [0.95, 0.8], "f": [0.7, 0.45], "o": [0.6, 0.4]}
U = {"a": 0.15, "i": 0.8, "f": 0.1, "o": 0.25}
B = {"a": 0.2, "i": 0.65, "f": 0.15, "o": 0.1}
XS = [[1.0, 2.0], [0.5, 3.0]]  # x_0, x_1
YS = [0.5, 1.25]  # the labels y_0, y_1

# (quantity, time step or None, value rounded to DIGITS). Backward quantities are ∂E/∂·.
REFERENCE: list[tuple[str, int | None, float]] = [
    ("a", 0, 0.81775), ("i", 0, 0.96083), ("f", 0, 0.85195), ("o", 0, 0.81757),
    ("c", 0, 0.78572), ("h", 0, 0.53631),
    ("a", 1, 0.84980), ("i", 1, 0.98118), ("f", 1, 0.87030), ("o", 1, 0.84993),
    ("c", 1, 1.51763), ("h", 1, 0.77198),
    ("dh", 1, -0.47802), ("dc", 1, -0.07111),
    ("da", 1, -0.06977), ("di", 1, -0.06043), ("df", 1, -0.05587), ("do", 1, -0.43418),
    ("dz_a", 1, -0.01938), ("dz_i", 1, -0.00112), ("dz_f", 1, -0.00631), ("dz_o", 1, -0.05538),
    ("dh", 0, 0.01804), ("dc", 0, -0.05348),
    ("da", 0, -0.05139), ("di", 0, -0.04374), ("df", 0, 0.0), ("do", 0, 0.01183),
    ("dz_a", 0, -0.01702), ("dz_i", 0, -0.00165), ("dz_f", 0, 0.0), ("dz_o", 0, 0.00176),
    ("dW_a", None, (-0.02672, -0.09220)), ("dW_i", None, (-0.00220, -0.00664)),
    ("dW_f", None, (-0.00315, -0.01892)), ("dW_o", None, (-0.02592, -0.16260)),
    ("dU_a", None, -0.01040), ("dU_i", None, -0.00060), ("dU_f", None, -0.00338),
    ("dU_o", None, -0.02970),
    ("db_a", None, -0.03641), ("db_i", None, -0.00276), ("db_f", None, -0.00631),
    ("db_o", None, -0.05361),
]


@dataclass
class Row:
    quantity: str
    t: int | None
    reference: float | tuple[float, ...]
    computed: float | tuple[float, ...]
    exact: bool  # computed rounds to the reference at DIGITS decimals
    matches: bool  # |computed − reference| ≤ TOLERANCE


def lstm() -> LSTM:
    """The post's cell as an nn_core LSTM."""
    return LSTM.from_weights(W, U, B)


def inputs() -> tuple[np.ndarray, np.ndarray]:
    """(xs (2, 2), ys (2, 1)): the post's sequence and labels."""
    return np.array(XS), np.array(YS).reshape(-1, 1)


def computed_values() -> dict[tuple[str, int | None], float | tuple[float, ...]]:
    """Every REFERENCE quantity computed by nn_core (forward pass and BPTT)."""
    xs, ys = inputs()
    bp = lstm().backprop(xs, ys)
    run = bp.forward
    out: dict = {}
    for t in range(2):
        for k in GATES:
            out[(k, t)] = float(run.gates[k][t, 0])
            out[(f"d{k}", t)] = float(bp.dgates[k][t, 0])
            out[(f"dz_{k}", t)] = float(bp.delta[k][t, 0])
        out[("c", t)] = float(run.c[t, 0])
        out[("h", t)] = float(run.h[t, 0])
        out[("dh", t)] = float(bp.dh[t, 0])
        out[("dc", t)] = float(bp.dc[t, 0])
    for k in GATES:
        out[(f"dW_{k}", None)] = tuple(float(v) for v in bp.grads["W"][k][:, 0])
        out[(f"dU_{k}", None)] = float(bp.grads["U"][k][0, 0])
        out[(f"db_{k}", None)] = float(bp.grads["b"][k][0])
    return out


def reproduce() -> list[Row]:
    """One row per published quantity: the reference, nn_core's number, and whether they agree
    to the post's 5 decimals (computed verdicts, never assumed)."""
    values = computed_values()
    rows = []
    for name, t, ref in REFERENCE:
        got = values[(name, t)]
        refs, gots = np.atleast_1d(ref), np.atleast_1d(got)
        exact = bool(np.all(np.round(gots, DIGITS) + 0.0 == np.round(refs, DIGITS) + 0.0))
        close = bool(np.all(np.abs(gots - refs) <= TOLERANCE))
        rows.append(Row(name, t, ref, got, exact, close))
    return rows


def updated_lstm(lr: float = LEARNING_RATE) -> LSTM:
    """The cell after the post's one SGD step w ← w − η ∂E/∂w."""
    xs, ys = inputs()
    cell = lstm()
    cell.apply_gradients(cell.gradients(xs, ys), lr)
    return cell
