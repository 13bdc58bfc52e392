"""What the pages compute, once per server for each configuration (Streamlit's cache_resource).

Data sets, trained networks, descent paths, step-throughs and the audit depend only on the
settings passed in, so every session of the server shares one copy: a student (or a whole class)
on settings someone already used gets the answer without recomputing it. The results are shared
objects: pages read them and never change them. The caches are bounded (a shared host).

Here rather than in each page: a page's script runs again on every rerun, and a decorator in it
would be set up again each time (Streamlit reads the function's source to key its cache).
"""

from __future__ import annotations

import functools
import inspect
import pickle
import threading
import time

import numpy as np
import streamlit as st

from nn_core import Network, make_dataset

_NONE = object()


class Front:
    """The last ``size`` results by a hashable key, in a plain dict in front of a slower cache
    (Streamlit's hashes every argument, ~0.2 ms): a hit is one dict look-up. Sessions run in
    threads of their own, so writes take a lock; the oldest entry goes first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: dict = {}
        self._lock = threading.Lock()

    def get(self, key, default=None):
        return self._entries.get(key, default)

    def put(self, key, value):
        with self._lock:
            while len(self._entries) >= self.size:
                del self._entries[next(iter(self._entries))]
            self._entries[key] = value
        return value

    def clear(self) -> None:
        self._entries.clear()


def shared(*, memo: int = 0, **options):
    """``st.cache_resource(**options)``, called with its arguments by name: on a call with
    positional arguments Streamlit looks each one's name up (inspect.signature, ~0.05 ms per
    argument, on every rerun); by name, the cache key is the same and the look-up is gone.
    ``memo``: the last ``memo`` results also kept by their (hashable) arguments in a ``Front``,
    for a function a page calls on every rerun."""
    def wrap(fn):
        cached = st.cache_resource(**options)(fn)
        names = tuple(inspect.signature(fn).parameters)
        front = Front(memo)

        @functools.wraps(fn)
        def call(*args, **kwargs):
            kwargs = {**dict(zip(names, args, strict=False)), **kwargs}
            if not memo:
                return cached(**kwargs)
            key = tuple(sorted(kwargs.items()))
            out = front.get(key, _NONE)
            return front.put(key, cached(**kwargs)) if out is _NONE else out

        def clear():
            front.clear()
            cached.clear()

        call.clear = clear
        return call
    return wrap


# Each page imports only what it computes (SymPy's derivations load with the pages that use them).

# ------------------------------------------------------------------ the neuron
NEURON_POINTS = 60


@shared(max_entries=32, memo=8, show_spinner=False)
def neuron_data(seed: int, noise: float):
    return make_dataset("linear", NEURON_POINTS, noise=noise, test_fraction=0.0, seed=seed)


@shared(max_entries=256, memo=32, show_spinner=False)
def neuron_numbers(seed: int, noise: float, w1: float, w2: float, b: float, point: int,
                   theta: float):
    """The neuron (w₁, w₂, b, sigmoid) and its numbers for data point ``point`` and threshold
    θ (page_model.one_vs_all.neuron_point) on neuron_data(seed, noise): a rerun that changes
    nothing builds no network and runs no forward pass (~0.25 ms)."""
    from page_model.one_vs_all import neuron_point

    data = neuron_data(seed, noise)
    net = Network.from_weights([[[w1], [w2]]], [[b]], ["sigmoid"])
    return net, neuron_point(net, data.X_train, data.y_train, point, theta)


# ------------------------------------------------------------------ one vs all
@shared(max_entries=16, memo=8, show_spinner="Training the three networks…")
def ova_compare(n_points: int, noise: float, seed: int, epochs: int, lr: float, neither: int):
    from page_model.one_vs_all import SCHEMES, fit_scheme

    data = make_dataset("blobs3", n_points, noise=noise, test_fraction=0.25, seed=seed)
    # Only the notes' code depends on which class is "neither": the data keeps its classes.
    return data, {enc: fit_scheme(data, enc, epochs, lr, seed, neither=neither)
                  for enc in SCHEMES}


@shared(max_entries=16, memo=8, show_spinner=False)
def ova_bullets(n_points: int, noise: float, seed: int, epochs: int, lr: float, neither: int):
    """page_model.verdicts.notes_code_bullets for ova_compare's networks (the same arguments)."""
    from page_model.verdicts import notes_code_bullets

    return notes_code_bullets(ova_compare(n_points, noise, seed, epochs, lr, neither)[1], neither)


@shared(max_entries=16, memo=8, show_spinner=False)
def ova_binary(n_points: int, noise: float, seed: int, epochs: int, lr: float):
    from page_model.one_vs_all import fit_scheme

    data = make_dataset("linear", n_points, noise=noise, test_fraction=0.25, seed=seed)
    return data, fit_scheme(data, "binary", epochs, lr, seed)


