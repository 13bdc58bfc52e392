"""The “Backprop, step by step” page: the chain rule for one weight, factor by factor, each checked
against nn_core and finite differences, ending with the update. Layout only: the numbers are
derivations.step_through's (SymPy + nn_core), the diagram charts.network's."""

import streamlit as st

from charts.network import network_diagram
from derivations.formulas import paths_total
from derivations.notes import CASE_LABELS, CASES
from derivations.practice import typed_symbols_of
from page_model.backprop import (
    Backprop,
    flat_params,
    highlight,
    layer_starts,
    names_of,
    new_seed,
    param_inputs,
    practice_parts,
    with_params,
)
from page_model.summaries import weights_summary
from page_model.verdicts import factor_check, loss_change
from page_model.worksheet import (
    backprop_worksheet,
    factor_numbers_latex,
    factor_rows,
    gradient_latex,
    update_rows,
    update_rule_latex,
)
from ui.answer_box import answer_box, get_progress
from ui.cached import chart, section
from ui.compute import backprop_check, backprop_rule, backprop_step, notes_start, notes_target
from ui.escape import plain
from ui.layout import closed_summary, columns, header, numbers_table, settings_box
from ui.lesson import next_page
from ui.page_state import Bool, Choice, Float, Floats, Int, Local, bounded, page_state, said
from ui.practice import HIDDEN, MODE_LABELS, MODES, practice_box, show_summary

WEIGHT_LIMIT = 10.0
PRACTICE = "bp_practice"  # the practice answers' progress (session state key)
STATE = page_state("bp", Backprop, lambda: {
    "case": Choice("case", CASES, CASE_LABELS), "seed": Int("seed", 0, 999),
    "hand": Bool("weights set by hand"),
    "wts": Floats("hand-set weights", -WEIGHT_LIMIT, WEIGHT_LIMIT, max_len=64),
    "x1": Float("x₁", -3.0, 3.0), "x2": Float("x₂", -3.0, 3.0),
    "cls": Choice("class of the point", (0, 1, 2)),
    "layer": Int("layer of weights", 1, 2), "param": Choice("weight or bias", ("weight", "bias")),
    "i": Int("from neuron i", 0, 9), "j": Int("to neuron j", 0, 9),
    "lr": Float("learning rate η", 0.05, 5.0), "step": Int("step", 0, 99),
    "mode": Choice("mode", MODES, MODE_LABELS), "more": Local(), "turn": Local(),
})


header("Backprop, step by step", "Training — the chain rule for each layer of weights",
       "Walk through ∂E/∂w for one weight, a chain-rule factor at a time: each derived by "
       "SymPy, shown with the live numbers and checked against the NumPy network (path by path "
       "below the output layer). The last step applies the update and shows the new loss.",
       quote=r"$\frac{\partial E_{total}}{\partial w_{x_1h_{11}}} = \sum_{i}\bigg(\frac{\partial "
            r"E_i}{\partial y_i}\frac{\partial y_i}{\partial z_i}\frac{\partial z_i}{\partial "
            r"y_{h_{11}}}\bigg)\frac{\partial y_{h_{11}}}{\partial z_{h_{11}}}\frac{\partial "
            r"z_{h_{11}}}{\partial w_{x_1h_{11}}}$")

s = STATE.open()
with st.sidebar:
    mode = st.radio("mode", MODES, format_func=MODE_LABELS.get, key=s.key("mode"))
    practice = mode == "practice"
    # Your own numbers: practice opened without a seed in the link draws one for this student
    # (written to the link, so the same link reproduces the exercise).
    if practice and "seed" not in s.from_link and (s.changed("mode") or "mode" in s.from_link):
        st.session_state[s.key("seed")] = new_seed()
    if practice:
        st.caption("For a class: a link with mode=practice and no seed gives each student "
                   "their own numbers; with a seed, everyone gets the same exercise.")
        st.button("New numbers", key="bp_new_seed", on_click=STATE.update,
                  kwargs={"seed": new_seed(), "step": 0}, icon=":material/casino:",
                  help="A new seed: new weights and a new data point, the same exercise.")
    # The network, the data point and η change less often than the weight: drawn only while
    # their box is open (each control costs every rerun); the page state keeps their values.
    more = settings_box(s, "Network, data point, learning rate")
    with more:
        if more.open:
            case = st.radio("the notes' case", CASES, format_func=CASE_LABELS.get,
                            key=s.key("case"))
            seed = st.number_input("seed", step=1, **s.number("seed"),
                                   help="Draws the network's weights (and, in practice, the "
                                        "data point): the same seed gives the same numbers.")
            s.said("seed")
        else:
            case, seed = s.clamped("case"), s.clamped("seed")
    start = notes_start(case, int(seed))
    sizes = tuple(start.net.sizes)
    if practice:
        for name, value in (("x1", float(start.x[0])), ("x2", float(start.x[1])),
                            ("cls", start.label)):
            st.session_state[s.key(name)] = value  # the seed's data point
        by_hand = False
        s.set(hand=False)
    with more:
        if more.open and not practice:
            by_hand = st.toggle("set every weight by hand", key=s.key("hand"))
        elif not practice:
            by_hand = s.clamped("hand")
        if practice:
            x1, x2, label = s["x1"], s["x2"], s["cls"]
        elif more.open:
            st.markdown("**Data point**")
            x1 = st.slider("x₁", -3.0, 3.0, step=0.01, key=s.key("x1"))
            x2 = st.slider("x₂", -3.0, 3.0, step=0.01, key=s.key("x2"))
            label = st.radio("its class (target in the notes' 2-neuron code)", [0, 1, 2],
                             horizontal=True, key=s.key("cls"))
        else:
            x1, x2, label = (s.clamped(n) for n in ("x1", "x2", "cls"))
        if more.open:
            lr = st.slider("learning rate η", 0.05, 5.0, step=0.05, key=s.key("lr"))
        else:
            lr = s.clamped("lr")

