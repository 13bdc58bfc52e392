"""Input features for the playground: the raw x1, x2 and optional transforms of them.

A network with only x1, x2 needs a hidden layer to bend its decision boundary; given x1² and
x2² even a single neuron can separate a disc from a ring (its weighted sum is then a circle).
"""

from __future__ import annotations

import numpy as np

#: name → (label shown to students, function of the (n, 2) input)
FEATURE_INFO = {
    "x1": ("x₁", lambda X: X[:, 0]),
    "x2": ("x₂", lambda X: X[:, 1]),
    "x1sq": ("x₁²", lambda X: X[:, 0] ** 2),
    "x2sq": ("x₂²", lambda X: X[:, 1] ** 2),
    "x1x2": ("x₁·x₂", lambda X: X[:, 0] * X[:, 1]),
    "sin_x1": ("sin x₁", lambda X: np.sin(X[:, 0])),
    "sin_x2": ("sin x₂", lambda X: np.sin(X[:, 1])),
}
FEATURES = tuple(FEATURE_INFO)
DEFAULT_FEATURES = ("x1", "x2")


def check_features(features) -> tuple[str, ...]:
    """The feature names in canonical order, without repeats; ValueError if any is unknown."""
    names = [str(f) for f in features]
    unknown = [f for f in names if f not in FEATURE_INFO]
    if unknown:
        raise ValueError(f"Unknown feature(s) {', '.join(map(repr, unknown))}: choose from "
                         f"{', '.join(FEATURES)}.")
    if not names:
        raise ValueError("Choose at least one input feature (e.g. x1 and x2).")
    return tuple(f for f in FEATURES if f in names)


def feature_labels(features) -> list[str]:
    return [FEATURE_INFO[f][0] for f in check_features(features)]


def transform(X, features=DEFAULT_FEATURES) -> np.ndarray:
    """The network's input: one column per chosen feature of the 2-D points X (shape (n, 2))."""
    features = check_features(features)
    X = np.asarray(X, dtype=float)
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"Points must have shape (n, 2): columns x1, x2; got {X.shape}.")
    if X.shape[0] == 0:
        return np.empty((0, len(features)))
    return np.column_stack([FEATURE_INFO[f][1](X) for f in features])
