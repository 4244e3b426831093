"""Pilot tests: whole games played by keys alone, with undo, a branch, a saved replay that verifies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pilot import pilot_test, settle

from sim import journal
from sim.cli import build_parser, main
from sim.replay import load_replay, run_replay
from sim.tui.app import Launch, SimApp
from sim.tui.screens.briefing import BriefingScreen
from sim.tui.screens.chance import ChanceScreen
from sim.tui.screens.debrief import DebriefScreen
from sim.tui.screens.dialogs import QuitScreen, TooSmallScreen
from sim.tui.screens.help import HelpScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.screens.reader import ReaderScreen
from sim.tui.screens.replay_viewer import ReplayScreen
from sim.tui.session import Session
from sim.tui.widgets.options import OptionsList

MINI = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mini.yaml"
CLOCK = dt.datetime(1962, 7, 27, 9, 30)


pytestmark = pytest.mark.usefixtures("data_dir")


def new_app(mini, **kwargs) -> SimApp:
    return SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK, **kwargs)))


def option_prompts(app) -> list[str]:
    options = app.screen.query_one(OptionsList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


@pilot_test
async def test_a_whole_game_by_keys_with_undo_a_branch_and_a_saved_replay(mini, tmp_path):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert any("#1" in p for p in option_prompts(app)), "projections rank the options"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert app.session.game.node.id == "terms"
        await pilot.press("u")
        await settle(pilot)
        assert app.session.game.node.id == "proposal"
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.session.game.node.id == "terms"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert app.session.game.node.id == "quiet_end"
        assert len(app.session.game.lines()) == 2, "the undone line stays as a branch"
        await pilot.press("s")
        await settle(pilot)
        saved = app.session.saved_to
        assert saved == Path("replays") / "mini-peru-19620727-093000.json"
        assert not app.session.unsaved
        await pilot.press("q")
        await settle(pilot)
    assert app.return_value == 0
    replay = load_replay(tmp_path / saved)
    result = run_replay(replay, mini, verify=True)
    assert result.ok and result.game.node.id == "quiet_end"
    assert main(["replay", "--verify", "--scenario", str(MINI), str(tmp_path / saved)]) == 0


@pilot_test
async def test_branching_from_the_tree_of_lines_starts_a_new_line(mini):
    app = new_app(mini)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert app.screen.focused.id == "lines-tree"
        await pilot.press("home", "enter")
        await settle(pilot)
        assert app.session.game.node.id == "proposal"
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen)
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        firsts = sorted(leaf.path()[1].step.choice for leaf in app.session.game.lines())
        assert firsts == ["iapc", "mfm"]


@pilot_test
async def test_projections_can_be_hidden_and_perspective_switching_reranks(mini):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        state_ranks = option_prompts(app)
        assert state_ranks[0].startswith("#1")
        await pilot.press("v")
        await settle(pilot)
        assert app.session.perspective == "caracas"
        assert option_prompts(app)[1].startswith("#1"), "Venezuela's weights put the meeting first"
        await pilot.press("p")
        await settle(pilot)
        assert app.session.blind
        assert not any("#" in p for p in option_prompts(app))
        details = str(app.screen.query_one("#details-body").render())
        assert "blind play" in details


@pilot_test
async def test_projected_figures_are_labelled_as_projections(mini):
    app = new_app(mini)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        details = str(app.screen.query_one("#details-body").render())
        assert "Model projection" in details
        assert "Weighted value" in details


@pilot_test
async def test_quitting_with_unsaved_play_asks_first(mini):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("q", "q")
        await settle(pilot)
    assert app.return_value == 0
    assert journal.latest("mini-peru") is not None, "the journal keeps the unsaved play"


@pilot_test
async def test_a_small_terminal_gets_a_message(mini):
    app = new_app(mini)
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, TooSmallScreen)
        assert "needs at least 80x24" in str(app.screen.query_one("#too-small").render())


@pilot_test
async def test_help_lists_the_keys_of_the_screen(mini):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "Undo" in keys and "Branch" in keys and "Take" in keys and "Compare" in keys
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)


@pilot_test
async def test_the_reader_highlights_the_cited_passage(mini):
    app = new_app(mini)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        area = app.screen.query_one("#doc-text")
        assert "Inter-American Peace Committee (IAPC) to meet quietly" in area.selected_text
        assert [d[0] for d in app.screen.docs] == ["d421"], "later documents stay locked"


@pilot_test
async def test_the_replay_viewer_steps_through_a_replay(mini, tmp_path):
    from sim.commands.play import replay_launch
    from sim.engine import Game
    from sim.replay import from_game, save

    game = Game(mini, seed=1)
    game.play("mfm")
    game.choose("resume_now")
    save(from_game(game), tmp_path / "r.json")
    args = type("Args", (), {"replay": str(tmp_path / "r.json"), "scenarios": [str(MINI)]})
    app = SimApp(replay_launch(args))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReplayScreen)
        assert app.session.game.position is app.session.game.root
        await pilot.press("right", "right")
        await settle(pilot)
        assert app.session.game.node.id == "terms"
        await pilot.press("end")
        await settle(pilot)
        assert app.session.game.is_over()
        await pilot.press("left")
        await settle(pilot)
        assert app.session.game.node.id == "terms"


def test_bad_input_is_reported_without_a_traceback(capsys):
    assert main(["play", "no-such-scenario"]) == 2
    err = capsys.readouterr().err
    assert "error[F001]" in err and "Traceback" not in err
    assert main(["play", "--perspective", "nobody", str(MINI)]) == 2
    assert "unknown perspective" in capsys.readouterr().err
    assert main(["play", "--resume", str(MINI)]) == 2
    assert "no game to resume" in capsys.readouterr().err


@pilot_test
async def test_the_policy_and_the_palette_reach_the_play_screen(mini):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert screen.policies[0] == "best" and "memo" in screen.policies
        await pilot.press("c")
        await settle(pilot)
        assert screen.policy == screen.policies[1]
        assert screen.projections() is not None and screen.projections().error is None
        titles = [c.title for c in app.get_system_commands(screen)]
        assert "Perspective: Betancourt's Venezuela" in titles
        assert any(t.startswith("Read d421") for t in titles)
        assert "Undo" in titles


@pilot_test
async def test_home_and_end_jump_in_the_replay_viewer_whatever_has_the_focus(mini, tmp_path):
    from sim.commands.play import replay_launch

    replay = tmp_path / "r.json"
    assert main(["run", str(MINI), "--choose", "iapc,public_elections", "--player", "Ann Lee", "-o", str(replay)]) == 0
    app = SimApp(replay_launch(build_parser().parse_args(["play", str(MINI), "--replay", str(replay)])))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#replay-log").focus()
        await pilot.press("end")
        await settle(pilot)
        assert app.session.game.is_over()
        status = str(app.screen.query_one("#replay-status").render())
        assert "Ann Lee" in status
        await pilot.press("home")
        await settle(pilot)
        assert app.session.game.position is app.session.game.root
        keys = {b.binding.key for b in app.screen.active_bindings.values() if b.binding.show}
        assert {"left", "right", "home", "end"} <= keys


@pilot_test
async def test_escape_leaves_the_tree_of_lines_for_the_options(mini):
    app = new_app(mini)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert app.screen.focused.id == "lines-tree"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen.focused, OptionsList)


@pilot_test
async def test_a_click_highlights_an_option_and_a_double_click_takes_it(mini):
    app = new_app(mini)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        options = app.screen.query_one(OptionsList)
        assert options.highlighted == 0
        await pilot.click(OptionsList, offset=(4, 2))
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and options.highlighted == 1, "one click only highlights"
        assert not app.session.game.history()
        await pilot.double_click(OptionsList, offset=(4, 2))
        await settle(pilot)
        assert [s.choice for s in app.session.game.history()][:1] == ["mfm"], "a double click takes it"