net = start.net
if by_hand:
    # The hand-set weights travel in the link as one list: W¹ row by row, b¹, W², b², …
    count = net.n_params
    flat = list(s["wts"])
    if len(flat) != count:
        if flat and "wts" in s.from_link:
            s.notice(f"The link's hand-set weights were not {count} numbers for this network, "
                     "so the page starts from the seed's weights.")
        flat = flat_params(net)
    with st.sidebar.expander("Weights and biases", expanded=True):
        starts = layer_starts(net)
        new_flat = []
        for k, (label_k, suffix) in enumerate(param_inputs(net)):
            if k in starts:
                st.markdown(f"**Layer {starts[k]}**")
            key = f"bp.{case}.{suffix}"
            if key not in st.session_state or "wts" in s.from_link:
                st.session_state[key] = float(flat[k])
            new_flat.append(st.number_input(
                label_k, step=0.1, format="%.3f",
                **bounded(key, -WEIGHT_LIMIT, WEIGHT_LIMIT, label_k)))
            said(key)
    net = with_params(net, new_flat)
    s.set(wts=tuple(flat_params(net)))

with st.sidebar:
    if practice:
        st.caption(f"Drawn by the seed: x = ({x1:g}, {x2:g}), class {label}.")
    point_now = "" if practice else f"; x = ({x1:g}, {x2:g}), class {label}"
    closed_summary(more, f"{CASE_LABELS[case]}, seed {int(seed)}"
                         f"{', weights set by hand' if by_hand else ''}{point_now}; η = {lr:g}.",
                   heading="Which parameter")
    n_layers = len(sizes) - 1
    # Choices that another control took away (a layer after "no hidden layer", a neuron past
    # the layer's last) are pulled back quietly.
    layers = list(range(1, n_layers + 1))
    layer = st.radio("layer of weights", layers, horizontal=True,
                     format_func=lambda v: "output layer" if v == n_layers else
                     f"hidden layer {v}", key=s.key("layer", choices=layers))
    param = st.radio("weight or bias", ["weight", "bias"], horizontal=True, key=s.key("param"))
    n_in, n_out = sizes[layer - 1], sizes[layer]
    if param == "weight":  # a bias has no "from" neuron
        i = st.radio("from neuron i", list(range(n_in)), horizontal=True,
                     format_func=lambda v: str(v + 1), key=s.key("i", choices=range(n_in)))
    else:
        i = 0
        s.set(i=0)
    j = st.radio("to neuron j", list(range(n_out)), horizontal=True,
                 format_func=lambda v: str(v + 1), key=s.key("j", choices=range(n_out)))
    s.reset_button()

x = (float(x1), float(x2))
y = notes_target(int(label))
# What the step-through is computed from: it keys the numbers drawn from it (section below).
step_args = (tuple(map(tuple, (w.tolist() for w in net.weights))),
             tuple(tuple(b.tolist()) for b in net.biases), x, y, int(layer), int(i), int(j),
             param, float(lr))
try:
    result = backprop_step(*step_args)
except ValueError as err:
    s.show_notices()
    s.finish()
    st.error(f"This step-through cannot be built: {plain(err)}")
    st.stop()
rule = backprop_rule(sizes, int(layer), int(i), int(j), param)
whole = backprop_check(result)
n_steps = len(result.terms) + 1  # every factor, then the update

