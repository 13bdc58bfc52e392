"""Charts send float32 where that changes no number they show (Streamlit hashes and sends every
byte of a chart on every rerun): every hover value and the words under the chart stay."""

from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from charts.describe import describe
from charts.training import decision_boundary
from charts.wire import float32_if_same
from page_model.numbers import fmt


def _fixed(x: float, decimals: int) -> str:
    """JavaScript's toFixed (a hover's %{z:.3f}): the exact binary value, halves away from 0."""
    return str(Decimal(float(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def test_float32_only_when_every_shown_number_stays():
    rng = np.random.default_rng(0)
    sigmoid = 1 / (1 + np.exp(-rng.normal(0, 9, 900)))  # down to ~1e-20: describe's 3 digits
    for values in (rng.random(4900), rng.normal(0, 3, 900), sigmoid):
        for decimals in (2, 3):
            out = float32_if_same(values, decimals)
            assert out.dtype == np.float32 and out.nbytes == values.nbytes // 2
            assert [_fixed(v, decimals) for v in out] == [_fixed(v, decimals) for v in values]
            for pick in (np.min, np.max):
                assert fmt(pick(out), 3) == fmt(pick(values), 3)


def test_float64_kept_where_float32_could_change_a_shown_number():
    tie = np.array([0.2, 0.1235])  # a hover's 3 decimals sit on a tie
    assert float32_if_same(tie, 3).dtype == np.float64
    assert float32_if_same(tie, 2).dtype == np.float32
    # describe's 3 digits: 0.12350000001 reads 0.124, its float32 (0.12349999…) 0.123
    words = np.array([0.5, 0.12350000001])
    assert fmt(np.float32(words[1]), 3) != fmt(words[1], 3)
    assert float32_if_same(words).dtype == np.float64
    assert float32_if_same(np.array([1.0, 1e39])).dtype == np.float64  # float32 overflows
    same = float32_if_same(tie, 3)
    assert same.dtype == np.float64 and np.array_equal(same, tie)


def test_decision_regions_hover_and_words_unchanged():
    """The regions' hover reads the class and the certainty as numbers, float32 where the
    certainty's two decimals stay (never text: an array of strings is serialised one string at
    a time); the chart's words are those of the float64 values."""
    rng = np.random.default_rng(1)
    X = rng.normal(0, 1, (90, 2))
    y = rng.integers(0, 3, 90)

    def predict(p):
        return np.c_[np.tanh(p[:, 0]), np.tanh(p[:, 1]), -np.tanh(p[:, 0] + p[:, 1])]

    fig = decision_boundary(predict, X, y, n_classes=3, encoding="softmax", resolution=40)
    heat = fig.data[0]
    assert "class %{customdata[0]:.0f} (sure: %{customdata[1]:.2f})" in heat.hovertemplate
    assert heat.text is None
    data = np.asarray(heat.customdata)
    z = np.asarray(heat.z, dtype=float)
    np.testing.assert_array_equal(data[..., 0], np.floor(z))  # z: class + 0.999·certainty
    assert data.dtype == np.float32
    assert "“decoded class” from" in describe(fig)
