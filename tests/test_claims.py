"""Every sentence, verdict and tick a page states is true of the numbers beside it.

For each page its controls are swept over a small grid that includes the extremes (AppTest, so
the claims are read from the page as a student sees them), and each verdict is checked against
an independent computation of what it claims: "falls at every step" ⇒ the charted losses never
rise; "a larger η gets further" ⇒ running that η does; ✓ ⇒ the chain rule matches a finite
difference computed here; a class named on the page ⇒ a network trained here on the data's own
labels gives that recall. Plus: every quote of the notes is verbatim, every neuron label on a
page counts from 1, messages carry no internal names, and big numbers print in scientific
notation.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import numpy as np
import pytest
import sympy as sp
from app_helpers import latex_bodies, notes_lines, page, table, table_by

from derivations import audit_notes, notes_network, step_through
from derivations.audit import quote_parts
from derivations.formulas import softmax_exprs
from nn_core import Network, encode, make_dataset, train
from nn_core.training import BLOW_UP, DivergenceError
from page_model.descent import critical_lr, descent_path
from page_model.numbers import fmt, fmt_share
from page_model.one_vs_all import code_order
from page_model.verdicts import reversals, rises

NOTES = Path("/work/shared/notes/neural-network.md")
if not NOTES.exists():  # the repo's copy of the notes' location, as the GUIDE names it
    NOTES = Path(__file__).resolve().parents[2] / "shared" / "notes" / "neural-network.md"


def _norm(text: str) -> str:
    return " ".join(text.split())


def _messages(at) -> list[str]:
    return [m.value for kind in ("success", "info", "warning", "error") for m in getattr(at, kind)]


def _array(v):
    """A Plotly JSON array (plain list or base64 typed array) as floats."""
    if isinstance(v, dict) and "bdata" in v:
        return np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"])).astype(float)
    return np.array([np.nan if x is None else x for x in v], dtype=float)


def _charts(at) -> dict[str, dict]:
    out = {}
    for c in at.get("plotly_chart"):
        key = c.proto.id.rsplit("-", 1)[-1]
        out[key] = json.loads(c.proto.spec)
    return out


def _no_internal_names(texts):
    """No code identifiers (snake_case, key=value) outside the $…$ maths of a message."""
    for t in texts:
        prose = re.sub(r"\$[^$]*\$", "", t)
        assert not re.search(r"\b[a-z]+_[a-z0-9_]+\b|\w+='", prose), t


def _no_long_fixed_point(texts):
    for t in texts:
        assert not re.search(r"\d{13,}", t), t  # large or tiny numbers print as a×10ⁿ


# ------------------------------------------------------------------ gradient descent
GD_CASES = [
    {}, {"rate": "small"}, {"rate": "large"}, {"rate": "custom", "eta": "0.001"},
    {"rate": "custom", "eta": "200"}, {"rate": "custom", "eta": "1.66"},  # η_max ≈ 1.682
    {"rate": "custom", "eta": "1.70"}, {"rate": "custom", "eta": "1.6", "two": "1"},
    {"steps": "1"}, {"steps": "60", "rate": "large", "w1": "3.5"},
    {"model": "sigmoid"}, {"model": "sigmoid", "rate": "small", "w1": "-3.5", "w2": "-3.5"},
    {"model": "sigmoid", "rate": "large", "two": "1", "w1": "3.5", "w2": "3.5"},
    {"model": "sigmoid", "rate": "custom", "eta": "200", "steps": "60"},
]


def _gd_data(model):
    if model == "linear":
        d = make_dataset("regression", 80, noise=0.05, test_fraction=0.0, seed=3)
    else:
        d = make_dataset("linear", 80, noise=0.1, test_fraction=0.0, seed=3)
    return d.X_train, d.y_train.astype(float)


@pytest.mark.parametrize("query", GD_CASES, ids=lambda q: ",".join(f"{k}={v}" for k, v in q.items())
                         or "default")
def test_gradient_descent_verdict_is_true_of_the_run(query):
    at = page("gradient_descent", query)
    t = table(at)
    msgs = _messages(at)
    verdicts = [m for m in msgs if m.split(":")[0] in (
        "Settling", "Barely moving", "Zig-zagging", "Diverging", "Already at the bottom")
        or m.startswith("The loss falls at every step")]
    assert len(verdicts) == 1, msgs
    v = verdicts[0]
    _no_internal_names(msgs)
    _no_long_fixed_point(msgs)
    # The run, recomputed here from the page's settings (not read from the page's objects).
    model = query.get("model", "linear")
    two = query.get("two") == "1"
    X, Y = _gd_data(model)
    learn = [True, two]
    lr = t["learning rate η"]
    steps = int(query.get("steps", 20))
    w0 = [float(query.get("w1", -3.0)), float(query.get("w2", 0.5))]
    path = descent_path(X, Y, w0, 0.0, model, lr, steps, learn)
    losses = path.losses
    assert t["loss at the end"] == pytest.approx(losses[-1])
    # The charted losses are the run's (what the student sees).
    charts = _charts(at)
    shown = [tr for tr in charts["gd_steps"]["data"] if f"(η = {fmt(lr, 3)}):" in tr["name"]]
    assert shown and np.allclose(_array(shown[0]["y"])[:len(losses)], losses, equal_nan=True)
    n = len(losses) - 1
    if v.startswith("Settling"):
        assert np.all(np.diff(losses) <= 1e-10 * np.abs(losses[:-1]))  # falls at every step
        assert fmt(losses[0]) in v and fmt(losses[-1]) in v
    elif v.startswith("The loss falls at every step"):
        assert rises(losses) == 0
        k = int(re.search(r"reversed direction (\d+) times", v).group(1))
        assert k == reversals(path.weights) and 2 * k >= n - 1  # jumps across the valley
        assert "larger η" not in v
    elif v.startswith("Barely moving"):
        assert rises(losses) == 0
    elif v.startswith("Zig-zagging"):
        k = int(re.search(r"went up at (\d+) of", v).group(1))
        assert k == rises(losses) > 0
    elif v.startswith("Diverging"):
        assert losses[-1] > losses[0]
        assert fmt(losses[0]) in v and fmt(losses[-1]) in v
        if "each step is longer than the last" in v:
            lengths = np.linalg.norm(np.diff(path.weights, axis=0), axis=1)
            assert np.all(np.diff(lengths) > 0)
    if model == "linear" and "η/η_max" in v:
        assert fmt(lr / critical_lr(X, learn), 3) in v
    # Advice: "a larger/smaller η gets further in the same steps: η = X falls at every step to
    # L" ⇒ that η, run here, falls at every step to L and ends lower than this run.
    advice = re.search(r"A (larger|smaller) η gets further in the same steps: η = (\S+) falls "
                       r"at every step to (\S+) ", v)
    if advice:
        word, eta_text, end_text = advice.groups()
        factors = [2.0 ** k for k in range(1, 6)] if word == "larger" else \
            [2.0 ** -k for k in range(1, 13)]
        etas = [lr * f for f in factors if fmt(lr * f, 3) == eta_text]
        assert etas, (eta_text, lr)
        other = descent_path(X, Y, w0, 0.0, model, etas[0], steps, learn)
        assert rises(other.losses) == 0 and fmt(other.losses[-1]) == end_text
        assert other.losses[-1] < losses[-1]
        assert (etas[0] > lr) == (word == "larger")
        if model == "linear":
            assert etas[0] < critical_lr(X, learn)  # never advises an η that diverges


def test_gradient_descent_chart_shows_an_escape_where_it_is():
    at = page("gradient_descent", {"rate": "custom", "eta": "200"})
    spec = _charts(at)["gd_curve"]
    steps = next(t for t in spec["data"] if t["name"] == "gradient descent steps")
    xs = _array(steps["x"])
    assert np.all(np.isnan(xs) | (np.abs(xs) <= 4.0))  # nothing drawn at a false place
    assert np.isnan(xs).any()  # the steps that left are not pinned to the edge
    off = [t for t in spec["data"] if t["name"].startswith("step off the chart")]
    assert off and any("off the chart" in a["text"] for a in spec["layout"]["annotations"])


# ------------------------------------------------------------------ backprop, step by step
BP_CASES = [
    ({"case": "mlp"}, None), ({"case": "single_layer"}, None),
    ({"case": "mlp", "layer": "1", "param": "bias", "x1": "3", "x2": "-3"}, None),
    ({"case": "mlp", "seed": "7", "lr": "5"}, None),
    # every weight 10 and inputs 3: saturated sigmoids, gradients far below 1e-9
    ({"case": "single_layer", "hand": "1", "x1": "3", "x2": "3"}, 10.0),
    ({"case": "mlp", "hand": "1", "x1": "3", "x2": "3", "layer": "1"}, 10.0),
    ({"case": "mlp", "hand": "1", "x1": "-3", "x2": "3", "layer": "2"}, -10.0),
]


@pytest.mark.parametrize("query, weights", BP_CASES)
def test_backprop_ticks_match_an_independent_finite_difference(query, weights):
    case = query["case"]
    start = notes_network(case, int(query.get("seed", 0)))
    net = start.net
    if weights is not None:
        net = Network.from_weights([np.full_like(w, weights) for w in net.weights],
                                   [np.full_like(b, weights) for b in net.biases], "sigmoid")
        n = sum(w.size + b.size for w, b in zip(net.weights, net.biases, strict=True))
        query = {**query, "wts": ",".join([f"{weights:g}"] * n)}
    at = page("backprop_steps", {**query, "step": "99"})  # the last step: the whole gradient
    msgs = _messages(at)
    _no_internal_names(msgs)
    _no_long_fixed_point(msgs)
    x = np.array([float(query.get("x1", start.x[0])), float(query.get("x2", start.x[1]))])
    y = encode([start.label], 3, "notes_2neuron")[0]
    layer = int(query.get("layer", 1))
    param = query.get("param", "weight")
    s = step_through(net, x, y, layer, 0, 0, "squared_error", float(query.get("lr", 0.5)), param)
    # An independent finite difference: 2nd-order central, another step size.
    h = 1e-5
    X, Y = x.reshape(1, -1), y.reshape(1, -1)

    def E(v):
        other = net.copy()
        if param == "weight":
            other.weights[layer - 1][0, 0] = v
        else:
            other.biases[layer - 1][0] = v
        return other.loss(X, Y)

    w = net.weights[layer - 1][0, 0] if param == "weight" else net.biases[layer - 1][0]
    fd = (E(w + h) - E(w - h)) / (2 * h)
    fd_noise = 10 * np.finfo(float).eps * abs(E(w)) / h
    verdict = [m for m in msgs if m[:1] in "✓✗≈"]
    assert len(verdict) == 1, msgs
    v = verdict[0]
    if v.startswith("✓"):
        assert abs(s.gradient - fd) <= 1e-6 * abs(fd) + fd_noise
        assert abs(s.gradient) > fd_noise  # big enough to judge
    elif v.startswith("≈ 0"):
        assert abs(s.gradient) <= 1e-9 and abs(fd) <= 1e-9  # really too small to judge
        assert "vanishing" in v
        smallest = min(abs(t.value) for t in s.terms if t.kind in ("activation", "error_term"))
        assert smallest < 1e-4  # the saturated factor it names exists
    else:
        assert abs(s.gradient - fd) > 1e-6 * abs(fd) + fd_noise
    # "One step on this weight alone: the loss fell from a to b" ⇒ applying the step here.
    step = [m.value for m in at.markdown if m.value.startswith("One step on this weight")]
    assert step
    new = E(w - s.lr * s.gradient)
    old = E(w)
    if " fell from " in step[0] or "fell by" in step[0]:
        assert new < old
    elif " rose " in step[0]:
        assert new > old
    else:
        assert abs(new - old) <= 8 * np.finfo(float).eps * abs(old)


def test_backprop_factor_ticks_on_every_step():
    q = {"case": "mlp", "hand": "1", "x1": "3", "x2": "3", "layer": "1",
         "wts": ",".join(["10"] * 17)}
    for step in range(0, 8, 2):  # the 8 factors (step 9 is the update)
        at = page("backprop_steps", {**q, "step": str(step)})
        ticks = [m for m in _messages(at) if m[:1] in "✓✗"]
        # a factor is compared with nn_core's same factor: equal to rounding, so a tick
        assert ticks and all(t.startswith("✓") for t in ticks), ticks


# ------------------------------------------------------------------ one vs all
OVA = {"n": "60", "epochs": "100", "lr": "2"}


@pytest.mark.parametrize("neither, noise", [(0, "0.0"), (1, "1.5"), (2, "0.3")])
def test_one_vs_all_names_the_data_classes(neither, noise):
    at = page("one_vs_all", {**OVA, "neither": str(neither), "noise": noise})
    # the heading and its bullets are one Markdown element
    bullets = "\n".join(m.value for m in at.markdown
                        if m.value.startswith("### Where the notes' 2-neuron code struggles"))
    assert "\n- Class" in bullets
    notes_t = table_by(at, 1)["the notes' 2"]  # the notes' scheme's column
    # Trained here on the data's own labels, coded with `neither` ↦ (0, 0): the recall of
    # each data class must be the page's.
    data = make_dataset("blobs3", 60, noise=float(noise), test_fraction=0.25, seed=0)
    order = code_order(neither)
    to_code = np.empty(3, int)
    to_code[list(order)] = np.arange(3)
    net = Network.init([2, 2], "sigmoid", seed=0)
    train(net, data.X_train, encode(to_code[data.y_train], 3, "notes_2neuron"), lr=2.0,
          epochs=100, seed=0, encoding="notes_2neuron")
    out = net.forward(data.X_train)
    code = np.where(out.max(axis=1) < 0.5, 2, out.argmax(axis=1))
    pred = np.asarray(order)[code]
    recall = [float(np.mean(pred[data.y_train == c] == c)) for c in range(3)]
    assert [notes_t[f"recall, class {c}"] for c in range(3)] == pytest.approx(recall)
    assert f"Class {neither} has no neuron of its own (class {order[0]} fires neuron 1, " \
           f"class {order[1]} neuron 2)" in bullets
    none = float(np.mean((out < 0.5).all(axis=1)))
    assert f"Here {fmt_share(none)} of the training points" in bullets
    both = float(np.mean((out >= 0.5).all(axis=1)))
    if both > 0:
        assert f"Both neurons fire for {fmt_share(both)} of the training points" in bullets
    else:
        assert "No training point makes both neurons fire" in bullets
    # Its weakest class: the lowest recall in the table (ties named together).
    low = min(recall)
    worst = [c for c in range(3) if np.isclose(recall[c], low)]
    if len(worst) == 3:
        assert "recalls every class equally well" in bullets
    else:
        names = " and ".join(f"class {c}" for c in worst)
        assert f"{names} (recall {fmt_share(low)})" in bullets.replace(", class", " and class")
    # The targets formula names the data's classes: `neither` ↦ (0, 0).
    zero = r"\left[\begin{matrix}0\\0\end{matrix}\right]"
    assert any(f"{neither} \\mapsto {zero}" in v for v in latex_bodies(at))
    # The region chart colours regions by the data's classes.
    spec = _charts(at)["ova_regions"]
    heat = next(t for t in spec["data"] if t.get("name") == "decoded class")
    assert {int(v) for v in np.floor(_array(heat["z"]).ravel())} <= {0, 1, 2}


# ------------------------------------------------------------------ hidden layers
@pytest.mark.parametrize("query", [
    {"out": "softmax", "outputs": "3", "layer": "2", "neuron": "1"},
    {"out": "softmax", "outputs": "3", "layers": "2", "width": "6", "layer": "3",
     "neuron": "3", "x1": "3", "x2": "-3"},
    {"out": "softmax", "outputs": "1", "layer": "2", "neuron": "1", "x1": "-3"},
    {"layers": "2", "width": "1", "act": "relu", "layer": "2", "neuron": "1"},
])
def test_hidden_layers_numbers_keep_the_formula_and_count_from_one(query):
    at = page("hidden_layers", query)
    t = table(at)
    labels = list(t)
    for lab in labels:  # every neuron label counts from 1
        m = re.match(r"[zy]\((\d)\)_(\d+)$", lab)
        if m:
            assert int(m.group(1)) >= 1 and int(m.group(2)) >= 1, lab
    assert not any(lab.endswith("_0") for lab in labels)
    heads = [m.group(1) for el in at.markdown  # a column's heading opens its Markdown element
             for m in re.finditer(r"^### (Neuron .*)$", el.value, re.M)]
    assert heads and int(re.match(r"Neuron (\d+)", heads[0]).group(1)) >= 1
    if query.get("out") == "softmax" and query["layer"] in ("2", "3") and \
            int(query["layer"]) == int(query.get("layers", 1)) + 1:
        layer = int(query["layer"])
        m = int(query["outputs"])
        zs = [t[f"z({layer})_{k + 1}"] for k in range(m)]
        general, _ = softmax_exprs(zs, int(query["neuron"]) - 1, layer)
        # The "with the numbers" line is the general line with each z replaced by its number.
        line = next(v for v in latex_bodies(at) if "e^{z^{(" in v)
        general_tex, numbers_tex = [re.sub(r"\s*\\\\\s*$", "", part.strip())
                                    for part in line.split("&=")[1:3]]
        expected = general_tex
        for k in range(m):
            expected = expected.replace(f"z^{{({layer})}}_{{{k + 1}}}",
                                        sp.latex(sp.Float(zs[k], 4)))
        assert numbers_tex == expected
        assert general_tex == sp.latex(general, order="none")
        # and the value is the softmax of the shown z's
        y = np.exp(zs) / np.sum(np.exp(zs))
        assert t[f"y({layer})_{query['neuron']}"] == pytest.approx(y[int(query["neuron"]) - 1])


# ------------------------------------------------------------------ the notes, checked
def test_every_quote_of_the_notes_is_verbatim():
    notes = _norm(NOTES.read_text())
    recs = audit_notes()
    for r in recs:
        for _, piece in quote_parts(r.quote):
            assert _norm(piece) in notes, (r.key, piece)
    for name in ("neuron", "one_vs_all", "hidden_layers", "gradient_descent", "backprop_steps"):
        at = page(name)
        # A quote is one block-quote paragraph; the element may go on (a heading after it).
        quotes = [m.value.split("*The notes write:*", 1)[1].split("\n\n", 1)[0]
                  for m in at.markdown if "*The notes write:*" in m.value]
        assert quotes, name
        for q in quotes:
            q = _norm(q)
            assert q in notes or q.strip("$") in notes, (name, q)
        # “…” quoted in the line that says where the page is in the notes
        lines = notes_lines(at)
        assert len(lines) == 1, (name, lines)
        for q in re.findall(r"“([^”]+)”", lines[0]):
            assert _norm(q) in notes, (name, q)


def test_notes_records_do_not_contradict_themselves():
    recs = audit_notes()
    titles = [r.title for r in recs]
    assert len(titles) == len(set(titles))  # duplicate titles say what differs
    for r in recs:
        if r.stated_latex == r.derived_latex:  # the same on both sides: that is agreement
            assert r.agrees, r.key
        if r.kind == "prose" and not r.agrees:  # a record about words shows words
            assert r"\text{" in r.label + r.stated_latex + r.derived_latex or \
                r.stated_latex != r.derived_latex, r.key
    # "as the notes state it" never puts a formula in the notes' mouth they do not write: the
    # where-block lines show the notes' right-hand side.
    by = {r.key: r for r in recs}
    assert by["where_dE_dy"].stated_latex == r"- (y_{i} - \hat{y}_{i})"
    assert "f_2" in by["prose_f2_activation"].label
    assert "activation function" in by["prose_f2_activation"].stated_latex
    assert r"\frac{1}{1 + e" not in by["prose_f2_activation"].derived_latex


def test_notes_verdicts_match_an_independent_numeric_check():
    rng = np.random.default_rng(0)
    for r in audit_notes():
        if r.kind != "formula":
            continue
        syms = sorted(r.stated.free_symbols | r.derived.free_symbols, key=sp.default_sort_key)
        if any(isinstance(s, sp.Function) or not isinstance(s, sp.Symbol) for s in syms) or \
                r.stated.has(sp.Derivative):
            continue
        f_s = sp.lambdify(syms, r.stated.xreplace({s: s for s in syms}), "numpy")
        from derivations.notes import ALIASES
        f_s = sp.lambdify(syms, r.stated.xreplace(ALIASES), "numpy")
        f_d = sp.lambdify(syms, r.derived, "numpy")
        equal = True
        for _ in range(5):
            vals = rng.uniform(0.1, 0.9, len(syms))
            a, b = float(f_s(*vals)), float(f_d(*vals))
            equal &= abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
        assert equal == r.agrees, r.key
        if r.counterexample:
            s_val, d_val = r.at({k: v for k, v in r.counterexample.items()
                                 if k not in ("stated_value", "derived_value")})
            assert s_val == pytest.approx(r.counterexample["stated_value"])
            assert d_val == pytest.approx(r.counterexample["derived_value"])
            assert s_val != pytest.approx(d_val)


@pytest.mark.parametrize("rec, case", [("where_dyh_dzh", "single_layer"), ("where_dy_dz", "mlp"),
                                       ("where_block", "mlp")])
def test_notes_page_messages_speak_the_page_language(rec, case):
    at = page("notes_checked", {"rec": rec, "case": case, "epochs": "50"})
    msgs = _messages(at)
    _no_internal_names(msgs)
    if case == "single_layer":
        assert any("hidden layer" in m for m in msgs)


# ------------------------------------------------------------------ divergence
def test_divergence_is_caught_when_it_starts():
    data = make_dataset("regression", n_points=50, seed=0)
    X, Y = data.X_train * 50, data.targets()[0] * 1e3
    start = Network.init([2, 8, 1], ["relu", "linear"], seed=0)
    net = start.copy()
    with pytest.raises(DivergenceError) as info:
        train(net, X, Y, lr=10.0, epochs=200)
    err = info.value
    # The plain loop, here: the first epoch whose loss is up by orders of magnitude.
    plain = start.copy()
    first = plain.loss(X, Y)
    with np.errstate(all="ignore"):
        for epoch in range(1, 200):  # noqa: B007 — the epoch it stops at is the point
            plain.apply_gradients(plain.gradients(X, Y), 10.0)
            loss = plain.loss(X, Y)
            if not np.isfinite(loss) or loss > BLOW_UP * first:
                break
    assert err.epoch == epoch
    assert "grew from" in str(err) or "NaN or infinite" in str(err)
    _no_long_fixed_point([str(err)])


def test_training_that_settles_is_not_called_diverging():
    data = make_dataset("moons", n_points=60, seed=0)
    net = Network.init([2, 4, 1], ["tanh", "sigmoid"], seed=0)
    history = train(net, data.X_train, data.targets("binary")[0], lr=0.5, epochs=300,
                    batch_size=1)
    assert len(history) == 300


def test_playground_divergence_prints_scientific_numbers():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "views" / "playground.py"),
                           default_timeout=120)
    for k, v in {"ds": "regression", "out": "linear", "hidden": "16,16", "act": "relu,relu",
                 "lr": "10"}.items():
        at.query_params[k] = v
    at.run()
    at.button(key="pg.play").click().run()
    errors = [e.value for e in at.error]
    assert any("diverged" in e for e in errors)
    texts = errors + [m.value for m in at.metric] + [m.value for m in at.markdown]
    _no_long_fixed_point(texts)
    for df in at.dataframe:
        for col in df.value.columns:
            _no_long_fixed_point(str(v) for v in df.value[col])
    epoch = int(next(m.value for m in at.metric if m.label == "Epoch"))
    assert epoch < 100  # stopped when the blow-up started


# ------------------------------------------------------------------ one numbering
def test_every_neuron_label_counts_from_one_and_classes_keep_their_names():
    pages = {
        "hidden_layers": {"layers": "2", "width": "3"},
        "backprop_steps": {"case": "mlp", "step": "99"},
        "one_vs_all": {**OVA},
        "neuron": {"stage": "classifier"},
    }
    for name, query in pages.items():
        at = page(name, query)
        texts = [el.value for kind in ("markdown", "caption", "subheader", "info", "success",
                                       "warning", "error") for el in getattr(at, kind)]
        for df in at.dataframe:
            texts += [str(v) for v in df.value.iloc[:, 0]]
        for r in at.radio:
            texts += [str(o) for o in r.options] if "neuron" in r.label else []
        for t in texts:
            for m in re.finditer(r"\b(?:neuron|output neuron|hidden layer|layer) (\d+)", t):
                assert int(m.group(1)) >= 1, (name, t)
            for m in re.finditer(r"\b[zyh]\(?(\d)\)?_(\d+)\b", t):
                assert int(m.group(2)) >= 1, (name, t)
            assert "(from 0)" not in t, (name, t)
            for m in re.finditer(r"\b[Cc]lass (\d+)", t):  # classes: the data's names 0, 1, 2
                assert 0 <= int(m.group(1)) <= 2, (name, t)


def test_gradual_divergence_is_caught_long_before_it_overflows():
    """η just over the stability limit: the loss grows ~1.4× per epoch. Caught after a few
    dozen epochs (up 1000×), not after ~2000 when it would overflow to infinity."""
    d = make_dataset("regression", 80, noise=0.05, test_fraction=0.0, seed=3)
    X, Y = d.X_train, d.y_train.reshape(-1, 1)
    A = np.c_[X, np.ones(len(X))]
    lam = float(np.linalg.eigvalsh(A.T @ A / len(X)).max())
    lr = 1.1 * 2 / lam
    net = Network.from_weights([[[0.5], [0.5]]], [[0.0]], ["linear"])
    with pytest.raises(DivergenceError) as info:
        train(net, X, Y, lr=lr, epochs=5000)
    err = info.value
    assert 5 < err.epoch < 80
    assert err.loss > BLOW_UP * err.start_loss and np.isfinite(err.loss)
    assert "grew from" in str(err)


# ------------------------------------------------------------------ the neuron
@pytest.mark.parametrize("query", [
    {}, {"w1": "5", "w2": "5", "b": "5", "theta": "0.95"},
    {"w1": "-5", "w2": "-5", "b": "-5", "theta": "0.05", "point": "59"},
    {"w1": "0", "w2": "0", "b": "0", "theta": "0.5"},  # ŷ = θ exactly: a tie is class 1
    {"w1": "0.1", "w2": "0", "b": "0", "theta": "0.5", "noise": "1", "seed": "999"},
])
def test_neuron_threshold_sentence_is_true_of_the_printed_numbers(query):
    at = page("neuron", {"stage": "classifier", **query})
    t = table(at)
    theta = float(query.get("theta", 0.5))
    data = make_dataset("linear", 60, noise=float(query.get("noise", 0.1)), test_fraction=0.0,
                        seed=int(query.get("seed", 0)))
    w = [[float(query.get("w1", -1.0))], [float(query.get("w2", 2.0))]]
    net = Network.from_weights([w], [[float(query.get("b", 0.0))]], ["sigmoid"])
    y = net.forward(data.X_train)[:, 0]
    i = int(query.get("point", 0))
    assert t["predicted class"] == int(y[i] >= theta)
    assert t["accuracy on all points"] == pytest.approx(np.mean((y >= theta) == data.y_train))
    line = next(v for v in latex_bodies(at) if r"\Rightarrow" in v)
    m = re.search(r"\\hat\{y\} = (.+?) &(\\geq|<) \\theta = (.+?) \\\\", line)

    def tex_number(text):  # SymPy's 1.2 \cdot 10^{-6}
        return float(re.sub(r"\s*\\cdot 10\^\{(-?\d+)\}", r"e\1", text.strip()))

    shown_y, rel, shown_theta = tex_number(m.group(1)), m.group(2), tex_number(m.group(3))
    assert (shown_y >= shown_theta) == (rel == r"\geq")  # the printed numbers say it too
    assert (rel == r"\geq") == (y[i] >= theta)


def test_notes_consequences_are_what_one_step_does():
    """'Following it, gradient descent climbs' ⇒ one step with the notes' formula, run here
    with nn_core, raises the loss; with the derived one it falls."""
    from derivations.notes import stated_network

    by = {r.key: r for r in audit_notes()}
    case = notes_network("mlp", 0)
    X, Y = case.x.reshape(1, -1), case.y.reshape(1, -1)
    before = case.net.loss(X, Y)
    derived = case.net.copy()
    derived.apply_gradients(derived.gradients(X, Y), 0.5)
    for key in ("where_dy_dz", "where_block"):
        demo = by[key].demo
        assert demo["loss_before"] == pytest.approx(before)
        assert demo["loss_after_derived"] == pytest.approx(derived.loss(X, Y))
        assert demo["loss_after_stated"] > demo["loss_before"]  # "climbs"
        net, loss = stated_network(case.net, key)
        net.apply_gradients(net.gradients(X, Y, loss), 0.5)
        assert net.loss(X, Y) == pytest.approx(demo["loss_after_stated"])
        for v in (demo["loss_before"], demo["loss_after_derived"], demo["loss_after_stated"]):
            assert f"{v:.6g}" in by[key].consequence
    # "the hidden gradients would be 1/y_h times too large": the ratios printed are 1/y_h
    yh = case.net.forward_pass(X).ys[1][0]
    text = by["where_dyh_dzh"].consequence
    for v in yh:
        assert f"{1 / v:.3g}" in text
