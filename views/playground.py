"""Training playground: watch a network learn, with the numbers beside the pictures.

Layout only: data, training and numbers come from page_model.playground, the figures from
charts.training / charts.network, the update rule from derivations.playground_formulas, and the
link from ui.playground_state.
"""

from __future__ import annotations

import time

import streamlit as st

from charts.network import network_diagram
from charts.neuron_maps import neuron_map
from charts.point_graph import MAX_NODES, node_title, point_graph_dot
from charts.training import (
    activation_plane,
    confusion_chart,
    data_bounds,
    decision_boundary,
    grid,
    loss_curves,
)
from derivations.playground_formulas import momentum_rule_latex, schedule_latex, update_rule_latex
from nn_core.activations import HIDDEN_ACTIVATIONS
from nn_core.datasets import DATASET_INFO
from nn_core.features import FEATURE_INFO, FEATURES, feature_labels
from nn_core.schedules import SCHEDULE_LABELS, SCHEDULES
from page_model.numbers import fmt
from page_model.playground import (
    CUSTOM,
    DATASET_CHOICES,
    MAX_CLASSES,
    MAX_DECAY_RATE,
    MAX_HIDDEN_LAYERS,
    MAX_L2,
    MAX_LR,
    MAX_MOMENTUM,
    MAX_NEURONS,
    MAX_NOISE,
    MAX_POINTS,
    MAX_RESOLUTION,
    MAX_RUN_EPOCHS,
    MAX_SEED,
    MAX_STOP_LOSS,
    MIN_GAMMA,
    MIN_POINTS,
    OUTPUT_LABELS,
    add_point,
    history_download,
    loss_choices,
    output_choices,
    own_points_summary,
    parse_points_csv,
    parse_weights_json,
    per_class_accuracy,
    points_csv,
    tick_period,
    training_options_summary,
)
from page_model.point_graph import nearest_point, session_point, weight_paths
from page_model.summaries import (
    confusion_summary,
    neuron_map_summary,
    point_graph_summary,
    weights_summary,
)
from ui.cached import chart, dataframe, net_numbers, plotly, shared_figure
from ui.escape import plain
from ui.layout import formula_markdown, small
from ui.lesson import next_page
from ui.page_state import bounded, said
from ui.playground_state import (
    DEFAULT,
    KEPT,
    LOAD,
    MORE,
    OWN,
    PREFIX,
    RUN,
    config_dict_to_params,
    config_from_state,
    config_to_params,
    drawn_optional,
    get_session,
    is_open,
    keep_hidden_values,
    n_classes_of,
    params_to_config,
    restore_moment,
    share_link,
    shared_points,
    state_value,
    widget_values,
)
from ui.training_buttons import TrainingButtons

K = PREFIX  # session-state key prefix: "pg."
ss = st.session_state
CLICK_GRID = 25  # invisible markers per side that catch clicks on the boundary chart
MARKERS = "Filled markers: training points; hollow: test points."
LOSS_LABELS = {"squared_error": "squared error ½(y − ŷ)² (the notes')",
               "cross_entropy": "cross-entropy"}

# ------------------------------------------------------------------ first load: the link
if K + "init" not in ss:
    # "Reset this page" starts from the defaults, not from the link it leaves behind.
    query = {} if ss.pop(K + "fresh", False) else st.query_params.to_dict()
    points, points_notice = shared_points(query, MAX_POINTS, MAX_CLASSES)
    cfg0, notices = params_to_config(query, points.n_classes if points else None)
    if points is not None and cfg0.dataset == CUSTOM:
        ss[K + "custom"] = (points.X, points.y, points.n_classes)
        ss[K + "custom_test"] = (cfg0.test_fraction, points.test) if points.test is not None \
            else None
        ss[K + "custom_version"] = ss.get(K + "custom_version", 0) + 1
    if RUN in query:  # a trained moment: restored once the session is built
        ss[K + "pending_moment"] = str(query[RUN])
    ss.update(widget_values(cfg0))
    ss[K + "notices"] = notices + ([points_notice] if points_notice else [])
    ss[K + "cfg"] = cfg0
    ss[K + "init"] = True
    ss[K + "playing"] = False
else:
    # Widget values vanish when another page was shown; put the last configuration back.
    kept = ss.get(KEPT) or {}
    for key, value in widget_values(ss[K + "cfg"]).items():
        if key not in ss and key not in kept:
            ss[key] = value
if K + "pending_dataset" in ss:  # a click or upload switched to the student's own points
    ss[K + "dataset"] = ss.pop(K + "pending_dataset")
if ss.get(K + "dataset") == CUSTOM and ss.get(K + "custom") is None:
    ss[K + "dataset"] = "circles"
