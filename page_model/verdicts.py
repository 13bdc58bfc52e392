"""The sentences a page states about its numbers, each decided here from those numbers.

A page never writes a fixed verdict next to numbers that may contradict it: it calls one of
these functions with the numbers it shows and prints the returned text. Advice ("a smaller η
…") is simulated before it is given, and only given when the simulation bears it out.

- ``descent_verdict``: what a gradient-descent run did (settling, zig-zagging, jumping across
  the valley, barely moving, diverging, already at the bottom) and what η to try instead.
- ``gradient_check`` / ``factor_check``: the backprop page's ✓ / ✗, with a tolerance that
  matches the floating-point noise of the quantity, and "vanishing" instead of a judgement
  when the gradient is below what the check can resolve.
- ``loss_change``: "the loss fell from a to b" only when the printed numbers show it.
- ``weakest_class``: the class a scheme recalls worst, ties named as ties.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from nn_core.training import blew_up as loss_blew_up

from .numbers import fmt, fmt_share

EPS = float(np.finfo(float).eps)
#: a loss rise smaller than this share of the loss is rounding, not a rise
LOSS_RTOL = 1e-10
SETTLED_SHARE = 0.5  # "settling" once the steps covered half the way down


# --------------------------------------------------------------------------- gradient descent
def rises(losses: Sequence[float]) -> int:
    """How many steps raised the loss (beyond rounding)."""
    arr = np.asarray(losses, dtype=float)
    if arr.size < 2:
        return 0
    with np.errstate(invalid="ignore"):
        up = np.diff(arr) > LOSS_RTOL * np.abs(arr[:-1])
    return int(np.count_nonzero(up | ~np.isfinite(arr[1:])))


def reversals(weights) -> int:
    """How many consecutive step pairs point in opposite directions (the weight jumped across
    the valley's floor and came back)."""
    w = np.asarray(weights, dtype=float)
    w = w.reshape(len(w), -1)
    steps = np.diff(w, axis=0)
    if len(steps) < 2:
        return 0
    return int(np.count_nonzero(np.einsum("ij,ij->i", steps[:-1], steps[1:]) < 0))


def share_down(losses: Sequence[float], floor: float) -> float:
    """(E_start − E_end) / (E_start − E_floor): 1 at the bottom, ≤ 0 no better than the start."""
    start, end = float(losses[0]), float(losses[-1])
    drop = start - float(floor)
    if not math.isfinite(end):
        return -math.inf
    return 1.0 if drop <= LOSS_RTOL * abs(start) else (start - end) / drop


@dataclass
class Trial:
    """A learning rate tried before advising it, and what its run did."""

    lr: float
    kind: str
    share: float
    end_loss: float


@dataclass
class DescentVerdict:
    kind: str  # "at_bottom" | "settling" | "overshooting" | "slow" | "zigzag" | "diverging"
    level: str  # "success" | "info" | "warning" | "error"
    text: str
    short: str  # a few words for a chart legend
    advice: Trial | None = None
    tried: list[Trial] = field(default_factory=list)


SHORT = {"at_bottom": "already at the bottom", "settling": "settles",
         "overshooting": "falls, jumping across the valley", "slow": "barely moves",
         "zigzag": "zig-zags", "diverging": "diverges"}
LEVEL = {"at_bottom": "info", "settling": "success", "overshooting": "warning",
         "slow": "warning", "zigzag": "warning", "diverging": "error"}


def classify_descent(losses, weights, floor: float, blew_up: bool = False) -> tuple[str, float]:
    """(kind, share of the way down) of one run, from the losses and weights it went through."""
    losses = np.asarray(losses, dtype=float)
    share = share_down(losses, floor)
    n = len(losses) - 1
    if n < 1:
        return "at_bottom", share
    start, end = float(losses[0]), float(losses[-1])
    if abs(start - float(floor)) <= LOSS_RTOL * abs(start) and rises(losses) == 0:
        return "at_bottom", share
    if blew_up or not math.isfinite(end) or loss_blew_up(end, start):
        return "diverging", share
    lengths = step_lengths(weights)
    if end > start and len(lengths) >= 2 and lengths[-1] > lengths[0]:
        return "diverging", share
    if rises(losses):
        return "zigzag", share
    if n >= 2 and reversals(weights) * 2 >= n - 1:
        return "overshooting", share
    return ("settling" if share >= SETTLED_SHARE else "slow"), share


def step_lengths(weights) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    return np.linalg.norm(np.diff(w.reshape(len(w), -1), axis=0), axis=1)


def descent_verdict(losses, weights, grads, floor: float, lr: float,
                    run: Callable[[float], tuple] | None = None, eta_max: float | None = None,
                    blew_up: bool = False) -> DescentVerdict:
    """What this run of gradient descent did, in words true of ``losses`` and ``weights``.

    ``floor`` is the lowest loss the page draws (the curve or surface and the path);
    ``run(η)`` → (losses, weights, blew_up) re-runs the same start with another η, so that
    advice is given only when the suggested η does what the advice says, in the same steps.
    """
    losses = np.asarray(losses, dtype=float)
    kind, share = classify_descent(losses, weights, floor, blew_up)
    n = len(losses) - 1
    start, end = float(losses[0]), float(losses[-1])
    slope = float(np.abs(np.asarray(grads, float)).max()) if np.size(grads) else 0.0
    ratio = f" (η/η_max = {fmt(lr / eta_max, 3)})" if eta_max and math.isfinite(eta_max) else ""
    steps = f"{n} step{'s' if n != 1 else ''}"
    if kind == "at_bottom":
        text = (f"Already at the bottom: the start is the lowest loss on the chart; the slope "
                f"there is |∂E/∂w| = {fmt(slope, 3)}, so the steps hardly move the weight.")
    elif kind == "settling":
        text = (f"Settling: the loss falls at every step, from {fmt(start)} to {fmt(end)}: "
                f"{fmt_share(share)} of the way down in {steps}.")
    elif kind == "overshooting":
        text = (f"The loss falls at every step ({fmt(start)} to {fmt(end)}, {fmt_share(share)} "
                f"of the way down), but each step overshoots the valley's floor: the step "
                f"reversed direction {reversals(weights)} times in {steps}{ratio}.")
    elif kind == "slow":
        text = f"Barely moving: {steps} covered {fmt_share(share)} of the way down."
        if slope < 1e-3:
            text += (f" The slope is tiny here (|∂E/∂w| = {fmt(slope, 3)}): the loss curve is "
                     "nearly flat, as where a sigmoid is saturated.")
    elif kind == "zigzag":
        text = (f"Zig-zagging: the loss went up at {rises(losses)} of the {steps} (from "
                f"{fmt(start)} to {fmt(end)} overall): the steps are too large to fall smoothly.")
    else:
        lengths = step_lengths(weights)
        grow = ""
        if len(lengths) >= 2 and lengths[0] > 0:
            every = bool(np.all(np.diff(lengths) > 0))
            grow = ("; each step is longer than the last" if every else
                    f"; the last step is {fmt(lengths[-1] / lengths[0], 3)} times as long as "
                    "the first")
        text = (f"Diverging: the loss grew from {fmt(start)} to {fmt(end)}"
                + (" and the weights ran off to infinity" if blew_up or not math.isfinite(end)
                   else "") + f" in {steps}{grow}{ratio}.")
    level = "success" if kind == "overshooting" and share >= SETTLED_SHARE else LEVEL[kind]
    verdict = DescentVerdict(kind, level, text, SHORT[kind])
    if run is not None and kind not in ("at_bottom", "settling"):
        _advise(verdict, run, lr, floor, share, end)
    return verdict


def _trial(run, lr: float, floor: float) -> Trial:
    losses, weights, blew_up = run(lr)
    kind, share = classify_descent(losses, weights, floor, blew_up)
    return Trial(lr, kind, share, float(np.asarray(losses, float)[-1]))


def _advise(verdict: DescentVerdict, run, lr: float, floor: float, share: float,
            end: float) -> None:
    """Try η × 2ᵏ (larger for a slow run, smaller otherwise) and advise, of those that fall at
    every step without overshooting and end lower in the same number of steps, the one that
    gets furthest."""
    factors = tuple(2.0 ** k for k in range(1, 6)) if verdict.kind == "slow" else \
        tuple(2.0 ** -k for k in range(1, 13))
    for f in factors:
        t = _trial(run, lr * f, floor)
        verdict.tried.append(t)
        if t.kind in ("settling", "slow", "at_bottom") and t.end_loss < end and t.share > share \
                and (verdict.advice is None or t.share > verdict.advice.share):
            verdict.advice = t
    word = "larger" if verdict.kind == "slow" else "smaller"
    if verdict.advice is None:
        if verdict.kind != "overshooting":
            verdict.text += (f" No {word} η tried (η × {fmt(factors[0], 3)} … × "
                             f"{fmt(factors[-1], 3)}) falls at every step to a lower loss in "
                             "the same steps.")
        return
    t = verdict.advice
    verdict.text += (f" A {word} η gets further in the same steps: η = {fmt(t.lr, 3)} falls "
                     f"at every step to {fmt(t.end_loss)} ({fmt_share(t.share)} of the way down).")


# --------------------------------------------------------------------------- backprop checks
@dataclass
class Check:
    ok: bool | None  # None: too small to judge (vanishing)
    error: float  # |a − b|
    tolerance: float
    text: str

    @property
    def mark(self) -> str:
        return {True: "✓", False: "✗", None: "≈ 0"}[self.ok]


def tolerance(a: float, b: float, scale: float, rtol: float, ulps: float) -> float:
    """Absolute + relative: ``rtol`` of the values plus ``ulps`` roundings of the size of the
    terms that made them (``scale``)."""
    return rtol * max(abs(a), abs(b)) + ulps * EPS * abs(scale)


def agree(a: float, b: float, scale: float, rtol: float = 1e-9, ulps: float = 64) -> bool:
    a, b = float(a), float(b)
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= tolerance(a, b, scale, rtol, ulps)


def factor_check(value: float, check: float, kind: str, source: str) -> Check:
    """One chain-rule factor against nn_core's number for it. The terms of a loss or activation
    derivative (ŷ, y, 1 − ŷ) are of size ≤ 1 for the notes' sigmoid, so their rounding is
    ~ε absolute; a weight or input is the same stored number."""
    scale = max(1.0, abs(value), abs(check)) if kind in ("loss", "activation", "error_term") \
        else max(abs(value), abs(check))
    ok = agree(value, check, scale)
    err = abs(float(value) - float(check))
    return Check(ok, err, tolerance(value, check, scale, 1e-9, 64),
                 f"{'✓ equals' if ok else '✗ differs from'} {source} (difference {fmt(err, 2)})")


def fd_noise(loss: float, h: float) -> float:
    """What a 4th-order central difference of a loss of this size cannot resolve: its four
    evaluations each carry ~10 roundings of |E|, summed with weights 18/12 and divided by h."""
    return 10 * 18 / 12 * EPS * max(abs(float(loss)), EPS) / float(h) * 10


def gradient_check(gradient: float, backprop: float, fd: float, loss: float, h: float,
                   path_scale: float, small_factors: Sequence[tuple[str, float]] = ()) -> Check:
    """The whole ∂E/∂w: chain rule = nn_core's backprop (both exact arithmetic, so within a few
    roundings of ``path_scale``, Σ over the paths of |product|) = finite difference (within
    1e-6 relative, plus ``fd_noise``). A gradient below the finite difference's noise cannot be
    judged against it: the verdict says so and why (``small_factors``: the tiny factors,
    e.g. a saturated sigmoid's σ′)."""
    g, bp, fd = float(gradient), float(backprop), float(fd)
    bp_ok = agree(g, bp, max(abs(path_scale), abs(g)))
    noise = fd_noise(loss, h)
    err_bp, err_fd = abs(g - bp), abs(g - fd)
    if bp_ok and max(abs(g), abs(fd)) <= 10 * noise:
        why = ""
        if small_factors:
            name, v = min(small_factors, key=lambda t: abs(t[1]))
            why = (f" It is tiny because the factor {name} = {fmt(v, 3)}: a saturated "
                   "activation passes almost no gradient back (a vanishing gradient).")
        return Check(None, err_bp, noise,
                     f"≈ 0: ∂E/∂w = {fmt(g, 3)} is below what a finite difference can resolve "
                     f"at this loss (about {fmt(noise, 1)}), so the two cannot be compared; the "
                     "chain rule equals the NumPy network's backprop (difference "
                     f"{fmt(err_bp, 2)}).{why}")
    fd_ok = abs(g - fd) <= 1e-6 * max(abs(g), abs(fd)) + noise
    ok = bp_ok and fd_ok
    if ok:
        text = (f"✓ chain rule = backprop (difference {fmt(err_bp, 2)}) = finite difference "
                f"(difference {fmt(err_fd, 2)})")
    else:
        parts = []
        if not bp_ok:
            parts.append(f"backprop (difference {fmt(err_bp, 2)})")
        if not fd_ok:
            parts.append(f"the finite difference (difference {fmt(err_fd, 2)})")
        text = "✗ the chain rule differs from " + " and ".join(parts)
    return Check(ok, max(err_bp, err_fd), noise, text)


SMALL_FACTOR = 1e-4  # an activation slope below this is a saturated neuron


def backprop_check(step, h: float) -> Check:
    """``gradient_check`` for a derivations ``StepThrough`` (its terms carry their kinds)."""
    def size(t):  # a loss or activation slope is made of terms of size ~1 (ŷ, y, 1 − ŷ)
        return max(abs(t.value), 1.0) if t.kind in ("loss", "activation", "error_term") \
            else abs(t.value)

    paths = {}
    for t in step.terms:
        if t.path is not None:
            paths[t.path] = paths.get(t.path, 1.0) * size(t)
    path_scale = sum(paths.values()) if paths else 1.0
    for t in step.terms:
        if t.path is None:
            path_scale *= size(t)
    small = [(t.symbol_latex, t.value) for t in step.terms
             if t.kind in ("activation", "error_term") and abs(t.value) < SMALL_FACTOR]
    return gradient_check(step.gradient, step.backprop_gradient, step.fd_gradient,
                          step.old_loss, h, path_scale, [(f"${s}$", v) for s, v in small])


def loss_change(old: float, new: float, digits: int = 6) -> str:
    """One step's effect on the loss, in words true of the printed numbers."""
    a, b = fmt(old, digits), fmt(new, digits)
    if not math.isfinite(new):
        return f"the loss ran off from {a} to {b}"
    if abs(new - old) <= 8 * EPS * abs(old):  # a change of a few roundings is no change
        return f"the loss did not change beyond rounding (it stays {a})"
    if a == b:
        if new < old:
            return f"the loss fell by {fmt(old - new, 2)} (it stays {a} to {digits} digits)"
        if new > old:
            return f"the loss rose by {fmt(new - old, 2)} (it stays {a} to {digits} digits)"
        return f"the loss did not change (it stays {a})"
    return f"the loss {'fell' if new < old else 'rose'} from {a} to {b}"


# --------------------------------------------------------------------------- classes
def weakest_class(recall: Sequence[float], names: Sequence[str] | None = None) -> tuple[list[int],
                                                                                       float]:
    """The classes with the lowest recall (several when tied) and that recall."""
    r = np.asarray(recall, dtype=float)
    low = float(np.nanmin(r))
    return [int(c) for c in np.flatnonzero(np.isclose(r, low, rtol=0, atol=1e-12))], low


def _names(classes: Sequence[int]) -> str:
    names = [f"class {c}" for c in classes]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def notes_code_bullets(results: dict, neither: int) -> list[str]:
    """The one-vs-all page's bullets on the notes' 2-neuron code, from the trained schemes
    (``page_model.one_vs_all.fit_scheme`` results keyed by encoding)."""
    notes = results["notes_2neuron"]
    a, b = notes.classes[0], notes.classes[1]
    out = [f"Class {neither} has no neuron of its own (class {a} fires neuron 1, class {b} "
           f"neuron 2): it is the answer wherever neither neuron fires, the corner both "
           f"neurons reject. Here {fmt_share(notes.none_fraction)} of the training points fall "
           "in that corner."]
    if notes.ambiguous_fraction > 0:
        out.append(f"Both neurons fire for {fmt_share(notes.ambiguous_fraction)} of the training "
                   "points: the code has no answer of its own there and takes the larger "
                   "output (on the charts, grid points where both fire are crossed out).")
    else:
        out.append("No training point makes both neurons fire, so the code never has to break "
                   "a tie between them here.")
    worst, low = weakest_class(notes.recall)
    if len(worst) == len(notes.recall):
        out.append(f"It recalls every class equally well ({fmt_share(low)}).")
    else:
        def on(enc):
            return ", ".join(fmt_share(results[enc].recall[c]) for c in worst)

        others = f"one-vs-rest gets {on('one_vs_rest')} and softmax {on('softmax')}"
        verb = "class is" if len(worst) == 1 else "classes are (tied)"
        out.append(f"Its weakest {verb} {_names(worst)} (recall {fmt_share(low)}); {others} on "
                   f"{'that class' if len(worst) == 1 else 'those classes'}.")
    out.append("Try another “neither” class or more noise and compare the recall numbers: the "
               "class left to “neither” is only answered where both neurons stay below ½.")
    return out