# The step: buttons move it; a new weight starts at its first factor.
if (case, layer, param, i, j) != (s.start.case, s.start.layer, s.start.param, s.start.i,
                                  s.start.j):
    s.set(step=0)
step = min(max(int(s["step"]), 0), n_steps - 1)
if step != s["step"] and "step" in s.from_link:
    s.notice(f"The link's step ({s['step'] + 1}) is past the last step of this weight "
             f"({n_steps}), so the page shows the last step.")
s.set(step=step)
# No widget shows the step, but its key holds the last value the buttons set: keep the two
# together, or a later rerun would bring back the step from before a new weight was chosen.
if st.session_state.get(STATE.widget_key("step")) != step:
    st.session_state[STATE.widget_key("step")] = step
s.show_notices()
s.finish()  # before the step-through: its own reruns read (and write) the stored settings
point = f"x = ({x1:g}, {x2:g}), class {label}"
if practice:
    prefix = f"bp.practice.{case}.{int(seed)}.{layer}.{i}.{j}.{param}"
    parts = practice_parts(rule, net, x, y, prefix)
    progress = get_progress(PRACTICE)
setting = (f"The notes' network with {CASE_LABELS[case]}, seed {seed}"
           f"{', weights set by hand' if by_hand else ''}; data point {point};"
           f" learning rate η = {lr:g}.")
params = flat_params(net)


def factor_numbers(step: int) -> None:
    """A factor's numbers, its check against the network and (explore mode) the whole ∂E/∂w's:
    elements only, drawn from the step-through alone (``ui.cached.section``; the tables
    drawn directly, a cached table nested in a section would be replayed elsewhere)."""
    term = result.terms[step]
    st.markdown(f"**With the numbers**\n\n$$\n{factor_numbers_latex(term)}\n$$")
    check = factor_check(term.value, term.check_value, term.kind, term.check_source)
    (st.success if check.ok else st.error)(check.text)
    numbers_table(factor_rows(term), replayed=False)
    if not practice:  # in practice the whole gradient is the last part's answer
        st.caption(f"The whole ∂E/∂w this chain builds: {whole.text}")
    if result.paths and term.path is None and step == len(result.terms) - len(rule.shared):
        numbers_table([(f"path via output {pa.k + 1}", pa.product) for pa in result.paths]
                      + [("sum over paths", paths_total(result))], replayed=False)


def update_numbers() -> None:
    """The update's numbers, the whole gradient's check and the new loss (as factor_numbers)."""
    st.markdown(f"**With the numbers**\n\n$$\n{result.update_latex}\n$$")
    numbers_table(update_rows(result), replayed=False)
    {True: st.success, False: st.error, None: st.warning}[whole.ok](whole.text)
    st.markdown(f"One step on this weight alone: "
                f"{loss_change(result.old_loss, result.new_loss)}.")
    for note in result.notes:
        st.warning(note)