# The sidebar's rarely used groups are built only while open; the values of a closed group's
# widgets stay in force from KEPT (the configuration, the link and the group's label read them).
# "Your own points" starts open when the data are the student's own points.
OPEN = {key for key, default in ((MORE, False), (OWN, ss.get(K + "dataset") == CUSTOM),
                                 (LOAD, False)) if is_open(ss, key, default)}
keep_hidden_values(ss, drawn_optional(ss.get(K + "n_hidden"), state_value(ss, K + "schedule"),
                                      OPEN))


def _custom():
    return ss.get(K + "custom")


def _on_upload():
    upload = ss.get(K + "csv")
    if upload is None:
        return
    try:
        parsed = parse_points_csv(upload.getvalue())
    except ValueError as exc:
        ss[K + "csv_message"] = ("error", f"{upload.name}: {exc} Your current data is unchanged.")
        return
    except Exception:  # any other fault in an upload is a message too, never a crash
        ss[K + "csv_message"] = ("error", f"{upload.name}: this file could not be read as a CSV "
                                          "of points. Your current data is unchanged.")
        return
    _remember_origin()
    ss[K + "custom"] = (parsed.X, parsed.y, parsed.n_classes)
    ss[K + "custom_test"] = None
    ss[K + "custom_version"] = ss.get(K + "custom_version", 0) + 1
    ss[K + "dataset"] = CUSTOM
    ss[K + "playing"] = False
    msg = f"{upload.name}: {len(parsed.X)} points, {parsed.n_classes} classes loaded."
    ss[K + "csv_message"] = ("success", " ".join([msg, *parsed.notes]))


def _remember_origin():
    """The data set "Clear my points" goes back to."""
    if ss.get(K + "dataset") != CUSTOM:
        ss[K + "origin"] = ss.get(K + "dataset")


def _add_point(x1: float, x2: float, label: int, session=None):
    """Add a point to the student's own data (starting from the shown data if needed)."""
    points = _custom()
    if ss.get(K + "dataset") != CUSTOM and session is not None:
        data = session.data
        points = (data.X, data.y.astype(int), data.n_classes)
        # The shown points keep their split (data.X is the training points, then the test).
        ss[K + "custom_test"] = (session.cfg.test_fraction,
                                 [False] * len(data.X_train) + [True] * len(data.X_test))
        _remember_origin()
    try:
        ss[K + "custom"] = add_point(points, x1, x2, label)
    except ValueError as exc:
        ss[K + "point_message"] = str(exc)
        ss[OWN] = True  # the message is shown in the group (a click may come while it is closed)
        ss[K + "needs_app_rerun"] = True
        return
    ss[K + "point_message"] = None
    ss[K + "custom_version"] = ss.get(K + "custom_version", 0) + 1
    ss[K + "playing"] = False
    if ss.get(K + "dataset") != CUSTOM:
        ss[K + "pending_dataset"] = CUSTOM
        ss[OWN] = True  # the group opens when the data become the student's own points
    ss[K + "needs_app_rerun"] = True


def _on_manual_add():
    _add_point(float(ss[K + "add_x1"]), float(ss[K + "add_x2"]),
               int(state_value(ss, K + "click_class", 0)), ss.get(K + "session"))


def _on_clear_points():
    ss[K + "custom"] = None
    ss[K + "custom_test"] = None
    ss[K + "custom_version"] = ss.get(K + "custom_version", 0) + 1
    if ss.get(K + "dataset") == CUSTOM:  # back to the data set the student started from
        ss[K + "dataset"] = ss.get(K + "origin") or DEFAULT.dataset


def _on_load_weights():
    """A weights file saved by this page: its settings (checked like a link), then its weights."""
    upload = ss.get(K + "weights_file")
    if upload is None:
        return
    try:
        loaded = parse_weights_json(upload.getvalue())
    except ValueError as exc:
        ss[K + "weights_message"] = ("error", f"{upload.name}: {exc} Nothing was changed.")
        return
    cfg, notices = params_to_config(config_dict_to_params(loaded.config), _custom_classes())
    ss.update(widget_values(cfg))
    ss[K + "cfg"] = cfg
    ss[K + "pending_weights"] = (upload.name, loaded, notices)
    ss[K + "playing"] = False


def _on_features():
    # A box emptied by the student goes back to x₁ and x₂ before it is drawn (a widget's value
    # cannot change after it is drawn), with a warning under it.
    if not ss.get(K + "features"):
        ss[K + "features"] = ["x1", "x2"]
        ss[K + "features#said"] = True


def _on_dataset():
    if ss.get(K + "dataset") == CUSTOM:  # back to the student's points: show them
        ss[OWN] = True


def _custom_classes():
    custom = _custom()
    return custom[2] if custom is not None else None


def _on_reset_page():
    """Every setting, the points and the run back to the page's defaults."""
    for key in [k for k in ss if isinstance(k, str) and k.startswith(K)]:
        if key not in (K + "csv", K + "weights_file"):  # upload widgets cannot be set
            del ss[key]
    ss[K + "fresh"] = True


