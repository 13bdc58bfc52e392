"""The “The notes, checked” page: each formula the notes state beside the one SymPy derives, the
verdict, a counter-example, and what training with the stated formula does. Layout only: the
audit and the training runs are derivations'."""

import streamlit as st

from charts.training import loss_curves
from derivations import TRAINABLE
from derivations.notes import CASE_LABELS, CASES, MAX_COMPARISON_EPOCHS
from derivations.practice import as_text
from page_model.notes_checked import (
    NotesChecked,
    every_formula,
    fixed,
    formula_column,
    overview,
    verdict,
    verdict_column,
)
from page_model.worksheet import notes_worksheet
from ui import cached
from ui.answer_box import answer_box, get_progress
from ui.cached import chart, section
from ui.compute import notes_audit, notes_training
from ui.escape import plain
from ui.layout import closed_summary, columns, header, numbers_table, settings_box
from ui.lesson import next_page
from ui.page_state import Choice, Float, Int, Local, page_state
from ui.practice import HIDDEN, MODE_LABELS, MODES, practice_box, show_summary

notes_audit()  # the audit, once per server (a spinner on a server's first load)
FIXED = fixed()  # keys, names and symbols: built once per process
records, keys, by_key = FIXED["records"], FIXED["keys"], FIXED["by_key"]

STATE = page_state("notes", NotesChecked, lambda: {
    "rec": Choice("formula", keys, FIXED["titles"]),
    "case": Choice("network", CASES, CASE_LABELS),
    "epochs": Int("epochs", 50, MAX_COMPARISON_EPOCHS),
    "lr": Float("learning rate η", 0.1, 5.0),
    "mode": Choice("mode", MODES, MODE_LABELS), "more": Local(), "turn": Local(),
})
PRACTICE = "notes_progress"
# The derivatives a student can derive here (the "where" block's lines), and every name they
# use: in practice the legend lists them all, so it does not give one answer away.
DERIVABLE = FIXED["derivable"]
header("The notes, checked", "Training — the update rules, the chain rule and the “where” block",
       "Every formula the notes state, next to the one SymPy derives. Where they differ, a "
       "counter-example shows the two giving different numbers, and for the derivative lines "
       "a training run shows what using the notes' version would do.")

s = STATE.open()
with st.sidebar:
    mode = st.radio("mode", MODES, format_func=MODE_LABELS.get, key=s.key("mode"))
    practice = mode == "practice"
    st.subheader("Formula")
    key = st.selectbox("look closely at", keys, format_func=FIXED["titles"].get,
                       key=s.key("rec"))
    # Drawn only while open (each control costs every rerun); the page state keeps the values.
    more = settings_box(s, "Training run: network, epochs, η")
    with more:
        if more.open:
            case = st.radio("network", CASES, format_func=lambda c: CASE_LABELS.get(c, c),
                            key=s.key("case"))
            epochs = st.slider("epochs", 50, MAX_COMPARISON_EPOCHS, step=50,
                               key=s.key("epochs"))
            lr = st.slider("learning rate η", 0.1, 5.0, step=0.1, key=s.key("lr"))
        else:
            case, epochs, lr = s.clamped("case"), s.clamped("epochs"), s.clamped("lr")
    closed_summary(more, f"The training run: {CASE_LABELS.get(case, case)}, {int(epochs)} "
                         f"epochs, η = {lr:g}.")
    s.reset_button()
s.show_notices()
s.finish()
progress = get_progress(PRACTICE)


def hidden(k: str) -> bool:
    """In practice, a derivable line the student has neither answered nor been shown."""
    return practice and k in DERIVABLE and not progress.revealed(f"notes.{k}")


def hidden_keys() -> frozenset:
    return frozenset(k for k in DERIVABLE if hidden(k)) if practice else frozenset()


# The overview, replayed from the cache while nothing in it changes. In practice its slot is
# filled below, after this run's Check may have revealed a line.
if practice:
    table_slot = st.empty()
else:
    cached.dataframe(overview(), hide_index=True, width="stretch")
rec = by_key[key]
st.header(rec.title or rec.key)
f_col, n_col, c_col = columns()
if practice and key in DERIVABLE:
    with c_col:  # first, so a verdict from this run's Check reveals the columns beside it
        practice_box(f"notes.{key}", rec.label, rec.derived, FIXED["practice_symbols"],
                     progress_key=PRACTICE)
if practice:
    with table_slot:
        cached.dataframe(overview(hidden_keys()), hide_index=True, width="stretch")
concealed = hidden(key)
with f_col:
    st.markdown(formula_column(key, concealed))
with n_col:
    if concealed:
        st.info(HIDDEN)
    else:
        st.markdown(verdict_column(key))
        if rec.counterexample:
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
    if key in DERIVABLE and not practice:  # drawn only while open
        turn = st.expander("Your turn: derive this line", key=s.key("turn"),
                           on_change="rerun", icon=":material/edit:")
        with turn:
            if turn.open:
                answer_box(f"notes.{key}", rec.label, rec.derived, FIXED["typed"][key],
                           progress_key="notes_progress")
    else:
        s.clamped("turn")  # no box this run: its key must not outlive it (PageRun.clamped)

st.download_button(
    "Download this derivation", key="notes_download", on_click="ignore", disabled=concealed,
    data=lambda: notes_worksheet(rec, verdict(rec), run,  # written when clicked
                         f"The notes' network with {CASE_LABELS.get(case, case)}, {int(epochs)} "
                         f"epochs at η = {lr:g}, trained once as derived and once as the notes "
                         "state it (same start, same data)."),
    file_name=f"notes-checked-{key}.md", mime="text/markdown", icon=":material/download:",
    help="Markdown with LaTeX: the notes' words, as stated, as derived, the verdict, the "
    "counter-example's numbers and the training run, for a worksheet.")

# One element for the heading and all the cards: fixed text, HTML only for the cards' borders
# and columns; replayed from the cache (Streamlit would re-read the long text on every rerun).
every = hidden_keys()
section("notes_every", every, lambda: st.markdown(
    "## Every formula, stated beside derived\n\n" + every_formula(every),
    unsafe_allow_html=True))

if practice:
    show_summary([(f"notes.{k}", as_text(by_key[k].label)) for k in DERIVABLE],
                 progress_key=PRACTICE,
                 title="The notes, checked: practice",
                 about="Each derivative of the notes' “where” block, derived by the student "
                       "before the page shows SymPy's.", file_stem="notes-practice")

next_page("views/notes_checked.py")
