"""Chart text alternatives: each sentence is true of the numbers it summarises."""

from __future__ import annotations

import math

import numpy as np

from page_model.summaries import (
    boundary_summary,
    confusion_summary,
    descent_summary,
    loss_summary,
    regression_summary,
    share_summary,
    weights_summary,
)


def test_loss_summary_falls_rises_lowest_and_runaway():
    text = loss_summary({"train": [1.0, 0.5, 0.2, 0.3], "test": [1.0, 1.5]})
    assert "train: falls from 1 to 0.3 over 3 epochs (lowest 0.2 at epoch 2)" in text
    assert "test: rises from 1 to 1.5 over 1 epochs" in text
    assert "lowest" not in text.split(";")[1]  # the lowest is the first point: not repeated
    text = loss_summary({"train": [0.5, 3e9, math.inf, math.nan]})
    assert "runs away (not finite from epoch 2)" in text and "0.5" in text
    assert loss_summary({"train": []}) == "train: no points yet."
    assert loss_summary({}) == "No curves to show yet."
    assert "1.2×10⁸" in loss_summary({"x": [1.2e8, 1.0]})


def test_boundary_summary_counts_regions_and_points():
    grid = np.array([0, 0, 0, 1])
    text = boundary_summary(grid, [0, 1, 1, 0], [0, 1, 0, 0], n_classes=2)
    assert "class 0 (vermillion circles) 75%" in text and "class 1 (blue squares) 25%" in text
    assert "3 of 4 points (75%)" in text
    text = boundary_summary(np.zeros(9), [0, 2], [0, 0], n_classes=3)
    assert "No region at all for class 2 (green diamonds)" in text
    assert "class 1" in text and "No region at all for class 1" not in text  # no class-1 point


def test_regression_summary():
    text = regression_summary([-1.0, 2.0], [1.0, 2.0], [1.5, 1.0])
    assert "from -1 to 2" in text and "0.75" in text


def test_confusion_summary_right_and_the_worst_mistakes_with_ties():
    m = [[5, 2, 0], [0, 4, 2], [1, 0, 6]]
    text = confusion_summary(m)
    assert "Right on 15 of 20 points (75%)" in text
    assert "class 0 taken for class 1 and class 1 taken for class 2" in text
    assert "(2 points)" in text
    assert confusion_summary(np.eye(2, dtype=int) * 3).endswith("No mistakes.")
    assert confusion_summary([[0]]) == "No points to count."


def test_weights_summary_counts_from_one():
    w = [np.array([[0.1, -0.2], [0.3, -2.5]]), np.array([[1.0], [-0.5]])]
    text = weights_summary(w)
    assert "2 → 2 → 1" in text and "6 weights, 3 negative" in text
    assert "layer 1, from neuron 2 to neuron 2, w = -2.5" in text


def test_descent_summary_one_and_two_weights_and_runaway():
    text = descent_summary([0.0, 0.5, 0.75], [1.0, 0.4, 0.1])
    assert text == "2 steps from w₁ = 0 (E = 1) to w₁ = 0.75 (E = 0.1)."
    two = descent_summary([[0, 0], [1, 2]], [3.0, 1.0])
    assert "w₁ = 1, w₂ = 2" in two
    away = descent_summary([0.0, 10.0, math.inf], [1.0, 1e6, math.inf])
    assert "run away (not finite from step 2)" in away


def test_share_summary_names_the_dominant():
    assert "path 2 with 70%" in share_summary(["path 1", "path 2"], [0.3, 0.7])
    assert "path 1 with 80%" in share_summary(["path 1", "path 2"], [-0.8, 0.2])
