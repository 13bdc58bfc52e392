"""The sequence playground's logic, NumPy only: its configuration and caps, and the session that
trains an RNN and an LSTM side by side on the same task, a few epochs per animation tick.

Both networks see the same sequences and start from the same seed; each is trained by
``nn_core.train_sequences`` one epoch at a time, so a run depends only on the configuration and
the number of epochs, never on how many epochs an animation tick happened to fit in.
"""

from __future__ import annotations

import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from nn_core import LSTM, RNN, DivergenceError, History, train_sequences
from page_model.recurrent import (
    MAX_CLIP,
    MAX_CONTINUE,
    MAX_HIDDEN,
    MAX_LR,
    MAX_SEED,
    SequenceTask,
    check_task,
    make_task,
)

# ------------------------------------------------------------------ the sequence playground
MAX_EPOCHS = 2000  # per run: Play stops here
MAX_EPOCHS_PER_TICK = 10
TICK_BUDGET_S = 0.05  # at most this much training per animation tick (both networks)
TEST_SEED_OFFSET = 10_007  # the held-out sequences come from another seed
MODELS = ("RNN", "LSTM")


@dataclass(frozen=True)
class SequenceConfig:
    """Everything that defines a playground run (and goes in the link); not the weights."""

    task: str = "remember"
    T: int = 10
    k: int = 2
    n_sequences: int = 32
    n_hidden: int = 6
    lr: float = 0.1
    clip: float = 0.0  # 0: no gradient clipping
    seed: int = 0

    @property
    def data_key(self) -> tuple:
        """What the data and the initial weights depend on (a change needs a new session)."""
        return (self.task, self.T, self.k, self.n_sequences, self.n_hidden, self.seed)


def check_sequence_config(cfg: SequenceConfig) -> SequenceConfig:
    """``cfg`` if every value is within the caps, else ValueError saying what to change."""
    check_task(cfg.task, cfg.n_sequences, cfg.T, cfg.k)
    if not 1 <= cfg.n_hidden <= MAX_HIDDEN:
        raise ValueError(f"Each network has 1 to {MAX_HIDDEN} hidden units here.")
    if not (math.isfinite(cfg.lr) and 0 < cfg.lr <= MAX_LR):
        raise ValueError(f"The learning rate η must be in (0, {MAX_LR:g}].")
    if not (math.isfinite(cfg.clip) and 0 <= cfg.clip <= MAX_CLIP):
        raise ValueError(f"The clipping threshold must be 0 (off) to {MAX_CLIP:g}.")
    if not 0 <= cfg.seed <= MAX_SEED:
        raise ValueError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    return cfg


def tick_period(render_s: float | None, shortest: float = 0.3, longest: float = 2.0) -> float:
    """Seconds between animation frames: three times what a frame took (drawing plus a tick of
    training), so one playing student keeps at most about a third of a core."""
    if render_s is None or not math.isfinite(render_s) or render_s < 0:
        return shortest
    return min(longest, max(shortest, 3 * (render_s + TICK_BUDGET_S)))


def make_models(cfg: SequenceConfig) -> dict[str, object]:
    """The two networks at their initial weights: an RNN (tanh, linear output ŷ_t = h_t W_y +
    b_y) and an LSTM with the same number of hidden units and the same readout."""
    return {"RNN": RNN.init(1, cfg.n_hidden, 1, seed=cfg.seed),
            "LSTM": LSTM.init(1, cfg.n_hidden, seed=cfg.seed, n_out=1)}


@dataclass
class Example:
    """One sequence through one network: inputs, targets, answers and the states over time."""

    x: np.ndarray  # (T,)
    y: np.ndarray  # (T,) targets
    y_hat: np.ndarray  # (T,) the network's answers
    h: np.ndarray  # (T, n_h)
    c: np.ndarray | None = None  # LSTM cell state (T, n_h)
    gates: dict[str, np.ndarray] | None = None  # LSTM gates (T, n_h) each


