"""The “The notes, checked” page: each formula the notes state beside the one SymPy derives, the
verdict, a counter-example, and what training with the stated formula does. Layout only: the
audit and the training runs are derivations'."""

from dataclasses import dataclass

import streamlit as st

from charts.training import loss_curves
from derivations import TRAINABLE
from derivations.audit import quote_parts
from derivations.formulas import typed_symbols
from derivations.notes import CASE_LABELS, CASES, MAX_COMPARISON_EPOCHS
from derivations.practice import as_text
from page_model.numbers import fmt_latex
from page_model.worksheet import notes_worksheet
from ui.answer_box import answer_box, get_progress
from ui.cached import chart
from ui.compute import notes_audit, notes_training
from ui.escape import plain
from ui.layout import columns, header, numbers_table
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, PageState
from ui.practice import HIDDEN, MODE_LABELS, MODES, practice_box, show_summary

VERDICTS = {"ok": "✓ agrees", "error": "✗ wrong", "omission": "⚠ leaves something out",
            "notation": "✎ notation"}


@dataclass(frozen=True)
class NotesChecked:
    rec: str = "where_dy_dz"
    case: str = "mlp"
    epochs: int = 200
    lr: float = 0.5
    mode: str = "explore"  # "practice": a derivative's derivation hidden until answered


records = notes_audit()
keys = [r.key for r in records]
by_key = {r.key: r for r in records}

STATE = PageState("notes", NotesChecked, {
    "rec": Choice("formula", tuple(keys), {r.key: r.title or r.key for r in records}),
    "case": Choice("network", CASES, CASE_LABELS),
    "epochs": Int("epochs", 50, MAX_COMPARISON_EPOCHS),
    "lr": Float("learning rate η", 0.1, 5.0),
    "mode": Choice("mode", MODES, MODE_LABELS),
})
PRACTICE = "notes_progress"
# The derivatives a student can derive here (the "where" block's lines), and every name they
# use: in practice the legend lists them all, so it does not give one answer away.
DERIVABLE = [k for k in keys if k.startswith("where_") and k != "where_block"]
PRACTICE_SYMBOLS = {name: sym for k in DERIVABLE
                    for name, sym in typed_symbols(by_key[k].derived * by_key[k].stated).items()}
header("The notes, checked", "Training — the update rules, the chain rule and the “where” block",
       "Every formula the notes state, next to the one SymPy derives. Where they differ, a "
       "counter-example shows the two giving different numbers, and for the derivative lines "
       "a training run shows what using the notes' version would do.")

s = STATE.open()
with st.sidebar:
    mode = st.radio("mode", MODES, format_func=MODE_LABELS.get, key=s.key("mode"))
    practice = mode == "practice"
    st.subheader("Formula")
    key = st.selectbox("look closely at", keys, format_func=lambda k: by_key[k].title or k,
                       key=s.key("rec"))
    st.subheader("Training run")
    case = st.radio("network", CASES, format_func=lambda c: CASE_LABELS.get(c, c),
                    key=s.key("case"))
    epochs = st.slider("epochs", 50, MAX_COMPARISON_EPOCHS, step=50, key=s.key("epochs"))
    lr = st.slider("learning rate η", 0.1, 5.0, step=0.1, key=s.key("lr"))
    s.reset_button()
s.show_notices()
s.finish()
progress = get_progress(PRACTICE)


def hidden(k: str) -> bool:
    """In practice, a derivable line the student has neither answered nor been shown."""
    return practice and k in DERIVABLE and not progress.revealed(f"notes.{k}")


table_slot = st.empty()  # filled below, after this run's Check may have revealed a line
rec = by_key[key]
st.header(rec.title or rec.key)
f_col, n_col, c_col = columns()
if practice and key in DERIVABLE:
    with c_col:  # first, so a verdict from this run's Check reveals the columns beside it
        practice_box(f"notes.{key}", rec.label, rec.derived, PRACTICE_SYMBOLS,
                     progress_key=PRACTICE)
table_slot.dataframe({"formula": [r.title or r.key for r in records],
                      "verdict": ["? (practice: derive it first)" if hidden(r.key)
                                  else VERDICTS.get(r.severity, r.severity) for r in records],
                      "kind": [r.kind for r in records]}, hide_index=True, width="stretch")
