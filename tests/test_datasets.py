"""nn_core.datasets: seeded data sets with noise, size and split; the class encodings."""

import numpy as np
import pytest

from nn_core import (
    DATASETS,
    ENCODINGS,
    accuracy,
    ambiguous,
    decode,
    encode,
    make_dataset,
    n_outputs,
)


@pytest.mark.parametrize("name", DATASETS)
def test_seeded_sized_and_split(name):
    a = make_dataset(name, n_points=100, noise=0.1, test_fraction=0.2, seed=4)
    b = make_dataset(name, n_points=100, noise=0.1, test_fraction=0.2, seed=4)
    c = make_dataset(name, n_points=100, noise=0.1, test_fraction=0.2, seed=5)
    np.testing.assert_array_equal(a.X_train, b.X_train)
    np.testing.assert_array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.X_train.shape == (80, 2) and a.X_test.shape == (20, 2)
    assert len(a.y_train) == 80 and len(a.y_test) == 20
    assert a.X.shape == (100, 2) and len(a.y) == 100
    assert np.all(np.isfinite(a.X))
    if a.is_regression:
        assert a.n_classes == 0 and a.y.dtype.kind == "f"
    else:
        assert set(np.unique(a.y)) == set(range(a.n_classes))


@pytest.mark.parametrize("name", DATASETS)
def test_noise_moves_points_by_about_its_size(name):
    clean = make_dataset(name, n_points=400, noise=0.0, test_fraction=0.0, seed=1)
    noisy = make_dataset(name, n_points=400, noise=0.3, test_fraction=0.0, seed=1)
    assert not np.array_equal(clean.X, noisy.X)
    # Same seed, so the points are the same before noise; the noise is added after shuffling,
    # so compare spreads rather than points.
    assert noisy.X.std() > clean.X.std() * 0.98
    assert noisy.X.std() ** 2 == pytest.approx(clean.X.std() ** 2 + 0.3**2, rel=0.25)


def test_split_sizes_follow_the_fraction():
    for n, fraction, n_test in ((10, 0.2, 2), (200, 0.5, 100), (7, 0.0, 0), (4, 0.9, 2)):
        data = make_dataset("moons", n_points=n, test_fraction=fraction, seed=0)
        assert len(data.X_test) == n_test and len(data.X_train) == n - n_test


def test_classes_are_balanced():
    for name, k in (("moons", 2), ("circles", 2), ("blobs3", 3), ("spiral", 2)):
        y = make_dataset(name, n_points=99, seed=0).y
        counts = np.bincount(y, minlength=k)
        assert counts.max() - counts.min() <= 1, name


def test_linear_set_is_separable_without_noise():
    data = make_dataset("linear", n_points=300, noise=0.0, seed=0)
    direction = np.array([1.0, 0.6]) / np.hypot(1.0, 0.6)
    normal = np.array([-direction[1], direction[0]])
    side = data.X @ normal > 0
    np.testing.assert_array_equal(side, data.y == 1)


def test_xor_classes_are_opposite_quadrants():
    data = make_dataset("xor", n_points=200, noise=0.0, seed=0)
    np.testing.assert_array_equal(data.y, (data.X[:, 0] * data.X[:, 1] < 0).astype(int))


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"name": "iris"}, "Unknown data set 'iris'"),
    ({"n_points": 3}, "between 4 and"),
    ({"n_points": 10**6}, "between 4 and"),
    ({"noise": -0.1}, "Noise"),
    ({"noise": float("nan")}, "Noise"),
    ({"test_fraction": 1.0}, "test fraction"),
    ({"test_fraction": -0.1}, "test fraction"),
])
def test_bad_settings_raise_clear_errors(kwargs, message):
    settings = {"name": "moons"} | kwargs
    with pytest.raises(ValueError, match=message):
        make_dataset(**settings)


# ----------------------------------------------------------------------------- encodings
def test_notes_two_neuron_code_for_three_classes():
    targets = encode([0, 1, 2, 1], 3, "notes_2neuron")
    np.testing.assert_array_equal(targets, [[1, 0], [0, 1], [0, 0], [0, 1]])
    assert n_outputs(3, "notes_2neuron") == 2
    # both outputs below the threshold: the third class
    outputs = np.array([[0.9, 0.1], [0.2, 0.7], [0.3, 0.4], [0.8, 0.6]])
    np.testing.assert_array_equal(decode(outputs, "notes_2neuron"), [0, 1, 2, 0])
    np.testing.assert_array_equal(ambiguous(outputs), [False, False, False, True])
    with pytest.raises(ValueError, match="3 classes"):
        encode([0, 1], 2, "notes_2neuron")


def test_one_vs_rest_and_softmax_targets_are_one_hot():
    labels = np.array([2, 0, 1, 2])
    for encoding in ("one_vs_rest", "softmax"):
        targets = encode(labels, 3, encoding)
        np.testing.assert_array_equal(targets, np.eye(3)[labels])
        np.testing.assert_array_equal(targets.sum(axis=1), 1)
        assert n_outputs(3, encoding) == 3
        np.testing.assert_array_equal(decode(targets, encoding), labels)


def test_binary_encoding_is_one_neuron():
    targets = encode([0, 1, 1], 2, "binary")
    assert targets.shape == (3, 1)
    np.testing.assert_array_equal(decode([[0.2], [0.5], [0.9]], "binary"), [0, 1, 1])
    with pytest.raises(ValueError, match="2 classes"):
        n_outputs(3, "binary")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_encode_then_decode_round_trips(encoding):
    k = 2 if encoding == "binary" else 3
    labels = np.random.default_rng(0).integers(0, k, 50)
    np.testing.assert_array_equal(decode(encode(labels, k, encoding), encoding), labels)
    assert accuracy(encode(labels, k, encoding), labels, encoding) == 1.0


def test_dataset_targets_use_the_default_or_given_encoding():
    blobs = make_dataset("blobs3", n_points=30, seed=0)
    Y_train, Y_test = blobs.targets()
    assert Y_train.shape == (24, 3) and Y_test.shape == (6, 3)  # one-vs-rest by default
    assert blobs.targets("notes_2neuron")[0].shape == (24, 2)
    moons = make_dataset("moons", n_points=30, seed=0)
    assert moons.targets()[0].shape == (24, 1)
    regression = make_dataset("regression", n_points=30, seed=0)
    np.testing.assert_array_equal(regression.targets()[0][:, 0], regression.y_train)


def test_bad_labels_and_encodings_raise():
    with pytest.raises(ValueError, match="whole numbers 0 … 2"):
        encode([0, 3], 3, "one_vs_rest")
    with pytest.raises(ValueError, match="whole numbers"):
        encode([0.5], 3, "one_vs_rest")
    with pytest.raises(ValueError, match="Unknown encoding"):
        decode([[0.1]], "gray")
    with pytest.raises(ValueError, match="Unknown encoding"):
        n_outputs(2, "gray")
