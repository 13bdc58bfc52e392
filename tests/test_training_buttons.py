"""ui.training_buttons on both playgrounds: Step trains one epoch per click, Play shows Pause
(never both), and Reset goes back to epoch 0 and stops playing."""

import pytest
from app_helpers import ROOT
from streamlit.testing.v1 import AppTest

PAGES = [("playground.py", {"ds": "linear", "n": "40"}, "pg.", "pg.session", "pg.playing"),
         ("sequence_playground.py", {}, "sq.", "sq#session", "sq#playing")]


@pytest.mark.parametrize("page, query, prefix, run_key, playing_key", PAGES)
def test_step_play_and_reset(page, query, prefix, run_key, playing_key):
    at = AppTest.from_file(str(ROOT / "views" / page), default_timeout=120)
    at.query_params.update(query)
    at.run()
    for epoch in (1, 2):
        at.button(key=prefix + "step").click().run()
        assert not at.exception and at.session_state[run_key].epoch == epoch
    at.session_state[playing_key] = True
    at.run()
    assert [b.label for b in at.button if b.label in ("Play", "Pause")] == ["Pause"]
    assert at.button(key=prefix + "step").disabled
    at.button(key=prefix + "reset").click().run()
    assert at.session_state[run_key].epoch == 0 and at.session_state[playing_key] is False
    assert [b.label for b in at.button if b.label in ("Play", "Pause")] == ["Play"]