def _on_chart_click():
    event = ss.get(K + "boundary")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if not points:
        return
    p = points[-1]
    _add_point(float(p["x"]), float(p["y"]), int(state_value(ss, K + "click_class", 0)),
               ss.get(K + "session"))


def lazy_group(label: str, key: str):
    """A sidebar group whose content the page builds only while it is open (``key`` in OPEN,
    decided at the top of the run, where the closed group's values went to KEPT). Its widget id
    depends on its label, which says its values: the state is written before it is drawn so
    that a new id starts open or closed as the group was, never from a stale value."""
    ss[key] = key in OPEN
    return st.expander(label, expanded=key in OPEN, key=key, on_change="rerun")


def training_options(cfg):
    """Sidebar: the learning-rate schedule, momentum and the stop condition, in a group built
    only while open; closed, its label says the values in force."""
    more = lazy_group(f"More training options: {training_options_summary(cfg)}", MORE)
    if MORE not in OPEN:
        return
    with more:
        _training_options()


def _training_options():
    st.selectbox("Learning-rate schedule", SCHEDULES, key=K + "schedule",
                 format_func=SCHEDULE_LABELS.get,
                 help="How η changes with the epoch t; η above is η₀, the first epoch's.")
    if ss[K + "schedule"] == "step":
        c1, c2 = st.columns(2)
        c1.number_input("Factor γ", step=0.05, **bounded(K + "gamma", MIN_GAMMA, 1.0, "Factor γ"))
        c2.number_input("Every T epochs", step=10,
                        **bounded(K + "every", 1, MAX_RUN_EPOCHS, "T", int))
    elif ss[K + "schedule"] == "inverse_time":
        st.number_input("Decay rate k", step=0.001, format="%.4f",
                        **bounded(K + "k", 0.0, MAX_DECAY_RATE, "Decay rate k"))
    st.number_input("Momentum μ (0 = plain gradient descent)", step=0.05,
                    **bounded(K + "momentum", 0.0, MAX_MOMENTUM, "Momentum μ"),
                    help="Each step adds μ times the previous step: v ← μv − η∂E/∂w, w ← w + v.")
    c1, c2 = st.columns(2)
    c1.number_input("Stop at loss ≤ (0 = off)", step=0.01, format="%.4f",
                    **bounded(K + "stop_loss", 0.0, MAX_STOP_LOSS, "The stop loss"))
    c2.number_input("Stop at epoch (0 = off)", step=50,
                    **bounded(K + "stop_epoch", 0, MAX_RUN_EPOCHS, "The stop epoch", int))


def update_rule_panel(cfg, sess, then: str = ""):
    """The update rule in symbols and with the current numbers; momentum beside plain descent.
    Each side is one Markdown element (its heading, caption and formulas); ``then``: Markdown
    drawn after it (the next panel's heading) in the same element."""
    head = (f"**The update rule, with the current η = {fmt(sess.current_lr)}** "
            f"(epoch {sess.epoch + 1}, {SCHEDULE_LABELS[cfg.schedule]})")
    schedule = [schedule_latex(cfg.schedule)] if cfg.schedule != "constant" else []
    plain_rule = [small("Plain gradient descent"), formula_markdown(
        update_rule_latex(None, cfg.l2), update_rule_latex(sess.current_lr, cfg.l2))]
    if not cfg.momentum:
        st.markdown("\n\n".join([head, *map(formula_markdown, schedule), *plain_rule, then]))
        return
    st.markdown("\n\n".join([head, *map(formula_markdown, schedule)]))
    plain_side, momentum_side = st.columns(2)
    plain_side.markdown("\n\n".join(plain_rule))
    momentum_side.markdown("\n\n".join([small("With momentum (this run)"), formula_markdown(
        momentum_rule_latex(None, None, cfg.l2),
        momentum_rule_latex(sess.current_lr, cfg.momentum, cfg.l2))]))
    if then:
        st.markdown(then)


def confusion_panel(sess):
    """Confusion matrix and per-class accuracy on the training (and test) points."""
    for which in ("train", "test"):
        matrix = sess.confusion(which)
        if matrix is None:
            continue
        title = f"Confusion matrix ({which} points)"
        chart(f"{K}confusion_{which}", (matrix, title),
              lambda matrix=matrix, title=title: confusion_chart(matrix, title, wire=True),
              summary=lambda matrix=matrix: confusion_summary(matrix))
        acc = per_class_accuracy(matrix)
        dataframe({"class": [str(c) for c in range(len(acc))],
                      "points": [int(n) for n in matrix.sum(axis=1)],
                   f"accuracy ({which})": ["—" if a is None else f"{a:.0%}" for a in acc]},
                  hide_index=True)


