"""nn_core.training: train matches a plain gradient-descent loop, learns, validates, diverges."""

import warnings

import numpy as np
import pytest

from nn_core import DivergenceError, History, Network, accuracy, make_dataset, train


def naive_train(net, X, Y, lr, epochs, batch_size=None, loss="squared_error", seed=0, l2=0.0):
    """The straightforward loop ``train`` must agree with: backprop, step, then record the loss."""
    X, Y = np.asarray(X, net.dtype), np.asarray(Y, net.dtype)
    n = len(X)
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(epochs):
        if batch_size is None or batch_size >= n:
            net.apply_gradients(net.backprop(X, Y, loss).grads, lr, l2)
        else:
            order = rng.permutation(n)
            for s in range(0, n, batch_size):
                idx = order[s:s + batch_size]
                net.apply_gradients(net.backprop(X[idx], Y[idx], loss).grads, lr, l2)
        losses.append(net.loss(X, Y, loss))
    return np.array(losses)


def _data(name, encoding, n=60, seed=1):
    data = make_dataset(name, n_points=n, noise=0.1, seed=seed)
    return data, data.targets(encoding)[0]


CASES = [
    # data set, sizes, activations, loss, encoding, batch size, l2
    ("moons", [2, 16, 16, 1], ["tanh", "sigmoid"], "squared_error", "binary", None, 0.0),
    ("moons", [2, 5, 1], ["relu", "sigmoid"], "cross_entropy", "binary", None, 0.0),
    ("blobs3", [2, 6, 3], ["sigmoid", "softmax"], "cross_entropy", "softmax", None, 0.0),
    ("blobs3", [2, 6, 3], ["relu", "softmax"], "squared_error", "softmax", None, 0.0),
    ("blobs3", [2, 6, 5, 3], ["tanh", "sigmoid"], "squared_error", "one_vs_rest", 16, 0.0),
    ("blobs3", [2, 4, 2], ["linear", "sigmoid"], "squared_error", "notes_2neuron", 7, 0.01),
    ("regression", [2, 8, 1], ["tanh", "linear"], "squared_error", None, 1, 0.0),
    ("xor", [2, 3, 1], ["sigmoid", "tanh"], "squared_error", "binary", None, 0.05),
]


@pytest.mark.parametrize(("name", "sizes", "acts", "loss", "encoding", "batch_size", "l2"), CASES)
def test_train_matches_naive_loop(name, sizes, acts, loss, encoding, batch_size, l2):
    data, Y = _data(name, encoding)
    fast = Network.init(sizes, acts, seed=3)
    slow = fast.copy()
    history = train(fast, data.X_train, Y, lr=0.3, epochs=40, batch_size=batch_size, loss=loss,
                    seed=5, l2=l2)
    expected = naive_train(slow, data.X_train, Y, 0.3, 40, batch_size, loss, seed=5, l2=l2)
    np.testing.assert_allclose(history.train_loss, expected, rtol=1e-12, atol=0)
    assert history.epoch == list(range(1, 41))
    for mine, theirs in zip(fast.weights + fast.biases, slow.weights + slow.biases, strict=True):
        np.testing.assert_allclose(mine, theirs, rtol=1e-12, atol=1e-14)


def test_train_matches_naive_loop_in_float32():
    data, Y = _data("moons", "binary")
    fast = Network.init([2, 8, 1], ["tanh", "sigmoid"], seed=0, dtype=np.float32)
    slow = fast.copy()
    history = train(fast, data.X_train, Y, lr=0.5, epochs=30)
    expected = naive_train(slow, data.X_train, Y, 0.5, 30)
    assert fast.dtype == np.float32 and fast.biases[0].dtype == np.float32
    np.testing.assert_allclose(history.train_loss, expected, rtol=1e-5)


