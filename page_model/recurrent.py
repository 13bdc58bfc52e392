"""What the recurrent-network pages need beyond nn_core's RNN/LSTM, NumPy only: the sequence
tasks (remember a value for k steps, running sum, continue a sine), caps for a shared host, and
the sentences a page states about its numbers, each decided here from the numbers.

Time steps are counted from 1, as the notes count neurons: step t of a sequence is row t − 1.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

from derivations.recurrent_formulas import hidden_factor_function
from nn_core import LSTM, RNN
from nn_core import golden_lstm as golden
from nn_core.sequences import global_norm

from .numbers import fmt, fmt_share
from .verdicts import SMALL_FACTOR, gradient_check

# ------------------------------------------------------------------ caps for a shared 2-core host
MAX_T = 30  # steps per sequence
MIN_T = 2
MAX_K = 10  # "remember for k steps"
MAX_SEQUENCES = 64  # sequences per training set
MIN_SEQUENCES = 1
MAX_HIDDEN = 12  # hidden units of the RNN / the LSTM
MAX_SEED = 9999
MAX_LR = 2.0
MAX_CLIP = 100.0
SINE_AMPLITUDE = 0.8  # inside tanh's (−1, 1): the LSTM's output h_t = tanh(c_t) ⊙ o_t can reach it
SINE_OMEGA = 2 * math.pi / 10  # one period every 10 steps
MAX_CONTINUE = 20  # steps a sine is continued past its sequence

TASKS = ("remember", "running_sum", "sine")
TASK_LABELS = {
    "remember": "remember a value for k steps",
    "running_sum": "running sum",
    "sine": "continue a sine",
}
TASK_INFO = {
    "remember": "At each step t the network sees a random number x_t and must answer the number "
                "it saw k steps earlier: y_t = x_{t−k} (0 for the first k steps). It has to "
                "carry each value through k steps of its own hidden state.",
    "running_sum": "At each step the network must answer the sum of every input so far: "
                   "y_t = x_1 + … + x_t. One number has to be kept and added to, step after "
                   "step.",
    "sine": "The input is a sine wave with a random phase; at each step the network must answer "
            "the next value: y_t = x_{t+1}. Trained, it can continue the wave on its own, fed "
            "its own answers.",
}


@dataclass(frozen=True)
class SequenceTask:
    """N sequences of T steps: inputs ``xs`` (N, T, 1), targets ``ys`` (N, T, 1); for the sine,
    ``future`` (N, MAX_CONTINUE) is the true wave at steps T + 1, T + 2, … (to continue it)."""

    task: str
    xs: np.ndarray
    ys: np.ndarray
    k: int = 0
    future: np.ndarray | None = None

    @property
    def n_sequences(self) -> int:
        return self.xs.shape[0]

    @property
    def T(self) -> int:
        return self.xs.shape[1]


def check_task(task: str, n_sequences: int, T: int, k: int = 1) -> None:
    """ValueError saying what to change if the task's sizes are outside the caps."""
    if task not in TASKS:
        raise ValueError(f"Unknown task {task!r}: choose one of {', '.join(TASKS)}.")
    if not MIN_SEQUENCES <= n_sequences <= MAX_SEQUENCES:
        raise ValueError(f"The number of sequences must be {MIN_SEQUENCES} to {MAX_SEQUENCES}.")
    if not MIN_T <= T <= MAX_T:
        raise ValueError(f"Sequences have {MIN_T} to {MAX_T} steps on the shared server.")
    if task == "remember":
        if not 1 <= k <= MAX_K:
            raise ValueError(f"k (how many steps to remember) must be 1 to {MAX_K}.")
        if k >= T:
            raise ValueError(f"Remembering for k = {k} steps needs sequences longer than k: "
                             f"give at least {k + 1} steps or a smaller k.")


