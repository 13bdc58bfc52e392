"""The playground's configuration in the link (query parameters) and in session state.

The link holds the whole configuration (data, features, network, loss, η and its schedule,
momentum, batch size, L2, seed, stop condition)
but never the trained weights: opening it rebuilds the same data and the same initial weights,
so pressing Play reproduces the run. Link values are untrusted text: each is parsed and
range-checked; a bad one falls back to the default with a notice. Nothing here evaluates text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields, replace

from nn_core.activations import HIDDEN_ACTIVATIONS
from nn_core.features import FEATURES
from nn_core.schedules import SCHEDULES
from page_model.playground import (
    CUSTOM,
    DATASET_CHOICES,
    MAX_DECAY_RATE,
    MAX_HIDDEN_LAYERS,
    MAX_L2,
    MAX_LR,
    MAX_MOMENTUM,
    MAX_NEURONS,
    MAX_NOISE,
    MAX_POINTS,
    MAX_RUN_EPOCHS,
    MAX_SEED,
    MAX_STOP_LOSS,
    MIN_GAMMA,
    MIN_POINTS,
    OUTPUT_LABELS,
    Config,
    TrainingSession,
    held_out,
    loss_choices,
    make_data,
    output_choices,
)
from page_model.share import (
    MAX_LINK_CHARS,
    decode_moment,
    decode_points,
    encode_moment,
    encode_points,
)
from ui.page_state import Choice, Float, Int, Prop, echo, parse_link_value
from ui.params import format_value

PREFIX = "pg."
DEFAULT = Config()
#: link name for each Config field
LINK_NAMES = {
    "dataset": "ds", "n_points": "n", "noise": "noise", "test_fraction": "test",
    "features": "feat", "hidden": "hidden", "hidden_activations": "act", "output": "out",
    "loss": "loss", "lr": "lr", "batch_size": "bs", "l2": "l2", "seed": "seed",
    "schedule": "sched", "gamma": "gamma", "every": "every", "k": "k", "momentum": "mom",
    "stop_loss": "stop_loss", "stop_epoch": "stop_epoch",
}
DATASET_CLASSES = {"regression": 0, "blobs3": 3}
#: what each link value is called in a notice (the sidebar's words)
LABELS = {
    "ds": "data set", "n": "number of points", "noise": "noise", "test": "test fraction",
    "feat": "inputs", "hidden": "neurons per hidden layer", "act": "hidden activations",
    "out": "output layer", "loss": "loss", "lr": "learning rate η", "bs": "batch size",
    "l2": "L2 strength λ", "seed": "seed", "sched": "learning-rate schedule", "gamma": "factor γ",
    "every": "every T epochs", "k": "decay rate k", "mom": "momentum μ",
    "stop_loss": "stop at loss", "stop_epoch": "stop at epoch",
}


def _read(prop: Prop, raw, default):
    return parse_link_value(prop, raw, default)


def parse_int(name, raw, default, lo, hi):
    return _read(Int(LABELS.get(name, name), lo, hi), raw, default)


def parse_float(name, raw, default, lo, hi):
    return _read(Float(LABELS.get(name, name), lo, hi), raw, default)


def parse_choice(name, raw, default, choices, labels=None):
    return _read(Choice(LABELS.get(name, name), choices, labels), raw, default)


def n_classes_of(dataset: str, custom_classes: int | None = None) -> int:
    """Classes of a data set by name (0: regression); the student's points say their own."""
    if dataset == CUSTOM:
        return custom_classes or 2
    return DATASET_CLASSES.get(dataset, 2)


def config_to_params(cfg: Config) -> dict[str, str]:
    """The link's query parameters for ``cfg`` (every field, so the link is complete)."""
    out = {}
    for f in fields(Config):
        value = getattr(cfg, f.name)
        out[LINK_NAMES[f.name]] = (",".join(format_value(v) for v in value)
                                   if isinstance(value, tuple) else format_value(value))
    return out


def _parse_list(name: str, raw: str | None, default: tuple, item, max_len: int,
                min_len: int = 0) -> tuple[tuple, str | None]:
    """A comma-separated list whose items ``item(name, text)`` parses (value, notice)."""
    if raw is None:
        return default, None
    text = str(raw).strip()
    parts = [p for p in text.split(",") if p.strip()] if text else []
    why = None
    if len(text) > 120 or not min_len <= len(parts) <= max_len:
        why = f"was not {min_len} to {max_len} values separated by commas"
    values = []
    for p in parts if why is None else []:
        value, notice = item(name, p)
        if notice:
            why = f"had “{echo(p.strip(), 12)}”, which is not one of the choices"
            break
        values.append(value)
    if why:
        return default, (f"The link's {LABELS.get(name, name)} (“{echo(text)}”) {why}, so the "
                         f"page shows {', '.join(map(format_value, default)) or 'none'}.")
    return tuple(values), None


