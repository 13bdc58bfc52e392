"""Every page at the edges of its caps (links a student could type) runs without an exception,
and every number it shows stays finite."""

import math

import pytest
from app_helpers import page

EXTREMES = [
    ("neuron", {"w1": "5", "w2": "-5", "b": "5", "theta": "0.95", "noise": "1", "point": "59"}),
    ("neuron", {"w1": "0", "w2": "0", "b": "0", "theta": "0.05", "stage": "weighted_sum"}),
    ("hidden_layers", {"layers": "2", "width": "6", "act": "relu", "outputs": "3",
                       "out": "linear", "x1": "3", "x2": "-3", "layer": "3", "neuron": "2"}),
    ("one_vs_all", {"n": "60", "noise": "1.5", "epochs": "50", "lr": "5", "neither": "1",
                    "show": "softmax"}),
    ("gradient_descent", {"model": "sigmoid", "rate": "custom", "eta": "200", "two": "1",
                          "steps": "60", "w1": "3.5", "w2": "-3.5"}),
    ("gradient_descent", {"model": "linear", "rate": "custom", "eta": "200", "steps": "60"}),
    ("backprop_steps", {"hand": "1", "wts": ",".join(["10"] * 17), "lr": "5", "x1": "3",
                        "x2": "3", "step": "8"}),
    ("backprop_steps", {"case": "single_layer", "param": "bias", "layer": "1", "j": "1",
                        "step": "2", "x1": "-3"}),
    ("notes_checked", {"rec": "where_block", "epochs": "50", "lr": "5"}),
]


@pytest.mark.parametrize(("name", "query"), EXTREMES)
def test_page_at_its_limits(name, query):
    at = page(name, query)
    assert not at.exception
    for df in at.dataframe:
        values = df.value
        if "value" in values:
            assert all(math.isfinite(v) for v in values["value"]), (name, values)
