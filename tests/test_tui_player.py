"""The player's name: cleaned, kept in the journal and every saved replay, set with `sim play --player` or `n`,
and used by `sim report` to tell students apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from pilot import pilot_test, settle

from conftest import example_text
from sim import journal
from sim.cli import build_parser, main
from sim.commands.play import new_launch, resume_launch
from sim.commands.serve import play_arguments
from sim.replay import NAME_CHARS, clean_player, load_replay, save
from sim.report import build_report, collect_files
from sim.tui.annotations import Annotation
from sim.tui.app import NAME_HINT, Launch, SimApp
from sim.tui.screens.dialogs import NameScreen
from sim.tui.screens.help import HelpScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.session import Session

MINI = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mini.yaml"
CLOCK = dt.datetime(1962, 7, 27, 9, 30)


pytestmark = pytest.mark.usefixtures("data_dir")


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def play_args(*argv: str):
    return build_parser().parse_args(["play", *argv])


@pytest.mark.parametrize(("typed", "kept"), [
    ("  Ann Lee \n", "Ann Lee"),
    ("Ann\x00\x1b[31m Lee\x07", "Ann[31m Lee"),
    ("Zoë\u2028 Ñúñez", "Zoë Ñúñez"),
    ("   ", None),
    ("\t\r\n", None),
    ("", None),
    (None, None),
    ("x" * 300, "x" * NAME_CHARS),
    (" " + "y" * 199 + " tail", "y" * 199),
])
def test_a_name_is_cleaned(typed, kept):
    assert clean_player(typed) == kept


def test_the_session_puts_its_cleaned_name_in_the_replay(mini):
    session = Session(mini, MINI, player="  Ann\x00 Lee\n")
    assert session.player == "Ann Lee"
    session.choose("iapc")
    assert session.replay().player == "Ann Lee"
    assert Session(mini, MINI, player=" ").replay().player is None


def test_the_journal_keeps_the_name_and_resume_restores_it(mini):
    session = Session(mini, MINI, player="Ann")
    session.choose("iapc")
    found = journal.latest("mini-peru")
    assert journal.read_journal(found).current.player == "Ann"
    session.set_player("Bo")
    assert journal.read_journal(found).current.player == "Bo", "a new name is journaled at once"
    session.close()
    resumed, warnings = Session.resume(found, mini, MINI)
    assert warnings == [] and resumed.player == "Bo"
    assert resumed.replay().player == "Bo"


def test_snapshot_and_record_take_the_name(mini):
    session = Session(mini, MINI, journaling=False)
    session.choose("iapc")
    assert journal.snapshot(session.game, MINI, player="Ann").current.player == "Ann"
    assert journal.snapshot(session.game, MINI).current.player is None
    path = journal.record(session.game, MINI, player="Cy")
    assert json.loads(path.read_text())["current"]["player"] == "Cy"


def test_sim_play_player_sets_the_name_and_replaces_the_journaled_one_on_resume(mini):
    assert new_launch(play_args(str(MINI), "--player", " Ann ")).session.player == "Ann"
    assert new_launch(play_args(str(MINI))).session.player is None
    assert new_launch(play_args(str(MINI), str(MINI), "--player", "Ann")).player == "Ann", "the picker keeps it"
    Session(mini, MINI, player="Ann").choose("iapc")
    assert resume_launch(play_args("--resume")).session.player == "Ann"
    assert resume_launch(play_args("--resume", "--player", "Bo")).session.player == "Bo"
    assert journal.read_journal(journal.latest("mini-peru")).current.player == "Bo"


def test_sim_play_help_mentions_player(capsys):
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    assert "--player NAME" in capsys.readouterr().out


def test_sim_serve_gives_no_name_to_every_student(tmp_path):
    assert not any(a.startswith("--player") for a in play_arguments(str(MINI), None))
    klass = tmp_path / "class.yaml"
    (tmp_path / "mini.yaml").write_text(example_text())
    klass.write_text("scenario: mini.yaml\n")
    assert not any(a.startswith("--player") for a in play_arguments(None, str(klass)))


@pilot_test
async def test_sim_play_player_reaches_the_saved_replay(tmp_path):
    app = SimApp(new_launch(play_args(str(MINI), "--player", "Ann Lee")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
    assert load_replay(tmp_path / app.session.saved_to).player == "Ann Lee"
    assert not any(NAME_HINT in n for n in notices(app)), "no hint once a name is set"


@pilot_test
async def test_n_asks_for_the_name_and_saved_replays_carry_it(mini, tmp_path):
    app = SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert any(n.startswith("Replay saved to ") and n.endswith(NAME_HINT) for n in notices(app))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NameScreen)
        await pilot.press(*"Ann", "escape")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.session.player is None, "Escape cancels"
        await pilot.press("n", *" Ann Lee ", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen) and app.session.player == "Ann Lee"
        assert "Your replays will carry the name Ann Lee." in notices(app)
        await pilot.press("enter")
        await settle(pilot)
        assert journal.read_journal(journal.latest("mini-peru")).current.player == "Ann Lee"
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#player-name").value == "Ann Lee", "the dialog shows the current name"
        await pilot.press("escape", "s")
        await settle(pilot)
    saved = json.loads((tmp_path / app.session.saved_to).read_text())
    assert saved["player"] == "Ann Lee"


@pilot_test
async def test_an_emptied_name_leaves_the_replays_unnamed(mini):
    app = SimApp(Launch(session=Session(mini, MINI, player="Ann")))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "n", *["backspace"] * 3, "enter")
        await settle(pilot)
    assert app.session.player is None
    assert "Your replays will carry no name." in notices(app)


@pilot_test
async def test_help_lists_the_name_key(mini):
    app = SimApp(Launch(session=Session(mini, MINI)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = str(app.screen.query_one("#help-keys").render())
        assert "n" in keys and "Your name" in keys


@pilot_test
async def test_in_the_browser_the_download_notice_hints_at_the_name(mini, monkeypatch):
    from textual.events import DeliveryComplete

    monkeypatch.setattr(SimApp, "is_web", property(lambda self: True))
    app = SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK)))
    sent = []

    def deliver_text(path_or_file, **kwargs):
        sent.append(path_or_file.read())
        return f"key-{len(sent)}"

    app.deliver_text = deliver_text
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter", "s")
        await settle(pilot)
        app.post_message(DeliveryComplete(key="key-1", name="replay"))
        await settle(pilot)
        assert any(n.startswith("Downloaded: ") and n.endswith(NAME_HINT) for n in notices(app))
        await pilot.press("n", *"Bo", "enter", "s")
        await settle(pilot)
        app.post_message(DeliveryComplete(key="key-2", name="replay"))
        await settle(pilot)
    assert json.loads(sent[1])["player"] == "Bo"
    assert not notices(app)[-1].endswith(NAME_HINT)


def test_sim_report_names_each_student_by_their_replay(mini, tmp_path, capsys):
    folder = tmp_path / "class"
    for name, option in [("Ann Lee", "iapc"), ("Bo Diaz", "mfm")]:
        session = Session(mini, MINI, player=name, journaling=False)
        session.annotate(option, Annotation(rationale=f"{name} chose {option}"))
        session.choose(option)
        save(session.replay(), folder / "replay.json" if name == "Ann Lee" else folder / "sub" / "replay.json")
    report = build_report(collect_files([str(folder)])[0], scenario=str(MINI))
    assert sorted(s.name for s in report.students) == ["Ann Lee", "Bo Diaz"]
    assert main(["report", str(folder), "--scenario", str(MINI)]) == 0
    out = capsys.readouterr().out
    assert "Ann Lee" in out and "Bo Diaz" in out
