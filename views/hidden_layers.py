"""Page 3 — hidden layers: the forward pass of a small MLP, every z and y on the diagram."""

import numpy as np
import streamlit as st

from charts.network import network_diagram
from derivations import formulas as F
from nn_core import HIDDEN_ACTIVATIONS, Network
from ui.layout import columns, formula, header, notes_quote, numbers_table
from ui.params import Params

MAX_HIDDEN_LAYERS = 2
MAX_NEURONS = 6
MAX_OUTPUTS = 3
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear", "tanh")

p = Params("hidden")
header("Hidden layers", "Background — hidden layers and the Multi Layer Perceptron",
       "A hidden layer is a layer of neurons between the inputs and the output: each of its "
       "neurons takes a weighted sum of the layer before and passes it through an activation; "
       "its outputs are the next layer's inputs. Pick a point and watch the numbers flow.")
notes_quote("Hidden layer(s) is introduced to allow the “system” to perform more complicated "
            "work, $y_{i, new} = f_{hidden}(y_{i})$.")

with st.sidebar:
    st.subheader("Network")
    n_hidden = st.slider("hidden layers", 1, MAX_HIDDEN_LAYERS,
                         key=p.bind("layers", p.get_int("layers", 1, 1, MAX_HIDDEN_LAYERS)))
    width = st.slider("neurons per hidden layer", 1, MAX_NEURONS,
                      key=p.bind("width", p.get_int("width", 3, 1, MAX_NEURONS)))
    hidden_act = st.selectbox("hidden activation", HIDDEN_ACTIVATIONS, key=p.bind(
        "act", p.get_choice("act", "sigmoid", HIDDEN_ACTIVATIONS)))
    n_out = st.slider("output neurons", 1, MAX_OUTPUTS,
                      key=p.bind("outputs", p.get_int("outputs", 2, 1, MAX_OUTPUTS)))
    out_act = st.selectbox("output activation", OUTPUT_ACTIVATIONS, key=p.bind(
        "out", p.get_choice("out", "sigmoid", OUTPUT_ACTIVATIONS)))
    seed = st.number_input("weight seed", 0, 999, step=1,
                           key=p.bind("seed", p.get_int("seed", 0, 0, 999)))
    st.subheader("Data point")
    x1 = st.slider("x₁", -3.0, 3.0, step=0.1, key=p.bind("x1", p.get_float("x1", 0.5, -3, 3)))
    x2 = st.slider("x₂", -3.0, 3.0, step=0.1, key=p.bind("x2", p.get_float("x2", -1.0, -3, 3)))

sizes = [2] + [width] * n_hidden + [n_out]
n_layers = len(sizes) - 1
with st.sidebar:
    st.subheader("Explain one neuron")
    # Fixed widget ranges keep the widgets' state when the network changes size; a choice
    # beyond the current network is pulled back to its last layer / neuron before drawing.
    for name, hi in (("layer", n_layers), ("neuron", sizes[min(
            st.session_state.get(p.key("layer"), 1), n_layers)] - 1)):
        if st.session_state.get(p.key(name), 0) > hi:
            st.session_state[p.key(name)] = hi
    layer = st.slider("layer", 1, MAX_HIDDEN_LAYERS + 1, key=p.bind(
        "layer", min(p.get_int("layer", 1, 1, MAX_HIDDEN_LAYERS + 1), n_layers)))
    layer = min(layer, n_layers)
    neuron = st.number_input("neuron j (from 0)", 0, MAX_NEURONS - 1, step=1, key=p.bind(
        "neuron", min(p.get_int("neuron", 0, 0, MAX_NEURONS - 1), sizes[layer] - 1)))
    neuron = min(int(neuron), sizes[layer] - 1)
    st.caption(f"This network has {n_layers} layers of weights; layer {n_layers} is the "
               "output layer.")
p.show_notices()

net = Network.init(sizes, [hidden_act, out_act], seed=int(seed))
x = np.array([[x1, x2]])
fp = net.forward_pass(x)
act = net.activations[layer - 1].name
W, bias = net.weights[layer - 1], net.biases[layer - 1]
y_prev = fp.ys[layer - 1][0]
z_j, y_j = float(fp.zs[layer - 1][0, neuron]), float(fp.ys[layer][0, neuron])

f_col, n_col, c_col = columns()
with f_col:
    st.subheader("Formula")
    forms = F.layer_formulas(layer, act)
    formula(forms["weighted_sum"], f"Weighted sum of layer {layer}")
    formula(forms["activation"], f"Activation ({act})")
    st.caption("Layer 1 reads the inputs x; every later layer reads the outputs y of the "
               "layer before. The weights w⁽ˡ⁾ᵢⱼ connect neuron i of layer l−1 to neuron j.")
with n_col:
    st.subheader(f"Neuron {neuron} of layer {layer}")
    st.latex(F.weighted_sum_numbers(W[:, neuron], y_prev, bias[neuron], z_j))
    if act == "softmax":
        st.latex(F.softmax_numbers(fp.zs[layer - 1][0], neuron, y_j))
    else:
        st.latex(F.activation_numbers(act, z_j, y_j, lhs="y"))
    rows = [(f"x{k + 1}", float(v)) for k, v in enumerate(x[0])]
    for l_ in range(1, n_layers + 1):
        for j in range(sizes[l_]):
            rows.append((f"z({l_})_{j}", float(fp.zs[l_ - 1][0, j])))
            rows.append((f"y({l_})_{j}", float(fp.ys[l_][0, j])))
    numbers_table(rows)
with c_col:
    highlight = [(layer, i, neuron) for i in range(sizes[layer - 1])]
    st.plotly_chart(network_diagram(net, fp, point=0, highlight=highlight),
                    key="hidden_diagram")
    st.caption("Solid blue edges: positive weights, dashed vermillion: negative; thicker = "
               "larger |w|. The highlighted edges feed the neuron explained on the left. "
               "Hover for exact values.")

p.write_back()
