"""page_model.playground and ui.playground_state: the logic behind the training playground."""

import csv
import io
import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nn_core import Network, make_dataset, train
from nn_core.features import transform
from nn_core.training import History
from page_model.playground import (
    CUSTOM,
    DATASET_CHOICES,
    MAX_EPOCHS_PER_TICK,
    MAX_POINTS,
    MAX_RUN_EPOCHS,
    Config,
    TrainingSession,
    add_point,
    check_config,
    encoding_for,
    gradient_norms,
    history_csv,
    history_download,
    loss_choices,
    make_data,
    output_choices,
    parse_points_csv,
    split_points,
)
from ui.playground_state import (
    DEFAULT,
    config_from_state,
    config_to_params,
    n_classes_of,
    params_to_config,
    widget_values,
)

EASY = Config(dataset="linear", n_points=80, hidden=(), hidden_activations=(), lr=0.5)


def all_combinations():
    for ds in DATASET_CHOICES:
        if ds == CUSTOM:
            continue
        for out in output_choices(n_classes_of(ds)):
            for loss in loss_choices(out):
                yield ds, out, loss


# ------------------------------------------------------------------ the training session
@pytest.mark.parametrize("ds, out, loss", list(all_combinations()))
def test_session_matches_nn_core_train(ds, out, loss):
    """The numbers the page shows are nn_core's: same seed, same data, same weights, same
    history as calling train() epoch by epoch by hand."""
    cfg = Config(dataset=ds, n_points=60, output=out, loss=loss, hidden=(3,),
                 hidden_activations=("tanh",), lr=0.1, batch_size=16, seed=7,
                 features=("x1", "x2", "x1x2"))
    sess = TrainingSession(cfg, make_data(cfg))
    assert sess.step(4) == 4

    data = make_dataset(ds, 60, cfg.noise, cfg.test_fraction, seed=7)
    enc = encoding_for(out, data.n_classes)
    Y, Yt = data.targets(enc)
    X, Xt = transform(data.X_train, cfg.features), transform(data.X_test, cfg.features)
    net = sess.initial.copy()
    h = History()
    for _ in range(4):
        train(net, X, Y, 0.1, 1, batch_size=16, loss=loss, seed=7, X_test=Xt, Y_test=Yt,
              encoding=enc, history=h)
    assert sess.history.train_loss == h.train_loss
    assert sess.history.test_loss == h.test_loss
    assert sess.history.train_accuracy == h.train_accuracy
    for a, b in zip(sess.net.weights, net.weights, strict=True):
        np.testing.assert_array_equal(a, b)
    assert sess.train_loss() == pytest.approx(h.train_loss[-1], rel=1e-12)


def test_full_batch_session_equals_one_train_call():
    cfg = replace(EASY, hidden=(4,), hidden_activations=("relu",))
    sess = TrainingSession(cfg, make_data(cfg))
    for _ in range(3):
        sess.tick(max_epochs=5, budget_s=10.0)
    net = Network.init([2, 4, 1], ["relu", "sigmoid"], seed=0)
    data = make_data(cfg)
    Y, Yt = data.targets("binary")
    h = train(net, data.X_train, Y, 0.5, 15, X_test=data.X_test, Y_test=Yt)
    np.testing.assert_allclose(sess.history.train_loss, h.train_loss, rtol=1e-10)


def test_tick_size_does_not_change_the_run():
    cfg = replace(EASY, batch_size=8)
    a, b = TrainingSession(cfg, make_data(cfg)), TrainingSession(cfg, make_data(cfg))
    a.step(12)
    for n in (1, 5, 6):
        b.tick(max_epochs=n, budget_s=10.0)
    assert a.history.train_loss == b.history.train_loss


def test_step_lowers_loss_and_reset_restores_initial_weights():
    sess = TrainingSession(EASY, make_data(EASY))
    start = [w.copy() for w in sess.net.weights]
    first = sess.train_loss()
    sess.step(30)
    assert sess.epoch == 30
    assert sess.history.train_loss[-1] < first
    assert not np.allclose(sess.net.weights[0], start[0])
    sess.reset()
    assert sess.epoch == 0 and len(sess.history) == 0
    for w, w0 in zip(sess.net.weights, start, strict=True):
        np.testing.assert_array_equal(w, w0)
    assert sess.train_loss() == first


