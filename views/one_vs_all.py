"""The “One vs all” page: 1 neuron for 2 classes, the notes' 2 neurons for 3 classes, compared
with one-vs-rest and softmax on the same data. Training is page_model.one_vs_all's."""

import streamlit as st

from charts.compare import scheme_regions
from charts.training import loss_curves
from derivations import formulas as F
from page_model.one_vs_all import MAX_SCHEME_EPOCHS, SCHEME_LABELS, SCHEMES
from ui.cached import chart
from ui.compute import ova_binary, ova_bullets, ova_compare
from ui.escape import plain
from ui.layout import (
    closed_summary,
    columns,
    formulas,
    header,
    numbers_by,
    numbers_table,
    settings_box,
)
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, Local, page_state, settings

MAX_POINTS = 300
LEARNING_RATES = [0.1, 0.3, 1.0, 2.0, 3.0, 5.0]


@settings
class OneVsAll:
    n: int = 150
    noise: float = 0.3
    neither: int = 2
    epochs: int = 400
    lr: float = 2.0
    seed: int = 0
    show: str = "notes_2neuron"
    more: bool = False  # the sidebar's training box: open
    side: bool = False  # "The three side by side": open


STATE = page_state("ova", OneVsAll, lambda: {
    "n": Int("number of points", 60, MAX_POINTS), "noise": Float("noise", 0.0, 1.5),
    "neither": Choice("class coded as “neither fires”", (0, 1, 2)),
    "epochs": Int("epochs", 50, MAX_SCHEME_EPOCHS), "lr": Choice("learning rate η", LEARNING_RATES),
    "seed": Int("seed", 0, 999), "show": Choice("regions shown", SCHEMES, SCHEME_LABELS),
    "more": Local(), "side": Local(),
})
#: the comparison table's column for each scheme (its full name in the column's tooltip)
SHORT = {"notes_2neuron": "the notes' 2", "one_vs_rest": "one vs rest", "softmax": "softmax"}


header("One vs all", "Background — “1 Neuron can classify 2 classes whereas 2 Neurons can "
       "classify 3 classes. This is called as 1 vs All”",
       "With a threshold, one neuron splits the plane in two. For three classes the notes use "
       "two neurons: one class fires neuron 1, another fires neuron 2, and the third class is "
       "*neither fires* (pick which in the sidebar). Below, that code is trained beside the "
       "usual alternatives: one neuron per class (one-vs-rest) and a softmax layer, all without "
       "a hidden layer, on the same points.",
       quote="1 Neuron can classify 2 classes whereas 2 Neurons can classify 3 classes. This is "
             "called as 1 vs All logical structure.",
       heading="Two classes: one neuron")

s = STATE.open()
with st.sidebar:
    st.subheader("Data and training")
    noise = st.slider("noise", 0.0, 1.5, step=0.05, key=s.key("noise"))
    neither = st.radio("class coded as “neither fires” (0, 0)", [0, 1, 2], horizontal=True,
                       key=s.key("neither"))
    # Drawn only while open (each control costs every rerun); the page state keeps the values.
    more = settings_box(s, "Points, epochs, η, seed")
    with more:
        if more.open:
            n_points = st.slider("points", 60, MAX_POINTS, step=30, key=s.key("n"))
            epochs = st.slider("epochs", 50, MAX_SCHEME_EPOCHS, step=50, key=s.key("epochs"))
            lr = st.select_slider("learning rate η", LEARNING_RATES, key=s.key("lr"))
            seed = st.number_input("seed", step=1, **s.number("seed"))
            s.said("seed")
        else:
            n_points, epochs, lr, seed = (s.clamped(n) for n in ("n", "epochs", "lr", "seed"))
    closed_summary(more, f"{int(n_points)} points, {int(epochs)} epochs, η = {lr:g}, "
                         f"seed {int(seed)}.")
    shown = st.radio("regions shown", SCHEMES, format_func=SCHEME_LABELS.get, key=s.key("show"))
    s.reset_button()