def make_task(task: str, n_sequences: int = 32, T: int = 12, k: int = 3,
              seed: int = 0) -> SequenceTask:
    """The seeded sequences of ``task`` (see TASK_INFO); the same seed gives the same data."""
    n_sequences, T, k = int(n_sequences), int(T), int(k)
    check_task(task, n_sequences, T, k)
    rng = np.random.default_rng(seed)
    if task == "remember":
        xs = rng.uniform(-1.0, 1.0, size=(n_sequences, T))
        ys = np.zeros_like(xs)
        ys[:, k:] = xs[:, :-k]
    elif task == "running_sum":
        # Inputs scaled by 1/√T keep most sums inside (−1, 1), where tanh outputs can reach.
        xs = rng.uniform(-1.0, 1.0, size=(n_sequences, T)) / math.sqrt(T)
        ys = np.cumsum(xs, axis=1)
    else:
        phase = rng.uniform(0.0, 2 * math.pi, size=(n_sequences, 1))
        wave = SINE_AMPLITUDE * np.sin(SINE_OMEGA * np.arange(1, T + 2 + MAX_CONTINUE) + phase)
        xs, ys = wave[:, :T], wave[:, 1:T + 1]
        return SequenceTask(task, xs[..., None], ys[..., None], 0, wave[:, T:T + MAX_CONTINUE])
    return SequenceTask(task, xs[..., None], ys[..., None], k if task == "remember" else 0)


# ------------------------------------------------------------------ sentences from numbers
def _factor(x: float) -> str:
    """A ratio as the pages print numbers (page_model.numbers, 2 significant digits)."""
    return fmt(x, 2)


VANISH = 0.1  # shrinking by more than an order of magnitude over the span: it vanishes
EXPLODE = 10.0  # growing by more than an order of magnitude: it explodes


def decay_kind(norms) -> str:
    """"vanishes", "explodes" or "stays" for |∂h_T/∂h_t| listed by T − t = 0, 1, …: how the
    last value compares with the first (the gradient that reaches back the furthest)."""
    norms = np.asarray(norms, dtype=float)
    if norms.size < 2:
        raise ValueError("Give |∂h_T/∂h_t| for at least two steps back.")
    first, last = norms[0], norms[-1]
    if not math.isfinite(last) or (first > 0 and last / first > EXPLODE):
        return "explodes"
    if first == 0 or last / first < VANISH:
        return "vanishes"
    return "stays"


def decay_sentence(norms, label: str = "") -> str:
    """What the curve of |∂h_T/∂h_t| against T − t says, with its numbers: the change over the
    whole span, per step, and a rise on the way that the end hides."""
    norms = np.asarray(norms, dtype=float)
    kind = decay_kind(norms)
    span = norms.size - 1
    who = f"{label}: " if label else ""
    ratio = norms[-1] / norms[0] if norms[0] > 0 else 0.0
    per_step = ratio ** (1 / span) if ratio > 0 and math.isfinite(ratio) else ratio
    if kind == "vanishes":
        text = (f"{who}over {span} steps back the gradient shrinks by a factor of "
                f"{_factor(ratio)} (about ×{_factor(per_step)} per step): it vanishes, so the "
                f"first steps barely affect what is learned.")
    elif kind == "explodes":
        text = (f"{who}over {span} steps back the gradient grows by a factor of "
                f"{_factor(ratio)} (about ×{_factor(per_step)} per step): it explodes, so the "
                f"first steps swamp the update.")
    else:
        text = (f"{who}over {span} steps back the gradient changes by a factor of "
                f"{_factor(ratio)}: it stays within a factor of 10 over this span.")
    finite = np.where(np.isfinite(norms), norms, -np.inf)
    peak_at = int(np.argmax(finite))
    if 0 < norms[0] and finite[peak_at] / norms[0] > EXPLODE and peak_at < span \
            and kind != "explodes":
        text += (f" On the way it first grows, to ×{_factor(finite[peak_at] / norms[0])} at "
                 f"{peak_at} steps back, before the later factors fall below 1.")
    return text


def clip_sentence(norm: float, threshold: float) -> str:
    """What clipping at ``threshold`` does to a gradient of length ``norm``."""
    if not math.isfinite(norm):
        return ("The gradient is not finite: clipping cannot rescue it; lower the recurrent "
                "weight or the sequence length.")
    if norm > threshold:
        return (f"The gradient's length {_factor(norm)} is above the threshold "
                f"{_factor(threshold)}: clipping scales every component by "
                f"{_factor(threshold / norm)}, so the step keeps its direction but is "
                f"{_factor(norm / threshold)} times shorter.")
    return (f"The gradient's length {_factor(norm)} is within the threshold {_factor(threshold)}: "
            "clipping changes nothing. Clipping only shortens long gradients; it cannot make a "
            "vanishing gradient longer.")


