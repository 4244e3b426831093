"""Snapshots of the briefing, play, chance reveal and debrief screens at 80x24 and 120x40 (mini example, seed 0)."""

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
    "chance": ["enter", "down", "enter"],
    "debrief": ["enter", "down", "enter", "enter", "enter", "enter"],
}


pytestmark = pytest.mark.usefixtures("data_dir")


def app() -> SimApp:
    session = Session(load_scenario(MINI), MINI, seed=0, clock=lambda: dt.datetime(1962, 7, 27, 9, 30))
    return SimApp(Launch(session=session))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("screen", list(KEYS))
def test_screen_snapshot(snap_compare, screen, size):
    async def run_before(pilot):
        await settle(pilot)
        for key in KEYS[screen]:
            await pilot.press(key)
            await settle(pilot)

    assert snap_compare(app(), terminal_size=size, run_before=run_before)