# ------------------------------------------------------------------ hidden layers
@shared(max_entries=32, memo=8, show_spinner=False)
def hidden_weights(sizes: tuple, drawn: tuple, seed: int):
    """Network.init's weights and biases for these sizes, activations and seed (shared:
    Network.from_weights copies them)."""
    net = Network.init(list(sizes), list(drawn), seed=seed)
    return net.weights, net.biases


@shared(max_entries=64, memo=16, show_spinner=False)
def hidden_forward(sizes: tuple, drawn: tuple, seed: int, activations: tuple, x: tuple):
    """The network of hidden_weights(sizes, drawn, seed) with ``activations``, and its forward
    pass of the one point ``x``: a rerun that changes nothing builds no network (shared: read
    them, never change them)."""
    net = Network.from_weights(*hidden_weights(sizes, drawn, seed), list(activations))
    return net, net.forward_pass([list(x)])


# ------------------------------------------------------------------ gradient descent
DESCENT_POINTS = 80


@shared(max_entries=8, memo=2, show_spinner=False)
def descent_data(model: str):
    if model == "linear":
        d = make_dataset("regression", DESCENT_POINTS, noise=0.05, test_fraction=0.0, seed=3)
    else:
        d = make_dataset("linear", DESCENT_POINTS, noise=0.1, test_fraction=0.0, seed=3)
    return d.X_train, d.y_train.astype(float)


@shared(max_entries=16, memo=8, show_spinner=False)
def descent_landscape(model: str, two: bool, w2_fixed: float):
    """The loss over page_model.descent.WEIGHT_GRID (a constant: not hashed on every call)."""
    from page_model.descent import WEIGHT_GRID, loss_curve, loss_surface

    X, Y = descent_data(model)
    g = np.array(WEIGHT_GRID)
    if two:
        return loss_surface(X, Y, g, g, 0.0, model)
    return loss_curve(X, Y, g, [0.0, w2_fixed], 0, 0.0, model)


@shared(max_entries=256, memo=32, show_spinner=False)
def descent(model: str, w0: tuple, lr: float, steps: int, learn: tuple):
    """page_model.descent.descent_path on the page's data (bias 0); raises its ValueError."""
    from page_model.descent import descent_path

    X, Y = descent_data(model)
    return descent_path(X, Y, list(w0), 0.0, model, lr, steps, list(learn))


# ------------------------------------------------------------------ backprop, step by step
# Keyed by the pickled settings: Streamlit would hash the weights' nested tuples float by float
# on every rerun (~0.2 ms), bytes hash at once. Equal numbers pickle to equal bytes.
@st.cache_resource(max_entries=64, show_spinner=False)
def _backprop_step(*, token: bytes, _args: tuple):
    from derivations import step_through

    weights, biases, x, y, layer, i, j, param, lr = _args
    net = Network.from_weights([np.array(w) for w in weights], [np.array(b) for b in biases],
                               "sigmoid")
    return step_through(net, np.array(x), np.array(y), layer, i, j, "squared_error", lr, param)


_STEPS = Front(16)  # the last few step-throughs by their token
_CHECKS = Front(16)  # id(step-through) -> (it, its check): held, so its id is not reused


def backprop_step(weights, biases, x, y, layer, i, j, param, lr):
    """The step-through, called on every rerun: a repeat is one dict look-up by the token, in
    front of Streamlit's cache (which hashes it again and copies its bookkeeping)."""
    args = (weights, biases, x, y, layer, i, j, param, lr)
    token = pickle.dumps(args, pickle.HIGHEST_PROTOCOL)
    out = _STEPS.get(token)
    return _STEPS.put(token, _backprop_step(token=token, _args=args)) if out is None else out


def backprop_check(result):
    """page_model.verdicts.backprop_check of a step-through from ``backprop_step`` (a shared
    object, never changed) at derivations' finite-difference step, once per step-through: the
    page asks on every rerun."""
    held = _CHECKS.get(id(result))
    if held is not None and held[0] is result:
        return held[1]
    from derivations.step import FD_STEP
    from page_model.verdicts import backprop_check as check

    return _CHECKS.put(id(result), (result, check(result, FD_STEP)))[1]


@functools.lru_cache(maxsize=8)
def notes_target(label: int) -> tuple[float, ...]:
    """The notes' 2-neuron target of class ``label`` (nn_core.encode), once per class."""
    from nn_core import encode

    return tuple(float(v) for v in encode([label], 3, "notes_2neuron")[0])


@shared(max_entries=64, memo=16, show_spinner=False)
def backprop_rule(sizes, layer, i, j, param):
    from derivations import chain_rule

    return chain_rule(sizes, ("sigmoid",) * (len(sizes) - 1), "squared_error", layer, i, j, param)


