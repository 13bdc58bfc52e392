"""ui.answer_box in a running Streamlit script (AppTest): type, preview, Check, verdict."""

import pytest
from streamlit.testing.v1 import AppTest


def _box_app():
    import sympy

    from ui.answer_box import answer_box, show_progress

    y, t = sympy.symbols("y t")
    answer_box("dE_dy", r"\frac{\partial E}{\partial y}", y - t, {"y": y, "t": t})
    answer_box("dy_dz", r"\frac{\partial y}{\partial z}", y * (1 - y), {"y": y})
    show_progress(["dE_dy", "dy_dz"])


@pytest.fixture
def app():
    at = AppTest.from_function(_box_app, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def _type(at, key, text):
    at.text_input(key=f"{key}__text").input(text).run()
    assert not at.exception


def _check(at, key):
    at.button(key=f"{key}__check").click().run()
    assert not at.exception


def test_legend_lists_the_page_symbols(app):
    captions = " ".join(c.value for c in app.caption)
    assert "`y` for $y$" in captions and "`t` for $t$" in captions
    assert "σ" in captions and "`^`" in captions


def test_check_is_disabled_until_something_parses(app):
    assert app.button(key="dE_dy__check").disabled
    _type(app, "dE_dy", "y - t")
    assert not app.button(key="dE_dy__check").disabled


def test_correct_answer_gets_success_and_counts_as_progress(app):
    _type(app, "dE_dy", "-(t - y)")
    assert any("- t + y" in el.value for el in app.latex)  # the live preview
    _check(app, "dE_dy")
    assert len(app.success) == 1 and "Correct" in app.success[0].value
    assert not app.warning
    progress = app.session_state["answer_progress"]
    assert progress.is_right("dE_dy") and not progress.is_right("dy_dz")
    assert progress.count(["dE_dy", "dy_dz"]) == (1, 2)
    # The verdict stays on later reruns while the text is unchanged…
    app.run()
    assert len(app.success) == 1
    # …and goes when the student changes the answer.
    _type(app, "dE_dy", "y - t + 1")
    assert not app.success


def test_wrong_sign_gets_the_sign_hint(app):
    _type(app, "dE_dy", "t - y")
    _check(app, "dE_dy")
    assert not app.success
    text = app.warning[0].value
    assert "negative" in text and "Wrong sign" in text and "Hint" in text
    assert not app.session_state["answer_progress"].is_right("dE_dy")


def test_notes_sigma_prime_slip_is_named(app):
    _type(app, "dy_dz", "-y(1-y)")
    _check(app, "dy_dz")
    assert "Sign slip" in app.warning[0].value


def test_counterexample_is_shown(app):
    _type(app, "dE_dy", "y + t")
    _check(app, "dE_dy")
    text = app.warning[0].value
    assert "For example at" in text and "yours gives" in text


def test_parse_error_shows_where_and_nothing_runs(app, tmp_path):
    marker = tmp_path / "pwned"
    _type(app, "dE_dy", f"__import__('os').system('touch {marker}')")
    assert len(app.error) == 1 and "Quotes" in app.error[0].value
    assert app.code and app.code[0].value.splitlines()[-1].strip() == "^"
    assert app.button(key="dE_dy__check").disabled
    _type(app, "dE_dy", "().__class__.__base__.__subclasses__()")
    assert "Unexpected character '.'" in app.error[0].value
    _type(app, "dE_dy", "foo")
    assert "Unknown name 'foo'" in app.error[0].value
    assert not marker.exists()


def test_progress_tally(app):
    _type(app, "dE_dy", "y - t")
    _check(app, "dE_dy")
    _type(app, "dy_dz", "y - y^2")
    _check(app, "dy_dz")
    assert len(app.success) == 2
    assert app.session_state["answer_progress"].count(["dE_dy", "dy_dz"]) == (2, 2)
    bars = app.get("progress")
    assert bars and "2 of 2 right" in str(bars[0].proto)


def test_the_script_never_parses_or_checks_itself(app, monkeypatch):
    # Reading and checking run in worker processes: break the parser and the judge in this
    # process (where AppTest runs the script) and the box still works.
    import derivations.answer_verdicts as verdicts
    import derivations.parser as parser

    def forbidden(*_args, **_kwargs):
        raise AssertionError("a student's answer was evaluated on the script thread")

    monkeypatch.setattr(parser._Parser, "parse", forbidden)
    monkeypatch.setattr(verdicts, "judge", forbidden)
    _type(app, "dE_dy", "y - t")
    assert any("t" in el.value for el in app.latex)
    _check(app, "dE_dy")
    assert len(app.success) == 1


def test_an_answer_bomb_is_refused_and_the_page_stays(app):
    _type(app, "dE_dy", "abs(cos((((((e^10)^10)^10)^10)^10)^10))")
    assert "exponent of e is too large" in app.error[0].value
    assert app.button(key="dE_dy__check").disabled
    _type(app, "dE_dy", "y - t")
    _check(app, "dE_dy")
    assert len(app.success) == 1


def test_typed_markdown_is_echoed_as_text(app):
    _type(app, "dE_dy", "y ![x](//evil.invalid/x)")
    shown = app.error[0].value  # the Markdown source: the '!' it names is escaped
    assert "Unexpected character '\\!'" in shown
