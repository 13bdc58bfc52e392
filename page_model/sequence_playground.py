"""The sequence playground's logic, NumPy only: its configuration and caps, and the session that
trains an RNN and an LSTM side by side on the same task, a few epochs per animation tick.

Both networks see the same sequences and start from the same seed; each is trained by
``nn_core.train_sequences`` one epoch at a time, so a run depends only on the configuration and
the number of epochs, never on how many epochs an animation tick happened to fit in.
"""

from __future__ import annotations

import itertools
import json
import math
import time
from dataclasses import asdict, dataclass

import numpy as np

from nn_core import LSTM, RNN, DivergenceError, History, clip_by_norm, train_sequences
from nn_core.sequences import Recurrent, check_clip
from nn_core.training import BLOW_UP, blew_up
from page_model.numbers import fmt

# The animation's pacing is the playground's (at most about a third of a core per student).
from page_model.playground import TICK_BUDGET_S, tick_period  # noqa: F401  (the page reads it)
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
MAX_RUN_EPOCHS = 2000  # per run: Play stops here
MAX_EPOCHS_PER_TICK = 10
_VERSIONS = itertools.count(1)  # one number per state of any session in this process
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
    lr: float = 0.05
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


@dataclass
class ReadoutRun:
    """An LSTM forward pass plus the readout: ``h``, ``c``, ``gates`` as nn_core's LSTMRun,
    ``y`` the answers ŷ_t = h_t W_y + b_y."""

    h: np.ndarray
    c: np.ndarray
    gates: dict
    y: np.ndarray


class ReadoutLSTM(Recurrent):
    """An nn_core LSTM followed by the RNN's kind of linear readout, ŷ_t = h_t W_y + b_y, so both
    networks answer the same 1-number targets with the same loss E = Σ_t ½‖ŷ_t − y_t‖².

    nn_core's LSTM compares h_t itself with the targets. Its BPTT starts from ∂E/∂h_t = h_t −
    y_t (over N sequences: divided by N); through the readout ∂E/∂h_t is instead
    (ŷ_t − y_t) W_yᵀ / N. Giving nn_core the stand-in targets h_t − N·(that) makes its own BPTT
    start from exactly this, so every gate's gradient is nn_core's (checked against finite
    differences in the tests).
    """

    def __init__(self, lstm: LSTM, W_y: np.ndarray, b_y: np.ndarray):
        self.lstm, self.W_y, self.b_y = lstm, W_y, b_y

    @classmethod
    def init(cls, n_in: int, n_h: int, n_out: int = 1, seed: int = 0) -> ReadoutLSTM:
        lstm = LSTM.init(n_in, n_h, seed=seed)
        rng = np.random.default_rng(seed + 1)
        W_y = rng.standard_normal((n_h, n_out)) * np.sqrt(2.0 / (n_h + n_out))
        return cls(lstm, W_y, np.zeros(n_out))

    def copy(self) -> ReadoutLSTM:
        return ReadoutLSTM(self.lstm.copy(), self.W_y.copy(), self.b_y.copy())

    def params(self) -> dict:
        return {**self.lstm.params(), "W_y": self.W_y, "b_y": self.b_y}

    @property
    def n_in(self) -> int:
        return self.lstm.n_in

    @property
    def n_h(self) -> int:
        return self.lstm.n_h

    @property
    def n_out(self) -> int:
        return self.W_y.shape[1]

    def forward(self, xs) -> ReadoutRun:
        run = self.lstm.forward(xs)
        return ReadoutRun(run.h, run.c, run.gates, run.h @ self.W_y + self.b_y)

    def _outputs(self, xs: np.ndarray) -> np.ndarray:
        return self.forward(xs).y

    def gradients(self, xs, ys, clip: float | None = None) -> dict:
        clip = check_clip(clip)
        xs, ys, _ = self.check_data(xs, ys)
        n = xs.shape[0]
        run = self.forward(xs)
        err = (run.y - ys) / n  # ∂E/∂ŷ_t
        dh_own = err @ self.W_y.T  # ∂E/∂h_t through this step's answer
        grads = self.lstm.gradients(xs, run.h - n * dh_own)
        grads["W_y"] = np.einsum("nti,ntj->ij", run.h, err)
        grads["b_y"] = err.sum(axis=(0, 1))
        return clip_by_norm(grads, clip)[0]