def step_through() -> None:
    """The buttons, the chain and this step's factor. In explore mode a fragment: Next,
    Previous and the answer box rerun only this part (the rest of the page has not changed);
    the step comes from the stored settings, which the buttons' callbacks set."""
    step = min(max(int(STATE.get().step), 0), n_steps - 1)
    STATE.write_link()  # a fragment's rerun: the page's finish did not run
    # One row container (a block for each of five columns cost ~0.5 ms per rerun).
    row = st.container(horizontal=True, vertical_alignment="center")
    # Each button sets the step it shows (not ±1), so a click replayed after a rerun is harmless.
    row.button("◀ Previous", on_click=STATE.update, kwargs={"step": max(step - 1, 0)},
               key="bp_prev", disabled=step == 0)
    row.button("Next ▶", on_click=STATE.update, kwargs={"step": min(step + 1, n_steps - 1)},
               key="bp_next", disabled=step == n_steps - 1)
    row.button("⟲ Restart", on_click=STATE.update, kwargs={"step": 0}, key="bp_restart")
    row.progress((step + 1) / n_steps, text=f"Step {step + 1} of {n_steps}")
    done_all = practice and all(progress.revealed(p.key) for p in parts)
    row.download_button(
        "Download this derivation", key="bp_download", on_click="ignore",
        # Written when clicked (off the script thread), not on every rerun.
        data=lambda: backprop_worksheet(result, setting, whole.text),
        file_name=f"backprop-{case}-layer{layer}-{param}-{i + 1}-{j + 1}.md",
        mime="text/markdown", icon=":material/download:", disabled=practice and not done_all,
        help="Markdown with LaTeX: the chain, every factor with its "
        "numbers and check, the path sum, the update and the new loss, for a worksheet."
        + (" In practice mode: once every part is answered or shown." if practice else ""))

    st.latex(result.chain_latex)
    if practice:  # filled below, once the whole formula is answered or shown
        gradient_slot = st.empty()
    elif step == n_steps - 1:
        st.latex(gradient_latex(result))
    f_col, n_col, c_col = columns()
    shown = True  # explore mode: everything; practice: what the student has answered or shown
    if practice:
        symbols = typed_symbols_of(rule.net)
        with c_col:  # drawn first, so a verdict from this run's Check reveals the columns beside
            for part in (p for p in parts if p.step == step):
                number = part.kind == "number"
                what = part.words.split(": ", 1)[1] if part.kind != "factor" else ""
                if what:
                    st.markdown(f"**{what.capitalize()}**")
                practice_box(part.key, part.label, part.expected, symbols, progress_key=PRACTICE,
                             placeholder="e.g. 0.0123" if number else "e.g. yhat1*(1 - yhat1)",
                             **part.judge_kwargs(rule.net))
        revealed_parts = {p.kind: progress.revealed(p.key) for p in parts if p.step == step}
        shown = all(revealed_parts.values())
    if practice and step == n_steps - 1 and revealed_parts.get("whole"):
        gradient_slot.latex(gradient_latex(result))
    if step < n_steps - 1:
        term = result.terms[step]
        factor = rule.factors[step]
        k = result.paths[term.path].k if term.path is not None else None
        lit = highlight(layer, i, j, param, term, factor, result.paths)
        with f_col:
            # Compact headings: at 1280×720 the factor, its numbers and its check fit the screen.
            if shown:  # one element: the heading and the formula (as st.latex draws it)
                st.markdown(f"**This factor:** ${term.symbol_latex}$, derived by SymPy:\n\n"
                            f"$$\n{term.symbol_latex} = {term.general_latex}\n$$")
            else:
                st.markdown(f"**This factor:** ${term.symbol_latex}$ — your turn to derive it.")
            if term.path is not None:
                st.info(f"Path {term.path + 1} of {len(result.paths)}: through output neuron "
                        f"{k + 1}. The running product restarts on each path; the paths are then "
                        "added.")
            elif result.paths:
                st.info("Shared factor: it multiplies the sum over the paths.")
        with n_col:
            if shown:  # the step-through's numbers alone: replayed while they stay the same
                section("bp.factor", (step_args, step, practice), lambda: factor_numbers(step))
            else:
                st.info(HIDDEN)
        with c_col:
            chart("bp_diagram", (params, x, lit),
                  lambda: network_diagram(net, net.forward_pass([x]), 0, lit, wire=True),
                  summary=lambda: weights_summary(net.weights))
            if not practice:  # drawn only while open; it stays open from step to step
                turn_key = STATE.widget_key("turn")
                if turn_key not in st.session_state:  # not drawn on the step before
                    st.session_state[turn_key] = STATE.get().turn
                turn = st.expander("Your turn: derive this factor", key=turn_key,
                                   on_change="rerun", icon=":material/edit:")
                STATE.keep(turn=bool(turn.open))  # opened in the fragment: kept for a return
                with turn:
                    if turn.open:
                        answer_box(f"bp.{case}.{layer}.{i}.{j}.{param}.{step}",
                                   term.symbol_latex, factor.general, names_of(factor.general),
                                   progress_key="bp_progress")
    else:
        # No answer box on this step: its key must not outlive it (see PageRun.clamped).
        st.session_state.pop(STATE.widget_key("turn"), None)
        with f_col:
            st.markdown(f"**The update**\n\n$$\n{update_rule_latex(result)}\n$$")
        with n_col:
            if shown:
                section("bp.update", step_args, update_numbers)
            else:
                st.info(HIDDEN)
        with c_col:
            lit = highlight(layer, i, j, param)
            chart("bp_diagram", (params, x, lit),
                  lambda: network_diagram(net, net.forward_pass([x]), 0, lit, wire=True),
                  summary=lambda: weights_summary(net.weights))


# Practice: a Check or Show me changes the summary below, so the whole page reruns.
(step_through if practice else st.fragment(step_through))()

if practice:
    show_summary([(p.key, p.words) for p in parts], progress_key=PRACTICE,
                 title="Backprop practice: the chain rule for one weight",
                 about=f"The notes' network with {CASE_LABELS[case]}, seed {int(seed)}; data "
                       f"point {point}; the {param} of layer {layer}"
                       f"{f', from neuron {i + 1}' if param == 'weight' else ''} to neuron "
                       f"{j + 1}.",
                 file_stem=f"backprop-practice-{case}-seed{int(seed)}")

next_page("views/backprop_steps.py")