def shares(contributions) -> np.ndarray:
    """Each term's share of the total |contribution| (sums to 1; zeros when all are 0)."""
    c = np.abs(np.asarray(contributions, dtype=float))
    total = c.sum()
    return c / total if total > 0 else np.zeros_like(c)


def contribution_sentence(contributions, T: int | None = None) -> str:
    """Which time step's term of ∂E/∂W_h = Σ_t (…) is largest, and how much the earliest one
    adds, from the per-step contributions (step 1 first)."""
    c = np.asarray(contributions, dtype=float)
    if c.size == 0:
        raise ValueError("Give at least one time step's contribution.")
    s = shares(c)
    top = int(np.argmax(s))
    total = float(c.sum())
    if s.sum() == 0:
        return "Every time step contributes 0: this weight's gradient is 0 here."
    parts = [f"Step {top + 1} contributes the most ({fmt_share(s[top])} of the total size)."]
    if c.size > 1:
        parts.append(f"Step 1 contributes {fmt_share(s[0])}.")
        opposite = int(np.sum(np.sign(c) == -np.sign(total))) if total != 0 else 0
        if opposite:
            parts.append("1 step pulls the other way and partly cancels." if opposite == 1 else
                         f"{opposite} steps pull the other way and partly cancel.")
    return " ".join(parts)


def compare_sentence(rnn_loss: float, lstm_loss: float, epoch: int) -> str:
    """RNN against LSTM on the same task after ``epoch`` epochs, from their training losses."""
    if epoch == 0:
        return "Neither network has trained yet: press Play or Step."
    if not (math.isfinite(rnn_loss) and math.isfinite(lstm_loss)):
        bad = "the RNN" if not math.isfinite(rnn_loss) else "the LSTM"
        return f"After {epoch} epochs the loss of {bad} is not finite: it diverged."
    lo, hi = sorted((rnn_loss, lstm_loss))
    if hi == 0 or (hi - lo) / hi < 0.05:
        return (f"After {epoch} epochs both are about level (RNN {fmt(rnn_loss)}, LSTM "
                f"{fmt(lstm_loss)}, within 5%).")
    better, worse = ("RNN", "LSTM") if rnn_loss < lstm_loss else ("LSTM", "RNN")
    ratio = hi / lo if lo > 0 else math.inf
    return (f"After {epoch} epochs the {better} is ahead: its loss is {fmt(lo)} against the "
            f"{worse}'s {fmt(hi)} ({_factor(ratio)} times lower).")


def forget_sentence(f_values) -> str:
    """What the forget gate did over a sequence, from its values f_t (T, n_h): the share of the
    cell state kept per step, and how much of step 1's cell state survives to the last step
    (∂c_T/∂c_1 = Π f_k along the cell path)."""
    f = np.asarray(f_values, dtype=float)
    if f.ndim == 1:
        f = f[:, None]
    if f.shape[0] < 1:
        raise ValueError("Give the forget gate's values for at least one step.")
    mean = float(f.mean())
    kept = np.prod(f[1:], axis=0) if f.shape[0] > 1 else np.ones(f.shape[1])
    best = int(np.argmax(kept))
    return (f"On average the forget gate keeps {fmt_share(mean)} of the cell state each step. "
            f"Of step 1's cell state, unit {best + 1} still carries "
            f"{_factor(float(kept[best]))} of it at step {f.shape[0]} (the product of its "
            f"forget gates f_2 … f_{f.shape[0]}).")


# ------------------------------------------------------------------ vanishing and exploding
W_H_CHOICES = (0.25, 0.5, 0.9, 1.0, 1.2, 1.5, 2.0, 3.0)
CLIP_DEMO_LR = 0.1


def scalar_rnn(w_h: float) -> RNN:
    """The one-unit tanh RNN h_t = tanh(x_t + w_h h_{t−1}), ŷ_t = h_t: only w_h varies."""
    return RNN.from_weights(1.0, float(w_h), 0.0, 1.0, 0.0, activation="tanh")


