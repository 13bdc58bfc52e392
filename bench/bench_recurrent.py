"""nn_core's RNN and LSTM against PyTorch: the same gradients, and how long BPTT takes.

With the same weights and data, nn_core's backpropagation through time must give PyTorch
autograd's gradients (an independent implementation): the largest relative difference over
every weight is printed. Then the time of one forward + BPTT pass (``gradients``) for a few
sizes, best of a few rounds taken in turns; ratios are PyTorch / nn_core (above 1: nn_core is
faster), from wall and from CPU time. Both run with one BLAS / intra-op thread (as
``bench_nn_core`` does): on this shared 2-core machine OpenBLAS's own thread pool made
nn_core's small per-step products up to 10× slower. PyTorch is optional (``pip install
torch``); without it only nn_core's timings are printed.
Run alone: ``python -m bench.bench_recurrent``.
"""

from __future__ import annotations

import time

import numpy as np

from bench.bench_nn_core import _thread_limits
from nn_core import GATES, LSTM, RNN

SIZES = ((8, 20, 4), (32, 50, 16), (64, 100, 64))  # N sequences, T steps, n_h units
N_IN = 2
REPEATS = 3
TORCH_ORDER = ("i", "f", "a", "o")  # PyTorch stacks the gates as input, forget, cell, output


def _torch():
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def torch_rnn_grads(torch, rnn: RNN, xs, ys) -> dict[str, np.ndarray]:
    """nn_core's loss, the mean over sequences of Σ_t ½‖ŷ_t − y_t‖², by torch autograd."""
    p = {k: torch.tensor(v, requires_grad=True) for k, v in rnn.params().items()}
    x, y = torch.tensor(xs), torch.tensor(ys)
    h = torch.zeros(x.shape[0], rnn.n_h, dtype=torch.float64)
    act = {"tanh": torch.tanh, "sigmoid": torch.sigmoid, "linear": lambda z: z}[
        rnn.activation.name]
    loss = 0
    for t in range(x.shape[1]):
        h = act(x[:, t] @ p["W_x"] + h @ p["W_h"] + p["b_h"])
        loss = loss + 0.5 * ((h @ p["W_y"] + p["b_y"] - y[:, t]) ** 2).sum()
    (loss / x.shape[0]).backward()
    return {k: v.grad.numpy() for k, v in p.items()}


def torch_lstm(torch, lstm: LSTM):
    """torch.nn.LSTM with nn_core's weights (gates reordered, W transposed, one bias)."""
    mod = torch.nn.LSTM(lstm.n_in, lstm.n_h, batch_first=True, dtype=torch.float64)
    with torch.no_grad():
        mod.weight_ih_l0.copy_(torch.tensor(np.concatenate([lstm.W[k].T for k in TORCH_ORDER])))
        mod.weight_hh_l0.copy_(torch.tensor(np.concatenate([lstm.U[k].T for k in TORCH_ORDER])))
        mod.bias_ih_l0.copy_(torch.tensor(np.concatenate([lstm.b[k] for k in TORCH_ORDER])))
        mod.bias_hh_l0.zero_()
    return mod


def torch_lstm_grads(torch, lstm: LSTM, xs, ys) -> dict[str, dict[str, np.ndarray]]:
    mod = torch_lstm(torch, lstm)
    h, _ = mod(torch.tensor(xs))
    (0.5 * ((h - torch.tensor(ys)) ** 2).sum() / xs.shape[0]).backward()
    n = lstm.n_h

    def split(g):
        return {k: g[m * n:(m + 1) * n].numpy() for m, k in enumerate(TORCH_ORDER)}

    W, U, b = (split(g.grad) for g in (mod.weight_ih_l0, mod.weight_hh_l0, mod.bias_ih_l0))
    return {"W": {k: W[k].T for k in GATES}, "U": {k: U[k].T for k in GATES},
            "b": {k: b[k] for k in GATES}}


def _max_rel(a: dict, b: dict) -> float:
    from nn_core.sequences import leaves

    worst = 0.0
    for x, y in zip(leaves(a), leaves(b), strict=True):
        scale = max(np.abs(x).max(), np.abs(y).max(), 1e-300)
        worst = max(worst, float(np.abs(x - y).max() / scale))
    return worst


def _best(fn, repeats=REPEATS) -> tuple[float, float]:
    wall = cpu = np.inf
    for _ in range(repeats):
        w, c = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = min(wall, time.perf_counter() - w), min(cpu, time.process_time() - c)
    return wall, cpu


def run() -> None:
    limits, describe = _thread_limits(1)
    with limits:
        print("threads:", describe())
        _run()


def _run() -> None:
    torch = _torch()
    rng = np.random.default_rng(0)
    print("PyTorch:", torch.__version__ if torch else "not installed (timings of nn_core only)")
    for N, T, n_h in SIZES:
        xs = rng.uniform(-1, 1, (N, T, N_IN))
        ys = rng.uniform(-1, 1, (N, T, n_h))
        rnn, lstm = RNN.init(N_IN, n_h, n_h, seed=1), LSTM.init(N_IN, n_h, seed=1)
        rows = []
        for name, model, reference in (("RNN", rnn, torch_rnn_grads),
                                       ("LSTM", lstm, torch_lstm_grads)):
            mine = _best(lambda m=model, x=xs, y=ys: m.gradients(x, y))
            line = f"{name:4} N={N:3} T={T:3} n_h={n_h:3}: nn_core {mine[0] * 1e3:8.1f} ms"
            if torch:
                diff = _max_rel(model.gradients(xs, ys), reference(torch, model, xs, ys))
                theirs = _best(lambda m=model, r=reference, x=xs, y=ys: r(torch, m, x, y))
                line += (f" | torch {theirs[0] * 1e3:8.1f} ms | ratio torch/nn_core wall "
                         f"{theirs[0] / mine[0]:5.2f}, CPU {theirs[1] / mine[1]:5.2f} | "
                         f"gradients agree to {diff:.1e} (max relative)")
            rows.append(line)
        print("\n".join(rows), flush=True)


if __name__ == "__main__":
    run()
