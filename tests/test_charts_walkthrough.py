"""Chart builders for the walkthrough pages draw the numbers they are given."""

import numpy as np
import pytest

from charts import HIGHLIGHT
from charts.compare import scheme_regions
from charts.descent import descent_curve, descent_surface
from charts.neuron import activation_curve, neuron_plane
from nn_core import Network, ambiguous, get_activation, make_dataset


@pytest.fixture(scope="module")
def neuron_setup():
    data = make_dataset("linear", 40, noise=0.1, test_fraction=0.0, seed=0)
    net = Network.from_weights([[[-1.0], [2.0]]], [[0.3]], ["sigmoid"])

    def predict(pts):
        fp = net.forward_pass(pts)
        return fp.zs[0][:, 0], fp.ys[1][:, 0]

    return data, net, predict


def test_neuron_plane_stages(neuron_setup):
    data, net, predict = neuron_setup
    fig = neuron_plane(predict, data.X_train, data.y_train, "weighted_sum", point=data.X_train[0])
    heat = fig.data[0]
    pts = np.c_[heat.x, np.full(len(heat.x), heat.y[0])]
    # the heatmap's first row is z along x₁ at the lowest x₂: the network's own weighted sums
    assert np.allclose(heat.z[0], net.forward_pass(pts).zs[0][:, 0])
    assert not any(t.type == "contour" for t in fig.data)  # no threshold before the sigmoid
    fig = neuron_plane(predict, data.X_train, data.y_train, "classifier", theta=0.7)
    cont = [t for t in fig.data if t.type == "contour"]
    assert len(cont) == 1 and cont[0].contours.start == 0.7
    cls = np.asarray(fig.data[0].z)
    y_hat = np.asarray(cont[0].z)
    assert np.array_equal(cls, (y_hat >= 0.7).astype(float))
    fig = neuron_plane(predict, data.X_train, data.y_train, point=(0.5, 0.25))
    star = next(t for t in fig.data if t.name == "chosen point")
    assert (star.x[0], star.y[0]) == (0.5, 0.25)
    with pytest.raises(ValueError, match="stage must be one of"):
        neuron_plane(predict, data.X_train, data.y_train, "softmax")


def test_activation_curve():
    fig = activation_curve(get_activation("sigmoid"), 1.0, 0.731, theta=0.5, z_theta=0.0)
    curve = fig.data[0]
    assert np.allclose(curve.y, 1 / (1 + np.exp(-np.asarray(curve.x))))
    assert fig.data[1].x[0] == 1.0
    assert len(fig.layout.shapes) == 2  # θ line and z_θ line
    far = activation_curve(get_activation("tanh"), 20.0, 1.0)
    assert max(far.data[0].x) >= 21.0  # a point far out is still on the chart


def test_descent_curve_and_surface_show_runaway_steps_truthfully():
    ws = np.linspace(-2, 2, 41)
    losses = ws ** 2
    fig = descent_curve(ws, losses, [1.5, -3.0, 9.0], [2.25, 9.0, 81.0])
    path = fig.data[1]
    # Only the steps inside the drawn range are drawn where they are; no point sits at a false
    # place (above the curve, or pinned to a corner).
    assert path.x[0] == 1.5 and np.isnan(path.x[1]) and np.isnan(path.x[2])
    assert path.customdata[2][0] == 9.0  # the hover keeps the true value
    assert path.marker.color == HIGHLIGHT
    off = fig.data[2]
    assert list(off.marker.symbol) == ["triangle-left", "triangle-right"]  # where they went
    assert "9" in off.text[1] and "81" in off.text[1]
    assert any("off the chart from step 1" in a.text for a in fig.layout.annotations)
    for x, y in zip(path.x, path.y, strict=True):  # every drawn point lies on the curve
        if not np.isnan(x):
            assert y == pytest.approx(x ** 2)
    surf = np.add.outer(ws ** 2, ws ** 2)
    fig = descent_surface(ws, ws, surf, [[1, 1], [0.5, 0.5], [0.1, 0.1]])
    assert np.allclose(fig.data[0].z, np.log10(np.maximum(surf, 1e-12)))
    assert list(fig.data[1].x) == [1, 0.5, 0.1]
    assert not any(t.name and "off the chart" in t.name for t in fig.data)
    fig = descent_surface(ws, ws, surf, [[1, 1], [-5, 3], [40, -90]])
    assert np.isnan(fig.data[1].x[1]) and np.isnan(fig.data[1].x[2])
    assert "40" in fig.data[2].text[1]


def test_scheme_regions_marks_ambiguous_points():
    data = make_dataset("blobs3", 60, noise=0.2, test_fraction=0.0, seed=1)
    # Both neurons fire for x₁ > 0: a deliberately ambiguous half-plane.
    net = Network.from_weights([[[5.0, 5.0], [0.0, 0.0]]], [[0.0, 0.0]], ["sigmoid"])
    fig = scheme_regions(net.forward, data.X_train, data.y_train, 3, "notes_2neuron")
    amb = [t for t in fig.data if t.name and t.name.startswith("ambiguous")]
    assert len(amb) == 1
    pts = np.c_[amb[0].x, amb[0].y]
    assert np.all(ambiguous(net.forward(pts)))
    soft = Network.from_weights([[[1.0, 0, -1], [0, 1, 0]]], [[0, 0, 0]], ["softmax"])
    fig = scheme_regions(soft.forward, data.X_train, data.y_train, 3, "softmax")
    assert not [t for t in fig.data if t.name and t.name.startswith("ambiguous")]
