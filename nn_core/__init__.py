"""nn_core: the numeric network of the notes, in NumPy only.

The notes' pipeline, one module per concept:

- ``activations``: sigmoid, tanh, relu, linear, softmax — ``output(z)`` beside ``der(z, y)``.
- ``losses``: squared error (the notes' ½(y − ŷ)²) and cross-entropy — ``value`` with ``der``.
- ``network``: ``Network`` — weighted sum z = X @ W + b, activation y = f(z), backprop.
- ``training``: ``train`` — gradient descent w ← w − η ∂E/∂w, with a per-epoch ``History``.
- ``rnn``: ``RNN`` — h_t = f(x_t W_x + h_{t−1} W_h + b_h), ŷ_t = h_t W_y + b_y, BPTT.
- ``lstm``: ``LSTM`` — gates a, i, f, o; c_t = a_t ⊙ i_t + f_t ⊙ c_{t−1}, h_t = tanh(c_t) ⊙ o_t.
- ``sequences``: ``train_sequences`` (gradient descent through time), gradient clipping.
- ``datasets``: seeded 2-D data sets and the class encodings (the notes' 2-neuron code, …).

Public API::

    net = Network.from_weights(weights, biases, activations)   # every weight set by hand
    net = Network.init([2, 4, 1], ["tanh", "sigmoid"], seed=0)  # random, reproducible
    y_hat = net.forward(X)                # the prediction; X has one row per data point
    fp = net.forward_pass(X)              # fp.zs[l]: weighted sums, fp.ys[l]: activations
    net.loss(X, Y, loss="squared_error")  # mean over points of Σ_k ½(y_k − ŷ_k)²
    net.gradients(X, Y, loss=...)         # [(dW, db) per layer], by backpropagation
    bp = net.backprop(X, Y, loss=...)     # bp.deltas[l]: error terms δ = ∂E/∂z, bp.grads, bp.loss
    history = train(net, X, Y, lr, epochs, batch_size=None, loss=..., seed=..., callback=None)
    data = make_dataset("moons", n_points=200, noise=0.1, test_fraction=0.2, seed=0)
    Y_train, Y_test = data.targets("one_vs_rest")

    rnn = RNN.from_weights(W_x, W_h, b_h, W_y, b_y, activation="tanh")  # or RNN.init(2, 3, 1)
    run = rnn.forward(xs)                 # xs (T, n_in) or a batch (N, T, n_in): run.h, run.y
    rnn.loss(xs, ys); rnn.gradients(xs, ys)  # Σ_t ½‖ŷ_t − y_t‖² (batch: mean); BPTT dict
    lstm = LSTM.from_weights(W, U, b)     # dicts keyed "a", "i", "f", "o"; or LSTM.init(2, 1)
    history = train_sequences(rnn_or_lstm, xs, ys, lr, epochs, clip=None, callback=None)

Bad input raises ValueError with a message that says what to change; a diverging run raises
``DivergenceError`` (with a suggested learning rate).
"""

from .activations import ACTIVATIONS, HIDDEN_ACTIVATIONS, Activation, get_activation
from .datasets import (
    DATASET_INFO,
    DATASETS,
    ENCODINGS,
    Dataset,
    accuracy,
    ambiguous,
    decode,
    encode,
    make_dataset,
    n_outputs,
)
from .losses import LOSS_NAMES, LOSSES, Loss, get_loss
from .lstm import GATES, LSTM
from .network import Backprop, ForwardPass, Network
from .rnn import RNN
from .sequences import clip_by_norm, train_sequences
from .training import DivergenceError, History, infer_encoding, train

__all__ = [
    "ACTIVATIONS", "DATASETS", "DATASET_INFO", "ENCODINGS", "GATES", "HIDDEN_ACTIVATIONS",
    "LOSSES", "LOSS_NAMES", "LSTM", "RNN", "Activation", "Backprop", "Dataset",
    "DivergenceError", "ForwardPass", "History", "Loss", "Network", "accuracy", "ambiguous",
    "clip_by_norm", "decode", "encode", "get_activation", "get_loss", "infer_encoding",
    "make_dataset", "n_outputs", "train", "train_sequences",
]
