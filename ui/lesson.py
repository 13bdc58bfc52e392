"""The lesson order: the pages in the order the notes take them, one line each on what they
teach. Home lists them; every page ends with a link to the next one.

A new page goes into ``LESSON`` at its place in the notes (and into app.py's navigation).
"""

from __future__ import annotations

import streamlit as st

from ui import navigation

#: (page file, title as in the navigation, one line of what it teaches), in the notes' order
LESSON: tuple[tuple[str, str, str], ...] = (
    ("views/neuron.py", "The neuron",
     "A weighted sum is linear regression; add the sigmoid for logistic regression and a "
     "threshold for a classifier."),
    ("views/one_vs_all.py", "One vs all",
     "The notes' two neurons for three classes beside one-vs-rest and softmax, and where the "
     "code is ambiguous."),
    ("views/hidden_layers.py", "Hidden layers",
     "The forward pass of a small network: every weighted sum and activation on the diagram."),
    ("views/gradient_descent.py", "Gradient descent",
     "The update rule w ← w − η ∂E/∂w on the loss curve, with a learning rate too small, good "
     "or too large."),
    ("views/backprop_steps.py", "Backprop, step by step",
     "The chain rule for one weight, factor by factor, each checked against the network."),
    ("views/notes_checked.py", "The notes, checked",
     "Each derivative the notes state beside the derived one, and training with each."),
    ("views/playground.py", "Training playground",
     "Pick data and a network, press Play and watch it learn; share the trained moment."),
    # "to be continued… (RNN and LSTM)": the notes' own next step
    ("views/rnn_unrolled.py", "Unrolled through time",
     "A recurrent network drawn out over time: the same weights at every step, the forward "
     "pass step by step."),
    ("views/rnn_bptt.py", "Backprop through time, step by step",
     "The gradient of a shared weight as a sum over time steps, path by path, each factor "
     "checked against the network."),
    ("views/rnn_gradients.py", "Vanishing and exploding gradients",
     "How far back the gradient reaches in a tanh RNN, against the LSTM's cell path, and what "
     "clipping changes."),
    ("views/lstm_cell.py", "The LSTM cell",
     "The gates as filters, step by step, and a published worked example reproduced."),
    ("views/sequence_playground.py", "A sequence playground",
     "An RNN and an LSTM trained live on the same sequence task."),
)


def _link(path: str, label: str, icon: str | None = None) -> None:
    """A link to the page file ``path``: the page app.py built (ui.navigation: no file-system
    call), or, for a page file run on its own (the tests, the bench: no navigation, so no page
    to link), the label as text."""
    built = navigation.page(path)
    if built is None:
        st.markdown(f"**{label}**")
        return
    # icon "" (none), not the page's own: the link looks as it always did
    st.page_link(built, label=label, icon=icon or "")


def lesson_links() -> None:
    """Every page as a link, in the lesson's order, with its one line (Home)."""
    for number, (path, title, what) in enumerate(LESSON, start=1):
        _link(path, f"{number}. {title}")
        st.caption(what)


def next_page(current: str) -> None:
    """"Next: …" at the end of the page ``current`` (its file, e.g. "views/neuron.py"), under a
    rule (ui.layout's style draws it above the page's last link: no divider element)."""
    paths = [path for path, _, _ in LESSON]
    if current in paths and paths.index(current) == len(paths) - 1:
        _link("views/home.py", "Back to the start: every page in order", ":material/home:")
        return
    # Home (not a lesson page itself) leads to the first page.
    path, title, what = LESSON[paths.index(current) + 1 if current in paths else 0]
    _link(path, f"Next: {title}", ":material/arrow_forward:")
    st.caption(what)