# ------------------------------------------------------------------ what each neuron learned
def _neuron_names(sess) -> dict:
    """Large-chart choices: the network's answer (None) or one neuron (layer, i)."""
    sizes, n_layers = sess.net.sizes, sess.net.n_layers
    inputs = feature_labels(sess.cfg.features)
    names = {None: "the network's answer (decision boundary)"}
    for layer, n in enumerate(sizes):
        for i in range(n):
            names[(layer, i)] = (f"input {inputs[i]}" if layer == 0 else
                                 f"output neuron {i + 1}" if layer == n_layers else
                                 f"hidden layer {layer}, neuron {i + 1}")
    return names


def _on_neuron_click():
    event = ss.get(K + "neuron_map") or {}
    points = [p for p in (event.get("selection") or {}).get("points", [])
              if p.get("customdata") is not None]
    if points:
        data = points[-1]["customdata"]
        if isinstance(data, dict):  # a row of a NumPy array arrives as {"0": …, "1": …}
            data = [data[k] for k in sorted(data, key=int)]
        layer, i = (int(v) for v in data[:2])
        ss[K + "big"] = (layer, i)


def big_chart_choice(sess):
    """What the large chart shows: None (the network's answer) or a neuron (layer, i)."""
    names = _neuron_names(sess)
    if ss.get(K + "big") not in names:
        ss[K + "big"] = None
    return st.selectbox("Large chart shows", list(names), key=K + "big", format_func=names.get,
                        help="Or click a neuron's picture below the charts.")


def big_chart(sess, choice, xs, ys, layers, bounds, res, wire=True):
    """The large chart: the decision boundary, or the chosen neuron's activation; ``wire``: a
    figure converted once for sending (charts.wire), else a go.Figure to add to."""
    data = sess.data
    names = _neuron_names(sess)
    if choice is None:
        return decision_boundary(lambda _points: layers[-1], data.X_train, data.y_train,
                                 data.X_test, data.y_test, n_classes=data.n_classes,
                                 resolution=res, bounds=bounds,
                                 title="What the network answers", encoding=sess.encoding,
                                 wire=wire)
    layer, i = choice
    return activation_plane(xs, ys, layers[layer][:, i], data.X_train, data.y_train,
                            data.X_test, data.y_test, n_classes=data.n_classes,
                            title=f"What {names[choice]} computes", wire=wire)


def big_chart_summary(sess, choice, layers) -> str | None:
    """The large chart in words: the boundary's regions (None: described from the figure)."""
    return sess.plane_summary(layers[-1]) if choice is None else None


def neuron_map_panel(sess, layers, res):
    st.markdown("**What each neuron learned**: each picture is that neuron's activation over "
                "the input plane (blue positive, vermillion negative, white 0; one colour scale "
                "per layer). Edges: solid blue positive, dashed vermillion negative weights, "
                "wider for larger |w|. "
                "The small square at a neuron's corner is its bias. Hover for numbers; click a "
                "picture to show it in the large chart.")
    selected = ss.get(K + "big")
    fig = shared_figure("neuron_map", (net_numbers(sess.net), sess.cfg.features,
                                       sess.data.X_train, sess.data.X_test, res, selected),
                        lambda: neuron_map(sess.net, layers, res,
                                           feature_labels(sess.cfg.features), selected=selected,
                                           wire=True))
    plotly(fig, neuron_map_summary(sess.net.sizes, layers), key=K + "neuron_map",
           on_select=_on_neuron_click, selection_mode="points",
           config={"displayModeBar": False})


# ------------------------------------------------------------------ the graph of one point
def _on_point_click():
    event = ss.get(K + "boundary_view") or {}
    sess = ss.get(K + "session")
    for p in reversed((event.get("selection") or {}).get("points", [])):
        k = None if sess is None else nearest_point(sess, float(p["x"]), float(p["y"]))
        if k is not None:
            ss[K + "point"] = k
            ss[K + "graph_open"] = True  # show that point's graph
            ss[K + "needs_app_rerun"] = True  # the graph is drawn outside the live part
            return