class SequenceSession:
    """One run of both networks on one task; ``step``/``tick`` train, ``reset`` restarts.

    Per student session only (kept in Streamlit's session state); nothing touches the disk.
    """

    def __init__(self, cfg: SequenceConfig):
        self.cfg = check_sequence_config(cfg)
        self.task: SequenceTask = make_task(cfg.task, cfg.n_sequences, cfg.T, cfg.k, cfg.seed)
        n_test = max(4, cfg.n_sequences // 2)
        self.test: SequenceTask = make_task(cfg.task, min(n_test, 64), cfg.T, cfg.k,
                                            cfg.seed + TEST_SEED_OFFSET)
        self.initial = make_models(cfg)
        self.reset()

    # -- state
    def reset(self) -> None:
        self.models = {name: m.copy() for name, m in self.initial.items()}
        self.histories = {name: History() for name in MODELS}
        self.errors: dict[str, str | None] = dict.fromkeys(MODELS)
        self.epoch = 0

    @property
    def done(self) -> bool:
        return self.epoch >= MAX_EPOCHS or all(self.errors.values())

    def update_hyperparameters(self, cfg: SequenceConfig) -> None:
        """Take a new η or clipping threshold (they may change mid-run)."""
        if cfg.data_key != self.cfg.data_key:
            raise ValueError("This change needs a new session (new task or network size).")
        self.cfg = check_sequence_config(cfg)

    # -- training
    def step(self, epochs: int = 1) -> int:
        """Train both networks up to ``epochs`` epochs (stopping at the cap); a network that
        diverges keeps the weights of before that epoch, stops, and ``errors`` says why."""
        return self._run(epochs, budget_s=None)

    def tick(self, max_epochs: int = MAX_EPOCHS_PER_TICK, budget_s: float = TICK_BUDGET_S) -> int:
        """One animation tick: at most ``max_epochs`` epochs and about ``budget_s`` of work."""
        return self._run(min(int(max_epochs), MAX_EPOCHS_PER_TICK), budget_s)

    def _run(self, epochs: int, budget_s: float | None) -> int:
        epochs = max(0, min(int(epochs), MAX_EPOCHS - self.epoch))
        start = time.perf_counter()
        ran = 0
        for _ in range(epochs):
            if all(self.errors.values()):
                break
            for name in MODELS:
                if self.errors[name] is None:
                    self._one_epoch(name)
            self.epoch += 1
            ran += 1
            if budget_s is not None and time.perf_counter() - start > budget_s:
                break
        return ran

    def _one_epoch(self, name: str) -> None:
        model = self.models[name]
        before = model.copy()
        try:
            train_sequences(model, self.task.xs, self.task.ys, self.cfg.lr, 1,
                            seed=self.cfg.seed, clip=self.cfg.clip or None,
                            xs_test=self.test.xs, ys_test=self.test.ys,
                            history=self.histories[name])
        except DivergenceError as exc:
            self.models[name] = before
            self.errors[name] = f"The {name} diverged at epoch {exc.epoch}. " + _advice(exc)

    # -- what the page shows
    def loss(self, name: str, which: str = "train") -> float:
        data = self.task if which == "train" else self.test
        with np.errstate(all="ignore"):
            v = self.models[name].loss(data.xs, data.ys)
        return v if math.isfinite(v) else math.inf

    def example(self, name: str, index: int = 0) -> Example:
        """Training sequence ``index`` (from 0) through network ``name``."""
        if not 0 <= index < self.task.n_sequences:
            raise ValueError(f"Choose a sequence from 1 to {self.task.n_sequences}.")
        xs, ys = self.task.xs[index], self.task.ys[index]
        with np.errstate(all="ignore"):
            run = self.models[name].forward(xs)
        gates = getattr(run, "gates", None)
        return Example(x=xs[:, 0], y=ys[:, 0], y_hat=np.asarray(run.y)[:, 0], h=run.h,
                       c=getattr(run, "c", None),
                       gates=None if gates is None else dict(gates))

    def continuation(self, name: str, index: int = 0, steps: int = MAX_CONTINUE
                     ) -> tuple[np.ndarray, np.ndarray]:
        """The sine continued ``steps`` steps past sequence ``index``, each answer fed back as
        the next input. Returns (the network's continuation, the true wave's)."""
        if self.cfg.task != "sine":
            raise ValueError("Only the sine task can be continued.")
        steps = max(1, min(int(steps), MAX_CONTINUE))
        seq = list(self.task.xs[index, :, 0])
        out = []
        model = self.models[name]
        with np.errstate(all="ignore"):
            for _ in range(steps):
                nxt = float(np.asarray(model.forward(np.array(seq)[:, None]).y)[-1, 0])
                nxt = nxt if math.isfinite(nxt) else 0.0
                out.append(nxt)
                seq.append(nxt)
        return np.array(out), self.task.future[index, :steps]

    def as_dict(self) -> dict:
        return {"config": asdict(self.cfg), "epoch": self.epoch,
                "weights": {name: m.to_dict() for name, m in self.models.items()}}


def _advice(exc: DivergenceError) -> str:
    return (f"Its steps grew without bound; lower η (e.g. {exc.suggested_lr:g}) or turn on "
            "gradient clipping, then press Reset.")
