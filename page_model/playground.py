"""The playground's logic, NumPy only: its configuration and caps, the student's own points
(from a CSV or clicks) as a Dataset, and the training session that trains a few epochs per tick.

Reproducibility: the session calls ``train`` one epoch at a time. ``train`` seeds its mini-batch
shuffle with seed + the epoch it starts from, so a run depends only on the configuration and the
number of epochs, never on how many epochs each animation tick happened to fit in.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import time
from dataclasses import asdict, dataclass, field

import numpy as np

from nn_core.activations import HIDDEN_ACTIVATIONS
from nn_core.datasets import DATASETS, Dataset, decode, make_dataset
from nn_core.features import DEFAULT_FEATURES, check_features, transform
from nn_core.network import Network
from nn_core.schedules import SCHEDULES, schedule
from nn_core.training import DivergenceError, History, new_velocity, train

from .summaries import boundary_summary, regression_summary

# ------------------------------------------------------------------ caps for a shared 2-core host
MAX_HIDDEN_LAYERS = 4
MAX_NEURONS = 16
MAX_POINTS = 1000
MIN_POINTS = 4
MAX_RUN_EPOCHS = 5000  # per run: Play stops here
MAX_EPOCHS_PER_TICK = 20
TICK_BUDGET_S = 0.05  # at most this much training work per animation tick
TICK_SECONDS = 0.3  # the animation's shortest period: ≤ 20 epochs / 0.3 s ≈ 67 epochs per second
MAX_TICK_SECONDS = 2.0
MAX_RESOLUTION = 100
#: grid points per forward pass of the plane: on larger products OpenBLAS starts threads whose
#: spinning costs the shared server several times the product itself (4×16 tanh, 10⁴ points:
#: 14 ms in one pass, about 3 in blocks)
PLANE_BLOCK = 2048
MAX_CSV_BYTES = 100_000
MAX_CLASSES = 3
MAX_LR = 10.0
MAX_L2 = 1.0
MAX_NOISE = 1.0
MAX_SEED = 2**31 - 1
MAX_MOMENTUM = 0.99
MAX_DECAY_RATE = 1.0  # k of the 1/t schedule
MIN_GAMMA = 0.01  # step decay's factor γ
MAX_STOP_LOSS = 10.0

CUSTOM = "custom"  # the student's own points


def tick_period(render_s: float | None) -> float:
    """Seconds between animation frames: a frame that took ``render_s`` to draw (plus a tick of
    training) gets three times that, so one playing student keeps at most about a third of a
    core however large the network and data. Capped at MAX_TICK_SECONDS to keep it moving, but
    never below 1.5 frames, so even a slow frame leaves the server idle a third of the time.
    (Frames do not queue ahead of a Pause: Streamlit keeps one pending timer rerun, and a
    click's full rerun preempts the frame being drawn.)"""
    if render_s is None or not math.isfinite(render_s) or render_s < 0:
        return TICK_SECONDS
    frame = render_s + TICK_BUDGET_S
    return max(min(MAX_TICK_SECONDS, max(TICK_SECONDS, 3 * frame)), 1.5 * frame)
DATASET_CHOICES = (*DATASETS, CUSTOM)
#: output layer choices; "sigmoid" is one neuron for 2 classes, one per class (one-vs-rest) for 3
OUTPUTS = ("sigmoid", "notes_2neuron", "softmax", "linear")
OUTPUT_LABELS = {
    "sigmoid": "sigmoid (one neuron for 2 classes; one-vs-rest for 3)",
    "notes_2neuron": "the notes' 2 sigmoid neurons for 3 classes",
    "softmax": "softmax (one neuron per class)",
    "linear": "linear (regression)",
}
LOSS_CHOICES = ("squared_error", "cross_entropy")  # what the loss menu offers


@dataclass(frozen=True)
class Config:
    """Everything that defines a run (and goes in the shareable link); not the weights."""

    dataset: str = "circles"
    n_points: int = 200
    noise: float = 0.1
    test_fraction: float = 0.3
    features: tuple[str, ...] = DEFAULT_FEATURES
    hidden: tuple[int, ...] = (4, 4)
    hidden_activations: tuple[str, ...] = ("tanh", "tanh")
    output: str = "sigmoid"
    loss: str = "squared_error"
    lr: float = 0.3
    batch_size: int = 0  # 0: full batch (the whole training set per step)
    l2: float = 0.0
    seed: int = 0
    schedule: str = "constant"  # η per epoch: constant, step decay or 1/t (nn_core.schedules)
    gamma: float = 0.5  # step decay: η is multiplied by γ …
    every: int = 100  # … every T epochs
    k: float = 0.01  # 1/t decay: η₀ / (1 + k (t − 1))
    momentum: float = 0.0  # μ; 0 is plain gradient descent
    stop_loss: float = 0.0  # stop when the training loss reaches this (0: never)
    stop_epoch: int = 0  # stop at this epoch (0: only at the MAX_RUN_EPOCHS cap)

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def network_key(self) -> tuple:
        """What a new network (and a fresh history) depends on; η and its schedule, momentum,
        batch size, L2 and the stop condition may change mid-run, as in TensorFlow Playground."""
        return (self.dataset, self.n_points, self.noise, self.test_fraction, self.features,
                self.hidden, self.hidden_activations, self.output, self.loss, self.seed)


def output_choices(n_classes: int) -> tuple[str, ...]:
    """The output layers that make sense for a data set with ``n_classes`` (0: regression)."""
    if n_classes == 0:
        return ("linear",)
    if n_classes == 3:
        return ("sigmoid", "notes_2neuron", "softmax")
    return ("sigmoid", "softmax")


def loss_choices(output: str) -> tuple[str, ...]:
    return ("squared_error",) if output == "linear" else LOSS_CHOICES


def encoding_for(output: str, n_classes: int) -> str | None:
    """The class encoding (see nn_core.datasets) an output choice means; None for regression."""
    if output not in output_choices(n_classes):
        kind = "regression" if n_classes == 0 else f"{n_classes} classes"
        raise ValueError(f"The output {output!r} does not fit {kind}: choose one of "
                         f"{', '.join(output_choices(n_classes))}.")
    if output == "linear":
        return None
    if output == "sigmoid":
        return "binary" if n_classes == 2 else "one_vs_rest"
    return output  # notes_2neuron, softmax


def output_size(output: str, n_classes: int) -> int:
    encoding = encoding_for(output, n_classes)
    return {None: 1, "binary": 1, "notes_2neuron": 2}.get(encoding, n_classes)


def check_config(cfg: Config, n_classes: int | None = None) -> Config:
    """``cfg`` if every value is within the caps, else ValueError saying what to change."""
    if cfg.dataset not in DATASET_CHOICES:
        raise ValueError(f"Unknown data set {cfg.dataset!r}: choose one of "
                         f"{', '.join(DATASET_CHOICES)}.")
    if not MIN_POINTS <= cfg.n_points <= MAX_POINTS:
        raise ValueError(f"Number of points must be between {MIN_POINTS} and {MAX_POINTS}.")
    if not 0 <= cfg.noise <= MAX_NOISE:
        raise ValueError(f"Noise must be between 0 and {MAX_NOISE}.")
    if not 0 <= cfg.test_fraction <= 0.5:
        raise ValueError("The test fraction must be between 0 and 0.5.")
    check_features(cfg.features)
    if len(cfg.hidden) > MAX_HIDDEN_LAYERS:
        raise ValueError(f"At most {MAX_HIDDEN_LAYERS} hidden layers on the shared server.")
    if any(not 1 <= n <= MAX_NEURONS for n in cfg.hidden):
        raise ValueError(f"Each hidden layer has 1 to {MAX_NEURONS} neurons.")
    if len(cfg.hidden_activations) != len(cfg.hidden):
        raise ValueError("Give one activation per hidden layer.")
    bad = [a for a in cfg.hidden_activations if a not in HIDDEN_ACTIVATIONS]
    if bad:
        raise ValueError(f"Hidden layers use {', '.join(HIDDEN_ACTIVATIONS)} (got {bad[0]!r}).")
    if n_classes is not None:
        encoding_for(cfg.output, n_classes)
    if cfg.loss not in loss_choices(cfg.output):
        raise ValueError(f"The {cfg.output} output needs the squared-error loss; cross-entropy is "
                         "for sigmoid or softmax outputs (predictions between 0 and 1).")
    if not (math.isfinite(cfg.lr) and 0 < cfg.lr <= MAX_LR):
        raise ValueError(f"The learning rate η must be in (0, {MAX_LR:g}].")
    if not 0 <= cfg.batch_size <= MAX_POINTS:
        raise ValueError(f"The batch size must be 0 (full batch) to {MAX_POINTS}.")
    if not (math.isfinite(cfg.l2) and 0 <= cfg.l2 <= MAX_L2):
        raise ValueError(f"The L2 strength λ must be between 0 and {MAX_L2:g}.")
    if not 0 <= cfg.seed <= MAX_SEED:
        raise ValueError(f"The seed must be a whole number from 0 to {MAX_SEED}.")
    if cfg.schedule not in SCHEDULES:
        raise ValueError(f"Unknown schedule {cfg.schedule!r}: choose one of "
                         f"{', '.join(SCHEDULES)}.")
    if not (math.isfinite(cfg.gamma) and MIN_GAMMA <= cfg.gamma <= 1):
        raise ValueError(f"The step-decay factor γ must be between {MIN_GAMMA:g} and 1.")
    if not 1 <= cfg.every <= MAX_RUN_EPOCHS:
        raise ValueError(f"Step decay every 1 to {MAX_RUN_EPOCHS} epochs.")
    if not (math.isfinite(cfg.k) and 0 <= cfg.k <= MAX_DECAY_RATE):
        raise ValueError(f"The 1/t decay rate k must be between 0 and {MAX_DECAY_RATE:g}.")
    if not (math.isfinite(cfg.momentum) and 0 <= cfg.momentum <= MAX_MOMENTUM):
        raise ValueError(f"The momentum μ must be between 0 and {MAX_MOMENTUM:g}.")
    if not (math.isfinite(cfg.stop_loss) and 0 <= cfg.stop_loss <= MAX_STOP_LOSS):
        raise ValueError(f"The stop loss must be between 0 (off) and {MAX_STOP_LOSS:g}.")
    if not 0 <= cfg.stop_epoch <= MAX_RUN_EPOCHS:
        raise ValueError(f"The stop epoch must be 0 (off) to {MAX_RUN_EPOCHS}.")
    return cfg


def learning_rate_schedule(cfg: Config):
    """η for each epoch t = 1, 2, … under the configuration's schedule."""
    decay = cfg.gamma if cfg.schedule == "step" else cfg.k
    return schedule(cfg.schedule, cfg.lr, decay, cfg.every)



def _said(value: float) -> str:
    """A setting's number as the sidebar holds it (no rounding: the value in force)."""
    return format(float(value), ".10g").replace("-", "−")


def training_options_summary(cfg: Config) -> str:
    """The schedule, momentum and stop condition in words: what a closed "More training
    options" group has in force."""
    eta = {"constant": "η constant",
           "step": f"η step decay (× {_said(cfg.gamma)} every {cfg.every} epochs)",
           "inverse_time": f"η 1/t decay (k = {_said(cfg.k)})"}[cfg.schedule]
    stops = ([f"epoch {cfg.stop_epoch}"] if cfg.stop_epoch else []) + (
        [f"loss ≤ {_said(cfg.stop_loss)}"] if cfg.stop_loss else [])
    stop = "stop at " + " or ".join(stops) if stops else "no stop condition"
    return f"{eta}, momentum {_said(cfg.momentum)}, {stop}"


def own_points_summary(points, click_mode: bool, click_class: int) -> str:
    """The student's points and what a click on the chart does, in words: what a closed
    "Your own points" group has in force (``points``: (X, y, classes) or None)."""
    have = "none yet" if points is None else f"{len(points[0])} points, {points[2]} classes"
    return have + (f"; clicks on the chart add class {int(click_class)}"
                   if click_mode else "")


# ------------------------------------------------------------------ data
def held_out(n: int, test_fraction: float, seed: int = 0, test=None) -> np.ndarray:
    """Which of ``n`` points are test points. Point i's membership depends on i alone (a
    seeded, evenly spread pattern: after n points ⌊n·f + φ⌋ of them are test points), so adding
    a point never moves another between train and test; ``test`` fixes the first ones (points
    that came from a data set with its own split)."""
    phase = float(np.random.default_rng(seed).random())
    i = np.arange(n)
    is_test = np.floor((i + 1) * test_fraction + phase) > np.floor(i * test_fraction + phase)
    if test is not None:
        m = min(len(test), n)
        is_test[:m] = np.asarray(test, bool)[:m]
    for k in np.flatnonzero(is_test)[:max(0, 2 - int(n - is_test.sum()))]:
        is_test[k] = False  # at least two training points
    return is_test


def split_points(X, y, n_classes: int, test_fraction: float = 0.3, seed: int = 0,
                 name: str = CUSTOM, test=None) -> Dataset:
    """The student's points as a Dataset, split train/test by ``held_out`` (stable when
    points are added), each part in the order the points came."""
    X = np.asarray(X, dtype=float).reshape(-1, 2)
    y = np.asarray(y).reshape(-1)
    is_test = held_out(len(X), test_fraction, seed, test)
    return Dataset(name, X[~is_test], y[~is_test], X[is_test], y[is_test], n_classes)


def make_data(cfg: Config, custom: tuple[np.ndarray, np.ndarray, int] | None = None,
              test=None) -> Dataset:
    """The run's data: a seeded nn_core data set, or the student's points ``(X, y, n_classes)``
    (``test``: the memberships the first of them keep, see ``held_out``)."""
    if cfg.dataset == CUSTOM:
        if custom is None or len(custom[0]) < MIN_POINTS:
            raise ValueError(f"Your own data set needs at least {MIN_POINTS} points: add them by "
                             "clicking on the chart or upload a CSV.")
        X, y, k = custom
        return split_points(X, y, k, cfg.test_fraction, cfg.seed, test=test)
    return make_dataset(cfg.dataset, cfg.n_points, cfg.noise, cfg.test_fraction, cfg.seed)


@dataclass
class ParsedPoints:
    X: np.ndarray
    y: np.ndarray
    n_classes: int
    notes: list[str] = field(default_factory=list)


_DECIMAL_COMMA = re.compile(r"^[+-]?[0-9]*,[0-9]+(?:[eE][+-]?[0-9]+)?$")


def _decode_csv(content: bytes, max_bytes: int, max_points: int) -> str:
    if len(content) > max_bytes:
        raise ValueError(f"The file is {len(content):,} bytes; the limit is {max_bytes:,}. "
                         f"Upload at most {max_points} points.")
    # Excel's "Unicode text" export is UTF-16 with a byte-order mark; CSV is UTF-8 (BOM or not).
    encoding = "utf-16" if content[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
    try:
        return content.decode(encoding)
    except UnicodeDecodeError:
        raise ValueError("The file is not UTF-8 text: save it as CSV (comma-separated).") \
            from None


def _csv_rows(text: str) -> list[tuple[int, list[str]]]:
    """The non-blank rows, with their line numbers, of a CSV written by hand, a spreadsheet or
    Excel (any locale).

    Line endings CR (old Mac), CRLF and LF; the separator is the one the header row uses
    (``,``, ``;`` as German Excel writes, or a tab), or the one Excel's ``sep=`` line names.
    """
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if "\x00" in text:
        raise ValueError("The file holds NUL characters: it is not a text CSV.")
    delimiter = None
    skipped = 0
    while lines and not lines[0].strip():
        lines.pop(0)
        skipped += 1
    if lines and re.fullmatch(r"\s*sep=(.)\s*", lines[0]):
        delimiter = lines.pop(0).strip()[4]
        skipped += 1
    if delimiter is None:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in (";", "\t", ",")}
        delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    try:
        reader = csv.reader(io.StringIO("\n".join(lines), newline=""), delimiter=delimiter)
        rows, line = [], skipped
        for row in reader:
            if any("\n" in c for c in row):  # points never span lines: a quote left open
                raise ValueError(f"Row {line + 1}: a quote (\") opened there is never closed.")
            line = skipped + reader.line_num
            if any(c.strip() for c in row):
                rows.append((line, row))
        return rows
    except csv.Error:
        raise ValueError("The file could not be read as CSV: save it again as CSV from your "
                         "spreadsheet.") from None


def _number(cell: str) -> float:
    """A cell as a number: ``1.5``, ``1e3``, or ``1,5`` (a decimal comma, German Excel)."""
    if _DECIMAL_COMMA.match(cell):
        cell = cell.replace(",", ".")
    return float(cell)


def parse_points_csv(content: bytes | str, max_points: int = MAX_POINTS,
                     max_bytes: int = MAX_CSV_BYTES) -> ParsedPoints:
    """A CSV with a header row and columns x1, x2, label → points and class labels 0 … k−1.

    Reads what spreadsheets write: CR, CRLF or LF line endings, a UTF-8 byte-order mark or
    UTF-16 (Excel's "Unicode text"), ``,`` ``;`` or tab separators, decimal commas, quoted
    fields, trailing separators, blank lines, the header in any case and column order.
    Raises ValueError with what to change: file too large, not text, missing columns, a
    non-numeric / NaN / infinite value (with its row), too few or too many points, labels that
    are not whole numbers, fewer than 2 or more than 3 classes. Labels such as {1, 2} or
    {-1, 1} are renumbered 0 … k−1 (kept in order), with a note.
    """
    if isinstance(content, bytes):
        text = _decode_csv(content, max_bytes, max_points)
    else:
        text = content
        if len(text.encode("utf-8", "replace")) > max_bytes:
            raise ValueError(f"The file is larger than {max_bytes:,} bytes.")
    rows = _csv_rows(text)
    if not rows:
        raise ValueError("The file is empty: give a header row x1,x2,label and one row per point.")
    header = [c.strip().lower() for c in rows[0][1]]
    missing = [c for c in ("x1", "x2", "label") if c not in header]
    if missing:
        raise ValueError(f"Missing column(s) {', '.join(missing)}: the first row must name the "
                         f"columns x1, x2, label (found: {', '.join(header) or 'nothing'}).")
    cols = [header.index(c) for c in ("x1", "x2", "label")]
    body = rows[1:]
    if len(body) > max_points:
        raise ValueError(f"{len(body)} points is too many: the limit is {max_points}.")
    if len(body) < MIN_POINTS:
        raise ValueError(f"Only {len(body)} point(s): give at least {MIN_POINTS}.")
    values = np.empty((len(body), 3))
    for k, (i, row) in enumerate(body):
        if any(c.strip() for c in row[len(header):]):
            raise ValueError(f"Row {i} has more values than the first row names columns "
                             f"({len(header)}): with decimal commas, separate with ';'.")
        for j, (col, name) in enumerate(zip(cols, ("x1", "x2", "label"), strict=True)):
            cell = row[col].strip() if col < len(row) else ""
            try:
                v = _number(cell)
            except ValueError:
                raise ValueError(f"Row {i}, column {name}: {cell[:20]!r} is not a number.") \
                    from None
            if not math.isfinite(v):
                raise ValueError(f"Row {i}, column {name} is {cell!r}: NaN and infinite values "
                                 "are not allowed; remove or fix that point.")
            if name != "label" and abs(v) > 1e6:
                raise ValueError(f"Row {i}, column {name}: {v:g} is too large (keep |x| ≤ 1e6).")
            values[k, j] = v
    labels = values[:, 2]
    if not np.all(labels == np.round(labels)):
        raise ValueError("Labels must be whole numbers (class 0, 1 or 2).")
    classes = np.unique(labels)
    if len(classes) > MAX_CLASSES:
        raise ValueError(f"{len(classes)} classes found; the playground handles 2 or 3.")
    if len(classes) < 2:
        raise ValueError("Only one class found: give points of at least 2 classes.")
    y = np.searchsorted(classes, labels).astype(int)
    notes = []
    if not np.array_equal(classes, np.arange(len(classes))):
        notes.append("Labels " + ", ".join(f"{c:g}" for c in classes) + " were renumbered "
                     + ", ".join(str(k) for k in range(len(classes))) + ".")
    return ParsedPoints(values[:, :2].copy(), y, len(classes), notes)


def add_point(points: tuple[np.ndarray, np.ndarray, int] | None, x1: float, x2: float,
              label: int, max_points: int = MAX_POINTS) -> tuple[np.ndarray, np.ndarray, int]:
    """The student's points with one more (x1, x2) of class ``label``."""
    label = int(label)
    if not 0 <= label < MAX_CLASSES:
        raise ValueError(f"The class must be 0 … {MAX_CLASSES - 1}.")
    if not (math.isfinite(x1) and math.isfinite(x2)):
        raise ValueError("The point's coordinates must be finite numbers.")
    X, y, k = points if points is not None else (np.empty((0, 2)), np.empty(0, int), 2)
    if len(X) >= max_points:
        raise ValueError(f"At most {max_points} points: remove some before adding more.")
    return (np.vstack([X, [[x1, x2]]]), np.append(y, label).astype(int),
            max(k, label + 1, 2))


# ------------------------------------------------------------------ numbers beside the charts
MAX_WEIGHTS_JSON_BYTES = 300_000
MAX_WEIGHT = 1e6


@dataclass
class LoadedWeights:
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    epoch: int
    config: dict  # Config fields as the file gives them (checked like a link by the page)
    velocity: list[np.ndarray] | None = None  # momentum's v when the run used momentum


def parse_weights_json(content: bytes | str) -> LoadedWeights:
    """A file saved by "Download trained weights", checked; ValueError with one plain message
    per fault."""
    if isinstance(content, str):
        content = content.encode("utf-8")
    if len(content) > MAX_WEIGHTS_JSON_BYTES:
        raise ValueError(f"The file is larger than {MAX_WEIGHTS_JSON_BYTES // 1000} kB; a "
                         "playground export is smaller.")
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise ValueError("The file is not text (UTF-8): is it the weights JSON?") from exc
    except json.JSONDecodeError as exc:
        raise ValueError(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                         f"{exc.msg}).") from exc
    if not isinstance(data, dict):
        raise ValueError("The file holds no weights: it should be what “Download trained "
                         "weights” saves (an object with weights, biases and config).")
    for key in ("weights", "biases", "config"):
        if key not in data:
            raise ValueError(f"The file has no “{key}” entry: it should be what “Download "
                             "trained weights” saves.")
    W, B = data["weights"], data["biases"]
    if not isinstance(W, list) or not isinstance(B, list) or not W or len(W) != len(B):
        raise ValueError("“weights” and “biases” must be lists with one entry per layer.")
    if len(W) > MAX_HIDDEN_LAYERS + 1:
        raise ValueError(f"The file has {len(W)} layers; the playground has at most "
                         f"{MAX_HIDDEN_LAYERS + 1}.")
    weights, biases = [], []
    for n, (w, b) in enumerate(zip(W, B, strict=True), start=1):
        try:
            w = np.array(w, dtype=float)
            b = np.array(b, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Layer {n}'s weights are not a table of numbers.") from exc
        if w.ndim != 2 or b.ndim != 1 or w.shape[1] != b.shape[0]:
            raise ValueError(f"Layer {n}: the weights must be a table (inputs × neurons) and "
                             "the biases one number per neuron.")
        if weights and w.shape[0] != weights[-1].shape[1]:
            raise ValueError(f"Layer {n} takes {w.shape[0]} inputs but layer {n - 1} has "
                             f"{weights[-1].shape[1]} neurons.")
        if max(w.shape) > max(MAX_NEURONS, 16):
            raise ValueError(f"Layer {n} is larger than the playground's networks.")
        if not (np.all(np.isfinite(w)) and np.all(np.isfinite(b))):
            raise ValueError(f"Layer {n} has a weight that is not a finite number.")
        if np.max(np.abs(w), initial=0) > MAX_WEIGHT or np.max(np.abs(b), initial=0) > MAX_WEIGHT:
            raise ValueError(f"Layer {n} has a weight beyond ±{MAX_WEIGHT:g}.")
        weights.append(w)
        biases.append(b)
    config = data["config"]
    if not isinstance(config, dict):
        raise ValueError("“config” must be the settings object the playground saves.")
    epoch = data.get("epoch", 0)
    if isinstance(epoch, bool) or not isinstance(epoch, int) or not 0 <= epoch <= MAX_RUN_EPOCHS:
        raise ValueError(f"“epoch” must be a whole number from 0 to {MAX_RUN_EPOCHS}.")
    return LoadedWeights(weights, biases, epoch, config, _file_velocity(data, weights))


def _file_velocity(data: dict, weights: list[np.ndarray]) -> list[np.ndarray] | None:
    """The file's momentum velocity (one [v_W; v_b] table per layer, as the link carries it),
    checked against its weights; None when it has none."""
    V = data.get("velocity")
    if V is None:
        return None
    if not isinstance(V, list) or len(V) != len(weights):
        raise ValueError("“velocity” must be a list with one table per layer.")
    velocity = []
    for n, (v, w) in enumerate(zip(V, weights, strict=True), start=1):
        try:
            v = np.array(v, dtype=float)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"Layer {n}'s velocity is not a table of numbers.") from exc
        if v.shape != (w.shape[0] + 1, w.shape[1]):
            raise ValueError(f"Layer {n}'s velocity must have one row per input and one for the "
                             "bias, one column per neuron, like its weights.")
        if not np.all(np.isfinite(v)) or np.max(np.abs(v), initial=0) > MAX_WEIGHT:
            raise ValueError(f"Layer {n}'s velocity has a number that is not finite or beyond "
                             f"±{MAX_WEIGHT:g}.")
        velocity.append(v)
    return velocity


def gradient_norms(net: Network, X, Y, loss: str = "squared_error") -> list[float]:
    """Per layer, the length √(Σ(∂E/∂w)² + Σ(∂E/∂b)²) of its gradient on (X, Y)."""
    return [float(math.sqrt(float(np.sum(dW * dW) + np.sum(db * db))))
            for dW, db in net.gradients(X, Y, loss)]


def confusion_matrix(y_true, y_pred, n_classes: int) -> np.ndarray:
    """Counts C[i, j] of points of class i that the network puts in class j."""
    y_true = np.asarray(y_true).astype(int).reshape(-1)
    y_pred = np.asarray(y_pred).astype(int).reshape(-1)
    k = max(int(n_classes), int(y_pred.max(initial=-1)) + 1, int(y_true.max(initial=-1)) + 1)
    out = np.zeros((k, k), dtype=int)
    np.add.at(out, (y_true, y_pred), 1)
    return out


def per_class_accuracy(matrix: np.ndarray) -> list[float | None]:
    """For each true class, the share of its points classified right (None: no such points)."""
    totals = matrix.sum(axis=1)
    return [float(matrix[i, i] / t) if t else None for i, t in enumerate(totals)]


def points_csv(X, y) -> str:
    """The student's points as a CSV that "Your own points" reads back."""
    rows = [f"{float(a):.17g},{float(b):.17g},{int(c)}" for (a, b), c in zip(
        np.asarray(X).reshape(-1, 2), np.asarray(y).reshape(-1), strict=True)]
    return "x1,x2,label\n" + "\n".join(rows) + "\n"


def history_download(history: History):
    """``history_csv`` of the epochs so far, made only when called (see
    ``TrainingSession.weights_download``): training appends to the history in place."""
    copy = history.copy()
    return lambda: history_csv(copy)


def history_csv(history: History) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    cols = History.COLUMNS
    w.writerow(cols)
    for row in history.as_rows():
        w.writerow(["" if row[c] is None else (f"{row[c]:.17g}" if isinstance(row[c], float)
                                               else row[c]) for c in cols])
    return out.getvalue()


# ------------------------------------------------------------------ the training session
class TrainingSession:
    """One run: data, features, network and history; ``step``/``tick`` train, ``reset`` restarts.

    Per student session only (kept in Streamlit's session state); nothing touches the disk.
    """

    def __init__(self, cfg: Config, data: Dataset):
        self.data = data
        self.cfg = check_config(cfg, data.n_classes)
        self.encoding = encoding_for(cfg.output, data.n_classes)
        self.X_train = transform(data.X_train, cfg.features)
        self.X_test = transform(data.X_test, cfg.features)
        self.Y_train, self.Y_test = data.targets(self.encoding)
        sizes = [len(cfg.features), *cfg.hidden, output_size(cfg.output, data.n_classes)]
        out_act = {"notes_2neuron": "sigmoid"}.get(cfg.output, cfg.output)
        self.initial = Network.init(sizes, [*cfg.hidden_activations, out_act], seed=cfg.seed)
        self.error: str | None = None
        self.reset()

    # -- state
    def reset(self) -> None:
        self.net = self.initial.copy()
        self.history = History()
        self.velocity = new_velocity(self.net)  # momentum's v starts at 0
        self.error = None

    @property
    def epoch(self) -> int:
        return self.history.epoch[-1] if self.history.epoch else 0

    @property
    def done(self) -> bool:
        return (self.epoch >= MAX_RUN_EPOCHS or self.error is not None
                or self.stop_reason is not None)

    @property
    def stop_reason(self) -> str | None:
        """Why the stop condition holds now (None: it does not)."""
        c = self.cfg
        if c.stop_epoch and self.epoch >= c.stop_epoch:
            return f"Reached the stop epoch {c.stop_epoch}."
        if c.stop_loss and self.history and self.history.train_loss[-1] <= c.stop_loss:
            return (f"The training loss {self.history.train_loss[-1]:.4g} reached the stop "
                    f"threshold {c.stop_loss:g}.")
        return None

    @property
    def current_lr(self) -> float:
        """η of the next epoch under the schedule."""
        return learning_rate_schedule(self.cfg)(self.epoch + 1)

    def update_hyperparameters(self, cfg: Config) -> None:
        """Take a new η, schedule, momentum, batch size, L2 or stop condition (they may change
        mid-run)."""
        if cfg.network_key != self.cfg.network_key:
            raise ValueError("This change needs a new session (new data or network).")
        self.cfg = check_config(cfg, self.data.n_classes)

    # -- training
    def step(self, epochs: int = 1) -> int:
        """Train up to ``epochs`` epochs (stopping at the cap or on divergence); returns how many
        ran. On divergence the weights go back to those before the failing epoch and ``error``
        holds the explanation with a suggested learning rate."""
        return self._run(epochs, budget_s=None)

    def tick(self, max_epochs: int = MAX_EPOCHS_PER_TICK, budget_s: float = TICK_BUDGET_S) -> int:
        """One animation tick: at most ``max_epochs`` epochs and about ``budget_s`` of work."""
        return self._run(min(max_epochs, MAX_EPOCHS_PER_TICK), budget_s)

    def _run(self, epochs: int, budget_s: float | None) -> int:
        if self.done:
            return 0
        last = self.cfg.stop_epoch or MAX_RUN_EPOCHS
        epochs = max(0, min(int(epochs), last - self.epoch))
        start = time.perf_counter()
        ran = 0
        for _ in range(epochs):
            before = self.net.copy()
            velocity = [v.copy() for v in self.velocity]
            try:
                self._one_epoch()
            except DivergenceError as exc:
                self.net, self.velocity = before, velocity
                self.error = str(exc)
                break
            ran += 1
            if self.stop_reason is not None:
                break
            if budget_s is not None and time.perf_counter() - start > budget_s:
                break
        return ran

    def _one_epoch(self) -> None:
        c = self.cfg
        has_test = len(self.X_test) > 0
        train(self.net, self.X_train, self.Y_train, learning_rate_schedule(c), 1,
              batch_size=c.batch_size or None, loss=c.loss, seed=c.seed,
              X_test=self.X_test if has_test else None, Y_test=self.Y_test if has_test else None,
              l2=c.l2, encoding=self.encoding, history=self.history,
              momentum=c.momentum, velocity=self.velocity)

    # -- what the page shows (after a divergence the weights may be huge: no warnings, and
    #    overflowing numbers come back as ±inf for the page to say so, never NaN)
    def _shown(self, name: str, compute, *key):
        """``compute()``, kept while the weights, the settings and ``key`` stay the same: a rerun
        that changes nothing shows the same numbers without the passes behind them. Callers
        only read what comes back."""
        state = (self.cfg, *(w.tobytes() for w in self.net.weights),
                 *(b.tobytes() for b in self.net.biases))
        memo = self.__dict__.setdefault("_memo", {})
        if memo.get(None) != state:
            memo.clear()
            memo[None] = state
        if (name, *key) not in memo:
            memo[(name, *key)] = compute()
        return memo[(name, *key)]

    def predict_points(self, points) -> np.ndarray:
        """Network outputs for raw (x1, x2) points, e.g. the decision-boundary grid."""
        return self.plane(points)[-1]

    def plane(self, points) -> list[np.ndarray]:
        """Every layer's activations at raw (x1, x2) points, layer 0 being the input features:
        ONE forward pass of the grid (in blocks of PLANE_BLOCK points) gives each neuron's picture
        and the decision boundary.
        NaN reads as 0 (the output's as ½, undecided); overflow stays ±inf for the charts."""
        points = np.asarray(points, dtype=float)
        return self._shown("plane", lambda: self._plane(points), points.shape, points.tobytes())

    def _plane(self, points) -> list[np.ndarray]:
        X = transform(points, self.cfg.features)
        with np.errstate(all="ignore"):
            blocks = [self.net.forward_pass(X[i:i + PLANE_BLOCK]).ys
                      for i in range(0, len(X), PLANE_BLOCK)] or [self.net.forward_pass(X).ys]
        ys = [b[0] if len(blocks) == 1 else np.concatenate(b) for b in zip(*blocks, strict=True)]
        for layer, y in enumerate(ys):
            nan = np.isnan(y)
            if nan.any():  # rare (a diverged run): the test costs far less than a copy
                y[nan] = 0.5 if layer == len(ys) - 1 else 0.0
        return ys

    def gradient_norms(self) -> list[float]:
        return self._shown("gradient_norms", self._gradient_norms)

    def _gradient_norms(self) -> list[float]:
        with np.errstate(all="ignore"):
            norms = gradient_norms(self.net, self.X_train, self.Y_train, self.cfg.loss)
        return [v if np.isfinite(v) else math.inf for v in norms]

    def train_loss(self) -> float:
        return self._shown("train_loss", self._train_loss)

    def _train_loss(self) -> float:
        with np.errstate(all="ignore"):
            v = self.net.loss(self.X_train, self.Y_train, self.cfg.loss)
        return v if np.isfinite(v) else math.inf

    def test_loss(self) -> float | None:
        return self._shown("test_loss", self._test_loss)

    def _test_loss(self) -> float | None:
        if len(self.X_test) == 0:
            return None
        with np.errstate(all="ignore"):
            v = self.net.loss(self.X_test, self.Y_test, self.cfg.loss)
        return v if np.isfinite(v) else math.inf

    def accuracy(self, which: str = "train") -> float | None:
        """Share of points whose decoded class is right; None for regression or no points."""
        return self._shown("accuracy", lambda: self._accuracy(which), which)

    def _accuracy(self, which: str) -> float | None:
        if self.encoding is None:
            return None
        X, y = ((self.X_train, self.data.y_train) if which == "train"
                else (self.X_test, self.data.y_test))
        if len(X) == 0:
            return None
        return float(np.mean(self._decoded(which) == y.astype(int)))

    def confusion(self, which: str = "train") -> np.ndarray | None:
        """The confusion matrix on the training or test points (None: regression, no points)."""
        return self._shown("confusion", lambda: self._confusion(which), which)

    def _confusion(self, which: str) -> np.ndarray | None:
        if self.encoding is None:
            return None
        X, y = ((self.X_train, self.data.y_train) if which == "train"
                else (self.X_test, self.data.y_test))
        if len(X) == 0:
            return None
        return confusion_matrix(y, self._decoded(which), self.data.n_classes)

    def _outputs(self, which: str) -> np.ndarray:
        """The network's outputs on the training or test points (NaN read as 0): one forward
        pass per weights for the accuracy, the confusion matrix and the boundary's summary."""
        def compute():
            X = self.X_train if which == "train" else self.X_test
            with np.errstate(all="ignore"):
                return np.nan_to_num(self.net.forward(X), nan=0.0)
        return self._shown("outputs", compute, which)

    def _decoded(self, which: str) -> np.ndarray:
        """The class each training or test point is given (classification only)."""
        return self._shown("decoded", lambda: decode(self._outputs(which), self.encoding), which)

    def plane_summary(self, grid_outputs) -> str:
        """The decision boundary chart in words, from the outputs over its grid."""
        out = np.asarray(grid_outputs)
        return self._shown("plane_summary", lambda: self._plane_summary(out), out.shape,
                           out.tobytes())

    def _plane_summary(self, grid_outputs) -> str:
        if self.encoding is None:
            return regression_summary(grid_outputs[:, 0], self.data.y_train,
                                      self._outputs("train")[:, 0])
        return boundary_summary(decode(grid_outputs, self.encoding), self.data.y_train,
                                self._decoded("train"), self.data.n_classes)

    def load_state(self, weights, biases, history: History | None = None, epoch: int = 0,
                   velocity=None) -> None:
        """Continue from shared weights (a link's moment or a loaded file): ValueError, and
        nothing changed, if they do not fit this network. Without a ``history`` the run is put
        at ``epoch`` with the loss these weights give; without a ``velocity`` momentum's v
        starts at 0."""
        sizes = [w.shape[0] for w in self.net.weights] + [self.net.weights[-1].shape[1]]
        got = [np.shape(w)[0] for w in weights] + [np.shape(weights[-1])[1]] if weights else []
        if got != sizes or [np.shape(b) for b in biases] != [b.shape for b in self.net.biases]:
            raise ValueError(f"Its network has layers {'–'.join(map(str, got))}, but these "
                             f"settings make {'–'.join(map(str, sizes))}.")
        zero = new_velocity(self.net)
        if velocity is not None and [np.shape(v) for v in velocity] != [v.shape for v in zero]:
            raise ValueError("Its momentum (velocity) does not fit this network.")
        self.net = Network.from_weights(weights, biases, self.net.activation_names)
        self.velocity = zero if velocity is None else [
            np.array(v, dtype=self.net.dtype) for v in velocity]
        self.error = None
        if history is None:
            history = History()
            epoch = max(0, min(int(epoch), MAX_RUN_EPOCHS))
            if epoch:
                acc = self.accuracy("train"), self.accuracy("test")
                history = History(epoch=[epoch], train_loss=[self.train_loss()],
                                  test_loss=[self.test_loss()], train_accuracy=[acc[0]],
                                  test_accuracy=[acc[1]])
        self.history = history

    def weights_json(self) -> str:
        """The trained network (loadable by ``Network.from_dict``) plus what it was trained on."""
        return self.weights_download()()

    def weights_download(self):
        """``weights_json`` of the network now, made only when called: for a download button,
        whose data Streamlit makes on the click, on another thread, while this session may be
        training. It holds copies of the numbers (training changes the network in place)."""
        d = self.net.to_dict()  # lists: copies
        d.update(features=list(self.cfg.features), encoding=self.encoding, epoch=self.epoch,
                 config=self.cfg.as_dict())
        if self.cfg.momentum and any(np.any(v) for v in self.velocity):
            d["velocity"] = [v.tolist() for v in self.velocity]  # the run goes on as it would
        return lambda: json.dumps(d)