def point_graph_panel(sess):
    """One point's computation graph with values and ∂E/∂·, and a weight's paths to E."""
    n = len(sess.X_train) + len(sess.X_test)
    if ss.get(K + "point", 0) >= n:
        ss[K + "point"] = 0
    st.caption("Click a data point on the large chart, or choose it here (training points "
               "first, then test points). Every node shows its forward value and ∂E/∂·, the "
               "derivative of this point's loss E, from nn_core's backpropagation.")
    c1, c2 = st.columns(2)
    index = c1.number_input("Data point", 0, n - 1, step=1, key=K + "point")
    graph, which, i, raw = session_point(sess, int(index))
    inputs = feature_labels(sess.cfg.features)
    weights = [e.weight for e in graph.edges if e.weight is not None]
    if graph.size <= MAX_NODES:
        weights = [None, *weights]  # small enough to show whole, without a weight's paths
    if ss.get(K + "graph_weight") not in weights:
        # A large graph shows one weight's paths: first the first layer's steepest weight.
        first = [e for e in graph.edges if e.weight is not None and e.weight[0] == 1]
        ss[K + "graph_weight"] = (None if None in weights else
                                  max(first, key=lambda e: abs(e.grad)).weight)
    names = {None: "none"}
    for e in graph.edges:
        if e.weight is not None:
            names[e.weight] = (f"w{e.weight[1] + 1},{e.weight[2] + 1} of layer {e.weight[0]} "
                               f"({node_title(e.tail, sess.net.n_layers, inputs)} → "
                               f"{node_title(e.head, sess.net.n_layers, inputs)})")
    chosen = c2.selectbox("Highlight a weight's paths to the loss", weights,
                          key=K + "graph_weight", format_func=names.get)
    st.markdown(plain(f"{which.capitalize()} point {i + 1}: (x₁, x₂) = ({raw[0]:.3g}, "
                      f"{raw[1]:.3g}), its loss E = {graph.loss:.4g}."))
    paths = weight_paths(graph, chosen) if chosen is not None else None
    inner = [n for n in graph.nodes.values() if n.kind != "loss"]
    steep = max(inner, key=lambda n: abs(n.grad)) if inner else None
    st.graphviz_chart(point_graph_dot(graph, inputs, paths, sess.net.activation_names),
                      alt=point_graph_summary(
                          graph.size, which, i, graph.loss,
                          steep and node_title(steep.name, sess.net.n_layers, inputs)))
    if paths is not None:
        paths_table(paths, sess.net.n_layers, inputs)


def paths_table(paths, n_layers: int, inputs):
    """Each path's (or output neuron's) part of ∂E/∂w, and that their sum is backprop's."""
    st.markdown(f"∂E/∂w is the sum over the {paths.n_paths} path(s) from this weight to E of "
                "the product of the local derivatives along each (times the activation the "
                "weight multiplies); grouped by output neuron, the notes' Σ over output "
                f"neurons. Sum = {paths.total:.6g}; backprop's ∂E/∂w = {paths.gradient:.6g}.")
    if not paths.all_listed:
        st.caption(f"Listed and drawn: the {len(paths.paths)} paths that add the most "
                   f"(largest |contribution|) of all {paths.n_paths}; the sums use them all.")

    def share(v):
        s = paths.share(v)
        return "—" if s != s else f"{s:.1%}"

    if paths.paths:
        st.dataframe({"path": [" → ".join(node_title(n, n_layers, inputs).split(" ")[0]
                                          for n in route) for route, _ in paths.paths],
                      "contribution": [f"{c:.4g}" for _, c in paths.paths],
                      "share of the sum": [share(c) for _, c in paths.paths]}, hide_index=True)
    st.dataframe({"through output": [f"ŷ{k + 1}" for k in range(len(paths.per_output))],
                  "contribution": [f"{c:.4g}" for c in paths.per_output],
                  "share of the sum": [share(c) for c in paths.per_output]}, hide_index=True)


# ------------------------------------------------------------------ sidebar: configuration
def own_points_panel(own, custom):
    """The "Your own points" group's content: upload, click mode and class, the form."""
    with own:
        st.file_uploader("CSV with columns x1, x2, label", type=["csv", "txt"], key=K + "csv",
                         on_change=_on_upload,
                         help=f"Up to {MAX_POINTS} points, 2 or 3 classes.")
        msg = ss.get(K + "csv_message")
        if msg:
            (st.error if msg[0] == "error" else st.success)(plain(msg[1]))
        st.toggle("Click on the chart to add points", key=K + "click_mode",
                  help="Stays on while this group is closed (its title says so).")
        st.radio("Class of new points (clicks and the form below)", [0, 1, 2], horizontal=True,
                 key=K + "click_class")
        c1, c2 = st.columns(2)
        for name in ("add_x1", "add_x2"):
            ss.setdefault(K + name, 0.0)
        c1.number_input("x1", step=0.1, **bounded(K + "add_x1", -10.0, 10.0, "x1"))
        c2.number_input("x2", step=0.1, **bounded(K + "add_x2", -10.0, 10.0, "x2"))
        st.button("Add this point", on_click=_on_manual_add, key=K + "add_point")
        if ss.get(K + "point_message"):
            st.error(plain(ss[K + "point_message"]))
        if custom is not None:
            st.caption(f"Your data: {len(custom[0])} points, {custom[2]} classes.")
            st.download_button("Download my points (CSV)", points_csv(custom[0], custom[1]),
                               file_name="playground-points.csv", mime="text/csv",
                               key=K + "dl_points", on_click="ignore")
            st.button("Clear my points", on_click=_on_clear_points, key=K + "clear",
                      help="Back to the data set you started from.")


