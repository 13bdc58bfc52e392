"""A trained moment and the student's points as short link values (NumPy + stdlib).

A teacher shares "this network after 500 epochs": the link carries the weights (float32), the
epoch, a summary of the loss history (at most ``MAX_HISTORY_POINTS`` epochs) and, when momentum
is on, its velocity v (float32, one array per layer like the weights), and the
student's own points (coordinates to 0.001, classes, which are test points). Each is packed as
bytes, zlib-compressed and base64url-encoded; decoding checks every length and value, so a
garbled or hostile link gives a plain message (ValueError), never a crash or a huge allocation.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from nn_core.training import History

MAX_LINK_CHARS = 6000  # for the whole shared state; longer: offer the download instead
MAX_HISTORY_POINTS = 60
MAX_UNPACKED_BYTES = 200_000
COORD_SCALE = 1000  # points to 0.001, stored as int16: |x| ≤ 32.767
_B64 = re.compile(r"^[A-Za-z0-9_-]*$")


def _pack(payload: bytes) -> str:
    return base64.urlsafe_b64encode(zlib.compress(payload, 9)).rstrip(b"=").decode("ascii")


def _unpack(text: str, magic: bytes) -> bytes:
    data = _inflate(text)
    if not data.startswith(magic):
        raise ValueError("it is not a value this page writes")
    return data[len(magic):]


def _inflate(text: str) -> bytes:
    text = str(text).strip()
    if len(text) > MAX_LINK_CHARS * 2 or not _B64.match(text):
        raise ValueError("it is not a value this page writes")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        inflate = zlib.decompressobj()
        data = inflate.decompress(raw, MAX_UNPACKED_BYTES)
    except (ValueError, zlib.error) as exc:
        raise ValueError("it is damaged (perhaps cut off when it was copied)") from exc
    if inflate.unconsumed_tail:
        raise ValueError("it is not a value this page writes")
    return data


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, fmt: str, count: int = 1):
        size = np.dtype("<" + fmt).itemsize * count
        if self.at + size > len(self.data):
            raise ValueError("it is damaged (perhaps cut off when it was copied)")
        chunk = self.data[self.at:self.at + size]
        self.at += size
        return np.frombuffer(chunk, dtype=np.dtype("<" + fmt), count=count)

    def done(self) -> None:
        if self.at != len(self.data):
            raise ValueError("it is damaged (it has extra bytes)")


# ------------------------------------------------------------------ a trained moment
@dataclass
class Moment:
    weights: list[np.ndarray]
    biases: list[np.ndarray]
    history: History
    #: momentum's v per layer, [v_W; v_b] of shape (n_in + 1, n_out); None: the link has none
    velocity: list[np.ndarray] | None = None

    @property
    def epoch(self) -> int:
        return self.history.epoch[-1] if self.history.epoch else 0


def history_summary(history: History, points: int = MAX_HISTORY_POINTS) -> History:
    """At most ``points`` epochs of ``history`` (the first and the last always among them):
    enough for the loss chart's shape."""
    n = len(history.epoch)
    if n == 0:
        return History()
    keep = np.unique(np.linspace(0, n - 1, min(n, points)).round().astype(int))
    return History(
        epoch=[int(history.epoch[i]) for i in keep],
        train_loss=[float(history.train_loss[i]) for i in keep],
        test_loss=[history.test_loss[i] for i in keep],
        train_accuracy=[history.train_accuracy[i] for i in keep],
        test_accuracy=[history.test_accuracy[i] for i in keep],
    )


def encode_moment(weights, biases, history: History, velocity=None) -> str:
    """The trained state (weights, biases, the history's summary and, if given and not all
    zero, momentum's velocity) as one link value."""
    sizes = [weights[0].shape[0], *(w.shape[1] for w in weights)]
    h = history_summary(history)

    def f4(values):
        return np.asarray([np.nan if v is None else v for v in values], "<f4").tobytes()

    out = [struct.pack("<B", len(weights)), np.asarray(sizes, "<u2").tobytes()]
    for w, b in zip(weights, biases, strict=True):
        out += [np.asarray(w, "<f4").tobytes(), np.asarray(b, "<f4").tobytes()]
    out += [struct.pack("<H", len(h.epoch)), np.asarray(h.epoch, "<u4").tobytes(),
            f4(h.train_loss), f4(h.test_loss), f4(h.train_accuracy), f4(h.test_accuracy)]
    if velocity is None or not any(np.any(v) for v in velocity):
        return _pack(b"M1" + b"".join(out))  # as links without momentum always were
    out += [np.asarray(v, "<f4").tobytes() for v in velocity]
    return _pack(b"M2" + b"".join(out))


