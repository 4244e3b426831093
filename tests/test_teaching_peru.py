"""The teaching outputs on the Peru 1962 scenario: a class of 30, and the debrief of the historical
replay, every quotation of which must be verbatim in its document."""

from __future__ import annotations

import random

import pytest
from test_teaching_games import play

from conftest import ROOT
from sim.debrief import build_debrief, render_markdown
from sim.engine import Game
from sim.forecast import events_for
from sim.loader import load_scenario
from sim.replay import from_game, load_replay, save
from sim.report import build_report, collect_files
from sim.report import render_markdown as report_markdown
from sim.reporting.history import historical_replay_path
from sim.sources import quote_found

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


def historical_game(sc):
    """The scenario's historical replay."""
    return load_replay(historical_replay_path(sc))


def test_the_historical_debrief_is_cited_verbatim(peru):
    d = build_debrief(peru, historical_game(peru))
    hist = next(c for c in d.lines if c.id == "historical")
    assert hist.diverged is None
    assert d.history.steps and d.history.endings
    quoted = [c for s in d.history.steps for c in s.citations] + [c for e in d.history.endings for c in e.citations]
    assert quoted
    for c in quoted:
        assert quote_found(peru.documents[c.doc], c.quote), f"{c.doc}: {c.quote[:60]}"
    text = render_markdown(d)
    section = text[text.index("## What actually happened"):text.index("## Documents now unlocked")]
    assert "From the record" in section
    for e in d.history.endings:
        assert e.epilogue.split(".")[0] in section
    decisions = [s for s in d.history.steps if s.kind == "decision"]
    assert all(s.citations for s in decisions), [s.node for s in decisions if not s.citations]


def test_a_class_of_thirty_on_peru(peru, tmp_path):
    rng = random.Random(30)
    for i in range(30):
        game = Game(peru, seed=1962)
        extra = {}
        while not game.is_over():
            if game.node.kind == "chance":
                game.resolve()
                continue
            option = rng.choice([o.id for o in game.legal_options() if o.legal])
            events = events_for(game, option)
            forecasts = {events[0].key(events[0].outcomes[0].id): 0.6} if events else {}
            extra[len(game.history())] = {"rationale": f"reason {i}", "forecasts": forecasts}
            game.choose(option)
        save(from_game(game, player=f"Student {i:02d}", extra=extra), tmp_path / f"s{i:02d}.json")
    save(play(peru, []), tmp_path / "unfinished.json")
    report = build_report(collect_files([str(tmp_path)])[0], str(PERU))
    assert len(report.students) == 31 and not report.problems and len(report.finished) == 30
    first = report.splits[0]
    assert first.node == peru.nodes[peru.start].id and first.reached == 30
    assert sum(o.count for o in first.options) == 30
    assert any(s.forecasts.scores for s in report.students)
    text = report_markdown(report)
    assert "## Where the class split" in text and "## Forecasts" in text and "class mean Brier" in text