st.title("Training playground")
st.caption("Pick data, features and a network; press Play and watch the weighted sums bend the "
           "decision boundary. Every number beside the charts is the network's own.")
for notice in ss.get(K + "notices", []):
    st.warning(plain(notice))

custom = _custom()
custom_classes = custom[2] if custom is not None else None
with st.sidebar:
    st.header("Data")
    st.selectbox("Data set", DATASET_CHOICES, key=K + "dataset", on_change=_on_dataset,
                 format_func=lambda d: "your own points" if d == CUSTOM else f"{d}",
                 help="\n\n".join(f"**{k}**: {v}" for k, v in DATASET_INFO.items()))
    is_custom = ss[K + "dataset"] == CUSTOM
    st.slider("Number of points", MIN_POINTS, MAX_POINTS, step=1, key=K + "n_points",
              disabled=is_custom)
    st.slider("Noise (standard deviation)", 0.0, MAX_NOISE, step=0.05, key=K + "noise",
              disabled=is_custom)
    st.slider("Test fraction", 0.0, 0.5, step=0.05, key=K + "test_fraction",
              help="Share of points held out: hollow markers, never trained on.")
    st.number_input("Seed", step=1, **bounded(K + "seed", 0, MAX_SEED, "The seed", int),
                    help="Same seed → same data, same initial weights, same run.")
    own = lazy_group("Your own points (CSV or clicks): " + own_points_summary(
        custom, bool(state_value(ss, K + "click_mode", False)),
        state_value(ss, K + "click_class", 0)), OWN)
    if OWN in OPEN:
        own_points_panel(own, custom)
    load = lazy_group("Load trained weights (JSON)", LOAD)
    if LOAD in OPEN:
        with load:
            st.file_uploader("A file saved by “Download trained weights”", type=["json"],
                             key=K + "weights_file", on_change=_on_load_weights,
                             help="Its settings and weights replace the current ones.")
            msg = ss.get(K + "weights_message")
            if msg:
                (st.error if msg[0] == "error" else st.success)(plain(msg[1]))

    st.header("Features")
    if K + "features" in ss and not ss[K + "features"]:  # emptied: x₁ and x₂ before the box
        _on_features()
    st.multiselect("Inputs", FEATURES, key=K + "features", on_change=_on_features,
                   format_func=lambda f: FEATURE_INFO[f][0])
    if ss.pop(K + "features#said", False):
        st.warning("Choose at least one input; using x₁ and x₂.")

    st.header("Network")
    st.number_input("Hidden layers", step=1,
                    **bounded(K + "n_hidden", 0, MAX_HIDDEN_LAYERS, "Hidden layers", int))
    said(K + "n_hidden")
    for i in range(int(ss[K + "n_hidden"])):
        c1, c2 = st.columns(2)  # side by side (a row container wraps them in the sidebar)
        c1.number_input(f"Neurons in layer {i + 1}", step=1,
                        **bounded(f"{K}h{i}", 1, MAX_NEURONS, "Neurons per layer", int))
        c2.selectbox(f"Activation {i + 1}", HIDDEN_ACTIVATIONS, key=f"{K}a{i}")
    n_classes = n_classes_of(ss[K + "dataset"], custom_classes)
    outs = output_choices(n_classes)
    if ss.get(K + "output") not in outs:
        ss[K + "output"] = outs[0]
    st.selectbox("Output layer", outs, key=K + "output", format_func=OUTPUT_LABELS.get)
    losses = loss_choices(ss[K + "output"])
    if ss.get(K + "loss") not in losses:
        ss[K + "loss"] = losses[0]
    st.selectbox("Loss", losses, key=K + "loss", format_func=LOSS_LABELS.get)

    st.header("Training")
    # No browser-side bounds: an η over the maximum is replaced in the box by the η in force.
    st.number_input("Learning rate η", step=0.01, format="%.5f",
                    **bounded(K + "lr", 0.00001, MAX_LR, "Learning rate η"))
    said(K + "lr")
    st.number_input("Batch size (0 = all training points)", step=1,
                    **bounded(K + "batch_size", 0, MAX_POINTS, "Batch size", int))
    st.number_input("L2 strength λ", step=0.001, format="%.5f",
                    **bounded(K + "l2", 0.0, MAX_L2, "L2 strength λ"))
    training_options(config_from_state(ss))
    st.slider("Chart resolution", 20, MAX_RESOLUTION, 50, step=10, key=K + "resolution")

cfg = config_from_state(ss)
ss[K + "cfg"] = cfg
try:
    session = get_session(ss, cfg, custom, ss.get(K + "custom_version", 0))
except ValueError as exc:
    st.error(plain(exc))
    st.stop()
if K + "pending_moment" in ss:  # the link's trained network, epoch and history
    notice = restore_moment(session, ss.pop(K + "pending_moment"))
    if notice:
        st.warning(plain(notice))
