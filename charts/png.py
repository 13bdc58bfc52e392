"""Small PNG images from NumPy arrays (zlib only): the playground's neuron tiles.

A tile is a few hundred pixels; as a PNG inside the figure it costs one short string, where a
heatmap trace per neuron would cost a subplot each (see bench/bench_playground_maps.py).
"""

from __future__ import annotations

import base64
import struct
import zlib

import numpy as np


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png_bytes(rgb: np.ndarray) -> bytes:
    """An 8-bit PNG of the (height, width, 3) RGB or (height, width, 4) RGBA array ``rgb``
    (values 0 … 255, row 0 on top), at zlib's fastest level (a frame's picture, not an
    archive)."""
    rgb = np.asarray(rgb)
    if rgb.ndim != 3 or rgb.shape[2] not in (3, 4) or rgb.shape[0] < 1 or rgb.shape[1] < 1:
        raise ValueError(f"An image has shape (height, width, 3 or 4); got {rgb.shape}.")
    h, w, c = rgb.shape
    rows = np.empty((h, 1 + c * w), np.uint8)
    rows[:, 0] = 0  # filter type 0 (none) for every row
    if rgb.dtype != np.uint8:
        rgb = np.clip(np.rint(rgb), 0, 255).astype(np.uint8)
    rows[:, 1:] = rgb.reshape(h, c * w)
    colour_type = 2 if c == 3 else 6  # RGB or RGBA, 8 bits per channel
    header = struct.pack(">IIBBBBB", w, h, 8, colour_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(rows.tobytes(), 1)) + _chunk(b"IEND", b""))


def png_data_uri(rgb: np.ndarray) -> str:
    return "data:image/png;base64," + base64.b64encode(png_bytes(rgb)).decode("ascii")


def diverging_rgb(values: np.ndarray, scale: float, negative: str, positive: str) -> np.ndarray:
    """Colours for ``values``: white at 0, fading to ``negative``/``positive`` at ∓``scale``
    (beyond it, the full colour). Non-finite values are drawn grey."""
    v = np.asarray(values, dtype=float)
    scale = float(scale) if np.isfinite(scale) and scale > 0 else 1.0
    with np.errstate(invalid="ignore"):
        t = np.clip(v / scale, -1.0, 1.0)
    neg, pos = _rgb(negative), _rgb(positive)
    amount = np.abs(t)[..., None]
    colour = np.where((t < 0)[..., None], neg, pos)
    out = 255.0 + (colour - 255.0) * amount
    out[~np.isfinite(v)] = 128.0
    return out


def _rgb(hex_colour: str) -> np.ndarray:
    return np.array([int(hex_colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)
