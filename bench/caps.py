"""The playground at its caps, the scenario several benches measure (one home for it): 1000
points of three classes, 4 hidden layers of 16 tanh neurons, softmax with cross-entropy, 30 %
held out (page_model.playground's limits)."""

from __future__ import annotations

from dataclasses import replace


def caps_config(**changes):
    """The caps' ``Config``, with ``changes`` (e.g. ``features=FEATURES``)."""
    from page_model.playground import MAX_HIDDEN_LAYERS, MAX_NEURONS, MAX_POINTS, Config

    cfg = Config(dataset="blobs3", n_points=MAX_POINTS, hidden=(MAX_NEURONS,) * MAX_HIDDEN_LAYERS,
                 hidden_activations=("tanh",) * MAX_HIDDEN_LAYERS, output="softmax",
                 loss="cross_entropy", test_fraction=0.3)
    return replace(cfg, **changes)


def caps_session(**changes):
    """A ``TrainingSession`` on ``caps_config(**changes)``, at epoch 0."""
    from page_model.playground import TrainingSession, make_data

    cfg = caps_config(**changes)
    return TrainingSession(cfg, make_data(cfg))
