"""Learning-rate schedules: η as a function of the epoch t = 1, 2, … (``train`` accepts one as
its ``lr``).

- constant: η_t = η₀
- step decay: η_t = η₀ · γ^⌊(t − 1)/T⌋ (multiplied by γ every T epochs)
- 1/t decay: η_t = η₀ / (1 + k (t − 1))

Each starts at η₀ in epoch 1, so switching schedules never changes the first step.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from .training import learning_rate

SCHEDULES = ("constant", "step", "inverse_time")
SCHEDULE_LABELS = {"constant": "constant", "step": "step decay", "inverse_time": "1/t decay"}


def schedule(name: str, lr: float, decay: float = 0.5, every: int = 100
             ) -> Callable[[int], float]:
    """η_t for epoch t under schedule ``name`` (see the module docstring for the formulas):
    ``decay`` is γ ∈ (0, 1] for step decay and k ≥ 0 for 1/t decay; ``every`` is T."""
    lr, decay, every = learning_rate(lr), float(decay), int(every)  # η₀: the same rule as η
    if name == "constant":
        return lambda t: lr
    if name == "step":
        if not 0 < decay <= 1:
            raise ValueError(f"The step-decay factor γ must be in (0, 1] (got {decay}).")
        if every < 1:
            raise ValueError(f"The step-decay period T must be at least 1 epoch (got {every}).")
        return lambda t: lr * decay ** ((int(t) - 1) // every)
    if name == "inverse_time":
        if not (math.isfinite(decay) and decay >= 0):
            raise ValueError(f"The 1/t decay rate k must be 0 or positive (got {decay}).")
        return lambda t: lr / (1.0 + decay * (int(t) - 1))
    raise ValueError(f"Unknown schedule {name!r}: choose one of {', '.join(SCHEDULES)}.")