if K + "pending_weights" in ss:  # a loaded weights file
    name, loaded, file_notices = ss.pop(K + "pending_weights")
    try:
        session.load_state(loaded.weights, loaded.biases, epoch=loaded.epoch,
                           velocity=loaded.velocity)
    except ValueError as exc:
        ss[K + "weights_message"] = ("error", f"{name}: {exc} The settings were loaded; the "
                                              "weights were not.")
    else:
        ss[K + "weights_message"] = ("success", " ".join(
            [f"{name}: weights loaded at epoch {session.epoch}.", *file_notices]))
    st.rerun()  # show the message beside the uploader

def share(cfg, sess):
    """The link: the settings, and the trained moment and the student's points when they fit."""
    custom = _custom()
    link = config_to_params(cfg)
    extra, too_long = share_link(cfg, sess, custom, ss.get(K + "custom_test"))
    link.update(extra)
    if st.query_params.to_dict() != link:
        st.query_params.from_dict(link)
    if too_long:
        st.info(plain(too_long) + " To share it, download the trained weights (JSON) below"
                + (" and your points (CSV)" if cfg.dataset == CUSTOM else "")
                + ": “Load trained weights” opens them again.")


# ------------------------------------------------------------------ controls
# While playing, the buttons are outside every fragment, with callbacks: a click reruns the
# whole page, which preempts the frame being drawn at its next element (a click inside a
# fragment would wait for the frame to end), and its callback stops training before anything
# else; the same rerun turns the fragment's timer on or off and redraws the diagram and the
# link. While paused no frame runs, so the buttons and everything a click changes are one
# fragment (``board``): a Step or Reset reruns it alone, not the sidebar's widgets; Play reruns
# the whole page (``st.rerun`` in its callback) to start the timer.
# Play reruns the whole page (``play_reruns_app``) to start the timer; Play/Pause as two
# buttons and Step's epoch: ui.training_buttons.
BUTTONS = TrainingButtons(K, run_key=K + "session", playing_key=K + "playing",
                          step_help="Train one epoch: one pass over the training points.",
                          play_reruns_app=True)


playing = ss.get(K + "playing", False)


# ------------------------------------------------------------------ the live part
@st.fragment(run_every=tick_period(ss.get(K + "render_s")) if playing else None)
def live():
    if ss.pop(K + "needs_app_rerun", False):
        st.rerun(scope="app")
    started = time.perf_counter()
    sess = ss[K + "session"]
    if ss.get(K + "playing", False):
        sess.tick()
        if sess.done:
            ss[K + "playing"] = False
            st.rerun(scope="app")
    st.progress(min(sess.epoch / MAX_RUN_EPOCHS, 1.0),
                text=f"Epoch {sess.epoch} of at most {MAX_RUN_EPOCHS}")
    if sess.error:
        st.error(sess.error + " Training stopped; the weights are those before that epoch. "
                 "Lower η in the sidebar and press Reset.")
    elif sess.epoch >= MAX_RUN_EPOCHS:
        st.info(f"Reached the {MAX_RUN_EPOCHS}-epoch cap of the shared server: Reset to start "
                "again.")
    elif sess.stop_reason:
        st.info(f"Stopped: {sess.stop_reason} Change the stop condition in the sidebar to go "
                "on, or press Reset.")

    h = sess.history
    m = [st.container(horizontal=True)] * 5  # one row, not five columns
    m[0].metric("Epoch", sess.epoch)
    m[1].metric("Training loss", fmt(h.train_loss[-1] if h else sess.train_loss()))
    test = h.test_loss[-1] if h else sess.test_loss()
    m[2].metric("Test loss", "—" if test is None else fmt(test))
    acc_train, acc_test = sess.accuracy("train"), sess.accuracy("test")
    m[3].metric("Accuracy (train / test)",
                "—" if acc_train is None else
                f"{acc_train:.0%} / " + ("—" if acc_test is None else f"{acc_test:.0%}"))
    m[4].metric("Learning rate η now", fmt(sess.current_lr),
                help="η of the next epoch under the schedule chosen in the sidebar.")

    data = sess.data
    left, right = st.columns([3, 2])
    with left:
        bounds = data_bounds(data.X_train, data.X_test)
        res = int(ss.get(K + "resolution", 50))
        xs, ys, grid_points = grid(bounds, res)
        layers = sess.plane(grid_points)  # one forward pass: every neuron over the plane
        choice = big_chart_choice(sess)

        def boundary():
            return big_chart(sess, choice, xs, ys, layers, bounds, res)

        if state_value(ss, K + "click_mode") and data.n_classes:
            fig = big_chart(sess, choice, xs, ys, layers, bounds, res, wire=False)
            pts = grid(bounds, CLICK_GRID)[2]
            fig.add_scatter(x=pts[:, 0], y=pts[:, 1], mode="markers", name="click to add",
                            marker={"size": 14, "opacity": 0.01, "color": "black"},
                            hovertemplate="add a point at (%{x:.2f}, %{y:.2f})<extra></extra>",
                            showlegend=False)
            plotly(fig, big_chart_summary(sess, choice, layers), key=K + "boundary",
                   on_select=_on_chart_click, selection_mode="points",
                   note="Click anywhere on the chart to add a point of class "
                        f"{int(state_value(ss, K + 'click_class', 0))} (chosen under “Your own "
                        "points” in the sidebar; training pauses). " + MARKERS)
        else:
            # A widget (a click on a data point draws its graph below): not replayed, but its
            # figure is built once while the weights, data and choice stay (never changed here).
            fig = shared_figure("boundary_view", (net_numbers(sess.net), sess.cfg.features,
                                                  data.X_train, data.y_train, data.X_test,
                                                  data.y_test, res, choice), boundary)
            plotly(fig, big_chart_summary(sess, choice, layers), key=K + "boundary_view",
                   on_select=_on_point_click, selection_mode="points", note=MARKERS)
    with right:
        loss_title = f"Loss ({sess.cfg.loss.replace('_', ' ')})"
        chart(K + "loss_chart", (h.train_loss, h.test_loss, h.epoch, loss_title),
              lambda: loss_curves({"train": h.train_loss, "test": h.test_loss},
                                  title=loss_title, x=h.epoch, wire=True))
        confusion_panel(sess)
        update_rule_panel(sess.cfg, sess, then="**Gradient length per layer** (how hard each "
                                                 "layer is being pushed)")
        norms = sess.gradient_norms()
        dataframe({"layer": [f"{i + 1}" + (" (output)" if i == len(norms) - 1 else "")
                             for i in range(len(norms))],
                   "‖∂E/∂W, ∂E/∂b‖": [fmt(v, 3) for v in norms]},
                  hide_index=True)

    neuron_map_panel(sess, layers, res)
    d1 = d2 = st.container(horizontal=True)
    d1.download_button("Download trained weights (JSON)", sess.weights_download(),
                       file_name="playground-weights.json", mime="application/json",
                       key=K + "dl_weights", on_click="ignore")
    d2.download_button("Download loss history (CSV)", history_download(h),
                       file_name="playground-history.csv", mime="text/csv",
                       key=K + "dl_history", on_click="ignore")
    ss[K + "render_s"] = time.perf_counter() - started  # sets the next Play's frame period



