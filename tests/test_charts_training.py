"""charts.training: loss curves and the decision boundary."""

import numpy as np
import plotly.graph_objects as go
import pytest

from charts.training import data_bounds, decision_boundary, grid, loss_curves
from nn_core import Network, make_dataset


def test_grid_layout_matches_heatmap_rows():
    xs, ys, pts = grid((-1, 1, 0, 2), 5)
    assert pts.shape == (25, 2)
    np.testing.assert_allclose(xs, np.linspace(-1, 1, 5))
    # x1 varies fastest: reshape(res, res)[row=x2][col=x1]
    np.testing.assert_allclose(pts[:, 0].reshape(5, 5)[3], xs)
    np.testing.assert_allclose(pts[:, 1].reshape(5, 5)[:, 2], ys)


@pytest.mark.parametrize("bounds, res", [((0, 0, 0, 1), 10), ((0, 1, 0, np.nan), 10),
                                         ((0, 1, 0, 1), 1), ((0, 1, 0, 1), 10_000)])
def test_grid_rejects_bad_input(bounds, res):
    with pytest.raises(ValueError):
        grid(bounds, res)


def test_data_bounds_pad_and_empty():
    b = data_bounds(np.array([[0.0, 0.0], [2.0, 4.0]]), None)
    assert b[0] < 0 < 2 < b[1] and b[2] < 0 < 4 < b[3]
    assert data_bounds(np.empty((0, 2))) == (-2.5, 2.5, -2.5, 2.5)


def test_loss_curves_one_line_per_series_with_gaps():
    fig = loss_curves({"train": [1.0, 0.5, 0.25], "test": [1.1, None, float("nan")]},
                      log_y=True, x=[5, 6, 7])
    assert [t.name for t in fig.data] == ["train", "test"]
    assert list(fig.data[0].x) == [5, 6, 7]
    assert list(fig.data[1].y) == [1.1, None, None]
    assert fig.data[1].connectgaps is False
    assert fig.layout.yaxis.type == "log"
    assert list(loss_curves({"a": [3.0, 2.0]}).data[0].x) == [1, 2]


def _traces(fig, kind):
    return [t for t in fig.data if t.type == kind]


def test_binary_boundary_is_probability_with_threshold():
    data = make_dataset("linear", 60, 0.1, 0.25, seed=1)
    net = Network.init([2, 1], "sigmoid", seed=0)
    fig = decision_boundary(net.forward, data.X_train, data.y_train, data.X_test, data.y_test,
                            n_classes=2, resolution=30, bounds=(-3, 3, -3, 3))
    heat = _traces(fig, "heatmap")[0]
    z = np.array(heat.z)
    assert z.shape == (30, 30)
    _, _, pts = grid((-3, 3, -3, 3), 30)
    np.testing.assert_allclose(z.ravel(), net.forward(pts)[:, 0])
    contour = _traces(fig, "contour")[0]
    assert contour.contours.start == 0.5 == contour.contours.end
    scat = _traces(fig, "scatter")
    train = [t for t in scat if t.name.startswith("train")]
    test = [t for t in scat if t.name.startswith("test")]
    assert sum(len(t.x) for t in train) == len(data.X_train)
    assert sum(len(t.x) for t in test) == len(data.X_test)
    # test points hollow; each class its own shape, so classes never rest on colour alone
    assert all(t.marker.symbol.endswith("-open") for t in test)
    assert not any(t.marker.symbol.endswith("-open") for t in train)
    shapes = {t.name.split("class ")[1]: t.marker.symbol for t in train}
    assert len(set(shapes.values())) == len(shapes) == 2
    assert {t.marker.symbol.removesuffix("-open") for t in test} <= set(shapes.values())


@pytest.mark.parametrize("encoding, act, k", [("one_vs_rest", "sigmoid", 3),
                                              ("notes_2neuron", "sigmoid", 2),
                                              ("softmax", "softmax", 3)])
def test_three_class_regions_follow_decode(encoding, act, k):
    from nn_core import decode

    data = make_dataset("blobs3", 90, 0.1, 0.2, seed=2)
    net = Network.init([2, 5, k], ["tanh", act], seed=3)
    fig = decision_boundary(net.forward, data.X_train, data.y_train, data.X_test, data.y_test,
                            n_classes=3, resolution=20, bounds=(-3, 3, -3, 3), encoding=encoding)
    z = np.array(_traces(fig, "heatmap")[0].z).ravel()
    _, _, pts = grid((-3, 3, -3, 3), 20)
    classes = decode(net.forward(pts), encoding)
    np.testing.assert_array_equal(np.floor(z).astype(int), classes)
    assert np.all((z - classes >= 0) & (z - classes < 1))
    names = {t.name for t in _traces(fig, "scatter")}
    assert {"train: class 0", "train: class 1", "train: class 2"} <= names


def test_regression_shows_predicted_value():
    data = make_dataset("regression", 50, 0.0, 0.2, seed=0)
    net = Network.init([2, 3, 1], ["tanh", "linear"], seed=0)
    fig = decision_boundary(net.forward, data.X_train, data.y_train, data.X_test, data.y_test,
                            n_classes=0, resolution=12, bounds=(-2, 2, -2, 2))
    _, _, pts = grid((-2, 2, -2, 2), 12)
    np.testing.assert_allclose(np.array(fig.data[0].z).ravel(), net.forward(pts)[:, 0])
    assert _traces(fig, "contour") == []
    assert isinstance(fig, go.Figure)
    # points and background share one colour scale
    heat = fig.data[0]
    for t in _traces(fig, "scatter"):
        assert (t.marker.cmin, t.marker.cmax) == (heat.zmin, heat.zmax)
    assert heat.zmin <= min(data.y_train.min(), data.y_test.min())


def test_non_finite_predictions_stay_drawable():
    fig = decision_boundary(lambda p: np.full((len(p), 1), np.nan), np.zeros((3, 2)),
                            np.array([0, 1, 0]), resolution=5)
    assert np.all(np.isfinite(np.array(fig.data[0].z, dtype=float)))


def test_predict_with_wrong_row_count_is_refused():
    with pytest.raises(ValueError, match="rows"):
        decision_boundary(lambda p: np.zeros((3, 1)), np.zeros((3, 2)), np.array([0, 1, 0]),
                          resolution=5)