def test_train_updates_the_networks_own_arrays():
    """Pages may hold references to the weight arrays: training changes them in place."""
    data, Y = _data("moons", "binary")
    net = Network.init([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    arrays = net.weights + net.biases
    before = [a.copy() for a in arrays]
    train(net, data.X_train, Y, lr=0.5, epochs=5)
    assert all(a is b for a, b in zip(arrays, net.weights + net.biases, strict=True))
    assert all(not np.array_equal(a, b) for a, b in zip(arrays, before, strict=True))


def test_history_records_accuracy_and_test_set():
    data = make_dataset("moons", n_points=120, noise=0.1, test_fraction=0.25, seed=0)
    Y, Y_test = data.targets("binary")
    net = Network.init([2, 8, 1], ["tanh", "sigmoid"], seed=0)
    history = train(net, data.X_train, Y, lr=0.5, epochs=12, X_test=data.X_test, Y_test=Y_test)
    assert len(history) == 12 and len(history.as_rows()) == 12
    assert history.train_loss[-1] == pytest.approx(net.loss(data.X_train, Y), rel=1e-12)
    assert history.test_loss[-1] == pytest.approx(net.loss(data.X_test, Y_test), rel=1e-12)
    assert history.train_accuracy[-1] == accuracy(net.forward(data.X_train), data.y_train)
    assert history.test_accuracy[-1] == accuracy(net.forward(data.X_test), data.y_test)


@pytest.mark.parametrize("encoding", ["one_vs_rest", "notes_2neuron", "softmax"])
def test_history_accuracy_for_multi_class_encodings(encoding):
    data = make_dataset("blobs3", n_points=90, noise=0.1, seed=2)
    Y, _ = data.targets(encoding)
    out = "softmax" if encoding == "softmax" else "sigmoid"
    net = Network.init([2, 6, Y.shape[1]], ["tanh", out], seed=0)
    history = train(net, data.X_train, Y, lr=0.5, epochs=6)
    assert history.train_accuracy[-1] == accuracy(net.forward(data.X_train), data.y_train,
                                                  encoding)


def test_regression_targets_have_no_accuracy():
    data = make_dataset("regression", n_points=50, seed=0)
    Y, Y_test = data.targets()
    net = Network.init([2, 5, 1], ["tanh", "linear"], seed=0)
    history = train(net, data.X_train, Y, lr=0.1, epochs=3, X_test=data.X_test, Y_test=Y_test)
    assert history.train_accuracy == [None] * 3 and history.test_accuracy == [None] * 3
    assert all(np.isfinite(history.test_loss))


def test_empty_test_set_counts_as_none():
    data = make_dataset("moons", n_points=40, test_fraction=0.0, seed=0)
    Y, Y_test = data.targets("binary")
    assert len(data.X_test) == 0
    net = Network.init([2, 3, 1], ["tanh", "sigmoid"], seed=0)
    history = train(net, data.X_train, Y, lr=0.5, epochs=2, X_test=data.X_test, Y_test=Y_test)
    assert history.test_loss == [None, None]


# ----------------------------------------------------------------------------- learning
def test_xor_learned_by_2_4_1():
    data = make_dataset("xor", n_points=200, noise=0.1, seed=0)
    Y = data.targets("binary")[0]
    net = Network.init([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    history = train(net, data.X_train, Y, lr=0.5, epochs=500, loss="cross_entropy")
    assert history.train_accuracy[-1] >= 0.95
    assert accuracy(net.forward(data.X_train), data.y_train) >= 0.95
    assert history.train_loss[-1] < history.train_loss[0] / 4


def test_moons_learned_by_2_16_16_1():
    data = make_dataset("moons", n_points=200, noise=0.1, seed=0)
    Y = data.targets("binary")[0]
    net = Network.init([2, 16, 16, 1], ["tanh", "sigmoid"], seed=0)
    history = train(net, data.X_train, Y, lr=0.5, epochs=400)
    assert history.train_accuracy[-1] >= 0.95
    assert accuracy(net.forward(data.X_train), data.y_train) >= 0.95


def test_moons_learned_in_float32_like_float64():
    data = make_dataset("moons", n_points=200, noise=0.1, seed=0)
    Y = data.targets("binary")[0]
    single = Network.init([2, 16, 16, 1], ["tanh", "sigmoid"], seed=0, dtype=np.float32)
    double = Network.init([2, 16, 16, 1], ["tanh", "sigmoid"], seed=0)
    h32 = train(single, data.X_train, Y, lr=0.5, epochs=300)
    h64 = train(double, data.X_train, Y, lr=0.5, epochs=300)
    assert single.dtype == np.float32 and single.forward(data.X_train).dtype == np.float32
    assert h32.train_accuracy[-1] >= 0.95
    np.testing.assert_allclose(h32.train_loss, h64.train_loss, rtol=1e-3)


def test_single_neuron_separates_linear_data():
    data = make_dataset("linear", n_points=200, noise=0.05, seed=0)
    Y = data.targets("binary")[0]
    net = Network.init([2, 1], "sigmoid", seed=0)
    history = train(net, data.X_train, Y, lr=1.0, epochs=300, loss="cross_entropy")
    assert history.train_accuracy[-1] == 1.0
    assert accuracy(net.forward(data.X_test), data.y_test) == 1.0


def test_mini_batch_and_stochastic_learn():
    data = make_dataset("moons", n_points=160, noise=0.1, seed=0)
    Y = data.targets("binary")[0]
    for batch_size in (1, 10):
        net = Network.init([2, 8, 1], ["tanh", "sigmoid"], seed=0)
        history = train(net, data.X_train, Y, lr=0.5, epochs=60, batch_size=batch_size)
        assert history.train_accuracy[-1] >= 0.85, batch_size


# ----------------------------------------------------------------------------- determinism
def test_same_seed_same_history_different_seed_differs():
    data = make_dataset("moons", n_points=80, seed=0)
    Y = data.targets("binary")[0]

    def run(seed):
        net = Network.init([2, 6, 1], ["tanh", "sigmoid"], seed=0)
        return train(net, data.X_train, Y, lr=0.3, epochs=15, batch_size=8, seed=seed).train_loss

    assert run(1) == run(1)
    assert run(1) != run(2)


def test_continuing_a_history_numbers_epochs_on():
    data, Y = _data("moons", "binary")
    once = Network.init([2, 5, 1], ["tanh", "sigmoid"], seed=0)
    twice = once.copy()
    whole = train(once, data.X_train, Y, lr=0.5, epochs=10)
    history = train(twice, data.X_train, Y, lr=0.5, epochs=4)
    history = train(twice, data.X_train, Y, lr=0.5, epochs=6, history=history)
    assert history.epoch == list(range(1, 11))
    np.testing.assert_allclose(history.train_loss, whole.train_loss, rtol=1e-12)


# ----------------------------------------------------------------------------- callbacks
def test_callback_sees_current_weights_and_can_stop():
    data, Y = _data("moons", "binary")
    net = Network.init([2, 5, 1], ["tanh", "sigmoid"], seed=0)
    reference = net.copy()
    seen = []

    def callback(epoch, history, current):
        naive_train(reference, data.X_train, Y, 0.5, 1)
        seen.append(current.loss(data.X_train, Y))
        np.testing.assert_allclose(current.weights[0], reference.weights[0], rtol=1e-12)
        return epoch < 4

    history = train(net, data.X_train, Y, lr=0.5, epochs=10, callback=callback)
    assert history.stopped_early and history.epoch == [1, 2, 3, 4]
    np.testing.assert_allclose(seen, history.train_loss, rtol=1e-12)


def test_callback_changing_weights_is_respected():
    data, Y = _data("moons", "binary")
    net = Network.init([2, 5, 1], ["tanh", "sigmoid"], seed=0)
    reference = net.copy()

    def shrink(epoch, history, current):
        if epoch == 3:
            for W in current.weights:
                W *= 0.5

    history = train(net, data.X_train, Y, lr=0.5, epochs=6, callback=shrink)
    expected = list(naive_train(reference, data.X_train, Y, 0.5, 3))
    for W in reference.weights:
        W *= 0.5
    expected += list(naive_train(reference, data.X_train, Y, 0.5, 3))
    np.testing.assert_allclose(history.train_loss, expected, rtol=1e-12)


# ----------------------------------------------------------------------------- bad input
@pytest.fixture
def small():
    data, Y = _data("moons", "binary", n=20)
    return Network.init([2, 3, 1], ["tanh", "sigmoid"], seed=0), data.X_train, Y


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"lr": 0}, "learning rate"),
    ({"lr": -0.1}, "learning rate"),
    ({"lr": float("nan")}, "learning rate"),
    ({"lr": float("inf")}, "learning rate"),
    ({"epochs": -1}, "Epochs"),
    ({"epochs": 10**7}, "Epochs"),
    ({"batch_size": 0}, "batch size"),
    ({"l2": -1.0}, "L2"),
    ({"loss": "hinge"}, "Unknown loss"),
    ({"encoding": "gray_code"}, "Unknown encoding"),
    ({"lr": "fast"}, "learning rate η must be a positive number"),
    ({"epochs": "many"}, "Epochs must be a whole number"),
    ({"epochs": float("inf")}, "Epochs must be a whole number"),
    ({"l2": None}, "L2 strength"),
    ({"batch_size": "half"}, "batch size must be a whole number"),
    ({"seed": None}, "seed must be a whole number"),
])
def test_bad_settings_raise_clear_errors(small, kwargs, message):
    net, X, Y = small
    settings = {"lr": 0.1, "epochs": 2} | kwargs
    with pytest.raises(ValueError, match=message):
        train(net, X, Y, **settings)


