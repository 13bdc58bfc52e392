"""Small 2-D data sets to learn from, seeded, with noise, size and a train/test split,
and the class encodings the notes discuss.

Encodings (how class labels become output-neuron targets):
- ``binary``: 2 classes, 1 output neuron (target 0 or 1), thresholded: the notes' perceptron.
- ``notes_2neuron``: the notes' "2 neurons for 3 classes": class 0 → (1, 0), class 1 → (0, 1),
  class 2 → (0, 0); a point whose outputs are both below the threshold is class 2.
- ``one_vs_rest``: one sigmoid neuron per class, one-hot targets, the largest output wins.
- ``softmax``: one-hot targets for a softmax output layer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ENCODINGS = ("binary", "notes_2neuron", "one_vs_rest", "softmax")
MAX_POINTS = 20_000

DATASET_INFO = {
    "linear": "Two classes a straight line separates (one neuron is enough).",
    "blobs3": "Three blobs, three classes (for one-vs-all).",
    "xor": "XOR: opposite quadrants share a class; no single line separates them.",
    "circles": "A disc inside a ring.",
    "moons": "Two interleaved half-moons.",
    "spiral": "Two interleaved spirals (hard).",
    "regression": "A smooth surface to fit: the target is a number, not a class.",
}
DATASETS = tuple(DATASET_INFO)


@dataclass
class Dataset:
    name: str
    X_train: np.ndarray
    y_train: np.ndarray  # class index per point (int), or target value (float) for regression
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int  # 0 for regression

    @property
    def is_regression(self) -> bool:
        return self.n_classes == 0

    @property
    def X(self) -> np.ndarray:
        return np.vstack([self.X_train, self.X_test])

    @property
    def y(self) -> np.ndarray:
        return np.concatenate([self.y_train, self.y_test])

    def targets(self, encoding: str | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(Y_train, Y_test) as output-neuron targets for the given encoding."""
        if self.is_regression:
            return self.y_train.reshape(-1, 1), self.y_test.reshape(-1, 1)
        enc = encoding or default_encoding(self.n_classes)
        return (encode(self.y_train, self.n_classes, enc),
                encode(self.y_test, self.n_classes, enc))


def default_encoding(n_classes: int) -> str:
    return "binary" if n_classes == 2 else "one_vs_rest"