s.show_notices()
s.finish()

try:
    bdata, bres = ova_binary(int(n_points), float(noise), int(seed), int(epochs), float(lr))
    data, results = ova_compare(int(n_points), float(noise), int(seed), int(epochs), float(lr),
                             int(neither))
except ValueError as err:  # e.g. a learning rate that makes training diverge
    st.error(f"Training failed: {plain(err)}")
    st.stop()
f_col, n_col, c_col = columns()
with f_col:
    forms = F.encoding_formulas("binary", 2)
    formulas(("Output", forms["activation"]), ("Decision (θ = ½)", forms["rule"]),
             ("Targets", forms["targets"]))
with n_col:
    numbers_table([("train accuracy", bres.train_accuracy),
                   ("test accuracy", bres.test_accuracy),
                   ("final loss", bres.history.train_loss[-1])])
# Every chart is drawn from the trained networks, which these settings determine.
trained = (int(n_points), float(noise), int(seed), int(epochs), float(lr))
with c_col:
    chart("ova_binary", trained, lambda: scheme_regions(
        bres.net.forward, bdata.X_train, bdata.y_train, 2, "binary",
        title="1 neuron, threshold ½"))

st.header("Three classes: the notes' 2 neurons vs 3 neurons vs softmax")
f_col, n_col, c_col = columns()
with f_col:
    three = []  # the three schemes' formulas, as one element
    for enc in SCHEMES:
        forms = F.encoding_formulas(enc, 3, results[enc].classes)
        three += [(SCHEME_LABELS[enc], forms["targets"]), forms["rule"]]
        if enc == "softmax":
            three.append(forms["activation"])
    formulas(*three)
with n_col:  # one table, a column per scheme: the numbers compared row by row
    by_scheme = {}
    for enc in SCHEMES:
        r = results[enc]
        rows = {"train accuracy": r.train_accuracy, "test accuracy": r.test_accuracy}
        rows |= {f"recall, class {c}": v for c, v in enumerate(r.recall)}
        if enc != "softmax":
            rows |= {"share ambiguous (2 fire)": r.ambiguous_fraction,
                     "share where none fires": r.none_fraction}
        by_scheme[SHORT[enc]] = rows
    numbers_by(by_scheme, {SHORT[e]: SCHEME_LABELS[e] for e in SCHEMES})
with c_col:
    r = results[shown]
    chart("ova_regions", (*trained, int(neither), shown), lambda: scheme_regions(
        r.net.forward, data.X_train, data.y_train, 3, shown, title=SCHEME_LABELS[shown],
        class_of_code=r.classes))

# Drawn only while open: four more charts on every rerun otherwise.
side_by_side = st.expander("The three side by side, and their training loss", key=s.key("side"),
                           on_change="rerun", icon=":material/view_column:")
with side_by_side:
    if side_by_side.open:
        for col, enc in zip(st.columns(len(SCHEMES)), SCHEMES, strict=True):
            with col:
                def side(enc=enc):
                    fig = scheme_regions(results[enc].net.forward, data.X_train, data.y_train,
                                         3, enc, title=SCHEME_LABELS[enc], resolution=50,
                                         class_of_code=results[enc].classes)
                    return fig.update_layout(height=340, showlegend=False)

                chart(f"ova_side_{enc}", (*trained, int(neither)), side)
        chart("ova_loss", (*trained, int(neither)), lambda: loss_curves(
            {SCHEME_LABELS[e]: results[e].history.train_loss for e in SCHEMES},
            title="Training loss", log_y=True))
        st.caption("The sigmoid schemes train on the squared error, softmax on cross-entropy: "
                   "compare how fast each settles, not the heights.")

st.markdown("### Where the notes' 2-neuron code struggles\n\n"  # heading and bullets: one element
            + "\n".join(f"- {b}" for b in ova_bullets(*trained, int(neither))))

next_page("views/one_vs_all.py")