concealed = hidden(key)
with f_col:
    if rec.quote:
        st.markdown("*The notes write:*")
        for kind, piece in quote_parts(rec.quote):  # verbatim: the notes' own text
            if kind == "prose":
                st.markdown(f"> {piece}")
            else:
                st.latex(rf"\begin{{aligned}} {piece} \end{{aligned}}")
    st.markdown("**As stated**")
    st.latex(f"{rec.label} = {rec.stated_latex}")
    if concealed:
        st.markdown("**As derived by SymPy:** your turn first — is the notes' line right?")
    else:
        st.markdown("**As derived by SymPy**")
        st.latex(f"{rec.label} = {rec.derived_latex}")
        if rec.ratio_latex:
            st.markdown("**Stated ÷ derived**")
            st.latex(rec.ratio_latex)
with n_col:
    if concealed:
        st.info(HIDDEN)
    else:
        st.markdown(f"**Verdict:** {VERDICTS.get(rec.severity, rec.severity)}")
        st.markdown(rec.consequence)
        if rec.counterexample:
            st.markdown("**Counter-example** (the two sides at these numbers):")
            at_point = {k: v for k, v in rec.counterexample.items()
                        if k not in ("stated_value", "derived_value")}
            if at_point:
                st.latex(r",\; ".join(f"{k} = {fmt_latex(v)}" for k, v in at_point.items()))
            sides = rec.counterexample
            numbers_table([("stated gives", sides.get("stated_value", float("nan"))),
                           ("derived gives", sides.get("derived_value", float("nan")))])
run = None
with c_col:
    if concealed:
        pass  # the training run shows what the notes' line does: after the student's answer
    elif key in TRAINABLE:
        try:
            run = notes_training(key, case, int(epochs), float(lr))
        except ValueError as err:
            st.warning(plain(err))
        else:
            chart("notes_run", (key, case, int(epochs), float(lr)), lambda: loss_curves(
                {"as derived": run.derived_loss, "as the notes state it": run.stated_loss},
                title="Training loss: same start, same data", log_y=False))
            numbers_table([("loss at the start", run.derived_loss[0]),
                           ("after training, as derived", run.derived_loss[-1]),
                           ("after training, as stated", run.stated_loss[-1])])
    else:
        st.caption("This line is not a derivative used in training, so there is no training "
                   "run to compare; the verdict and the counter-example say what it means.")
    if key in DERIVABLE and not practice:
        answer_box(f"notes.{key}", rec.label, rec.derived, typed_symbols(rec.derived),
                   progress_key="notes_progress")

st.download_button(
    "Download this derivation", key="notes_download", on_click="ignore", disabled=concealed,
    data=notes_worksheet(rec, VERDICTS.get(rec.severity, rec.severity), run,
                         f"The notes' network with {CASE_LABELS.get(case, case)}, {int(epochs)} "
                         f"epochs at η = {lr:g}, trained once as derived and once as the notes "
                         "state it (same start, same data)."),
    file_name=f"notes-checked-{key}.md", mime="text/markdown", icon=":material/download:",
    help="Markdown with LaTeX: the notes' words, as stated, as derived, the verdict, the "
    "counter-example's numbers and the training run, for a worksheet.")

st.header("Every formula, stated beside derived")
for r in records:
    with st.container(border=True):
        verdict = "? (practice: derive it first)" if hidden(r.key) else VERDICTS.get(
            r.severity, r.severity)
        st.markdown(f"**{r.title or r.key}** — {verdict}")
        left, right = st.columns(2)
        with left:
            st.caption("as the notes state it")
            st.latex(f"{r.label} = {r.stated_latex}")
        with right:
            st.caption("as derived")
            if hidden(r.key):
                st.caption("hidden until you answer it (practice)")
            else:
                st.latex(f"{r.label} = {r.derived_latex}")

if practice:
    show_summary([(f"notes.{k}", as_text(by_key[k].label)) for k in DERIVABLE],
                 progress_key=PRACTICE,
                 title="The notes, checked: practice",
                 about="Each derivative of the notes' “where” block, derived by the student "
                       "before the page shows SymPy's.", file_stem="notes-practice")

next_page("views/notes_checked.py")
