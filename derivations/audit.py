"""What the notes state, against what SymPy derives.

Every formula the notes state (the weighted sum, the sigmoid, the squared error, the update rules,
the chain-rule splits and each line of the "where" block) is kept as a SymPy expression beside
the derived one, and SymPy decides whether they agree. Where they do not, a counter-example (a
point where the two differ numerically) and the consequence are recorded; where the prose names a
thing inconsistently with the formulas, that is recorded too (kind "prose").

Symbols in the audit use the notes' generic index i for an output neuron (ŷ_i, y_i, z_i) and the
hidden neuron h_{11}; ``derived`` is always computed here by ``sympy.diff`` (never copied), and
``stated`` is the notes' line transcribed.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import sympy as sp

from nn_core import train

from .chain import abbreviate, chain_rule
from .notes import (
    ALIASES,
    WHERE_STATED,
    notes_network,
    stated_network,
    w_hz,
    w_xh,
    x_1,
    y_h,
    y_h_notes,
    y_hat_i,
    y_i,
    z_h,
    z_i,
)
from .symbolic import (
    activation_derivative_at,
    activation_expr,
    is_zero,
    loss_term,
    sym,
    symbolic_network,
)


@dataclass
class AuditRecord:
    key: str
    label: str  # LaTeX of the left-hand side
    stated: sp.Expr
    derived: sp.Expr
    stated_latex: str
    derived_latex: str
    agrees: bool
    counterexample: dict | None  # symbol name → value, plus 'stated_value', 'derived_value'
    consequence: str  # plain words: is it right, and what following it would do
    kind: str  # "formula" | "prose"
    title: str = ""
    severity: str = "ok"  # "ok" | "error" | "omission" | "notation"
    quote: str = ""  # the notes' own text, verbatim (NOTES_QUOTES); pieces joined by " … "
    ratio_latex: str = ""  # stated ÷ derived, simplified, where that says more than a verdict
    demo: dict = field(default_factory=dict)  # numbers behind the consequence

    def at(self, point: dict[str, float]) -> tuple[float, float]:
        """(stated, derived) at numbers given by symbol name, e.g. {r"\\hat{y}_{i}": 0.7};
        every free symbol needs a value (names as in ``counterexample``)."""
        values = {sym(name): float(v) for name, v in point.items()}
        stated, derived = self.stated.xreplace(ALIASES), self.derived
        missing = {s.name for s in stated.free_symbols | derived.free_symbols} - set(point)
        if missing:
            raise ValueError(f"Give a value for {', '.join(sorted(missing))}.")
        return float(stated.xreplace(values)), float(derived.xreplace(values))


# --------------------------------------------------------------------- the notes' symbols
# (the notes' symbols, ALIASES and the where block as stated live in notes.py)
eta = sym(r"\eta")
_PROBABILITIES = {y_hat_i, y_h, y_h_notes}


def _latex(expr) -> str:
    return sp.latex(expr, order="none")  # keep the notes' order: y_i − ŷ_i


def _verdict(stated, derived) -> tuple[bool, dict | None]:
    """(whether stated and derived agree, a point where they differ). A sound zero test first;
    failing that, a point of the grid where the two differ settles it (``counterexample``),
    and only when no point tells them apart is ``simplify`` asked (the slow part: a tenth of
    a second for some of the notes' wrong rules, where the grid answers in milliseconds)."""
    diff = stated.xreplace(ALIASES) - derived
    if diff == 0 or is_zero(diff):
        return True, None
    try:
        found = counterexample(stated, derived)
    except (TypeError, ZeroDivisionError):  # a value the grid cannot take: ask simplify
        found = None
    if found is not None:
        return False, found
    return bool(sp.simplify(diff) == 0), None


def _candidates(s: sp.Symbol) -> list[float]:
    name = s.name
    if s in _PROBABILITIES or name.startswith(r"\hat{y}") or name.startswith("y_{h"):
        return [0.5, 0.25, 0.8]
    if name.startswith("y_"):
        return [1.0, 0.0]
    return [0.5, 1.5, -0.7]


def counterexample(stated, derived) -> dict | None:
    """The first point of a fixed grid where stated and derived differ (deterministic)."""
    stated = stated.xreplace(ALIASES)
    syms = sorted(stated.free_symbols | derived.free_symbols, key=sp.default_sort_key)
    for values in itertools.islice(itertools.product(*(_candidates(s) for s in syms)), 500):
        point = dict(zip(syms, values, strict=True))
        s_val = float(stated.xreplace(point))
        d_val = float(derived.xreplace(point))
        if abs(s_val - d_val) > 1e-9 * max(1.0, abs(s_val), abs(d_val)):
            out = {s.name: v for s, v in point.items()}
            out.update(stated_value=s_val, derived_value=d_val)
            return out
    return None


def _record(key, label, stated, derived, consequence, kind="formula", title="", quote="",
            severity=None, ratio=False, demo=None, agrees=None) -> AuditRecord:
    if agrees is None:
        ok, ce = _verdict(stated, derived)
    else:
        ok, ce = agrees, None if agrees else counterexample(stated, derived)
    ratio_latex = ""
    if ratio:
        ratio_latex = _latex(sp.simplify(stated.xreplace(ALIASES) / derived))
    return AuditRecord(
        key=key, label=label, stated=stated, derived=derived, stated_latex=_latex(stated),
        derived_latex=_latex(derived), agrees=ok, counterexample=ce, consequence=consequence,
        kind=kind, title=title, severity=severity or ("ok" if ok else "error"), quote=quote,
        ratio_latex=ratio_latex, demo=demo or {},
    )


def _text(words: str) -> str:
    """A prose quote as LaTeX (every quote is LaTeX, so the page can st.latex it)."""
    return rf"\text{{{words}}}"


def _partial(num, den) -> str:
    return rf"\frac{{\partial {num}}}{{\partial {den}}}"


# --------------------------------------------------------------------- the where block
def _where_block() -> dict[str, tuple]:
    """(label, stated, derived) per line of the notes' "where" block (stated: notes.py)."""
    E_i = loss_term("squared_error", y_hat_i, y_i)
    z_out = w_hz * y_h  # the part of z_i that depends on y_{h_{11}} (other terms: no y_h)
    z_hid = w_xh * x_1 + sym("w_{x_{2} h_{11}}") * sym("x_{2}") + sym("b_{h_{11}}")
    st = WHERE_STATED
    return {
        "where_dE_dy": (_partial("E_i", "y_i"), st["where_dE_dy"], sp.diff(E_i, y_hat_i)),
        "where_dy_dz": (_partial("y_i", "z_i"), st["where_dy_dz"],
                        activation_derivative_at("sigmoid", z_i, y_hat_i)),
        "where_dz_dyh": (_partial("z_i", "y_{h_{11}}"), st["where_dz_dyh"],
                         sp.diff(z_out + sym("w_{h_{12} z_{i}}") * sym("y_{h_{12}}"), y_h)),
        "where_dyh_dzh": (_partial("y_{h_{11}}", "z_{h_{11}}"), st["where_dyh_dzh"],
                          activation_derivative_at("sigmoid", z_h, y_h)),
        "where_dzh_dw": (_partial("z_{h_{11}}", "w_{x_1h_{11}}"), st["where_dzh_dw"],
                         sp.diff(z_hid, w_xh)),
    }


def _one_step_demo(record_key: str) -> dict:
    """Loss of the notes' MLP at its data point before and after one step of η = 0.5, with the
    derived backprop and with the notes' formula of ``record_key`` (see notes.TRAINABLE)."""
    net, x, y, _ = notes_network("mlp", seed=0)
    X, Y = x.reshape(1, -1), y.reshape(1, -1)
    before = net.loss(X, Y)
    after = {}
    for name, (n, loss) in (("derived", (net.copy(), "squared_error")),
                            ("stated", stated_network(net, record_key))):
        train(n, X, Y, 0.5, 1, loss=loss)
        after[name] = n.loss(X, Y)
    y_hidden = net.forward_pass(X).ys[1][0]
    return {"loss_before": before, "loss_after_derived": after["derived"],
            "loss_after_stated": after["stated"], "lr": 0.5,
            "hidden_activations": [float(v) for v in y_hidden]}


def _fmt(v: float) -> str:
    return f"{v:.6g}"


def _where_records() -> list[AuditRecord]:
    wb = _where_block()
    demo_out = _one_step_demo("where_dy_dz")
    demo_all = _one_step_demo("where_block")
    yh = demo_all["hidden_activations"]
    recs = []
    label, s, d = wb["where_dE_dy"]
    recs.append(_record(
        "where_dE_dy", label, s, d,
        "Right, read as the derivative with respect to the prediction ŷ_i: ∂E_i/∂ŷ_i = "
        "−(y_i − ŷ_i). The left side, though, writes y_i, which in the training section is the "
        "ground truth; differentiating with respect to the ground truth would give +(y_i − ŷ_i), "
        "the opposite sign (see the prose record on y).",
        title="∂E/∂ŷ (error with respect to the prediction)", quote=r"-(y_i - \hat{y}_i)"))
    label, s, d = wb["where_dy_dz"]
    recs.append(_record(
        "where_dy_dz", label, s, d,
        "Wrong sign. The sigmoid's slope σ'(z) = ŷ(1 − ŷ) is never negative (σ only increases); "
        "the notes write −ŷ(1 − ŷ). The minus flips the sign of every gradient that passes "
        "through an output neuron (all of them), so following it makes gradient descent climb "
        "the error instead of descending. One step (η = 0.5) on the notes' MLP at its data "
        f"point: loss {_fmt(demo_out['loss_before'])} → {_fmt(demo_out['loss_after_derived'])} "
        f"with the derived σ', → {_fmt(demo_out['loss_after_stated'])} with the notes' formula.",
        title="∂ŷ/∂z (sigmoid slope at the output)", quote=r"-\hat{y}_i(1 - \hat{y}_i)",
        ratio=True, demo=demo_out))
    label, s, d = wb["where_dz_dyh"]
    recs.append(_record(
        "where_dz_dyh", label, s, d,
        "Right: z_i is a weighted sum, so its slope with respect to one hidden activation is that "
        "activation's weight.", title="∂z/∂y_h (output weighted sum by a hidden activation)",
        quote=r"w_{h_{11}z_i}"))
    label, s, d = wb["where_dyh_dzh"]
    ratios = ", ".join(f"{1 / v:.3g}" for v in yh)
    recs.append(_record(
        "where_dyh_dzh", label, s, d,
        "Missing a factor: the sigmoid's slope is y_h(1 − y_h), the notes write 1 − y_h. The "
        "notes' factor is larger by 1/y_h (always > 1 because 0 < y_h < 1; at y_h = 0.5 twice "
        "as large, and without bound as y_h → 0), so every hidden-layer weight would move "
        "1/y_h times too far — the sign is kept, so alone it overshoots rather than climbs. On "
        f"the notes' MLP the hidden activations are {', '.join(f'{v:.3g}' for v in yh)}: the "
        f"hidden gradients would be {ratios} times too large.",
        title="∂y_h/∂z_h (sigmoid slope in the hidden layer)",
        quote=r"1 - \hat{y}_{h_{11}}", ratio=True, demo={"hidden_activations": yh}))
    label, s, d = wb["where_dzh_dw"]
    recs.append(_record(
        "where_dzh_dw", label, s, d,
        "Right: z_{h_{11}} = w_{x_1 h_{11}} x_1 + …, so its slope with respect to that weight "
        "is the input x_1.", title="∂z_h/∂w (hidden weighted sum by its weight)", quote="x_1"))

    # The where block put together: the hidden-weight gradient as the notes would compute it.
    terms_s, terms_d = [], []
    for k in (1, 2):
        yk, ytk = sym(rf"\hat{{y}}_{{{k}}}"), sym(f"y_{{{k}}}")
        wk = sym(f"w_{{h_{{11}} z_{{{k}}}}}")
        sub = {y_hat_i: yk, y_i: ytk, w_hz: wk}
        terms_s.append(sp.Mul(*(wb[key][1].xreplace(sub) for key in
                                ("where_dE_dy", "where_dy_dz", "where_dz_dyh"))))
        terms_d.append(sp.Mul(*(wb[key][2].xreplace(sub) for key in
                                ("where_dE_dy", "where_dy_dz", "where_dz_dyh"))))
    stated = sp.Add(*terms_s) * wb["where_dyh_dzh"][1] * wb["where_dzh_dw"][1]
    derived = sp.Add(*terms_d) * wb["where_dyh_dzh"][2] * wb["where_dzh_dw"][2]
    recs.append(_record(
        "where_block", _partial("E_{total}", "w_{x_1h_{11}}"), stated, derived,
        "The where block assembled into the notes' sum for a hidden weight: the two errors "
        "combine to −1/y_h times the true gradient — the wrong direction and too large. "
        "Following it, gradient descent climbs. One step (η = 0.5) on the notes' MLP: loss "
        f"{_fmt(demo_all['loss_before'])} → {_fmt(demo_all['loss_after_derived'])} derived, → "
        f"{_fmt(demo_all['loss_after_stated'])} with the notes' formulas.",
        title="The hidden-weight gradient from the where block", ratio=True, demo=demo_all,
        quote=r"\sum_i(\dots)\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}}"
              r"\frac{\partial z_{h_{11}}}{\partial w_{x_1h_{11}}}"))
    return recs


# --------------------------------------------------------------------- definitions and splits
def _definition_records() -> list[AuditRecord]:
    W1, W2, b = sym("W_{1}"), sym("W_{2}"), sym("b")
    X1, X2 = sym("X_{i1}"), sym("X_{i2}")
    z_stated = W1 * X1 + W2 * X2
    recs = [_record(
        "weighted_sum", "z_i", z_stated, z_stated + b,
        "A simplification, not an error: the notes' weighted sum has no bias b. Without it the "
        "boundary z = 0 always passes through the origin, so one neuron cannot separate classes "
        "split by a line that misses the origin. The dashboard's network adds b (set b = 0 to "
        "get the notes' neuron).", title="Weighted sum", severity="omission",
        quote=r"z_i = \sum_j W_j X_{ij}")]
    z_sum = sym("w_{1}") * sym("x_{i1}") + sym("w_{2}") * sym("x_{i2}")
    recs.append(_record(
        "sigmoid", r"y_i", 1 / (1 + sp.exp(-z_sum)), activation_expr("sigmoid", z_sum),
        "Right: the logistic sigmoid of the weighted sum; it squashes any z into (0, 1).",
        title="Sigmoid of the weighted sum",
        quote=r"y_i = \frac{1}{1 + e^{-\sum_j w_j x_{ij}}}"))
    y1, y2 = sym("y_{1}"), sym("y_{2}")
    yh1, yh2 = sym(r"\hat{y}_{1}"), sym(r"\hat{y}_{2}")
    half = sp.Rational(1, 2)
    recs.append(_record(
        "squared_error", "E_{total}", half * (y1 - yh1) ** 2 + half * (y2 - yh2) ** 2,
        loss_term("squared_error", yh1, y1) + loss_term("squared_error", yh2, y2),
        "Right: the squared error summed over the two output neurons; the ½ cancels the 2 from "
        "differentiating the square.", title="Squared error, 2 output neurons",
        quote=r"E_{total} = E_1 + E_2,\ E_1 = \frac{1}{2}(y_1 - \hat{y}_1)^2"))
    E = sp.Function("E_{total}")
    for key, w_name, title in (
            ("update_single", "w_{x_{1} z_{1}}", "Update rule, no hidden layer"),
            ("update_output", "w_{h_{11} z_{1}}", "Update rule, hidden → output weight"),
            ("update_hidden", "w_{x_{1} h_{11}}", "Update rule, input → hidden weight")):
        w = sym(w_name)
        grad = sp.Derivative(E(w), w)
        step = w - eta * grad
        # Descent: d/dη E(w − η ∂E/∂w) at η = 0 is −(∂E/∂w)², never positive.
        slope = sp.diff(E(step), eta).subs(eta, 0).doit()
        descends = sp.simplify(slope + grad ** 2) == 0
        rec = _record(
            key, w_name, step, step,
            "Right: gradient descent moves the weight against the slope. SymPy: the loss "
            "changes at rate d/dη E(w − η ∂E/∂w) = −(∂E/∂w)² ≤ 0 at η = 0, so a small enough "
            "step never increases the loss.", title=title, agrees=bool(descends),
            quote=rf"{w_name} \gets {w_name} - \eta\frac{{\partial E_{{total}}}}"
                  rf"{{\partial {w_name}}}",
            demo={"descent_rate_latex": _latex(slope)})
        # Derived is not the rule again but what SymPy derives of it: the loss falls along it.
        rec.derived_latex = (rf"{_latex(step)},\quad \left.\frac{{d}}{{d\eta}} E_{{total}}"
                             rf"\right|_{{\eta=0}} = {_latex(slope)} \leq 0")
        recs.append(rec)
    return recs


def _split_records() -> list[AuditRecord]:
    recs = []
    cases = (("single", (2, 2), ("sigmoid",), 1, "w_{x_1z_1}", "Chain rule, no hidden layer"),
             ("output", (2, 3, 2), ("sigmoid", "sigmoid"), 2, "w_{h_{11}z_1}",
              "Chain rule, hidden → output weight"))
    for name, sizes, acts, layer, w_latex, title in cases:
        rule = chain_rule(sizes, acts, "squared_error", layer, 0, 0, "weight")
        net = rule.net
        subs = net.full_subs()
        w = rule.param_symbol
        d_loss, d_act, d_in = (f.z_form.xreplace(subs) for f in rule.shared)
        y1_full = net.a_full[-1][0]
        stated1 = d_loss * sp.diff(y1_full, w)
        stated2 = d_act * d_in
        for n, (label, stated, derived, how) in enumerate((
                (_partial("E_{total}", w_latex), stated1, rule.gradient,
                 _partial("E_{total}", "y_1") + _partial("y_1", w_latex)),
                (_partial("y_1", w_latex), stated2, sp.diff(y1_full, w),
                 _partial("y_1", "z_1") + _partial("z_1", w_latex))), 1):
            rec = _record(
                f"chain_{name}_{n}", label, stated, derived,
                "Right: only ŷ_1 depends on this weight, so the chain has a single path; SymPy "
                "differentiates the whole composed error and the product of the factors, and "
                "they are identical. (The notes write y_1 for the prediction ŷ_1 here.)",
                title=f"{title}: {'first' if n == 1 else 'second'} split, through "
                      f"{'y₁' if n == 1 else 'z₁'}", quote=how)
            rec.stated_latex = _latex(abbreviate(stated, net))
            rec.derived_latex = _latex(abbreviate(derived, net))
            recs.append(rec)
    rule = chain_rule((2, 3, 2), ("sigmoid", "sigmoid"), "squared_error", 1, 0, 0, "weight")
    subs = rule.net.full_subs()
    paths = sp.Add(*(sp.Mul(*(f.z_form for f in p)) for p in rule.path_factors))
    stated = (paths * sp.Mul(*(f.z_form for f in rule.shared))).xreplace(subs)
    rec = _record(
        "chain_hidden", _partial("E_{total}", "w_{x_1h_{11}}"), stated, rule.gradient,
        "Right: a hidden weight reaches E_total through every output neuron, so the chain rule "
        "sums one product per output neuron, then multiplies by the hidden neuron's own factors. "
        "SymPy proves the sum of products equals the derivative of the whole composed error.",
        title="Chain rule, input → hidden weight (sum over output neurons)",
        quote=r"\sum_i\Big(\frac{\partial E_i}{\partial y_i}\frac{\partial y_i}{\partial z_i}"
              r"\frac{\partial z_i}{\partial y_{h_{11}}}\Big)\dots")
    rec.stated_latex = _latex(abbreviate(stated, rule.net))
    rec.derived_latex = _latex(abbreviate(rule.gradient, rule.net))
    recs.append(rec)
    return recs


# --------------------------------------------------------------------- prose
def _prose_records() -> list[AuditRecord]:
    z, w1, x1, w2, x2 = sym("z"), sym("w_{1}"), sym("x_{1}"), sym("w_{2}"), sym("x_{2}")
    wsum = w1 * x1 + w2 * x2
    E_i = loss_term("squared_error", y_hat_i, y_i)
    net = symbolic_network((2, 2), ("sigmoid",), "squared_error")
    y1_shared = activation_expr("sigmoid", wsum)
    recs = [
        _record("prose_f2_activation", "f_2", wsum, activation_expr("sigmoid", z),
                "The notes call f_2 “a logic gate or activation function”, but by their own "
                "formula y_i = f_1(f_2(x_i)) f_2 is the weighted sum; the activation function "
                "is f_1 (the sigmoid).", kind="prose", severity="notation", agrees=False,
                title="f_2 is the weighted sum, not the activation",
                quote=r"f_2" + _text(" is called as a logic gate or activation function")),
        _record("prose_f1_one", "f_1", sp.Integer(1), z,
                "“f_1 is 1 for weighted sum” means the identity f_1(z) = z (the output is the "
                "weighted sum itself, linear regression), not the constant 1, which would "
                "ignore the input.", kind="prose", severity="notation",
                title="f_1 “is 1”: the identity is meant",
                quote=r"f_1" + _text(" is ") + "1" + _text(" for weighted sum")),
        _record("prose_z_name", "z_i", wsum, wsum,
                "z_i is first called “the predicted output”, then the “input” for Neuron i. Once "
                "the sigmoid is added, z_i is the neuron's input (its weighted sum) and y_i = "
                "σ(z_i) its output.", kind="prose", severity="notation", agrees=False,
                title="z_i: predicted output or input?",
                quote=r"z_i" + _text(" is the predicted output")),
        _record("prose_y_meaning", _partial("E_i", "y_i"), sp.diff(E_i, y_i),
                sp.diff(E_i, y_hat_i),
                "y means the prediction in the background section (y_i = σ(z_i)) and the ground "
                "truth in the training section (ŷ is then the prediction), but the chain rule "
                "keeps writing ∂E/∂y_1 and ∂y_1/∂z_1 where the prediction ŷ_1 is meant. Taken "
                "literally (differentiating by the ground truth) the sign is opposite.",
                kind="prose", severity="notation",
                title="y: prediction or ground truth?", quote=r"\frac{\partial E_i}{\partial y_i}"),
        _record("prose_i_index", "i", z_i, z_i,
                "i indexes data points in z_i = Σ_j W_j X_ij, but output neurons in the "
                "hidden-layer sum Σ_i ∂E_i/∂y_i … (the sum runs over the output neurons of one "
                "data point).", kind="prose", severity="notation", agrees=False,
                title="i: data point or output neuron?", quote=r"\sum_i"),
        _record("prose_hidden_hat", "y_{h_{11}}", y_h_notes, y_h,
                "The where block writes the hidden activation as ŷ_{h_{11}}; the hat marks a "
                "prediction elsewhere, but a hidden neuron has no target to predict: it is "
                "y_{h_{11}}, the hidden layer's activation.", kind="prose", severity="notation",
                agrees=False, title="A hat on a hidden activation", quote=r"\hat{y}_{h_{11}}"),
        _record("prose_shared_weights", r"\hat{y}_1", y1_shared, net.a_full[-1][0],
                "ŷ_1 = σ(Σ_j w_j x_ij) gives the weights no output-neuron index; taken literally "
                "both output neurons share weights, so ŷ_1 = ŷ_2 always and two neurons could not "
                "tell three classes apart. Each output neuron needs its own weights w_{x_j z_1}, "
                "w_{x_j z_2}.", kind="prose", severity="notation", agrees=False,
                title="Output weights need a neuron index",
                quote=r"\hat{y}_1 = \frac{1}{1 + e^{-\sum_j w_j x_{ij}}}"),
        _record("prose_one_vs_all", "n_{neurons}", sp.Integer(2), sp.Integer(3),
                "“2 Neurons can classify 3 classes. This is called 1 vs All”: one-vs-all (one-"
                "vs-rest) uses one neuron per class (3 for 3 classes, the largest wins); 2 neurons "
                "for 3 classes is a different code, where the third class is “both say no” "
                "(nn_core's notes_2neuron encoding).", kind="prose", severity="notation",
                title="2 neurons for 3 classes is not one-vs-all",
                quote=_text("This is called as 1 vs All logical structure")),
    ]
    return recs


#: What each record quotes: the notes' own text, verbatim (a test checks each piece is in
#: the notes). LaTeX as the notes write it, alignment marks included; prose with its $…$.
_CHAIN_HIDDEN = (
    r"\frac{\partial E_{total}}{\partial w_{x_1h_{11}}} = \sum_{i}\bigg(\frac{\partial "
    r"E_i}{\partial y_i}\frac{\partial y_i}{\partial z_i}\frac{\partial z_i}{\partial "
    r"y_{h_{11}}}\bigg)\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}}\frac{\partial "
    r"z_{h_{11}}}{\partial w_{x_1h_{11}}}")
_WHERE_HIDDEN = r"\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}} & & = 1 - \hat{y}_{h_{11}}"
NOTES_QUOTES = {
    "weighted_sum": r"z_i = \sum_{j} W_{j}X_{ij}",
    "sigmoid": r"y_i & & = \frac{1}{1 + e^{-z_i}} \\ &&& = "
               r"\frac{1}{1 + e^{-\sum_{j} w_{j}x_{ij}}}",
    "squared_error": r"E_{total} = E_1 + E_2\\ E_1 = \frac{1}{2}(y_1 - \hat{y}_1)^2",
    "update_single": r"w_{x_1z_1} \gets w_{x_1z_1} - "
                     r"\eta\frac{\partial E_{total}}{\partial w_{x_1z_1}}",
    "update_output": r"w_{h_{11}z_1} \gets w_{h_{11}z_1} - "
                     r"\eta\frac{\partial E_{total}}{\partial w_{h_{11}z_1}}",
    "update_hidden": r"w_{x_1h_{11}} \gets w_{x_1h_{11}} - "
                     r"\eta\frac{\partial E_{total}}{\partial w_{x_1h_{11}}}",
    "chain_single_1": r"\frac{\partial E_{total}}{\partial w_{x_1z_1}} = "
                      r"\frac{\partial E_{total}}{\partial y_1}"
                      r"\frac{\partial y_1}{\partial w_{x_1z_1}}",
    "chain_single_2": r"\frac{\partial y_1}{\partial w_{x_1z_1}} = "
                      r"\frac{\partial y_1}{\partial z_1}\frac{\partial z_1}{\partial w_{x_1z_1}}",
    "chain_output_1": r"\frac{\partial E_{total}}{\partial w_{h_{11}z_1}} = "
                      r"\frac{\partial E_{total}}{\partial y_1}"
                      r"\frac{\partial y_1}{\partial w_{h_{11}z_1}}",
    "chain_output_2": r"\frac{\partial y_1}{\partial w_{h_{11}z_1}} = "
                      r"\frac{\partial y_1}{\partial z_1}"
                      r"\frac{\partial z_1}{\partial w_{h_{11}z_1}}",
    "chain_hidden": _CHAIN_HIDDEN,
    "where_dE_dy": r"\frac{\partial E_i}{\partial y_i} & & = -(y_i - \hat{y}_i)",
    "where_dy_dz": r"\frac{\partial y_i}{\partial z_i} & & = -\hat{y}_i(1 - \hat{y}_i)",
    "where_dz_dyh": r"\frac{\partial z_i}{\partial y_{h_{11}}} & & = w_{h_{11}z_i}",
    "where_dyh_dzh": _WHERE_HIDDEN,
    "where_dzh_dw": r"\frac{\partial z_{h_{11}}}{\partial w_{x_1h_{11}}} & & = x_1",
    "where_block": _CHAIN_HIDDEN,
    "prose_f2_activation": "$f_2$ is called as a logic gate or activation function",
    "prose_f1_one": "$f_1$ is $1$ for weighted sum",
    "prose_z_name": "$z_i$ is the predicted output … $z_i$ is “input” for Neuron $i$",
    "prose_y_meaning": "Now $y_i$ has become the predicted output instead of $z_i$ … where "
                       r"$y_1 \in \{0, 1\}$ is the ground truth",
    "prose_i_index": "where $i$ is the index of data point … "
                     r"\sum_{i}\bigg(\frac{\partial E_i}{\partial y_i}",
    "prose_hidden_hat": _WHERE_HIDDEN,
    "prose_shared_weights": r"\hat{y}_1 = \frac{1}{1 + e^{-\sum_{j} w_{j}x_{ij}}}",
    "prose_one_vs_all": "1 Neuron can classify 2 classes whereas 2 Neurons can classify 3 "
                        "classes. This is called as 1 vs All logical structure.",
}


def quote_parts(quote: str) -> list[tuple[str, str]]:
    """A record's quote as (kind, text) pieces: "prose" (Markdown with $…$ maths) or "latex"
    (a formula as the notes write it, alignment marks included)."""
    parts = []
    for piece in quote.split(" … "):
        is_prose = "$" in piece or "\\" not in piece
        parts.append(("prose" if is_prose else "latex", piece))
    return parts


def _words(rec: AuditRecord, label: str, stated: str, derived: str) -> None:
    """A record whose point is about words shows words (LaTeX), not a formula that says
    something else: what the notes call the thing, and what it is by their own formulas."""
    rec.label, rec.stated_latex, rec.derived_latex = label, stated, derived


def _word_records(recs: list[AuditRecord]) -> None:
    by = {r.key: r for r in recs}
    wsum = _latex(sym("w_{1}") * sym("x_{1}") + sym("w_{2}") * sym("x_{2}"))
    by_pred = _partial("E_i", r"\hat{y}_i") + " = " + _latex(sp.diff(
        loss_term("squared_error", y_hat_i, y_i), y_hat_i))
    by_truth = _partial("E_i", "y_i") + " = " + _latex(sp.diff(
        loss_term("squared_error", y_hat_i, y_i), y_i))
    _words(by["prose_f2_activation"], "f_2", _text("a logic gate or activation function"),
           wsum + _text(", the weighted sum (by ") + r"y_i = f_1(f_2(x_i))"
           + _text("; the activation is ") + "f_1" + _text(")"))
    _words(by["prose_z_name"], "z_i", _text("the predicted output"),
           _text("the neuron's input, its weighted sum ") + wsum + _text("; the output is ")
           + r"y_i = \sigma(z_i)")
    _words(by["prose_y_meaning"], "y_i",
           _text("the predicted output (background) and the ground truth (training)"),
           _text("the ground truth; the prediction is ") + r"\hat{y}_i" + _text(", so ")
           + by_pred + _text(" while ") + by_truth)
    _words(by["prose_i_index"], "i", _text("the index of data point"),
           _text("in ") + r"\sum_i \frac{\partial E_i}{\partial y_i}\cdots"
           + _text(" the output neuron (of one data point)"))
    _words(by["prose_hidden_hat"], _text("hidden activation"), _latex(y_h_notes),
           _latex(y_h) + _text(" (no hat: a hidden neuron has no target to predict)"))
    by["prose_f1_one"].label = "f_1(z)"


def _build_audit() -> list[AuditRecord]:
    recs = _definition_records() + _split_records() + _where_records() + _prose_records()
    for r in recs:
        r.quote = NOTES_QUOTES[r.key]
    _word_records(recs)
    return recs


@lru_cache(maxsize=1)
def _cached_audit() -> tuple[AuditRecord, ...]:
    return tuple(_build_audit())


def audit_notes() -> list[AuditRecord]:
    """One record per formula the notes state (and per prose inconsistency), in notes order:
    definitions, update rules, chain splits, the where block, then the prose. Cached."""
    return list(_cached_audit())


def audit_by_key() -> dict[str, AuditRecord]:
    return {r.key: r for r in _cached_audit()}


def check_against_nn_core(seed: int = 0) -> dict[str, float]:
    """Largest |difference| between the audit's derived sigmoid / squared error and nn_core's
    at random numbers (both should be ~1e-16)."""
    from nn_core import get_activation, get_loss

    rng = np.random.default_rng(seed)
    zv = rng.normal(0, 3, 50)
    zsym = sym("z")
    sig = sp.lambdify(zsym, activation_expr("sigmoid", zsym), "numpy")
    yh, yt = rng.uniform(0, 1, (50, 2)), rng.integers(0, 2, (50, 2)).astype(float)
    rec = audit_by_key()["squared_error"]
    syms = [sym("y_{1}"), sym("y_{2}"), sym(r"\hat{y}_{1}"), sym(r"\hat{y}_{2}")]
    se = sp.lambdify(syms, rec.derived, "numpy")
    return {
        "sigmoid": float(np.abs(sig(zv) - get_activation("sigmoid").output(zv)).max()),
        "squared_error": float(np.abs(se(yt[:, 0], yt[:, 1], yh[:, 0], yh[:, 1])
                                      - get_loss("squared_error").per_point(yh, yt)).max()),
    }