def params_to_config(params: Mapping[str, str], custom_classes: int | None = None
                     ) -> tuple[Config, list[str]]:
    """(config, notices) from the link; bad or inconsistent values fall back to defaults."""
    notices: list[str] = []

    def raw(field: str) -> str | None:
        v = params.get(LINK_NAMES[field])
        if isinstance(v, list):  # a repeated parameter: the last one wins, as in st.query_params
            v = v[-1] if v else None
        return None if v is None else str(v)

    def keep(pair):
        value, notice = pair
        if notice:
            notices.append(notice)
        return value

    d = DEFAULT
    dataset = keep(parse_choice("ds", raw("dataset"), d.dataset, DATASET_CHOICES))
    if dataset == CUSTOM and custom_classes is None:
        notices.append("The link asks for your own points, which links do not carry; showing "
                       f"the {d.dataset} data set instead. Upload your CSV again.")
        dataset = d.dataset
    n_points = keep(parse_int("n", raw("n_points"), d.n_points, MIN_POINTS, MAX_POINTS))
    noise = keep(parse_float("noise", raw("noise"), d.noise, 0.0, MAX_NOISE))
    test = keep(parse_float("test", raw("test_fraction"), d.test_fraction, 0.0, 0.5))
    feats = keep(_parse_list("feat", raw("features"), d.features,
                             lambda n, t: parse_choice(n, t.strip(), "x1", FEATURES), len(FEATURES),
                             min_len=1))
    if len(set(feats)) != len(feats):
        feats = tuple(dict.fromkeys(feats))
    hidden = keep(_parse_list("hidden", raw("hidden"), d.hidden,
                              lambda n, t: parse_int(n, t, 1, 1, MAX_NEURONS), MAX_HIDDEN_LAYERS))
    acts = keep(_parse_list("act", raw("hidden_activations"),
                            d.hidden_activations if len(hidden) == len(d.hidden)
                            else ("tanh",) * len(hidden),
                            lambda n, t: parse_choice(n, t.strip(), "tanh", HIDDEN_ACTIVATIONS),
                            MAX_HIDDEN_LAYERS))
    if len(acts) != len(hidden):
        notices.append(f"The link gives {len(acts)} activation(s) for {len(hidden)} hidden "
                       "layer(s); using tanh for every hidden layer.")
        acts = ("tanh",) * len(hidden)
    k = n_classes_of(dataset, custom_classes)
    outs = output_choices(k)
    output = keep(parse_choice("out", raw("output"), d.output if d.output in outs else outs[0],
                               outs, OUTPUT_LABELS))
    losses = loss_choices(output)
    loss = keep(parse_choice("loss", raw("loss"), losses[0], losses))
    lr = keep(parse_float("lr", raw("lr"), d.lr, 1e-5, MAX_LR))
    bs = keep(parse_int("bs", raw("batch_size"), d.batch_size, 0, MAX_POINTS))
    l2 = keep(parse_float("l2", raw("l2"), d.l2, 0.0, MAX_L2))
    seed = keep(parse_int("seed", raw("seed"), d.seed, 0, MAX_SEED))
    cfg = Config(dataset, n_points, noise, test, tuple(feats), tuple(hidden), tuple(acts), output,
                 loss, lr, bs, l2, seed, **_training_options(raw, keep))
    return cfg, notices


def _training_options(raw, keep) -> dict:
    """The schedule, momentum and stop condition from the link."""
    d = DEFAULT
    return {
        "schedule": keep(parse_choice("sched", raw("schedule"), d.schedule, SCHEDULES)),
        "gamma": keep(parse_float("gamma", raw("gamma"), d.gamma, MIN_GAMMA, 1.0)),
        "every": keep(parse_int("every", raw("every"), d.every, 1, MAX_RUN_EPOCHS)),
        "k": keep(parse_float("k", raw("k"), d.k, 0.0, MAX_DECAY_RATE)),
        "momentum": keep(parse_float("mom", raw("momentum"), d.momentum, 0.0, MAX_MOMENTUM)),
        "stop_loss": keep(parse_float("stop_loss", raw("stop_loss"), d.stop_loss, 0.0,
                                      MAX_STOP_LOSS)),
        "stop_epoch": keep(parse_int("stop_epoch", raw("stop_epoch"), d.stop_epoch, 0,
                                     MAX_RUN_EPOCHS)),
    }