def decode_moment(text: str, sizes: list[int]) -> Moment:
    """The moment in ``text`` for a network of layer ``sizes``; ValueError saying what is
    wrong in plain words."""
    data = _inflate(text)
    if data[:2] not in (b"M1", b"M2"):
        raise ValueError("it is not a value this page writes")
    r = _Reader(data[2:])
    n_layers = int(r.take("u1")[0])
    got = [int(v) for v in r.take("u2", n_layers + 1)]
    if got != [int(s) for s in sizes]:
        raise ValueError(f"its network has layers {'–'.join(map(str, got))}, but the settings "
                         f"make {'–'.join(map(str, sizes))}")
    weights, biases = [], []
    for n_in, n_out in pairwise(got):
        weights.append(r.take("f4", n_in * n_out).astype(float).reshape(n_in, n_out))
        biases.append(r.take("f4", n_out).astype(float))
    n = int(r.take("u2")[0])
    if n > MAX_HISTORY_POINTS:
        raise ValueError("its history is longer than this page writes")
    epochs = [int(v) for v in r.take("u4", n)]
    train = r.take("f4", n).astype(float)
    test = r.take("f4", n).astype(float)
    acc_train = r.take("f4", n).astype(float)
    acc_test = r.take("f4", n).astype(float)
    velocity = None
    if data[:2] == b"M2":
        velocity = [r.take("f4", (n_in + 1) * n_out).astype(float).reshape(n_in + 1, n_out)
                    for n_in, n_out in pairwise(got)]
    r.done()
    if any(not np.all(np.isfinite(a)) for a in (*weights, *biases, train)):
        raise ValueError("a weight or loss in it is not a finite number")
    if velocity is not None and not all(np.all(np.isfinite(v)) for v in velocity):
        raise ValueError("the momentum (velocity) it carries is not a finite number")
    if epochs != sorted(set(epochs)) or (epochs and epochs[0] < 1):
        raise ValueError("its epochs are not in order")

    def maybe(values):
        return [None if np.isnan(v) else float(v) for v in values]

    history = History(epoch=epochs, train_loss=[float(v) for v in train], test_loss=maybe(test),
                      train_accuracy=maybe(acc_train), test_accuracy=maybe(acc_test))
    return Moment(weights, biases, history, velocity)


# ------------------------------------------------------------------ the student's points
@dataclass
class SharedPoints:
    X: np.ndarray
    y: np.ndarray
    n_classes: int
    test: np.ndarray | None  # which points are test points (None: split by the seed)


def encode_points(X, y, n_classes: int, test=None) -> str:
    """The student's points as one link value (coordinates to 0.001); ValueError when a point
    lies beyond ±32.767."""
    X = np.asarray(X, float).reshape(-1, 2)
    q = np.round(X * COORD_SCALE)
    if np.any(np.abs(q) > 32767):
        raise ValueError("a point lies beyond ±32.7, too far out for a link")
    n = len(X)
    head = struct.pack("<HBB", n, int(n_classes), 0 if test is None else 1)
    body = [q.astype("<i2").tobytes(), np.asarray(y, "<u1").tobytes()]
    if test is not None:
        body.append(np.packbits(np.asarray(test, bool)).tobytes())
    return _pack(b"P1" + head + b"".join(body))


def decode_points(text: str, max_points: int, max_classes: int) -> SharedPoints:
    r = _Reader(_unpack(text, b"P1"))
    n, k, has_test = _points_head(r)
    if not 1 <= n <= max_points:
        raise ValueError(f"it holds {n} points; the page takes 1 to {max_points}")
    if not 2 <= k <= max_classes:
        raise ValueError(f"it has {k} classes; the page takes 2 to {max_classes}")
    X = r.take("i2", 2 * n).astype(float).reshape(n, 2) / COORD_SCALE
    y = r.take("u1", n).astype(int)
    test = np.unpackbits(r.take("u1", (n + 7) // 8))[:n].astype(bool) if has_test else None
    r.done()
    if np.any(y >= k):
        raise ValueError(f"a point's class is not one of 0 … {k - 1}")
    return SharedPoints(X, y, k, test)


def _points_head(r: _Reader) -> tuple[int, int, int]:
    n = int(r.take("u2")[0])
    k = int(r.take("u1")[0])
    has_test = int(r.take("u1")[0])
    if has_test not in (0, 1):
        raise ValueError("it is not a value this page writes")
    return n, k, has_test