def board():
    """What a click on Play, Step or Reset changes: the link, the buttons, the live part, the
    graph of one point and the network diagram with its weights."""
    sess, playing = ss[K + "session"], ss.get(K + "playing", False)
    share(sess.cfg, sess)
    BUTTONS.draw()
    live()
    # Drawn on full and board reruns only, like the diagram below: Graphviz lays it out in the
    # browser. Built only while open (a rerun does not pay for a graph nobody sees).
    point_graph = st.expander("The graph of one point", key=K + "graph_open", on_change="rerun")
    with point_graph:
        if point_graph.open:
            if playing:
                st.caption("Showing the weights when Play was pressed; the graph updates when "
                           "you pause.")
            point_graph_panel(sess)
    # Not redrawn on animation frames (Play, Pause, Step, Reset, any setting redraw it): at the
    # caps the diagram costs more than a whole training tick. Built only while open: the
    # pictures of each neuron above draw the same network and its weights' signs and sizes.
    diagram = st.expander("Network diagram and current weights", key=K + "diagram_open",
                          on_change="rerun")
    with diagram:
        if not diagram.open:
            return
        if playing:
            st.caption("Showing the weights when Play was pressed; they update when you pause.")
        chart(K + "diagram", net_numbers(sess.net),
              lambda: network_diagram(sess.net, show_values=False, wire=True),
              summary=lambda: weights_summary(sess.net.weights))
        inputs = feature_labels(sess.cfg.features)
        for i, (W, b) in enumerate(zip(sess.net.weights, sess.net.biases, strict=True)):
            rows = inputs if i == 0 else [f"h{i}_{j + 1}" for j in range(W.shape[0])]
            table = {"from": [*rows, "bias"]}
            for j in range(W.shape[1]):
                table[f"neuron {j + 1}"] = [fmt(v) for v in W[:, j]] + [fmt(b[j])]
            st.markdown(f"Layer {i + 1} ({sess.net.activation_names[i]})")
            dataframe(table, hide_index=True)


# Paused: one fragment, so a Step or Reset does not rebuild the sidebar (see the controls).
(board if playing else st.fragment(board, key="pg_board"))()

st.button("Reset this page", key=K + "reset_page", on_click=_on_reset_page,
          icon=":material/restart_alt:",
          help="Every setting, your points and the run back to the page's defaults.")
next_page("views/playground.py")
