"""The “Hidden layers” page: the forward pass of a small MLP, every z and y on the diagram."""

import streamlit as st

from charts.network import network_diagram
from derivations import formulas as F
from nn_core import HIDDEN_ACTIVATIONS
from page_model.summaries import weights_summary
from ui.cached import chart
from ui.compute import hidden_forward
from ui.layout import (
    closed_summary,
    columns,
    formula_markdown,
    header,
    numbers_table,
    settings_box,
    small,
)
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, Local, page_state, settings

MAX_HIDDEN_LAYERS = 2
MAX_NEURONS = 6
MAX_OUTPUTS = 3
OUTPUT_ACTIVATIONS = ("sigmoid", "softmax", "linear", "tanh")
DRAWN = ("", *(f"{h}/{o}" for h in HIDDEN_ACTIVATIONS for o in OUTPUT_ACTIVATIONS))


@settings
class Hidden:
    layers: int = 1
    width: int = 3
    act: str = "sigmoid"
    outputs: int = 2
    out: str = "sigmoid"
    seed: int = 0
    x1: float = 0.5
    x2: float = -1.0
    layer: int = 1
    neuron: int = 1  # counted from 1, as the notes count neurons (h_{11}, h_{12}, …)
    drawn: str = ""  # "hidden/output" activations the weights were drawn for; "" = those in use
    more: bool = False  # the sidebar's box of activations, outputs and seed: open


STATE = page_state("hidden", Hidden, lambda: {
    "layers": Int("number of hidden layers", 1, MAX_HIDDEN_LAYERS),
    "width": Int("neurons per hidden layer", 1, MAX_NEURONS),
    "act": Choice("hidden activation", HIDDEN_ACTIVATIONS),
    "outputs": Int("number of output neurons", 1, MAX_OUTPUTS),
    "out": Choice("output activation", OUTPUT_ACTIVATIONS),
    "seed": Int("weight seed", 0, 999), "x1": Float("x₁", -3.0, 3.0), "x2": Float("x₂", -3.0, 3.0),
    "layer": Int("layer explained", 1, MAX_HIDDEN_LAYERS + 1),
    "neuron": Int("neuron explained", 1, MAX_NEURONS),
    "drawn": Choice("activations the weights were drawn for", DRAWN), "more": Local(),
})

header("Hidden layers", "Background — hidden layers and the Multi Layer Perceptron",
       "A hidden layer is a layer of neurons between the inputs and the output: each of its "
       "neurons takes a weighted sum of the layer before and passes it through an activation; "
       "its outputs are the next layer's inputs. Pick a point and watch the numbers flow.",
       # the quote's reading, small, in the same element (its own paragraph after the quote)
       quote="Hidden layer(s) is introduced to allow the “system” to perform more complicated "
             "work, $y_{i, new} = f_{hidden}(y_{i})$.\n\n" + small(
                 "What the notes mean: the hidden layer's outputs become the new inputs of the "
                 "layer after it. Read literally, though, $y_{i, new} = f_{hidden}(y_{i})$ puts "
                 "the activation straight onto the old outputs, one by one and without weights. "
                 "On this page (and in the notes' own training section) each hidden neuron "
                 "first takes its own weighted sum of all the outputs before it, "
                 "$z_j = \\sum_i w_{ij} y_i + b_j$, then applies its activation, "
                 "$y_j = f(z_j)$: a layer can have more or fewer neurons than inputs, and each "
                 "mixes all of them."))


def _redraw():
    """New weights scaled to the activations chosen now (same seed)."""
    STATE.update(drawn="")


s = STATE.open()
with st.sidebar:
    st.subheader("Network")
    n_hidden = st.slider("hidden layers", 1, MAX_HIDDEN_LAYERS, key=s.key("layers"))
    width = st.slider("neurons per hidden layer", 1, MAX_NEURONS, key=s.key("width"))
    # Drawn only while open (each control costs every rerun); the page state keeps the values.
    more = settings_box(s, "Activations, outputs, seed")
    with more:
        if more.open:
            hidden_act = st.selectbox("hidden activation", HIDDEN_ACTIVATIONS,
                                      key=s.key("act"))
            n_out = st.slider("output neurons", 1, MAX_OUTPUTS, key=s.key("outputs"))
            out_act = st.selectbox("output activation", OUTPUT_ACTIVATIONS, key=s.key("out"))
            seed = st.number_input("weight seed", step=1, **s.number("seed"))
            s.said("seed")
            st.button("Draw the weights again for these activations", on_click=_redraw,
                      key="hidden#redraw")
        else:
            hidden_act, n_out, out_act, seed = (s.clamped(n)
                                                for n in ("act", "outputs", "out", "seed"))
    closed_summary(more, f"{hidden_act} hidden neurons, {n_out} {out_act} output"
                         f"{'s' if n_out > 1 else ''}, weight seed {int(seed)}.",
                   heading="Data point")
    x1 = st.slider("x₁", -3.0, 3.0, step=0.1, key=s.key("x1"))
    x2 = st.slider("x₂", -3.0, 3.0, step=0.1, key=s.key("x2"))

