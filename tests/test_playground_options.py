"""The playground's schedule, momentum, stop condition and confusion matrix (page_model)."""

import numpy as np
import pytest

from nn_core import train
from nn_core.schedules import schedule
from page_model.playground import (
    Config,
    TrainingSession,
    check_config,
    confusion_matrix,
    make_data,
    per_class_accuracy,
)
from ui.playground_state import config_to_params, params_to_config


def _session(**kw):
    cfg = Config(dataset="moons", n_points=60, hidden=(4,), hidden_activations=("tanh",), **kw)
    return TrainingSession(cfg, make_data(cfg))


def test_session_with_schedule_and_momentum_equals_one_train_call():
    s = _session(lr=0.5, schedule="step", gamma=0.5, every=2, momentum=0.8)
    for _ in range(3):
        s.tick(max_epochs=2, budget_s=10.0)
    net = s.initial.copy()
    h = train(net, s.X_train, s.Y_train, schedule("step", 0.5, 0.5, 2), 6, momentum=0.8,
              X_test=s.X_test, Y_test=s.Y_test, encoding=s.encoding)
    np.testing.assert_allclose(s.history.train_loss, h.train_loss, rtol=1e-12)
    assert s.current_lr == pytest.approx(0.5 * 0.5 ** 3)  # epoch 7: ⌊6/2⌋ = 3 halvings
    s.reset()
    assert s.epoch == 0 and not any(v.any() for v in s.velocity)


def test_stop_epoch_and_stop_loss_end_the_run():
    s = _session(stop_epoch=7)
    assert s.step(100) == 7 and s.done and "stop epoch 7" in s.stop_reason
    assert s.step(1) == 0
    s = _session(lr=1.0)
    s.step(30)
    threshold = s.history.train_loss[9]  # the loss after epoch 10
    s = _session(lr=1.0, stop_loss=threshold)
    s.step(100)
    assert s.epoch <= 10 and s.history.train_loss[-1] <= threshold and s.done
    # Raising the threshold's bar (a lower loss) lets training go on.
    s.update_hyperparameters(Config(**{**s.cfg.as_dict(), "stop_loss": threshold / 2}))
    assert not s.done and s.step(1) == 1


def test_confusion_matrix_and_per_class_accuracy():
    m = confusion_matrix([0, 0, 1, 1, 1, 2], [0, 1, 1, 1, 0, 2], 3)
    np.testing.assert_array_equal(m, [[1, 1, 0], [1, 2, 0], [0, 0, 1]])
    assert per_class_accuracy(m) == [0.5, pytest.approx(2 / 3), 1.0]
    assert per_class_accuracy(confusion_matrix([0, 0], [0, 1], 2)) == [0.5, None]
    s = _session()
    s.step(5)
    c = s.confusion("train")
    assert c.sum() == len(s.X_train)
    assert np.trace(c) / c.sum() == pytest.approx(s.accuracy("train"))


@pytest.mark.parametrize("kw", [{"schedule": "cosine"}, {"gamma": 0.0}, {"every": 0},
                                {"k": -1.0}, {"momentum": 1.0}, {"stop_loss": -0.1},
                                {"stop_epoch": 10**6}])
def test_caps_on_new_options(kw):
    with pytest.raises(ValueError):
        check_config(Config(**kw))


def test_link_round_trip_of_new_options():
    cfg = Config(schedule="inverse_time", k=0.05, momentum=0.9, stop_loss=0.02, stop_epoch=400)
    back, notices = params_to_config(config_to_params(cfg))
    assert back == cfg and notices == []
    back, notices = params_to_config({"mom": "2", "every": "x"})
    assert back.momentum == 0.0 and back.every == 100 and len(notices) == 2


@pytest.mark.parametrize("name, values", [
    ("constant", {}), ("step", {"gamma": 0.3, "T": 4}), ("inverse_time", {"k": 0.2})])
def test_sympy_schedule_gives_the_engines_numbers(name, values):
    import sympy as sp

    from derivations.playground_formulas import T, eta0, gamma, k, schedule_expr, t
    expr = schedule_expr(name).subs({eta0: 0.7, **{{"gamma": gamma, "T": T, "k": k}[s]: v
                                                   for s, v in values.items()}})
    decay = values.get("gamma", values.get("k", 0.5))
    numeric = schedule(name, 0.7, decay, values.get("T", 100))
    for epoch in (1, 2, 4, 5, 9, 13):
        assert float(expr.subs(t, epoch)) == pytest.approx(numeric(epoch), rel=1e-12)
    assert isinstance(expr.subs(t, 3), sp.Expr)


def test_sympy_momentum_rule_takes_the_engines_steps():
    """Iterating the SymPy rule on a linear neuron's SymPy loss gives train's weight and bias."""
    import sympy as sp

    from derivations.playground_formulas import E, eta, lam, momentum_rule, mu, v, w
    from nn_core import Network
    X, Y = np.array([[1.0], [2.0], [-1.0]]), np.array([[0.5], [1.5], [0.0]])
    wt, b = sp.symbols("w_t b")
    loss = sum(sp.Rational(1, 2) * (wt * float(x) + b - float(y)) ** 2
               for x, y in zip(X[:, 0], Y[:, 0], strict=True)) / len(X)
    rules = {wt: momentum_rule(l2=1.0), b: momentum_rule()}  # L2 acts on weights, not biases
    values, vel = {wt: 0.3, b: -0.2}, {wt: 0.0, b: 0.0}
    for _ in range(5):
        grads = {p: float(sp.diff(loss, p).subs(values)) for p in (wt, b)}
        for p, (new_v, new_w) in rules.items():
            step = new_v.subs(sp.Derivative(E(w), w), grads[p])
            vel[p] = float(step.subs({eta: 0.2, mu: 0.7, lam: 0.1, v: vel[p], w: values[p]}))
            values[p] = float(new_w.subs({w: values[p], v: vel[p]}))
    net = Network.from_weights([[[0.3]]], [[-0.2]], "linear")
    train(net, X, Y, 0.2, 5, momentum=0.7, l2=0.1)
    assert net.weights[0][0, 0] == pytest.approx(values[wt], rel=1e-10)
    assert net.biases[0][0] == pytest.approx(values[b], rel=1e-10)
