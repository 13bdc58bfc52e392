"""Stable train/test membership and the link codecs of a trained moment and of points."""

import numpy as np
import pytest

from nn_core import Network
from nn_core.training import History
from page_model.playground import held_out, split_points
from page_model.share import (
    MAX_LINK_CHARS,
    decode_moment,
    decode_points,
    encode_moment,
    encode_points,
)


def test_adding_points_never_moves_existing_ones():
    for seed in (0, 1, 7):
        before = held_out(40, 0.3, seed)
        after = held_out(41, 0.3, seed)
        np.testing.assert_array_equal(before, after[:40])
        assert abs(after.sum() - 0.3 * 41) <= 1
    fixed = np.array([False] * 30 + [True] * 10)  # the split of the set the points came from
    np.testing.assert_array_equal(held_out(45, 0.3, 0, fixed)[:40], fixed)
    X = np.arange(20.0).reshape(10, 2)
    data = split_points(X, np.arange(10) % 2, 2, test_fraction=0.5)
    assert len(data.X_train) >= 2 and len(data.X_train) + len(data.X_test) == 10


def test_moment_round_trip_and_summary():
    net = Network.init([2, 4, 1], "tanh", seed=3)
    n = 500
    h = History(epoch=list(range(1, n + 1)), train_loss=list(np.linspace(1, 0.1, n)),
                test_loss=[None] * n, train_accuracy=[0.5] * n, test_accuracy=[None] * n)
    text = encode_moment(net.weights, net.biases, h)
    assert len(text) < 1000
    m = decode_moment(text, [2, 4, 1])
    assert m.epoch == 500 and len(m.history.epoch) <= 60 and m.history.epoch[0] == 1
    for a, b in zip(m.weights + m.biases, net.weights + net.biases, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)  # float32
    assert m.history.test_loss[0] is None and m.history.train_accuracy[-1] == 0.5
    with pytest.raises(ValueError, match="layers 2–4–1"):
        decode_moment(text, [2, 3, 1])


def test_moment_carries_momentums_velocity_checked_on_load():
    net = Network.init([2, 3, 2], "tanh", seed=1)
    h = History(epoch=[1, 2], train_loss=[0.5, 0.4], test_loss=[None] * 2,
                train_accuracy=[None] * 2, test_accuracy=[None] * 2)
    rng = np.random.default_rng(0)
    v = [rng.normal(size=(w.shape[0] + 1, w.shape[1])) for w in net.weights]
    m = decode_moment(encode_moment(net.weights, net.biases, h, v), [2, 3, 2])
    for a, b in zip(m.velocity, v, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)  # float32, like the weights
    # No momentum (or v still 0): the value is byte for byte what links always held.
    plain = encode_moment(net.weights, net.biases, h)
    assert encode_moment(net.weights, net.biases, h, [0 * x for x in v]) == plain
    assert decode_moment(plain, [2, 3, 2]).velocity is None
    v[1][0, 0] = np.inf
    with pytest.raises(ValueError, match=r"momentum \(velocity\) it carries is not a finite"):
        decode_moment(encode_moment(net.weights, net.biases, h, v), [2, 3, 2])
    cut = encode_moment(net.weights, net.biases, h, v[:1])  # a layer's velocity missing
    with pytest.raises(ValueError, match="damaged"):
        decode_moment(cut, [2, 3, 2])


@pytest.mark.parametrize("bad", ["", "abc", "!!", "A" * (3 * MAX_LINK_CHARS)])
def test_garbled_values_give_plain_messages(bad):
    with pytest.raises(ValueError, match=r"not a value|damaged"):
        decode_moment(bad, [2, 4, 1])
    with pytest.raises(ValueError, match=r"not a value|damaged"):
        decode_points(bad, 1000, 3)


def test_points_round_trip_to_a_thousandth():
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(300, 2)) * 3, rng.integers(0, 3, 300)
    test = rng.random(300) < 0.3
    p = decode_points(encode_points(X, y, 3, test), 1000, 3)
    assert np.max(np.abs(p.X - X)) <= 0.0005 and (p.y == y).all() and (p.test == test).all()
    assert p.n_classes == 3
    with pytest.raises(ValueError, match="points"):
        decode_points(encode_points(X, y, 3), 100, 3)
    with pytest.raises(ValueError, match="too far"):
        encode_points([[100.0, 0.0]], [0], 2)
