"""Snapshots of the briefing, play, comparison, chance reveal, debrief and replay viewer screens at 80x24 and
120x40 (mini example, seed 0)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pilot import settle

from sim.loader import load_scenario
from sim.tui.app import Launch, SimApp
from sim.tui.session import Session

MINI = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mini.yaml"
SIZES = [(80, 24), (120, 40)]
KEYS = {
    "briefing": [],
    "play": ["enter"],
    "compare": ["enter", "x"],
    "chance": ["enter", "down", "enter"],
    "debrief": ["enter", "down", "enter", "enter", "enter", "enter"],
    "replay": ["right", "right"],
}


pytestmark = pytest.mark.usefixtures("data_dir")


def app(screen: str) -> SimApp:
    scenario = load_scenario(MINI)
    if screen == "replay":
        from sim.engine import Game
        from sim.replay import from_game, run_replay

        played = Game(scenario, seed=0)
        played.play("mfm")
        played.play("resume_now" if played.node.id == "terms" and not played.legal_options()[0].legal else "public_elections")
        replay = from_game(played, player="Ann Lee", extra={0: {"rationale": "Betancourt needs us"}})
        result = run_replay(replay, scenario)
        session = Session(scenario, MINI, game=result.game, journaling=False, player=replay.player)
        return SimApp(Launch(session=session, replay=result, recorded=list(replay.steps)))
    session = Session(scenario, MINI, seed=0, clock=lambda: dt.datetime(1962, 7, 27, 9, 30))
    return SimApp(Launch(session=session))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(KEYS))
def test_screen_snapshot(snap_compare, screen, size):
    async def run_before(pilot):
        await settle(pilot)
        for key in KEYS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app(screen), terminal_size=size, run_before=run_before)
