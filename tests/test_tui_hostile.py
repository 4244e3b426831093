"""The TUI with hostile text and failing disks: scenario text is shown as written (never as markup), a journal
that cannot be written never stops play, two games keep two journals, a crash exits non-zero, and every way
to quit asks about unsaved play."""

from __future__ import annotations

import ast
import errno
import os
import re
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest
from pilot import pilot_test, settle
from textual.widgets import OptionList

from conftest import EXAMPLE, example_text
from sim import journal
from sim.loader import load_scenario
from sim.tui.app import Launch, SimApp
from sim.tui.screens.annotate import AnnotateScreen
from sim.tui.screens.briefing import BriefingScreen
from sim.tui.screens.chance import ChanceScreen
from sim.tui.screens.debrief import DebriefScreen
from sim.tui.screens.dialogs import QuitScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.session import Session

pytestmark = pytest.mark.usefixtures("data_dir")

MARKUP = "[/] [sic] [bold]B [@click=app.bell]x[/]"
SIM = Path(__file__).resolve().parent.parent / "sim"


def marked_up(tmp_path) -> Path:
    """The example with markup in every label, title, prompt, reason and epilogue."""
    text = re.sub(r"^(\s*(?:label|title|prompt|locked_reason): ).*$", lambda m: f'{m.group(1)}"{MARKUP}"',
                  example_text(), flags=re.MULTILINE)
    path = tmp_path / "markup.yaml"
    path.write_text(text)
    return path


def rendered(app) -> str:
    """The text of every widget on the current screen."""
    out = []
    for widget in app.screen.query("*"):
        try:
            out.append(str(widget.render()))
        except Exception:  # noqa: BLE001 - some containers render nothing
            continue
    return "\n".join(out)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@pilot_test
