"""Play/Pause, Step and Reset for a run trained live (the two playgrounds).

Play and Pause are two buttons, one shown at a time, so a click that reaches the server twice
(the animation's timer rerun can carry it before the click's own rerun does) repeats only its
own action: a second Pause never becomes a Play. Step carries the epoch it was drawn at, so a
click delivered again by a run that did not redraw the button finds the run further on and does
nothing. The buttons sit in one row container (not columns: fewer elements per rerun).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class TrainingButtons:
    """The buttons of one page: its key ``prefix`` ("pg."), the session-state keys of its run
    (an object with ``epoch``, ``done``, ``step(n)`` and ``reset()``) and of whether it plays,
    the Step button's help, and ``play_reruns_app``: Play reruns the whole page (its timer
    starts there, when the buttons are drawn inside a fragment)."""

    prefix: str
    run_key: str
    playing_key: str
    step_help: str
    reset_help: str = "Back to the initial weights of this seed, epoch 0."
    play_reruns_app: bool = False

    def playing(self) -> bool:
        return bool(st.session_state.get(self.playing_key, False))

    def _play(self) -> None:
        st.session_state[self.playing_key] = True
        if self.play_reruns_app:
            st.rerun()  # the whole page: the live part's timer starts

    def _pause(self) -> None:
        st.session_state[self.playing_key] = False

    def _step(self, at_epoch: int) -> None:
        run = st.session_state[self.run_key]
        if run.epoch == at_epoch:  # a replayed click does not train a second epoch
            run.step(1)

    def _reset(self) -> None:
        st.session_state[self.run_key].reset()
        st.session_state[self.playing_key] = False

    def draw(self) -> None:
        run, playing = st.session_state[self.run_key], self.playing()
        row = st.container(horizontal=True)
        if playing:
            row.button("Pause", key=self.prefix + "pause", type="primary", on_click=self._pause)
        else:
            row.button("Play", key=self.prefix + "play", type="primary", on_click=self._play,
                       disabled=run.done)
        row.button("Step", key=self.prefix + "step", on_click=self._step, args=(run.epoch,),
                   disabled=playing, help=self.step_help)
        row.button("Reset", key=self.prefix + "reset", on_click=self._reset,
                   help=self.reset_help)