@shared(max_entries=256, memo=16, show_spinner=False)
def notes_start(case: str, seed: int):
    """derivations.notes_network (a seeded network and data point), shared: pages read it."""
    from derivations import notes_network

    return notes_network(case, seed)


# ------------------------------------------------------------------ the notes, checked
@st.cache_resource(show_spinner="SymPy is checking the notes…")
def notes_audit():
    from derivations import audit_notes

    return audit_notes()


@shared(max_entries=32, memo=8, show_spinner="Training both networks…")
def notes_training(key: str, case: str, epochs: int, lr: float):
    from derivations import train_with_notes_formula

    return train_with_notes_formula(key, case=case, epochs=epochs, lr=lr)


# ------------------------------------------------------------------ backprop through time
@shared(max_entries=64, memo=16, show_spinner="SymPy is differentiating the unrolled network…")
def rnn_step(T: int, n_h: int, activation: str, seed: int, source: str, param: str, i: int,
             j: int, lr: float):
    """(rnn, xs, ys, step-through) for the BPTT page: a seeded RNN on one task sequence."""
    from derivations.recurrent import rnn_step_through
    from nn_core import RNN
    from page_model.recurrent import make_task

    rnn = RNN.init(1, n_h, 1, seed=seed, activation=activation)
    task = make_task(source, 1, T, k=1, seed=seed)
    xs, ys = task.xs[0], task.ys[0]
    return rnn, xs, ys, rnn_step_through(rnn, xs, ys, param, i, j, lr)


@shared(max_entries=32, show_spinner="SymPy is differentiating the LSTM cell…")
def lstm_local_check(T: int, seed: int, forget_bias: float, source: str):
    """derivations.lstm_check of the LSTM page's one-unit cell on its sequence."""
    from derivations.lstm_cell import lstm_check
    from nn_core import LSTM
    from page_model.recurrent import make_task

    task = make_task(source, 1, T, k=1, seed=seed)
    cell = LSTM.init(1, 1, seed=seed, forget_bias=forget_bias)
    return lstm_check(cell, task.xs[0], task.ys[0])


@st.cache_resource(show_spinner="SymPy is checking the worked example…")
def golden_check():
    """derivations.lstm_check of A. Gomez's worked example (every weight's whole derivative)."""
    from derivations.lstm_cell import lstm_check
    from nn_core import golden_lstm

    return lstm_check(golden_lstm.lstm(), *golden_lstm.inputs())


@st.cache_resource(show_spinner="Testing the notes' claims…")
def recurrent_claims():
    from derivations.recurrent_claims import recurrent_claims as claims

    return {rec.key: rec for rec in claims()}


@shared(max_entries=16, show_spinner=False)
def unrolled_formulas(T: int, activation: str):
    """[(lhs, rhs)]: h_1 … h_T and E of a one-unit RNN composed down to its inputs."""
    from derivations.recurrent import symbolic_rnn

    return symbolic_rnn(T, 1, 1, 1, activation).unrolled_latex()


# ------------------------------------------------------------------ warm-up at server start
_warm = {"thread": None}
_warm_lock = threading.Lock()


def _derive_everything() -> None:
    """The SymPy work behind first loads, done once per process: the notes' audit and the chain
    rule of every weight and bias of both notes networks (derivations keeps them, lru_cache)."""
    from derivations import NOTES_CASES, audit_notes, chain_rule, notes_network

    audit_notes()
    for case in NOTES_CASES:
        sizes = tuple(notes_network(case, 0).net.sizes)
        acts = ("sigmoid",) * (len(sizes) - 1)
        for layer in range(1, len(sizes)):
            for j in range(sizes[layer]):
                for i in range(sizes[layer - 1]):
                    chain_rule(sizes, acts, "squared_error", layer, i, j, "weight")
                chain_rule(sizes, acts, "squared_error", layer, 0, j, "bias")
    # The recurrent pages' defaults: the notes' claims, BPTT of W_h over 3 steps, the LSTM
    # cell's local derivatives over 4 steps (derivations keeps them, lru_cache).
    from derivations.lstm_cell import lstm_derivation
    from derivations.recurrent import recurrent_rule
    from derivations.recurrent_claims import recurrent_claims

    recurrent_claims()
    recurrent_rule(3, 1, 1, 1, "tanh", "W_h", 0, 0)
    lstm_derivation(4, 1)


def warm_up(delay: float = 2.0, wait: bool = False) -> None:
    """Start (once per process) a background thread that derives what the SymPy pages need, so
    their first load takes a fraction of a second instead of seconds. It starts ``delay`` s
    later, after the page that started it has been served. ``wait``: block until done."""
    with _warm_lock:
        if _warm["thread"] is None:
            def run():
                time.sleep(delay)
                _derive_everything()

            _warm["thread"] = threading.Thread(target=run, name="warm-up", daemon=True)
            _warm["thread"].start()
    if wait:
        _warm["thread"].join()