def make_models(cfg: SequenceConfig) -> dict[str, object]:
    """The two networks at their initial weights: an RNN (tanh, linear output ŷ_t = h_t W_y +
    b_y) and an LSTM with the same number of hidden units and the same kind of readout."""
    return {"RNN": RNN.init(1, cfg.n_hidden, 1, seed=cfg.seed),
            "LSTM": ReadoutLSTM.init(1, cfg.n_hidden, 1, seed=cfg.seed)}


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
    ``version`` names what the networks are now (weights, histories, errors): it changes with
    every epoch and reset, and no two sessions share one, so a page can draw a state once.
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
        self.initial_loss = {name: self.loss(name) for name in MODELS}
        self.initial_test_loss = {name: self.loss(name, "test") for name in MODELS}
        self.version = next(_VERSIONS)
        self._weights_json: tuple[tuple, str] | None = None

    @property
    def done(self) -> bool:
        return self.epoch >= MAX_RUN_EPOCHS or all(self.errors.values())

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
        epochs = max(0, min(int(epochs), MAX_RUN_EPOCHS - self.epoch))
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
        if ran:
            self.version = next(_VERSIONS)
        return ran

    def _one_epoch(self, name: str) -> None:
        # Trained on a copy and published once the epoch is kept: a published network is never
        # changed in place, so a download read later on another thread sees whole networks.
        before = self.models[name]
        model = before.copy()
        history = self.histories[name]
        try:
            train_sequences(model, self.task.xs, self.task.ys, self.cfg.lr, 1,
                            seed=self.cfg.seed, clip=self.cfg.clip or None,
                            xs_test=self.test.xs, ys_test=self.test.ys, history=history)
        except DivergenceError as exc:
            self.errors[name] = (f"The {name} diverged at epoch {exc.epoch}: its loss or weights "
                                 "stopped being finite. " + _advice(self.cfg))
            return
        # A linear readout can run away while every number is still finite: caught as it starts.
        start = self.initial_loss[name]
        if blew_up(history.train_loss[-1], start):
            last = history.train_loss[-1]
            for column in (history.epoch, history.train_loss, history.test_loss,
                           history.train_accuracy, history.test_accuracy):
                column.pop()
            self.errors[name] = (f"The {name} is diverging: at epoch {self.epoch + 1} its loss "
                                 f"reached {fmt(last)}, over {fmt(BLOW_UP)} times its starting "
                                 f"{fmt(start)}. The weights are those before that epoch. "
                                 + _advice(self.cfg))
            return
        self.models[name] = model

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

    def weights_json(self) -> str:
        """Both networks' weights now, with the run's configuration and epoch (a download); made
        once per state and configuration."""
        if self._weights_json is not None and self._weights_json[0] == (self.version, self.cfg):
            return self._weights_json[1]
        text = _weights_text(self.cfg, self.epoch, self.models)
        self._weights_json = ((self.version, self.cfg), text)
        return text

    def weights_download(self):
        """``weights_json`` of the networks now, made only when called: for a download button,
        whose data Streamlit makes on the click, on another thread, while this session may be
        training. It holds the published networks (never changed in place), not the session."""
        cfg, epoch, models = self.cfg, self.epoch, dict(self.models)
        return lambda: _weights_text(cfg, epoch, models)


def _weights_text(cfg: SequenceConfig, epoch: int, models: dict) -> str:
    return json.dumps({"config": asdict(cfg), "epoch": epoch,
                       "weights": {name: m.to_dict() for name, m in models.items()}})


def _advice(cfg: SequenceConfig) -> str:
    clip = "" if cfg.clip else " or turn on gradient clipping"
    return f"Lower η (e.g. {cfg.lr / 10:g}){clip}, then press Reset."


@dataclass(frozen=True)
class Playground:
    """The page's settings, as the link and the widgets hold them (defined once here: a class in
    the page's script would be built again on every rerun)."""

    task: str = SequenceConfig.task
    T: int = SequenceConfig.T
    k: int = SequenceConfig.k
    n: int = SequenceConfig.n_sequences
    hidden: int = SequenceConfig.n_hidden
    lr: float = SequenceConfig.lr
    clip: float = SequenceConfig.clip
    seed: int = SequenceConfig.seed
    seq: int = 1
    more: bool = False  # the sidebar's box of training sequences, seed and clipping: open