def test_page_caps_share_the_epochs_rule():
    """The notes comparison and one-vs-all cap epochs with train's own check and message."""
    from derivations.notes import MAX_COMPARISON_EPOCHS, train_with_notes_formula
    from page_model.one_vs_all import MAX_SCHEME_EPOCHS, fit_scheme

    with pytest.raises(ValueError, match=f"between 1 and {MAX_COMPARISON_EPOCHS} \\(got 0\\)"):
        train_with_notes_formula(epochs=0)
    with pytest.raises(ValueError, match="Epochs must be a whole number from 1 to"):
        train_with_notes_formula(epochs="many")
    blobs = make_dataset("blobs3", n_points=30, seed=0)
    with pytest.raises(ValueError, match=f"between 1 and {MAX_SCHEME_EPOCHS} \\(got "):
        fit_scheme(blobs, "one_vs_rest", epochs=MAX_SCHEME_EPOCHS + 1)


def test_bad_data_raise_clear_errors(small):
    net, X, Y = small
    with pytest.raises(ValueError, match="X must have shape"):
        train(net, X[:, :1], Y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="Y must have shape"):
        train(net, X, Y[:-1], lr=0.1, epochs=1)
    bad = X.copy()
    bad[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train(net, bad, Y, lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="NaN"):
        train(net, X, np.where(np.arange(len(Y))[:, None] == 0, np.nan, Y), lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="no data points"):
        train(net, X[:0], Y[:0], lr=0.1, epochs=1)
    with pytest.raises(ValueError, match="X must have shape"):
        train(net, X, Y, lr=0.1, epochs=1, X_test=X[:, :1], Y_test=Y)


def test_cross_entropy_needs_a_probability_output(small):
    _, X, Y = small
    net = Network.init([2, 3, 1], ["tanh", "linear"], seed=0)
    with pytest.raises(ValueError, match="output activation"):
        train(net, X, Y, lr=0.1, epochs=1, loss="cross_entropy")


# ----------------------------------------------------------------------------- divergence
def test_divergence_raises_a_clear_error_without_warnings():
    data = make_dataset("regression", n_points=50, seed=0)
    Y = data.targets()[0] * 1e3
    net = Network.init([2, 8, 1], ["relu", "linear"], seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any overflow warning would fail here first
        with pytest.raises(DivergenceError) as info:
            train(net, data.X_train * 50, Y, lr=10.0, epochs=200)
    err = info.value
    assert err.lr == 10.0 and err.suggested_lr == pytest.approx(1.0)
    assert 1 <= err.epoch < 200
    assert "smaller learning rate" in str(err) and "η = 1" in str(err)


def test_divergence_from_infinite_weights_is_caught():
    """A step can overflow a weight while tanh saturates and the loss stays finite."""
    # Both points share the hidden activation and their output errors cancel, so the output
    # layer's gradient is exactly 0 while the hidden weight on the second input overflows.
    X = np.array([[0.5, 10.0], [0.5, -10.0]])
    Y = np.array([[1.0], [-1.0]])
    net = Network.from_weights([[[1.0], [0.0]], [[1.0]]], [[0.0], [-np.tanh(0.5)]],
                               ["tanh", "linear"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(DivergenceError, match="weights became NaN or infinite") as info:
            train(net, X, Y, lr=1e308, epochs=5)
    assert info.value.epoch == 1 and info.value.last_loss is None
    assert np.isinf(net.weights[0][1, 0]) and np.isfinite(net.loss(X, Y))


def test_extreme_inputs_train_without_warnings():
    data = make_dataset("moons", n_points=60, seed=0)
    Y = data.targets("binary")[0]
    for acts, loss in ((["tanh", "sigmoid"], "cross_entropy"), (["sigmoid", "sigmoid"],
                                                                "squared_error")):
        net = Network.init([2, 4, 1], acts, seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            history = train(net, data.X_train * 1e4, Y, lr=0.1, epochs=5, loss=loss)
        assert all(np.isfinite(history.train_loss))


def test_history_is_a_dataclass_with_rows():
    history = History()
    assert len(history) == 0 and history.as_rows() == [] and not history.stopped_early
