"""The class palette stays apart for colour-blind students, and shape tells classes apart too."""

from __future__ import annotations

import numpy as np
import pytest

from charts import CLASS_COLOURS, CLASS_SYMBOLS, LINE_COLOURS, NEGATIVE, POSITIVE

# Machado, Oliveira & Fernandes (2009), severity 1.0, on linear RGB.
SIMULATE = {
    "normal": np.eye(3),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868],
                            [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968],
                              [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779],
                            [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lab(hex_colour: str, vision: str) -> np.ndarray:
    srgb = np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    lin = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    lin = np.clip(SIMULATE[vision] @ lin, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ lin / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _min_distance(colours, vision) -> float:
    labs = [_lab(c, vision) for c in colours]
    return min(np.linalg.norm(a - b) for k, a in enumerate(labs) for b in labs[k + 1:])


@pytest.mark.parametrize("vision", list(SIMULATE))
def test_classes_and_weight_signs_stay_apart(vision):
    # ΔE (CIE76) of 20 is an unmistakable difference; red vs green under deuteranopia is ~7.
    # Tritanopia (rare) brings blue and bluish green closer; the marker shapes carry it there.
    floor = 15 if vision == "tritanopia" else 20
    assert _min_distance(CLASS_COLOURS, vision) > floor
    assert _min_distance((POSITIVE, NEGATIVE), vision) > 20
    assert _min_distance(LINE_COLOURS[:3], vision) > 15


def test_the_old_red_green_pair_would_fail():
    # The check can fail: the palette this replaced (red, blue, green) merges for deuteranopes.
    assert _min_distance(("#d62728", "#1f77b4", "#2ca02c"), "deuteranopia") < 20


def test_every_class_has_its_own_marker_shape():
    assert len(set(CLASS_SYMBOLS)) == len(CLASS_SYMBOLS) == len(CLASS_COLOURS)


def test_the_words_for_each_class_match_how_it_is_drawn():
    from charts import OKABE_ITO
    from page_model.summaries import CLASS_LOOKS

    names = {v: k for k, v in OKABE_ITO.items()}
    for colour, shape, words in zip(CLASS_COLOURS, CLASS_SYMBOLS, CLASS_LOOKS, strict=True):
        assert words.split()[-1].removesuffix("s") == shape
        assert names[colour].split("_")[-1] in words
