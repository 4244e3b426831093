"""Numbers that reconcile: the debrief's step-by-step judgment and luck add up to the outcome against best play,
the expected losses by decision add up to the line's shortfall, and a forecast is scored against the odds the
model had when the player wrote it."""

from __future__ import annotations

import pytest

from conftest import ROOT
from sim.analysis import project_options
from sim.debrief import build_debrief
from sim.engine import Game
from sim.forecast import events_for
from sim.lines import play_line
from sim.loader import load_scenario
from sim.replay import dumps, from_game, load_replay, parse_replay

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


@pytest.fixture(scope="module")
def memo_debrief(peru):
    return build_debrief(peru, load_replay(PERU.parent / "replays" / "memo.json"))


def test_judgment_and_luck_step_by_step_add_up_to_the_outcome_against_best_play(peru, memo_debrief):
    a = memo_debrief.attribution
    assert a.start == pytest.approx(memo_debrief.luck.best_expected)
    assert a.final == pytest.approx(memo_debrief.luck.actual)
    assert sum(t.change for t in a.terms) == pytest.approx(a.final - a.start)
    assert a.judgment + a.luck == pytest.approx(a.final - a.start)
    assert all(t.after == pytest.approx(n.before) for t, n in zip(a.terms, a.terms[1:], strict=False))


def test_a_decisions_change_is_its_regret_at_that_point(peru, memo_debrief):
    replay = load_replay(PERU.parent / "replays" / "memo.json")
    game = Game(peru)
    regrets = {}
    for step in replay.steps:
        if step.kind == "decision":
            found = {p.option: p for p in project_options(peru, game.position.node, game.position.state,
                                                          memo_debrief.perspective)}
            regrets[len(regrets)] = found[step.choice].regret
            game.choose(step.choice)
        else:
            game.resolve(step.choice)
    decisions = [t for t in memo_debrief.attribution.terms if t.kind == "decision"]
    assert [-t.change for t in decisions] == pytest.approx(list(regrets.values()), abs=1e-9)
    assert any(t.change < -1 for t in decisions), "the memo line loses at some decision"


def test_the_expected_losses_by_decision_add_up_to_the_lines_shortfall(memo_debrief):
    luck = memo_debrief.luck
    assert luck.losses and all(v > 0 for _, v in luck.losses)
    assert sum(v for _, v in luck.losses) == pytest.approx(luck.best_expected - luck.expected)
    assert luck.losses[0][0] == "Resuming relations"


def test_best_play_loses_nothing(peru):
    from sim.analysis.policy import perspective_weighting
    from sim.reporting.luck import LineEvaluator

    evaluator = LineEvaluator(peru, perspective_weighting(peru))
    assert evaluator.losses({}, {}) == {}


def test_a_forecast_is_scored_against_the_odds_the_model_showed_when_it_was_written(peru):
    game = Game(peru, seed=4)
    for option in ("earlier_elections", "wish", "expedite", "receive"):
        game.play(option)
    shown = {e.node: {o.id: o.probability for o in e.outcomes} for e in events_for(game, "iapc")}
    forecasts = {"recognition_wave.others_recognise": 0.5}
    game.play("iapc")
    while game.node.kind == "chance":
        game.resolve()
    replay = from_game(game, extra={4: {"forecasts": forecasts}})
    scores = build_debrief(peru, parse_replay(dumps(replay), "f")).forecasts.scores
    (score,) = scores
    assert score.model == pytest.approx(shown["recognition_wave"])
    at_draw = next(s for s in game.history() if s.node == "recognition_wave")
    assert at_draw.probability != pytest.approx(shown["recognition_wave"][at_draw.choice]), \
        "the odds at the draw differ, so the test tells the two apart"


def test_the_historical_line_debrief_keeps_the_same_identity(peru):
    game = Game(peru, seed=2)
    assert play_line(game, peru.model.lines["historical"]) is None
    d = build_debrief(peru, parse_replay(dumps(from_game(game, line="historical")), "h"))
    assert sum(t.change for t in d.attribution.terms) == pytest.approx(d.attribution.final - d.attribution.start)