# ------------------------------------------------------------------ session state (Streamlit)
def widget_values(cfg: Config) -> dict:
    """Session-state values of the page's widgets that show ``cfg``."""
    vals = {PREFIX + f.name: getattr(cfg, f.name) for f in fields(Config)
            if f.name not in ("features", "hidden", "hidden_activations")}
    vals[PREFIX + "features"] = list(cfg.features)
    vals[PREFIX + "n_hidden"] = len(cfg.hidden)
    for i in range(MAX_HIDDEN_LAYERS):
        vals[f"{PREFIX}h{i}"] = cfg.hidden[i] if i < len(cfg.hidden) else 4
        vals[f"{PREFIX}a{i}"] = cfg.hidden_activations[i] if i < len(cfg.hidden) else "tanh"
    return vals


#: one entry for the values of the widgets not drawn this run (see keep_hidden_values)
KEPT = PREFIX + "kept"
#: the sidebar groups drawn only while open (lazy expanders): their open/closed keys
MORE, OWN, LOAD = PREFIX + "more_open", PREFIX + "own_open", PREFIX + "load_open"
#: the "More training options" group's widgets; the schedule's numbers are drawn only for it
MORE_OPTIONS = (PREFIX + "schedule", PREFIX + "gamma", PREFIX + "every", PREFIX + "k",
                PREFIX + "momentum", PREFIX + "stop_loss", PREFIX + "stop_epoch")
#: the "Your own points" group's widgets that hold a value (upload boxes hold none to keep)
OWN_OPTIONS = (PREFIX + "click_mode", PREFIX + "click_class", PREFIX + "add_x1",
               PREFIX + "add_x2")
#: widgets drawn only in some modes: a layer's neurons and activation, the closed groups'
OPTIONAL = (*(f"{PREFIX}{w}{i}" for i in range(MAX_HIDDEN_LAYERS) for w in "ha"),
            *MORE_OPTIONS, *OWN_OPTIONS)


_MISSING = object()


def state_value(state: Mapping, key: str, default=None, kept=None):
    """A widget's value, drawn this run or kept while it is not (``KEPT``; ``kept``: that entry,
    read already). One look-up each: every one walks Streamlit's session state."""
    value = state.get(key, _MISSING)
    if value is _MISSING:
        return (state.get(KEPT) or {} if kept is None else kept).get(key, default)
    return value


def is_open(state: Mapping, key: str, default: bool = False) -> bool:
    """Whether the lazy group ``key`` is open this run: as the student left it, else
    ``default``. The page draws the expander with ``expanded=`` this value: its widget id
    depends on its label and ``expanded``, and a new id starts from ``expanded``, so the group
    stays as it was when its label (which says its values) changes."""
    return bool(state.get(key, default))


def drawn_optional(n_hidden, schedule, open_groups=()) -> set[str]:
    """The OPTIONAL widgets the sidebar draws for ``n_hidden`` layers, ``schedule`` and the
    groups open (keys MORE, OWN)."""
    try:
        n = min(max(int(n_hidden), 0), MAX_HIDDEN_LAYERS)
    except (TypeError, ValueError):
        n = len(DEFAULT.hidden)
    drawn = {f"{PREFIX}{w}{i}" for i in range(n) for w in "ha"}
    if MORE in open_groups:
        drawn |= {PREFIX + "schedule", PREFIX + "momentum", PREFIX + "stop_loss",
                  PREFIX + "stop_epoch"}
        drawn |= {"step": {PREFIX + "gamma", PREFIX + "every"},
                  "inverse_time": {PREFIX + "k"}}.get(schedule, set())
    if OWN in open_groups:
        drawn |= set(OWN_OPTIONS)
    return drawn


def keep_hidden_values(state, drawn: set[str]) -> None:
    """Move the values of OPTIONAL widgets not drawn this run into one entry (``KEPT``), and put
    them back before their widgets are drawn again. Every widget call walks all session keys
    (Streamlit's filtered_state), so kept values as keys of their own cost every rerun; a
    widget not drawn would also lose its Streamlit state, so the value is kept here. Kept
    values stay in force: the configuration, the link and the group's label read them."""
    kept = dict(state.get(KEPT) or {})
    for key in OPTIONAL:
        if key in drawn:
            value = kept.pop(key, None)
            if key not in state and value is not None:
                state[key] = value
        elif key in state:
            kept[key] = state[key]
            del state[key]
    state[KEPT] = kept