def demo_sequence(T: int, amplitude: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(xs, ys) for the gradient pages: random inputs up to ±amplitude and, as targets, the
    input one step earlier (the remember task with k = 1)."""
    task = make_task("remember", 1, T, k=1, seed=seed)
    return task.xs[0] * amplitude, task.ys[0] * amplitude


def rnn_flows(w_h_values, T: int, amplitude: float, seed: int = 0) -> dict:
    """{w_h: nn_core's GradientFlow (∂h_T/∂h_t for t = T … 1)} along one demo sequence."""
    xs, _ = demo_sequence(T, amplitude, seed)
    with np.errstate(over="ignore", invalid="ignore"):
        return {float(w): scalar_rnn(w).gradient_flow(xs) for w in w_h_values}


def lstm_cell_path(T: int, amplitude: float, forget_bias: float, seed: int = 0):
    """nn_core's cell path ∂c_T/∂c_t = Π f_k of a one-unit LSTM (seeded weights, forget-gate
    bias ``forget_bias``) along the same demo sequence."""
    xs, _ = demo_sequence(T, amplitude, seed)
    return LSTM.init(1, 1, seed=seed, forget_bias=forget_bias).cell_path(xs)


@dataclass(frozen=True)
class ClipStep:
    norm: float  # ‖g‖ before clipping
    used_norm: float  # ‖g‖ of the step taken
    loss_before: float
    loss_after: float
    lr: float
    clipped: bool


def clipping_step(w_h: float, T: int, amplitude: float, seed: int = 0,
                  clip: float | None = None, lr: float = CLIP_DEMO_LR) -> ClipStep:
    """One gradient step of the scalar RNN with recurrent weight ``w_h`` on the demo sequence,
    with the gradient clipped to length ``clip`` (None: not clipped)."""
    xs, ys = demo_sequence(T, amplitude, seed)
    rnn = scalar_rnn(w_h)
    with np.errstate(over="ignore", invalid="ignore"):
        bp = rnn.bptt(xs, ys, clip=clip)
        moved = rnn.copy()
        moved.apply_gradients(bp.grads, lr)
        after = moved.loss(xs, ys)
    return ClipStep(bp.grad_norm, global_norm(bp.grads), bp.loss,
                    after if math.isfinite(after) else math.inf, lr, bp.clipped)


# ------------------------------------------------------------------ the golden LSTM example
GOLDEN_NAMES = {
    "a": "candidate a", "i": "input gate i", "f": "forget gate f", "o": "output gate o",
    "c": "cell state c", "h": "output h", "dh": "∂E/∂h", "dc": "∂E/∂c",
    "da": "∂E/∂a", "di": "∂E/∂i", "df": "∂E/∂f", "do": "∂E/∂o",
    "dz_a": "∂E/∂z_a", "dz_i": "∂E/∂z_i", "dz_f": "∂E/∂z_f", "dz_o": "∂E/∂z_o",
}


def _golden_label(quantity: str) -> str:
    if quantity in GOLDEN_NAMES:
        return GOLDEN_NAMES[quantity]
    kind, gate = quantity[1:].split("_")  # dW_a → ∂E/∂W_a
    return f"∂E/∂{kind}_{gate}"


def _golden_value(v) -> str:
    return ", ".join(f"{x:.5f}" for x in np.atleast_1d(v))


def golden_table(rows) -> dict[str, list]:
    """The golden example's rows (``nn_core.golden_lstm.reproduce()``) as table columns, steps
    counted from 1 (the post counts from 0, said in its own column)."""
    return {
        "quantity": [_golden_label(r.quantity) for r in rows],
        "step": ["all" if r.t is None else str(r.t + 1) for r in rows],
        "post's t": ["—" if r.t is None else str(r.t) for r in rows],
        "published": [_golden_value(r.reference) for r in rows],
        "computed here": [_golden_value(r.computed) for r in rows],
        "agrees": ["✓" if r.matches else "✗" for r in rows],
    }


def golden_sentence(rows, digits: int) -> str:
    """How many of the published numbers nn_core reproduces, from the rows' own verdicts."""
    n = len(rows)
    matched = sum(r.matches for r in rows)
    exact = sum(r.exact for r in rows)
    if matched == n:
        text = (f"The NumPy LSTM reproduces all {n} published numbers to the post's {digits} "
                "decimals")
        if exact < n:
            off = [r for r in rows if not r.exact]
            ulp = max(float(np.max(np.abs(np.atleast_1d(r.computed) - np.atleast_1d(r.reference))))
                      for r in off) * 10 ** digits
            names = ", ".join(_golden_label(r.quantity)
                              + ("" if r.t is None else f" at step {r.t + 1}") for r in off)
            text += (f"; {names} {'differs' if len(off) == 1 else 'differ'} in the last digit "
                     f"(by {ulp:.2g} units of it), as a value worked out from already rounded "
                     "ones does")
        return text + "."
    bad = [r for r in rows if not r.matches]
    return (f"The NumPy LSTM reproduces {matched} of the {n} published numbers; these differ: "
            + ", ".join(_golden_label(r.quantity) for r in bad) + ".")


@functools.cache
def golden_rows() -> tuple:
    """nn_core's reproduction of the published worked example (``golden_lstm.reproduce``): fixed
    numbers, so worked out once per process (a page shows its verdict on every rerun)."""
    return tuple(golden.reproduce())


def golden_verdict(rows) -> str:
    """The rows' verdict in a few words (an expander's title), from their own ``matches``."""
    n, bad = len(rows), sum(not r.matches for r in rows)
    return f"✓ all {n} published numbers reproduced" if not bad else \
        f"✗ {bad} of the {n} published numbers not reproduced"


@dataclass(frozen=True)
class ProductCheck:
    """The derived product Π ∂h_k/∂h_{k−1}, evaluated at nn_core's own h_k and z_k, against
    nn_core's ``gradient_flow`` norms (one-unit RNN: the product is a number)."""

    derived: np.ndarray  # by T − t = 0, 1, …
    computed: np.ndarray
    max_rel_err: float

    @property
    def ok(self) -> bool:
        return self.max_rel_err <= 1e-9


def product_check(w_h: float, T: int, amplitude: float, seed: int = 0) -> ProductCheck:
    xs, _ = demo_sequence(T, amplitude, seed)
    rnn = scalar_rnn(w_h)
    with np.errstate(over="ignore", invalid="ignore"):
        run = rnn.forward(xs)
        factors = hidden_factor_function("tanh")(run.h[:, 0], run.z[:, 0], float(w_h))
        # T − t = 0: the identity; then multiply in the factor of step T, T − 1, …, 2
        derived = np.abs(np.cumprod(np.r_[1.0, factors[:0:-1]]))
        computed = rnn.gradient_flow(xs).norms
        scale = np.maximum(np.abs(computed), np.finfo(float).tiny)
        rel = np.abs(derived - computed) / scale
    return ProductCheck(derived, computed, float(np.max(rel)) if rel.size else 0.0)


def product_check_sentence(check: ProductCheck, label: str) -> str:
    mark, verb = ("✓", "equals") if check.ok else ("✗", "differs from")
    return (f"{mark} {label}: the derived product at the network's own h_k {verb} the NumPy "
            f"network's gradient of h_T at every T − t (largest relative difference "
            f"{fmt(check.max_rel_err, 2)}).")


# ------------------------------------------------------------------ backprop through time
BPTT_PARAMS = ("W_h", "W_x", "b_h", "W_y", "b_y")
BPTT_PARAM_LABELS = {"W_h": "W_h (recurrent: h_{t−1} → h_t)", "W_x": "W_x (input → hidden)",
                     "b_h": "b_h (hidden bias)", "W_y": "W_y (hidden → output)",
                     "b_y": "b_y (output bias)"}


def bptt_index_range(param: str, n_in: int, n_h: int, n_out: int) -> tuple[int, int]:
    """(rows, columns) of ``param`` (rows 1 for a bias), for the page's i and j choices."""
    rows = {"W_x": n_in, "W_h": n_h, "W_y": n_h}.get(param, 1)
    cols = n_out if param in ("W_y", "b_y") else n_h
    return rows, cols


def _size(term) -> float:
    """A loss or activation slope is made of terms of size ~1 (ŷ, y, h): its rounding is ~ε."""
    return max(abs(term.value), 1.0) if term.kind in ("loss", "activation") else abs(term.value)


def bptt_check(step, h: float):
    """``page_model.verdicts.gradient_check`` for a derivations ``RNNStepThrough``: the sum of
    the path products against nn_core's BPTT and a finite difference of nn_core's loss."""
    paths: dict[int, float] = {}
    for t in step.terms:
        paths[t.path] = paths.get(t.path, 1.0) * _size(t)
    small = [(f"${t.symbol_latex}$", t.value) for t in step.terms
             if t.kind == "activation" and abs(t.value) < SMALL_FACTOR]
    return gradient_check(step.sum_of_paths, step.bptt_gradient, step.fd_gradient,
                          step.old_loss, h, sum(paths.values()) or 1.0, small)


def path_sentence(path, n: int, total: int, n_units: int = 1) -> str:
    """Where path ``n`` (from 0) of ``total`` runs, in the page's counting (steps, units from 1)."""
    units = " → ".join(f"h_{t}" + (f" (unit {u + 1})" if n_units > 1 else "")
                       for t, u in zip(range(path.t, path.k - 1, -1), path.route, strict=False))
    through = f" through {units}" if units else ""
    return (f"Path {n + 1} of {total}: from the error E_{path.t} of step {path.t} back to the "
            f"weight's use at step {path.k}{through}. Its product is "
            f"{fmt(path.product)} ({fmt_share(path.magnitude_share)} of Σ|paths|).")


def cell_path_sentence(derived, computed) -> str:
    """The cell path Π f_k from the derived factors against the NumPy LSTM's own."""
    derived, computed = np.asarray(derived, float), np.asarray(computed, float)
    err = float(np.max(np.abs(derived - computed))) if derived.size else 0.0
    ok = err <= 1e-12 * max(1.0, float(np.max(np.abs(computed))) if computed.size else 1.0)
    span = derived.size - 1
    return (f"∂c_T/∂c_1 = {fmt(derived[-1])} over {span} steps; "
            + ("✓ equals" if ok else "✗ differs from")
            + f" the NumPy LSTM's cell path at every step (largest difference {fmt(err, 2)}).")


def derivation_limit_sentence(units: int, T: int, max_T: int) -> str:
    """Why the derived gate derivatives are not shown, and what to change."""
    need = []
    if units != 1:
        need.append("1 cell unit")
    if T > max_T:
        need.append(f"at most {max_T} steps")
    return ("SymPy derives the cell unit by unit on short sequences: choose "
            + " and ".join(need) + " to see each gate's derivative checked here.")


def golden_gradient_table(checks) -> dict[str, list]:
    """Every weight's whole derivative of the worked example: SymPy, BPTT, finite difference."""
    return {
        "weight": [f"{c.part}_{c.gate}" + (f" (input {c.row + 1})" if c.part == "W" else "")
                   for c in checks],
        "SymPy ∂E/∂w": [f"{c.symbolic:.6f}" for c in checks],
        "backprop through time": [f"{c.bptt:.6f}" for c in checks],
        "finite difference": [f"{c.fd:.6f}" for c in checks],
        "agrees": ["✓" if c.rel_err_bptt <= 1e-9 and c.rel_err_fd <= 1e-6 else "✗"
                   for c in checks],
    }


def golden_gradient_sentence(checks) -> str:
    n = len(checks)
    ok = sum(c.rel_err_bptt <= 1e-9 and c.rel_err_fd <= 1e-6 for c in checks)
    worst_bptt = max((c.rel_err_bptt for c in checks), default=0.0)
    worst_fd = max((c.rel_err_fd for c in checks), default=0.0)
    head = (f"✓ All {n} derivatives agree" if ok == n else f"✗ {n - ok} of {n} derivatives "
            "disagree")
    return (f"{head}: SymPy's derivative of the whole unrolled error against backprop through "
            f"time (largest relative difference {fmt(worst_bptt, 2)}) and against a finite "
            f"difference (largest {fmt(worst_fd, 2)}).")