async def test_scenario_text_is_never_read_as_markup(tmp_path):
    scenario = load_scenario(marked_up(tmp_path))
    app = SimApp(Launch(session=Session(scenario, scenario.path)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert "[sic]" in rendered(app)
        await pilot.press("down", "up", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        assert "[/] [sic] [bold]B [@click=app.bell]x[/]" in rendered(app), "labels are shown as written"
        await pilot.press("v")
        await settle(pilot)
        assert any(MARKUP in n for n in notices(app))
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"Perspective")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(app.screen, AnnotateScreen)
        assert "[sic]" in rendered(app), "outcome labels in the dialog"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert "[sic]" in rendered(app)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "[sic]" in rendered(app), "document titles in the reader"
        await pilot.press("escape")
        await settle(pilot)
        for _ in range(4):
            if isinstance(app.screen, DebriefScreen):
                break
            await pilot.press("end", "enter")
            await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert "[sic]" in rendered(app)
    assert app.return_code in (None, 0)


@pilot_test
async def test_an_ending_whose_score_fails_is_a_message_not_a_crash(tmp_path):
    text = example_text().replace('score: "30 * caracas_goodwill + 10"',
                                  'score: "100 / (caracas_goodwill - caracas_goodwill)"')
    text = text.replace("        probability: p_votes\n        next: terms", "        probability: p_votes\n        next: lapse_end")
    text = text.replace("        effects: {junta_confidence: \"min(junta_confidence + 2, 4)\"}\n        next: terms",
                        "        effects: {junta_confidence: \"min(junta_confidence + 2, 4)\"}\n        next: lapse_end")
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    scenario = load_scenario(path)
    app = SimApp(Launch(session=Session(scenario, path)))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.session.game.node.id == "terms"
        assert any("division by zero" in n for n in notices(app)), "the decision into the ending is refused"
        await pilot.press("u", "down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen) and "division by zero" in rendered(app)
        await pilot.press("u")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.session.game.node.id == "proposal"
    assert app.return_code in (None, 0)


class DiskFull:
    """write_atomic as on a full disk while `full` is true."""

    def __init__(self, real):
        self.real, self.full, self.calls = real, True, 0

    def __call__(self, path, text):
        self.calls += 1
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.real(path, text)


@pilot_test
async def test_a_full_disk_is_a_notice_and_play_goes_on(mini, monkeypatch):
    disk = DiskFull(journal.write_atomic)
    monkeypatch.setattr(journal, "write_atomic", disk)
    app = SimApp(Launch(session=Session(mini, EXAMPLE)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.session.game.node.id == "terms", "play goes on"
        assert any("No space left on device" in n and "Play goes on" in n for n in notices(app))
        assert app.session.journal_problem is not None and journal.latest("mini-peru") is None
        disk.full = False
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert any("written again" in n for n in notices(app))
        saved = journal.read_journal(journal.latest("mini-peru"))
        assert [s.choice for s in saved.current.steps] == ["iapc", "resume_now"], "the retry keeps every move"
    assert app.return_code in (None, 0)


def test_an_unwritable_data_folder_never_stops_play(mini, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv(journal.DATA_DIR_ENV, str(blocker / "data"))
    told = []
    session = Session(mini, EXAMPLE)
    session.on_journal_problem = told.append
    session.choose("iapc")
    session.choose("resume_now")
    assert session.game.is_over()
    assert len(told) == 1 and "cannot be written" in told[0], "told once, not at every move"


def test_two_games_of_one_scenario_keep_two_journals(mini):
    first = Session(mini, EXAMPLE, player="PlayerA")
    second = Session(mini, EXAMPLE, player="PlayerB")
    first.choose("iapc")
    second.choose("mfm")
    first.choose("resume_now")
    assert first.journal_file != second.journal_file
    found = {journal.read_journal(p).current.player: p for p in journal.journals("mini-peru")}
    assert set(found) == {"PlayerA", "PlayerB"}
    assert [s.choice for s in journal.read_journal(found["PlayerA"]).current.steps] == ["iapc", "resume_now"]
    assert journal.in_play(found["PlayerA"]) and journal.in_play(found["PlayerB"])
    with pytest.raises(Exception, match="open in another"):
        Session.resume(found["PlayerA"], mini, EXAMPLE)
    first.close()
    second.close()
    third = Session(mini, EXAMPLE, player="PlayerC")
    third.choose("iapc")
    assert third.journal_file == journal.journal_path("mini-peru"), "a new game takes the first free journal"
    third.close()


def resume_args(**kwargs) -> Namespace:
    base = {"scenarios": [], "seed": None, "perspective": None, "blind": False, "replay": None, "resume": True,
            "class_file": None, "player": None}
    return Namespace(**{**base, **kwargs})


@pilot_test
async def test_resume_offers_each_journaled_game(mini):
    from sim.commands.play import resume_launch

    games = [Session(mini, EXAMPLE, player=player) for player in ("PlayerA", "PlayerB")]
    for session, choice in zip(games, ("iapc", "mfm"), strict=True):
        session.choose(choice)
    for session in games:
        session.close()
    launch = resume_launch(resume_args())
    assert launch.session is None and len(launch.journals) == 2
    app = SimApp(launch)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        games = app.screen.query_one(OptionList)
        shown = " ".join(str(games.get_option_at_index(i).prompt) for i in range(games.option_count))
        assert "PlayerA" in shown and "PlayerB" in shown and "1 move(s)" in shown
        wanted = next(i for i, p in enumerate(launch.journals) if journal.read_journal(p).current.player == "PlayerB")
        await pilot.press(*(["down"] * wanted), "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen | ChanceScreen)
        assert app.session.player == "PlayerB" and app.session.game.history()[0].choice == "mfm"
        assert journal.in_play(launch.journals[wanted])
    assert not journal.in_play(launch.journals[wanted]), "quitting lets go of the journal"


def test_a_journal_naming_another_file_as_its_scenario_shows_nothing_of_it(mini, tmp_path):
    from sim.commands.play import resume_launch
    from sim.diagnostics import SimError

    secret = tmp_path / "secret.yaml"
    secret.write_text("api_key: sk-live-123: oops\n")
    from sim.engine import Game

    game = Game(mini)
    game.choose("iapc")
    path = journal.record(game, EXAMPLE)
    path.write_text(path.read_text().replace(str(EXAMPLE.resolve()), str(secret)))
    with pytest.raises(SimError) as info:
        resume_launch(resume_args())
    d = info.value.diagnostics[0]
    assert d.code == "J006" and "sk-live" not in str(info.value)


def test_a_crash_in_the_tui_exits_non_zero(tmp_path):
    code = ("import sys\n"
            "import sim.tui.screens.briefing as briefing\n"
            "def broken(session):\n"
            "    raise RuntimeError('a bug')\n"
            "briefing.situation_text = broken\n"
            "from sim.cli import main\n"
            f"sys.exit(main(['play', {str(EXAMPLE)!r}]))\n")
    env = {**os.environ, "TEXTUAL_DRIVER": "textual.drivers.headless_driver:HeadlessDriver",
           journal.DATA_DIR_ENV: str(tmp_path / "data")}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, stdin=subprocess.DEVNULL)
    assert "a bug" in proc.stdout + proc.stderr
    assert proc.returncode == 1


@pilot_test
@pytest.mark.parametrize("how", ["ctrl+q", "palette"])
async def test_every_way_to_quit_asks_about_unsaved_play(mini, how):
    app = SimApp(Launch(session=Session(mini, EXAMPLE)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert app.session.unsaved
        if how == "ctrl+q":
            await pilot.press("ctrl+q")
        else:
            await pilot.press("ctrl+p")
            await settle(pilot)
            await pilot.press(*"Quit")
            await settle(pilot)
            await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuitScreen) and app.is_running
        await pilot.press("q")
        await settle(pilot)
    assert app.return_value == 0


def test_the_tui_imports_only_textuals_public_modules():
    private = []
    for path in (SIM / "tui").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual"):
                if any(part.startswith("_") for part in node.module.split(".")):
                    private.append(f"{path.name}:{node.lineno}: {node.module}")
    assert not private, private
