"""app.py: the navigation reaches every walkthrough page, and each runs without an exception."""

from app_helpers import ROOT, page_title
from streamlit.testing.v1 import AppTest

PAGES = ["views/home.py", "views/neuron.py", "views/one_vs_all.py", "views/hidden_layers.py",
         "views/gradient_descent.py", "views/backprop_steps.py", "views/notes_checked.py",
         "views/rnn_unrolled.py", "views/rnn_bptt.py", "views/rnn_gradients.py",
         "views/lstm_cell.py", "views/sequence_playground.py"]


def test_home_then_every_page():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.query_params["epochs"] = "50"  # keep the training pages quick
    at.run()
    assert not at.exception
    assert page_title(at) == "How a neural network learns"
    titles = []
    for path in PAGES[1:]:
        at.switch_page(path).run()
        assert not at.exception, (path, [e.value for e in at.exception])
        titles.append(page_title(at))
    assert titles == ["The neuron", "One vs all", "Hidden layers", "Gradient descent",
                      "Backprop, step by step", "The notes, checked", "Unrolled through time",
                      "Backprop through time, step by step",
                      "Vanishing and exploding gradients", "The LSTM cell",
                      "A sequence playground"]


def test_every_page_file_is_in_the_navigation():
    text = (ROOT / "app.py").read_text()
    for path in PAGES:
        assert f'"{path}"' in text


def test_lesson_order_lists_every_page_once():
    import re

    from ui.lesson import LESSON

    in_app = re.findall(r'st\.Page\(\s*"(views/[a-z_]+\.py)"', (ROOT / "app.py").read_text())
    lesson = [path for path, _, _ in LESSON]
    # Home links every page (but itself) and each page's "Next" follows this order.
    assert sorted(lesson) == sorted(p for p in in_app if p != "views/home.py")
    assert len(set(lesson)) == len(lesson) and all(what for _, _, what in LESSON)


def test_home_links_every_page_and_each_page_links_the_next():
    from ui.lesson import LESSON

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    links = [el.proto.label for el in at.get("page_link")]
    assert links[:len(LESSON)] == [f"{n}. {title}" for n, (_, title, _) in
                                    enumerate(LESSON, start=1)]
    assert links[-1] == f"Next: {LESSON[0][1]}"


def test_a_page_run_on_its_own_shows_its_missing_link_as_text():
    """No navigation (a page file alone, as in the tests and the bench): there is no built page
    to link, so st.page_link (which would raise, at twice a link's cost) is not asked for the
    "Next" page, and every rerun shows the text."""
    from unittest.mock import patch

    import streamlit as st

    calls = []
    real = st.page_link

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    at = AppTest.from_file(str(ROOT / "views" / "rnn_bptt.py"), default_timeout=120)
    with patch.object(st, "page_link", counting):
        for _ in range(3):
            at.run()
            assert not at.exception
            assert any("Next: Vanishing and exploding gradients" in m.value
                       for m in at.markdown)
    assert calls.count("views/rnn_gradients.py") <= 1
