"""nn_core: learning-rate schedules and momentum in ``train`` agree with a plain loop."""

import numpy as np
import pytest

from nn_core import Network, make_dataset, train
from nn_core.schedules import schedule
from nn_core.training import new_velocity


def _setup(sizes=(2, 5, 1), seed=2):
    data = make_dataset("moons", n_points=40, noise=0.1, seed=seed)
    return Network.init(list(sizes), ["tanh", "sigmoid"], seed=seed), data.X_train, \
        data.targets("binary")[0]


def plain_loop(net, X, Y, lr_of, epochs, mu=0.0, l2=0.0, batch_size=None, seed=0):
    """v ← μ v − η_t (∂E/∂w + λw), w ← w + v; full batch or shuffled mini-batches."""
    v = [(np.zeros_like(W), np.zeros_like(b)) for W, b in zip(net.weights, net.biases,
                                                              strict=True)]
    rng, n, losses = np.random.default_rng(seed), len(X), []
    for t in range(1, epochs + 1):
        eta = lr_of(t)
        order = np.arange(n) if batch_size is None else rng.permutation(n)
        for s in range(0, n, batch_size or n):
            idx = order[s:s + (batch_size or n)]
            grads = net.gradients(X[idx], Y[idx])
            for k, (W, b, (dW, db)) in enumerate(zip(net.weights, net.biases, grads,
                                                     strict=True)):
                vW = mu * v[k][0] - eta * (dW + l2 * W)
                vb = mu * v[k][1] - eta * db
                v[k] = (vW, vb)
                W += vW
                b += vb
        losses.append(net.loss(X, Y))
    return losses


@pytest.mark.parametrize("name, decay, every, t, expected", [
    ("constant", 0.5, 10, 57, 0.4),
    ("step", 0.5, 10, 10, 0.4), ("step", 0.5, 10, 11, 0.2), ("step", 0.5, 10, 31, 0.05),
    ("inverse_time", 0.1, 1, 1, 0.4), ("inverse_time", 0.1, 1, 11, 0.2),
])
def test_schedule_values(name, decay, every, t, expected):
    assert schedule(name, 0.4, decay, every)(t) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("args", [("step", 0.4, 1.5, 10), ("step", 0.4, 0.5, 0),
                                  ("inverse_time", 0.4, -1, 1), ("cosine", 0.4), ("constant", 0)])
def test_bad_schedules_say_what_to_change(args):
    with pytest.raises(ValueError, match=r"must|Unknown"):
        schedule(*args)


@pytest.mark.parametrize("mu, l2, sched, batch", [
    (0.0, 0.0, ("step", 0.5, 3), None), (0.9, 0.0, ("constant", 0.5, 1), None),
    (0.5, 0.01, ("inverse_time", 0.2, 1), None), (0.8, 0.0, ("step", 0.7, 2), 8),
])
def test_train_equals_plain_loop(mu, l2, sched, batch):
    net, X, Y = _setup()
    ref = net.copy()
    lr_of = schedule(sched[0], 0.5, sched[1], sched[2])
    h = train(net, X, Y, lr_of, 9, momentum=mu, l2=l2, batch_size=batch)
    expected = plain_loop(ref, X, Y, lr_of, 9, mu, l2, batch)
    np.testing.assert_allclose(h.train_loss, expected, rtol=1e-10)
    for W, R in zip(net.weights, ref.weights, strict=True):
        np.testing.assert_allclose(W, R, rtol=1e-10, atol=1e-12)


def test_velocity_carries_over_calls_like_one_run():
    net, X, Y = _setup()
    one = net.copy()
    h1 = train(one, X, Y, 0.3, 6, momentum=0.9)
    v = new_velocity(net)
    h = None
    for _ in range(6):  # the playground trains one epoch per call
        h = train(net, X, Y, 0.3, 1, momentum=0.9, velocity=v, history=h)
    np.testing.assert_allclose(h.train_loss, h1.train_loss, rtol=1e-12)
    assert np.abs(v[0]).sum() > 0
    # Without carrying v, each call restarts at v = 0: a different run.
    fresh, hf = _setup()[0], None
    for _ in range(6):
        hf = train(fresh, X, Y, 0.3, 1, momentum=0.9, history=hf)
    assert not np.allclose(hf.train_loss, h1.train_loss)


def test_schedule_counts_epochs_across_calls():
    net, X, Y = _setup()
    seen = []
    h = train(net, X, Y, lambda t: seen.append(t) or 0.1, 3)
    train(net, X, Y, lambda t: seen.append(t) or 0.1, 2, history=h)
    assert seen == [1, 1, 2, 3, 4, 4, 5]  # one check before the loop, then one per epoch


@pytest.mark.parametrize("kw", [{"momentum": 1.0}, {"momentum": -0.1}, {"lr": lambda t: -1.0}])
def test_bad_momentum_or_schedule_value(kw):
    net, X, Y = _setup()
    with pytest.raises(ValueError, match=r"momentum|learning rate"):
        train(net, X, Y, kw.pop("lr", 0.1), 2, **kw)