def make_dataset(name: str, n_points: int = 200, noise: float = 0.1,
                 test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """One of ``DATASETS``; ``noise`` is a standard deviation in feature units."""
    if name not in DATASET_INFO:
        raise ValueError(f"Unknown data set {name!r}: choose one of {', '.join(DATASETS)}.")
    n_points = int(n_points)
    if not 4 <= n_points <= MAX_POINTS:
        raise ValueError(f"Number of points must be between 4 and {MAX_POINTS} (got {n_points}).")
    if not (np.isfinite(noise) and 0 <= noise <= 5):
        raise ValueError(f"Noise must be between 0 and 5 (got {noise}).")
    if not 0 <= test_fraction < 1:
        raise ValueError(f"The test fraction must be in [0, 1) (got {test_fraction}).")
    rng = np.random.default_rng(seed)
    X, y, n_classes = _GENERATORS[name](n_points, rng)
    X = X + rng.normal(0.0, noise, X.shape) if noise else X
    order = rng.permutation(n_points)
    X, y = X[order], y[order]
    n_test = round(test_fraction * n_points)
    n_test = min(n_test, n_points - 2)
    n_train = n_points - n_test
    return Dataset(name, X[:n_train], y[:n_train], X[n_train:], y[n_train:], n_classes)


def _split_sizes(n: int, k: int) -> list[int]:
    return [n // k + (1 if i < n % k else 0) for i in range(k)]


def _linear(n, rng):
    y = rng.integers(0, 2, n)
    along = rng.uniform(-2, 2, n)
    across = rng.uniform(0.3, 1.8, n) * np.where(y == 1, 1, -1)
    direction = np.array([1.0, 0.6]) / np.hypot(1.0, 0.6)
    normal = np.array([-direction[1], direction[0]])
    return along[:, None] * direction + across[:, None] * normal, y, 2


def _blobs3(n, rng):
    centres = np.array([[-1.2, -0.9], [1.2, -0.9], [0.0, 1.2]])
    y = np.concatenate([np.full(k, c) for c, k in enumerate(_split_sizes(n, 3))])
    return centres[y] + rng.normal(0, 0.45, (n, 2)), y, 3


def _xor(n, rng):
    X = rng.uniform(-2, 2, (n, 2))
    X += np.sign(X) * 0.15  # a small margin around the axes
    return X, (X[:, 0] * X[:, 1] < 0).astype(int), 2


def _circles(n, rng):
    y = np.concatenate([np.zeros(_split_sizes(n, 2)[0], int), np.ones(_split_sizes(n, 2)[1], int)])
    r = np.where(y == 0, rng.uniform(0, 0.8, n), rng.uniform(1.3, 2.0, n))
    t = rng.uniform(0, 2 * np.pi, n)
    return np.c_[r * np.cos(t), r * np.sin(t)], y, 2


def _moons(n, rng):
    n0, n1 = _split_sizes(n, 2)
    t0, t1 = rng.uniform(0, np.pi, n0), rng.uniform(0, np.pi, n1)
    upper = np.c_[np.cos(t0), np.sin(t0)]
    lower = np.c_[1 - np.cos(t1), 0.5 - np.sin(t1)]
    X = np.vstack([upper, lower]) - [0.5, 0.25]
    return X * 1.5, np.r_[np.zeros(n0, int), np.ones(n1, int)], 2


def _spiral(n, rng):
    n0, n1 = _split_sizes(n, 2)
    X, y = [], []
    for c, k in enumerate((n0, n1)):
        r = np.linspace(0.1, 2.0, k)
        t = 1.75 * r * np.pi + c * np.pi
        X.append(np.c_[r * np.sin(t), r * np.cos(t)])
        y.append(np.full(k, c))
    return np.vstack(X), np.concatenate(y), 2


def _regression(n, rng):
    X = rng.uniform(-2, 2, (n, 2))
    return X, np.tanh(0.8 * X[:, 0]) * np.cos(0.9 * X[:, 1]), 0


_GENERATORS = {
    "linear": _linear, "blobs3": _blobs3, "xor": _xor, "circles": _circles,
    "moons": _moons, "spiral": _spiral, "regression": _regression,
}


# --------------------------------------------------------------------- encodings
def n_outputs(n_classes: int, encoding: str) -> int:
    """How many output neurons an encoding needs."""
    _check_encoding(encoding)
    if encoding == "binary":
        if n_classes != 2:
            raise ValueError(f"The binary encoding is for 2 classes (got {n_classes}).")
        return 1
    if encoding == "notes_2neuron":
        if n_classes != 3:
            raise ValueError(f"The notes' 2-neuron code is for 3 classes (got {n_classes}).")
        return 2
    return n_classes


def encode(labels, n_classes: int, encoding: str) -> np.ndarray:
    """Class indices (0 … n_classes−1) → targets, one row per point."""
    labels = np.asarray(labels)
    if labels.size and (labels.min() < 0 or labels.max() >= n_classes
                        or not np.all(labels == labels.astype(int))):
        raise ValueError(f"Labels must be whole numbers 0 … {n_classes - 1}.")
    labels = labels.astype(int)
    k = n_outputs(n_classes, encoding)
    if encoding == "binary":
        return labels.reshape(-1, 1).astype(float)
    one_hot = np.eye(n_classes)[labels]
    return one_hot[:, :k]  # notes_2neuron: the third class is (0, 0)


def decode(outputs, encoding: str | None = None, threshold: float = 0.5) -> np.ndarray:
    """Output-neuron values → class indices."""
    outputs = np.atleast_2d(np.asarray(outputs, dtype=float))
    encoding = encoding or ("binary" if outputs.shape[1] == 1 else "one_vs_rest")
    _check_encoding(encoding)
    if encoding == "binary":
        return (outputs[:, 0] >= threshold).astype(int)
    best = outputs.argmax(axis=1)
    if encoding == "notes_2neuron":
        return np.where(outputs.max(axis=1) < threshold, outputs.shape[1], best)
    return best


def ambiguous(outputs, threshold: float = 0.5) -> np.ndarray:
    """Points where the notes' 2-neuron code is ambiguous: both neurons say 'mine'."""
    outputs = np.atleast_2d(np.asarray(outputs, dtype=float))
    return (outputs >= threshold).sum(axis=1) > 1


def accuracy(outputs, labels, encoding: str | None = None) -> float:
    return float(np.mean(decode(outputs, encoding) == np.asarray(labels).astype(int)))


def _check_encoding(encoding: str) -> None:
    if encoding not in ENCODINGS:
        raise ValueError(f"Unknown encoding {encoding!r}: choose one of {', '.join(ENCODINGS)}.")