sizes = [2] + [width] * n_hidden + [n_out]
n_layers = len(sizes) - 1
with st.sidebar:
    st.markdown("### Explain one neuron\n\n" + small(
        f"This network has {n_layers} layers of weights; layer {n_layers} is the output layer."))
    # A choice beyond the current network is pulled back to its last layer / neuron.
    layer = st.slider("layer", 1, n_layers, key=s.key("layer", hi=n_layers))
    neuron = st.number_input("neuron j", step=1,
                             **s.number("neuron", lo=1, hi=sizes[layer]))
    s.said("neuron")
    s.reset_button()

# The weights stay when an activation changes (so two activations can be compared on the same
# weights); a new shape or seed, or the button, draws them again for the activations in use.
now = f"{hidden_act}/{out_act}"
if s.changed("layers", "width", "outputs", "seed"):
    s.set(drawn="")
elif s.changed("act", "out") and not s["drawn"]:
    s.set(drawn=f"{s.start.act}/{s.start.out}")
if s["drawn"] == now:
    s.set(drawn="")
drawn = (s["drawn"] or now).split("/")
s.show_notices()
s.finish()

x = [[float(x1), float(x2)]]  # one data point
net, fp = hidden_forward(tuple(sizes), tuple(drawn), int(seed), (hidden_act, out_act),
                         tuple(x[0]))
if s["drawn"]:
    st.caption(f"Same weights as before the activation changed (drawn for {drawn[0]} hidden, "
               f"{drawn[1]} output neurons): the numbers differ only by the activation. "
               "“Draw the weights again” scales new ones to the activations in use.")
act = net.activations[layer - 1].name
W, bias = net.weights[layer - 1], net.biases[layer - 1]
y_prev = fp.ys[layer - 1][0]
j0 = int(neuron) - 1  # the arrays count from 0, the page from 1
z_j, y_j = float(fp.zs[layer - 1][0, j0]), float(fp.ys[layer][0, j0])

f_col, n_col, c_col = columns()
with f_col:  # the heading, the formulas and the note under them: one element
    forms = F.layer_formulas(layer, act)
    st.markdown("### Formula\n\n" + formula_markdown(
        (f"Weighted sum of layer {layer}", forms["weighted_sum"]),
        (f"Activation ({act})", forms["activation"])) + "\n\n" + small(
        "Layer 1 reads the inputs x; every later layer reads the outputs y of the layer before. "
        "The weights w⁽ˡ⁾ᵢⱼ connect neuron i of layer l−1 to neuron j."))
with n_col:  # the heading and the neuron's numbers: one element
    st.markdown(f"### Neuron {neuron} of layer {layer}\n\n" + formula_markdown(
        F.weighted_sum_numbers(W[:, j0], y_prev, bias[j0], z_j),
        F.softmax_numbers(fp.zs[layer - 1][0], j0, y_j, layer) if act == "softmax"
        else F.activation_numbers(act, z_j, y_j, lhs="y")))
    rows = [(f"x{k + 1}", float(v)) for k, v in enumerate(x[0])]
    for l_ in range(1, n_layers + 1):
        for j in range(sizes[l_]):
            rows.append((f"z({l_})_{j + 1}", float(fp.zs[l_ - 1][0, j])))
            rows.append((f"y({l_})_{j + 1}", float(fp.ys[l_][0, j])))
    numbers_table(rows)
with c_col:
    highlight = [(layer, i, j0) for i in range(sizes[layer - 1])]
    # ``drawn``: the weights kept from other activations differ from those drawn for these
    chart("hidden_diagram", (sizes, tuple(drawn), hidden_act, out_act, int(seed), x1, x2,
                             highlight),
          lambda: network_diagram(net, fp, point=0, highlight=highlight, wire=True),
          summary=lambda: weights_summary(net.weights),
          note="Solid blue edges: positive weights, dashed vermillion: negative; thicker = "
               "larger |w|. The highlighted edges feed the neuron explained on the left. "
               "Hover for exact values.")

next_page("views/hidden_layers.py")
