"""Pilot tests of the teaching features in the TUI: rationales and forecasts, the debrief screen, class files,
and downloads under `sim serve`."""

from __future__ import annotations

import datetime as dt
from argparse import Namespace
from pathlib import Path

import pytest
from pilot import pilot_test, settle

from conftest import example_text
from sim import journal
from sim.cli import main
from sim.commands.play import new_launch
from sim.replay import load_replay, parse_replay, run_replay
from sim.tui.app import Launch, SimApp
from sim.tui.screens.annotate import AnnotateScreen
from sim.tui.screens.briefing import BriefingScreen
from sim.tui.screens.chance import ChanceScreen
from sim.tui.screens.debrief import DebriefScreen
from sim.tui.screens.dialogs import QuitScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.screens.reader import ReaderScreen
from sim.tui.session import Session
from sim.tui.widgets.options import OptionsList

MINI = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mini.yaml"
CLOCK = dt.datetime(1962, 7, 27, 9, 30)
HISTORY = """
  historical:
    label: What the United States did
    choices: {proposal: mfm, terms: resume_now}
    outcomes: {votes: short}
"""


pytestmark = pytest.mark.usefixtures("data_dir")


@pytest.fixture
def with_history(tmp_path) -> Path:
    """The example with its 'Relations without terms' ending marked historical and a historical line."""
    text = example_text().replace("    title: Relations without terms\n",
                                  "    title: Relations without terms\n    historical: true\n")
    path = tmp_path / "history.yaml"
    path.write_text(text.rstrip() + "\n" + HISTORY)
    return path


def write_class(tmp_path, scenario: Path, extra: str = "") -> Path:
    """A class file in tmp_path; the example scenario is copied beside it (a class file names none outside)."""
    if scenario == MINI:
        scenario = tmp_path / "mini.yaml"
        scenario.write_text(example_text())
    path = tmp_path / "class.yaml"
    path.write_text(f"title: Seminar 4\nscenario: {scenario}\nperspective: caracas\nseed: 0\nblind: true\n"
                    f"documents: [d421]\n{extra}")
    return path


def play_args(**kwargs) -> Namespace:
    base = {"scenarios": [], "seed": None, "perspective": None, "blind": False, "replay": None, "resume": False,
            "class_file": None}
    return Namespace(**{**base, **kwargs})


def body(widget) -> str:
    return str(widget.render())


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


async def annotate(pilot, rationale: str, *forecasts: str) -> None:
    """Open the dialog for the highlighted option, type a rationale and forecasts, and keep them."""
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AnnotateScreen)
    await pilot.press(*rationale)
    for value in forecasts:
        await pilot.press("tab", *value)
    await pilot.press("enter")
    await settle(pilot)


@pilot_test
async def test_a_rationale_and_forecast_typed_in_the_dialog_reach_the_replay_journal_and_debrief(mini, tmp_path):
    app = SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "down")
        await settle(pilot)
        await annotate(pilot, "Betancourt needs an answer", "2")
        assert isinstance(app.screen, AnnotateScreen), "a bad forecast keeps the dialog open"
        assert "between 0 and 1" in body(app.screen.query_one("#annotate-error"))
        await pilot.press("backspace", *"30%", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        details = body(app.screen.query_one("#details-body"))
        assert "Betancourt needs an answer" in details and "30% The meeting is called" in details
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChanceScreen)
        kept = journal.read_journal(journal.latest("mini-peru")).current.steps[0]
        assert kept.rationale == "Betancourt needs an answer"
        assert kept.forecasts == pytest.approx({"votes.called": 0.3, "votes.short": 0.7})
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        score = app.screen.debrief.forecasts.scores[0]
        assert (score.event, score.happened) == ("votes", "short")
        assert score.brier == pytest.approx(0.18)
        forecasts = body(app.screen.query_one("#section-forecasts"))
        assert "yours 0.180" in forecasts and "the model's 0.405" in forecasts
        assert "Betancourt needs an answer" in body(app.screen.query_one("#section-path"))
        await pilot.press("s")
        await settle(pilot)
    replay = load_replay(tmp_path / app.session.saved_to)
    step = replay.steps[0]
    assert step.rationale == "Betancourt needs an answer"
    assert step.forecasts == pytest.approx({"votes.called": 0.3, "votes.short": 0.7})
    assert run_replay(replay, mini, verify=True).ok


@pilot_test
async def test_resume_keeps_what_the_player_wrote(mini):
    app = SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK)))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await annotate(pilot, "Keep it quiet")
        await pilot.press("enter")
        await settle(pilot)
    session, _ = Session.resume(journal.latest("mini-peru"), mini, MINI)
    assert session.extra() == {0: {"rationale": "Keep it quiet", "forecasts": {}}}


@pilot_test
async def test_the_debrief_shows_the_ending_label_the_divergence_and_the_unlocked_documents(with_history, tmp_path):
    launch = new_launch(play_args(class_file=str(write_class(tmp_path, with_history))))
    app = SimApp(launch)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        assert app.session.game.node.id == "lapse_end"
        ending = body(app.screen.query_one("#debrief-ending"))
        assert "From the record" in ending and "Relations without terms" in ending
        lines = body(app.screen.query_one("#section-lines"))
        assert "First divergence: step 1, The Venezuelan proposal" in lines
        assert "Your path never left this line" in lines, "the historical line was followed"
        history = body(app.screen.query_one("#section-history"))
        assert "From the record" in history and "Resume relations without terms" in history
        assert "best play" in body(app.screen.query_one("#section-scores"))
        unlocked = app.screen.query_one("#unlocked-list")
        assert [unlocked.get_option_at_index(i).id for i in range(unlocked.option_count)] == ["d423"]
        await pilot.press("9")
        unlocked.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one("#doc-list").highlighted_option.id == "d423"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
    exported = list((tmp_path / "replays").glob("mini-peru-*.md"))
    assert len(exported) == 1
    text = exported[0].read_text()
    assert "## What actually happened" in text and "d423" in text
    page = exported[0].with_suffix(".html")
    assert page.read_text().startswith("<!DOCTYPE html>") and "What actually happened" in page.read_text()
    assert any(f"Debrief written to {Path('replays') / exported[0].name} and {Path('replays') / page.name}" in n
               for n in notices(app))