def test_tick_is_capped():
    sess = TrainingSession(EASY, make_data(EASY))
    assert sess.tick(max_epochs=10_000, budget_s=100.0) == MAX_EPOCHS_PER_TICK
    assert sess.tick(max_epochs=3, budget_s=0.0) == 1  # the budget stops after one epoch


def test_epoch_cap_stops_training():
    sess = TrainingSession(EASY, make_data(EASY))
    sess.history.epoch.append(MAX_RUN_EPOCHS - 2)  # pretend most of the run is done
    assert sess.step(10) == 2
    assert sess.done and sess.step(1) == 0


def test_divergence_stops_with_suggestion_and_finite_weights():
    cfg = Config(dataset="regression", n_points=100, output="linear", hidden=(16, 16),
                 hidden_activations=("relu", "relu"), lr=10.0)
    sess = TrainingSession(cfg, make_data(cfg))
    ran = sess.step(200)
    assert ran < 200
    assert sess.error is not None and "η = 1" in sess.error
    assert sess.done
    assert all(np.all(np.isfinite(w)) for w in sess.net.weights)
    # what the page shows stays free of NaN, with no overflow warnings (they are errors here)
    assert not np.isnan(sess.predict_points(np.array([[0.0, 0.0], [2.0, -2.0]]))).any()
    assert not any(np.isnan(v) for v in sess.gradient_norms())
    assert not np.isnan(sess.train_loss())
    assert sess.step(5) == 0
    sess.reset()
    assert sess.error is None and sess.epoch == 0


def test_hyperparameters_change_mid_run_but_not_the_network():
    sess = TrainingSession(EASY, make_data(EASY))
    sess.step(2)
    sess.update_hyperparameters(replace(EASY, lr=0.01, l2=0.001, batch_size=4))
    assert sess.cfg.lr == 0.01 and sess.epoch == 2
    with pytest.raises(ValueError, match="new session"):
        sess.update_hyperparameters(replace(EASY, hidden=(2,), hidden_activations=("tanh",)))


def test_gradient_norms_are_per_layer_lengths():
    cfg = replace(EASY, hidden=(3,), hidden_activations=("tanh",))
    sess = TrainingSession(cfg, make_data(cfg))
    norms = sess.gradient_norms()
    grads = sess.net.gradients(sess.X_train, sess.Y_train, "squared_error")
    assert len(norms) == 2
    for n, (dW, db) in zip(norms, grads, strict=True):
        assert n == pytest.approx(np.sqrt((dW ** 2).sum() + (db ** 2).sum()))
    assert gradient_norms(sess.net, sess.X_train, sess.Y_train)[0] == pytest.approx(norms[0])


def test_predict_points_applies_the_features():
    cfg = replace(EASY, features=("x1sq", "x2sq"))
    sess = TrainingSession(cfg, make_data(cfg))
    P = np.array([[1.0, 2.0], [-1.0, -2.0]])
    out = sess.predict_points(P)
    assert out.shape == (2, 1) and out[0, 0] == out[1, 0]  # squares forget the sign


def test_accuracy_and_regression():
    sess = TrainingSession(EASY, make_data(EASY))
    sess.step(40)
    assert sess.accuracy("train") > 0.9
    reg = Config(dataset="regression", output="linear", n_points=40)
    r = TrainingSession(reg, make_data(reg))
    assert r.accuracy() is None and r.encoding is None


def test_exports():
    sess = TrainingSession(EASY, make_data(EASY))
    sess.step(3)
    d = json.loads(sess.weights_json())
    net = Network.from_dict(d)
    np.testing.assert_array_equal(net.weights[0], sess.net.weights[0])
    assert d["epoch"] == 3 and d["features"] == ["x1", "x2"] and d["encoding"] == "binary"
    rows = list(csv.DictReader(io.StringIO(history_csv(sess.history))))
    assert [int(r["epoch"]) for r in rows] == [1, 2, 3]
    assert [float(r["train_loss"]) for r in rows] == sess.history.train_loss
    assert float(rows[-1]["test_loss"]) == sess.history.test_loss[-1]
    no_test = History(epoch=[1], train_loss=[0.5], test_loss=[None], train_accuracy=[None],
                      test_accuracy=[None])
    assert history_csv(no_test).splitlines()[1] == "1,0.5,,,"


