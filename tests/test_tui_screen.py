"""The student's screen on Peru, at the documented minimum (80x24) and at 120x40: every decision's whole briefing
reached by keys, the options compared against every objective, and the value shown for the line followed so
far the same as `sim analyze --policy` gives."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import pytest
from pilot import pilot_test, settle
from textual.containers import VerticalScroll
from textual.widgets import DataTable

from conftest import ROOT
from sim.cli import main
from sim.engine import Game
from sim.hindsight import play_graph
from sim.loader import load_scenario
from sim.replay import save
from sim.tui.app import Launch, SimApp
from sim.tui.screens.compare import CompareScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.session import Session

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
SIZES = [(80, 24), (120, 40)]
pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


@pytest.fixture(scope="module")
def decisions(peru):
    """One reachable state of every Peru decision."""
    out = {}
    for node, state in play_graph(peru).keys:
        if peru.nodes[node].kind == "decision":
            out.setdefault(node, state)
    return out


def app_at(peru, node: int, state: tuple) -> SimApp:
    session = Session(peru, PERU, game=Game(peru, node=node, state=state), journaling=False)
    return SimApp(Launch(session=session, resumed=True))


async def read_briefing(pilot, keys: list[str]) -> VerticalScroll:
    """Open the briefing with `keys`, then page down until it stops moving; the scrolled container."""
    for key in keys:
        await pilot.press(key)
    await settle(pilot)
    scroll = pilot.app.screen.query_one("#decision-scroll", VerticalScroll)
    assert pilot.app.screen.focused is scroll, "the briefing has the focus"
    for _ in range(40):
        before = scroll.scroll_y
        await pilot.press("pagedown")
        await pilot.pause()
        if scroll.scroll_y == before:
            break
    return scroll


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pilot_test
async def test_every_decisions_briefing_is_reached_by_keys_and_its_options_compared(peru, decisions, size):
    objectives = [oid for oid, _ in peru.objectives]
    for node, state in decisions.items():
        app = app_at(peru, node, state)
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, PlayScreen)
            scroll = await read_briefing(pilot, ["i"])
            assert scroll.scroll_y == scroll.max_scroll_y, peru.nodes[node].id
            assert scroll.size.height > 0 and scroll.virtual_size.height <= scroll.size.height + scroll.max_scroll_y
            await pilot.press("escape")
            await settle(pilot)
            await pilot.press("x")
            await settle(pilot)
            assert isinstance(app.screen, CompareScreen), peru.nodes[node].id
            table = app.screen.query_one(DataTable)
            open_options = [o.id for o in Game(peru, node=node, state=state).legal_options() if o.legal]
            assert sorted(str(c.value) for c in table.columns if c.value not in ("objective", "weight")) == \
                sorted(open_options)
            assert [str(r.value) for r in table.rows][:len(objectives)] == objectives
            for row_key in objectives:
                cells = table.get_row(row_key)
                assert len(cells) == 2 + len(open_options) and all(str(c).strip() for c in cells)
            await pilot.press("escape")


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pilot_test
async def test_tab_reaches_the_briefing_and_the_side_panel(peru, decisions, size):
    node = peru.node_index["election_terms"]
    app = app_at(peru, node, decisions[node])
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        seen = set()
        for _ in range(8):
            await pilot.press("tab")
            await pilot.pause()
            seen.add(app.screen.focused.id if app.screen.focused is not None else None)
        assert {"decision-scroll", "options", "details"} <= seen
        assert seen & {"dashboard", "side", "lines-tree", "log-scroll"} or any(s and "tab" in s for s in seen)


def shown_line_value(app) -> float | None:
    text = str(app.screen.query_one("#details-body").render())
    found = re.search(r"If you keep to “[^”]+” \(the line you have followed so far\): ([0-9.]+)", text)
    return float(found.group(1)) if found else None


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pilot_test
async def test_the_value_of_the_line_followed_so_far_is_what_analyze_reports(peru, size, tmp_path):
    line = peru.model.lines["memo"]
    session = Session(peru, PERU, seed=3, journaling=False)
    app = SimApp(Launch(session=session, resumed=True))
    checked = 0
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        while not session.game.is_over() and checked < 4:
            game = session.game
            if game.node.kind == "chance":
                await pilot.press("enter", "enter")
                await settle(pilot)
                continue
            option = line.choices[game.node.id]
            options = app.screen.query_one("#options")
            options.highlighted = [o.id for o in game.legal_options()].index(option)
            await settle(pilot)
            if any(s.kind == "decision" for s in game.history()):
                shown = shown_line_value(app)
                assert shown is not None, "the screen shows the line's value"
                save(session.replay(), tmp_path / "so-far.json")
                out = io.StringIO()
                with redirect_stdout(out):
                    assert main(["analyze", str(PERU), "--policy", "memo", "--from",
                                 str(tmp_path / "so-far.json"), "--json"]) == 0
                doc = json.loads(out.getvalue())
                first = doc["decisions"][0]
                assert first["node"] == game.node.id
                value = next(o["value"] for o in first["options"] if o["option"] == option)
                assert shown == pytest.approx(value, abs=0.05)
                checked += 1
            await pilot.press("enter")
            await settle(pilot)
    assert checked >= 3


@pilot_test
async def test_the_perspectives_weights_on_the_briefing_are_reached_at_80x24(peru):
    app = SimApp(Launch(session=Session(peru, PERU, journaling=False)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        pane = app.screen.query_one("#perspectives", VerticalScroll)
        assert pane.max_scroll_y > 0, "at 80x24 the weights do not fit: they must scroll"
        for _ in range(6):
            if app.screen.focused is pane:
                break
            await pilot.press("tab")
            await pilot.pause()
        assert app.screen.focused is pane
        for _ in range(20):
            await pilot.press("pagedown")
            await pilot.pause()
        assert pane.scroll_y == pane.max_scroll_y
        detail = str(app.screen.query_one("#perspective-detail").render())
        assert "Support in Congress" in detail and "Weights" in detail