@pilot_test
async def test_a_class_file_fixes_the_perspective_blind_play_and_the_documents(mini, tmp_path):
    app = SimApp(new_launch(play_args(class_file=str(write_class(tmp_path, MINI)))))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, BriefingScreen)
        assert "Seminar 4" in body(app.screen.query_one("#situation Static"))
        await pilot.press("up", "down")
        await settle(pilot)
        assert app.session.perspective == "caracas"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PlayScreen)
        await pilot.press("v")
        await settle(pilot)
        assert any("fixes the perspective" in n for n in notices(app))
        await pilot.press("p")
        await settle(pilot)
        assert app.session.perspective == "caracas" and app.session.blind
        assert notices(app) == ["The class file keeps projections hidden until the debrief."], "one notice at a time"
        options = app.screen.query_one(OptionsList)
        assert not any("#" in str(options.get_option_at_index(i).prompt) for i in range(options.option_count))
        assert app.screen.projections() is None
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not any(t.startswith("Perspective:") for t in titles)
        assert "Next perspective" not in titles and "Projections on or off" not in titles
        assert len(titles) == len(set(titles)), "each command once"
        await pilot.press("o")
        await settle(pilot)
        assert [d[0] for d in app.screen.docs] == ["d421"]
        assert "closed by the class" in body(app.screen.query_one("#doc-later"))


def test_class_file_problems_stop_sim_play_before_the_interface(tmp_path, capsys):
    bad = tmp_path / "bad.yaml"
    (tmp_path / "mini.yaml").write_text(example_text())
    bad.write_text("scenario: mini.yaml\nperspective: nobody\n")
    assert main(["play", "--class", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:14: error[K002]" in err and "Traceback" not in err
    good = write_class(tmp_path, MINI)
    assert main(["play", "--class", str(good), "--seed", "5"]) == 2
    assert "the class file fixes the seed" in capsys.readouterr().err
    assert main(["play", "--class", str(good), "--perspective", "state"]) == 2
    assert "fixes the perspective" in capsys.readouterr().err


def test_what_sim_serve_passes_for_a_class_is_accepted_by_sim_play(tmp_path):
    from sim.cli import build_parser
    from sim.commands.serve import play_arguments

    path = write_class(tmp_path, MINI)
    args = build_parser().parse_args(["play", *play_arguments(None, str(path))])
    launch = new_launch(args)
    session = launch.session
    assert session.classroom is not None and session.classroom.path == path.resolve()
    assert (session.perspective, session.blind, session.game.seed) == ("caracas", True, 0)


@pytest.fixture
def web_app(monkeypatch, mini):
    """The app as `sim serve` runs it (is_web true), with downloads recorded in `app.sent` instead of sent."""
    monkeypatch.setattr(SimApp, "is_web", property(lambda self: True))

    def make() -> SimApp:
        app = SimApp(Launch(session=Session(mini, MINI, clock=lambda: CLOCK)))
        app.sent = []

        def deliver_text(path_or_file, **kwargs):
            app.sent.append({"text": path_or_file.read(), **kwargs})
            return f"key-{len(app.sent)}"

        app.deliver_text = deliver_text
        return app

    return make


@pilot_test
async def test_under_sim_serve_saving_downloads_and_nothing_is_journaled(web_app, tmp_path):
    from textual.events import DeliveryComplete, DeliveryFailed

    app = web_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert journal.latest() is None, "no journal under the web"
        await pilot.press("s")
        await settle(pilot)
        sent = app.sent[0]
        assert sent["save_filename"] == "mini-peru-19620727-093000.json"
        assert sent["mime_type"] == "application/json"
        assert parse_replay(sent["text"], "download").steps[0].choice == "iapc"
        assert app.session.unsaved, "saved only once the browser has it"
        app.post_message(DeliveryFailed(key="key-1", exception=OSError("connection lost"), name="replay"))
        await settle(pilot)
        assert app.session.unsaved and any("connection lost" in n for n in notices(app))
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuitScreen)
        await pilot.press("s")
        await settle(pilot)
        assert len(app.sent) == 2 and app.is_running, "waits for the download before quitting"
        app.post_message(DeliveryComplete(key="key-2", name="replay"))
        await settle(pilot)
    assert not app.session.unsaved
    assert any("Downloaded: mini-peru-19620727-093000.json" in n for n in notices(app))
    assert not (tmp_path / "replays").exists()


@pilot_test
async def test_under_sim_serve_the_debrief_export_downloads(web_app, tmp_path):
    app = web_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DebriefScreen)
        await pilot.press("e")
        await settle(pilot)
    sent = app.sent[0]
    assert sent["save_filename"] == "mini-peru-19620727-093000.html" and sent["mime_type"] == "text/html"
    assert sent["text"].startswith("<!DOCTYPE html>") and "Debrief: The Venezuelan proposal" in sent["text"]
    assert not (tmp_path / "replays").exists()