def test_downloads_are_made_on_the_click_from_the_moment_they_were_drawn():
    sess = TrainingSession(EASY, make_data(EASY))
    sess.step(2)
    weights, history = sess.weights_download(), history_download(sess.history)
    at_two = (sess.weights_json(), history_csv(sess.history))
    sess.step(3)  # training goes on in place before the student clicks
    assert (weights(), history()) == at_two
    assert json.loads(weights())["epoch"] == 2 and json.loads(sess.weights_json())["epoch"] == 5
    assert len(history().splitlines()) == 1 + 2


# ------------------------------------------------------------------ configuration
@pytest.mark.parametrize("change, match", [
    ({"hidden": (4,) * 5, "hidden_activations": ("tanh",) * 5}, "hidden layers"),
    ({"hidden": (17,), "hidden_activations": ("tanh",)}, "neurons"),
    ({"n_points": MAX_POINTS + 1}, "points"),
    ({"lr": 0.0}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"),
    ({"hidden_activations": ("softmax", "tanh")}, "Hidden layers use"),
    ({"output": "linear"}, "does not fit"),
    ({"features": ()}, "at least one"),
    ({"dataset": "mnist"}, "Unknown data set"),
])
def test_config_caps(change, match):
    with pytest.raises(ValueError, match=match):
        check_config(replace(DEFAULT, **change), n_classes=2)


def test_cross_entropy_needs_probabilities():
    with pytest.raises(ValueError, match="squared-error"):
        check_config(Config(dataset="regression", output="linear", loss="cross_entropy"), 0)
    assert encoding_for("sigmoid", 3) == "one_vs_rest"
    assert encoding_for("sigmoid", 2) == "binary"
    assert encoding_for("notes_2neuron", 3) == "notes_2neuron"
    with pytest.raises(ValueError, match="does not fit"):
        encoding_for("notes_2neuron", 2)


cfgs = st.builds(
    Config,
    dataset=st.sampled_from([d for d in DATASET_CHOICES if d != CUSTOM]),
    n_points=st.integers(4, MAX_POINTS),
    noise=st.sampled_from([0.0, 0.05, 0.1, 0.35, 1.0]),
    test_fraction=st.sampled_from([0.0, 0.1, 0.25, 0.5]),
    features=st.sets(st.sampled_from(["x1", "x2", "x1sq", "x2sq", "x1x2", "sin_x1", "sin_x2"]),
                     min_size=1).map(lambda s: tuple(f for f in DEFAULT.features + tuple(
                         sorted(s)) if f in s)),
    lr=st.sampled_from([0.00001, 0.003, 0.1, 0.3, 1.0, 10.0]),
    batch_size=st.integers(0, MAX_POINTS),
    l2=st.sampled_from([0.0, 0.0001, 0.01, 1.0]),
    seed=st.integers(0, 2**31 - 1),
)


@settings(max_examples=50, deadline=None)
@given(cfgs, st.lists(st.integers(1, 16), max_size=4), st.data())
def test_link_round_trip(cfg, hidden, data):
    acts = tuple(data.draw(st.sampled_from(["sigmoid", "tanh", "relu", "linear"]))
                 for _ in hidden)
    k = n_classes_of(cfg.dataset)
    out = data.draw(st.sampled_from(output_choices(k)))
    loss = data.draw(st.sampled_from(loss_choices(out)))
    from nn_core.features import check_features

    cfg = replace(cfg, features=check_features(cfg.features), hidden=tuple(hidden),
                  hidden_activations=acts, output=out, loss=loss)
    back, notices = params_to_config(config_to_params(cfg))
    assert notices == []
    assert back == cfg
    # the widgets' state shows the same configuration
    assert config_from_state(widget_values(cfg)) == cfg


@pytest.mark.parametrize("params, name", [
    ({"lr": "abc"}, "learning rate η (“abc”) was not a number"),
    ({"lr": "-1"}, "was not between 1e−05 and 10"), ({"n": "1e9"}, "number of points"),
    ({"ds": "mnist"}, "data set (“mnist”) was not one of"),
    ({"hidden": "4,99"}, "neurons per hidden layer"), ({"hidden": "1,1,1,1,1"}, "hidden layer"),
    ({"act": "tanh,softmax"}, "hidden activations"), ({"feat": "x1,__import__"}, "inputs"),
    ({"feat": ""}, "inputs"), ({"out": "linear"}, "output layer (“linear”) was not one of"),
    ({"seed": "-3"}, "seed"), ({"noise": "nan"}, "noise (“nan”) was not a number"),
    ({"ds": "custom"}, "own points"),
])
def test_bad_link_values_fall_back_with_a_notice(params, name):
    cfg, notices = params_to_config(params)
    assert len(notices) >= 1 and name in notices[0]
    check_config(cfg, n_classes_of(cfg.dataset))
    assert cfg.dataset != CUSTOM


def test_link_activations_must_match_layers():
    cfg, notices = params_to_config({"hidden": "3,3,3", "act": "relu"})
    assert cfg.hidden == (3, 3, 3) and cfg.hidden_activations == ("tanh",) * 3
    assert any("activation" in n for n in notices)
    cfg, notices = params_to_config({"hidden": "3,3,3"})
    assert cfg.hidden_activations == ("tanh",) * 3 and notices == []


def test_same_link_same_data_and_initial_weights():
    cfg, _ = params_to_config(config_to_params(replace(DEFAULT, dataset="moons", seed=42)))
    a, b = TrainingSession(cfg, make_data(cfg)), TrainingSession(cfg, make_data(cfg))
    np.testing.assert_array_equal(a.data.X_train, b.data.X_train)
    np.testing.assert_array_equal(a.initial.weights[0], b.initial.weights[0])
    a.step(5)
    b.step(5)
    assert a.history.train_loss == b.history.train_loss


# ------------------------------------------------------------------ the student's points
def _csv(rows, header="x1,x2,label"):
    return (header + "\n" + "\n".join(",".join(map(str, r)) for r in rows)).encode()


def test_csv_ok_and_relabelled():
    rows = [(1, 0, 0), (2, 1, 1), (1, 0.5, -1), (2, 2, 2), (5, 3, -3)]
    p = parse_points_csv(_csv(rows, "label, X1 ,x2"))  # any column order, case and spacing
    assert p.n_classes == 3
    np.testing.assert_array_equal(p.y, [0, 1, 0, 1, 2])
    np.testing.assert_array_equal(p.X, [[0, 0], [1, 1], [0.5, -1], [2, 2], [3, -3]])
    assert "renumbered" in p.notes[0]
    ok = parse_points_csv(_csv([(0, 0, 0), (1, 1, 1), (2, 0, 0), (0, 2, 1)]))
    assert ok.notes == [] and ok.n_classes == 2


@pytest.mark.parametrize("content, match", [
    (b"x" * 200_001, "limit"),
    (b"", "empty"),
    (b"\xff\xfe\x00", "UTF-8"),
    (_csv([(0, 0, 0)] * 5, "x1,y,label"), "Missing column"),
    (_csv([(0, 0, 0), (1, "a", 1), (2, 2, 0), (3, 3, 1)]), "Row 3, column x2"),
    (_csv([(0, 0, 0), (1, "nan", 1), (2, 2, 0), (3, 3, 1)]), "NaN"),
    (_csv([(0, 0, 0), (1, "inf", 1), (2, 2, 0), (3, 3, 1)]), "infinite"),
    (_csv([(0, 0, 0), (1, 1, 1), (2, 2, 2), (3, 3, 3)]), "4 classes"),
    (_csv([(0, 0, 0), (1, 1, 0), (2, 2, 0), (3, 3, 0)]), "one class"),
    (_csv([(0, 0, 0.5), (1, 1, 1), (2, 2, 0), (3, 3, 1)]), "whole numbers"),
    (_csv([(0, 0, 0), (1, 1, 1)]), "at least"),
    (_csv([(0, 0, i % 2) for i in range(MAX_POINTS + 1)]), "too many"),
    (_csv([(0, 0, 0), (1,), (2, 2, 0), (3, 3, 1)]), "Row 3"),
])
def test_bad_csv_messages(content, match):
    with pytest.raises(ValueError, match=match):
        parse_points_csv(content)


@settings(max_examples=40, deadline=None)
@given(st.binary(max_size=300))
def test_csv_never_crashes_on_junk(content):
    try:
        p = parse_points_csv(content)
    except ValueError as exc:
        assert str(exc)
    else:
        assert np.all(np.isfinite(p.X)) and 2 <= p.n_classes <= 3


def test_points_become_a_split_dataset_and_train():
    pts = None
    rng = np.random.default_rng(0)
    for i in range(20):
        c = i % 2
        pts = add_point(pts, float(rng.normal(2 * c - 1, 0.3)), float(rng.normal()), c)
    assert len(pts[0]) == 20 and pts[2] == 2
    pts = add_point(pts, 0.0, 0.0, 2)
    assert pts[2] == 3
    data = split_points(*pts, test_fraction=0.25, seed=1)
    assert len(data.X_train) + len(data.X_test) == 21 and len(data.X_test) == 5
    cfg = replace(EASY, dataset=CUSTOM)
    sess = TrainingSession(cfg, make_data(cfg, pts))
    sess.step(10)
    assert sess.epoch == 10
    with pytest.raises(ValueError, match="class"):
        add_point(pts, 0, 0, 3)
    with pytest.raises(ValueError, match="finite"):
        add_point(pts, float("nan"), 0, 0)
    with pytest.raises(ValueError, match="At most"):
        add_point(pts, 0, 0, 0, max_points=21)
    with pytest.raises(ValueError, match="at least"):
        make_data(cfg, None)


# ------------------------------------------------------------------ the update rule
def test_update_rule_is_gradient_descent():
    import sympy as sp

    from derivations.playground_formulas import E, eta, lam, update_rule, update_rule_latex, w

    bowl = sp.Rational(1, 2) * (w - 3) ** 2  # ∂E/∂w = w − 3
    step = update_rule(None).subs(E(w), bowl).doit()
    assert sp.simplify(step - (w - eta * (w - 3))) == 0
    l2_step = update_rule(None, l2=1).subs(E(w), bowl).doit()
    assert sp.simplify(l2_step - (w - eta * (w - 3 + lam * w))) == 0
    numeric = update_rule(0.25, l2=0.5).subs(E(w), bowl).doit()
    assert sp.simplify(numeric.subs(w, 1) - (1 - 0.25 * (-2 + 0.5))) == 0
    assert update_rule_latex(0.25) == r"w \gets w - 0.25 \frac{d}{d w} E{\left(w \right)}"
    assert r"\eta" in update_rule_latex() and r"\lambda" in update_rule_latex(None, 0.1)
    with pytest.raises(ValueError, match="learning rate"):
        update_rule(-1.0)
    with pytest.raises(ValueError, match="L2"):
        update_rule(0.1, l2=float("nan"))


def test_tick_period_keeps_a_third_of_a_core_at_most():
    from page_model.playground import MAX_TICK_SECONDS, TICK_BUDGET_S, TICK_SECONDS, tick_period

    assert tick_period(None) == TICK_SECONDS == tick_period(float("nan")) == tick_period(-1)
    assert tick_period(0.0) == TICK_SECONDS
    for render in (0.05, 0.2, 0.4):
        period = tick_period(render)
        assert (render + TICK_BUDGET_S) / period <= 1 / 3 + 1e-12
    assert tick_period(0.8) == MAX_TICK_SECONDS
    # A frame slower than the cap: the next is requested only after it is drawn (no queue of
    # frames for a Pause to wait behind).
    assert tick_period(5.0) == pytest.approx(1.5 * (5.0 + TICK_BUDGET_S))


def test_shown_numbers_follow_the_weights_not_a_stale_memo():
    """TrainingSession keeps what the page shows per state of the weights: after training, a
    reset or a weight changed in place, every number is recomputed (equal to a fresh pass)."""
    cfg = Config(dataset="blobs3", n_points=60, hidden=(4,), hidden_activations=("tanh",),
                 output="softmax",
                 loss="cross_entropy", test_fraction=0.3)
    sess = TrainingSession(cfg, make_data(cfg))
    pts = np.array([[0.0, 0.0], [1.0, -1.0]])

    def shown():
        return (sess.train_loss(), sess.test_loss(), sess.accuracy("train"),
                sess.gradient_norms(), sess.confusion("test").tolist(),
                sess.plane(pts)[-1].tolist())

    def fresh():
        return (sess._train_loss(), sess._test_loss(), sess._accuracy("train"),
                sess._gradient_norms(), sess._confusion("test").tolist(),
                sess._plane(pts)[-1].tolist())

    first = shown()
    assert shown() == first == fresh()
    sess.step(3)
    assert shown() == fresh() != first
    sess.net.weights[0][0, 0] += 0.5  # in place, as training changes them
    assert shown() == fresh()
    sess.reset()
    assert shown() == first