def config_from_state(state: Mapping) -> Config:
    """The Config the widgets currently show (defaults where a widget has no value yet); a
    widget not drawn this run gives its kept value (``KEPT``)."""
    d = DEFAULT
    kept = state.get(KEPT) or {}

    def get(key, default):
        return state_value(state, key, default, kept)

    n_hidden = int(get(PREFIX + "n_hidden", len(d.hidden)))
    hidden = tuple(int(get(f"{PREFIX}h{i}", 4)) for i in range(n_hidden))
    acts = tuple(str(get(f"{PREFIX}a{i}", "tanh")) for i in range(n_hidden))
    feats = tuple(f for f in FEATURES if f in get(PREFIX + "features", d.features))
    kw = {f.name: get(PREFIX + f.name, getattr(d, f.name)) for f in fields(Config)
          if f.name not in ("features", "hidden", "hidden_activations")}
    return replace(d, **kw, features=feats, hidden=hidden, hidden_activations=acts)


def get_session(state, cfg: Config, custom=None, custom_version: int = 0) -> TrainingSession:
    """The session's TrainingSession: rebuilt when data or network change, else kept (a new η,
    batch size or L2 applies from the next epoch). The student's points keep the train/test
    split they came with (``pg.custom_test``: (test fraction, memberships)) while the test
    fraction stays the same."""
    key = (cfg.network_key, custom_version if cfg.dataset == CUSTOM else None)
    sess = state.get(PREFIX + "session")
    if sess is None or state.get(PREFIX + "session_key") != key:
        kept = state.get(PREFIX + "custom_test")
        test = kept[1] if kept and kept[0] == cfg.test_fraction else None
        sess = TrainingSession(cfg, make_data(cfg, custom, test))
        state[PREFIX + "session"] = sess
        state[PREFIX + "session_key"] = key
    elif sess.cfg != cfg:
        sess.update_hyperparameters(cfg)
    return sess


# ------------------------------------------------------------------ a shared moment
#: link names of the shared state (beside the configuration's)
RUN, POINTS = "run", "pts"


def config_dict_to_params(config: Mapping) -> dict[str, str]:
    """A saved configuration (the weights file's "config") as link values, so it is checked
    exactly like a link."""
    out = {}
    for name, link in LINK_NAMES.items():
        if name not in config:
            continue
        value = config[name]
        if isinstance(value, list | tuple):
            out[link] = ",".join(format_value(v) for v in value)
        elif isinstance(value, bool | int | float | str):
            out[link] = format_value(value)
        else:
            out[link] = "?"
    return out


def shared_points(params: Mapping[str, str], max_points: int, max_classes: int):
    """(SharedPoints or None, notice or None) from the link's ``pts``."""
    raw = params.get(POINTS)
    if raw is None:
        return None, None
    try:
        return decode_points(str(raw), max_points, max_classes), None
    except ValueError as exc:
        return None, f"The link's own points could not be used: {exc}."


def share_link(cfg: Config, sess: TrainingSession, custom, custom_test) -> tuple[dict, str | None]:
    """(the extra link values, why they are left out) for the trained moment and the student's
    points; both are left out of a link that would grow past MAX_LINK_CHARS."""
    extra: dict[str, str] = {}
    base = sum(len(k) + len(v) + 2 for k, v in config_to_params(cfg).items())
    try:
        if cfg.dataset == CUSTOM and custom is not None:
            kept = custom_test[1] if custom_test and custom_test[0] == cfg.test_fraction else None
            test = held_out(len(custom[0]), cfg.test_fraction, cfg.seed, kept)  # the split shown
            extra[POINTS] = encode_points(custom[0], custom[1], custom[2], test)
        if sess.epoch > 0:
            extra[RUN] = encode_moment(sess.net.weights, sess.net.biases, sess.history,
                                       sess.velocity if cfg.momentum else None)
    except ValueError as exc:
        return {}, f"This moment cannot go into a link ({exc})."
    size = base + sum(len(k) + len(v) + 2 for k, v in extra.items())
    if size > MAX_LINK_CHARS:
        return {}, (f"This moment would make a link of {size:,} characters (the cap is "
                    f"{MAX_LINK_CHARS:,}), so the link holds the settings only.")
    return extra, None


def restore_moment(sess: TrainingSession, text: str) -> str | None:
    """Put the link's trained moment into ``sess``; a plain notice if it cannot be used."""
    sizes = [w.shape[0] for w in sess.net.weights] + [sess.net.weights[-1].shape[1]]
    try:
        moment = decode_moment(text, sizes)
        sess.load_state(moment.weights, moment.biases, moment.history, velocity=moment.velocity)
    except ValueError as exc:
        return f"The link's trained network could not be used: {exc}. Starting at epoch 0."
    return None
