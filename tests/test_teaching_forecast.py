"""Forecasts: the chance events an option leads to, checking forecasts, Brier scores worked out by hand."""

from __future__ import annotations

import pytest
from test_teaching_games import play

from sim.engine import Game
from sim.forecast import (
    ForecastError,
    brier,
    chance_events,
    check_forecasts,
    complete,
    distance,
    events_for,
    forecast_key,
    score_played,
)
from sim.reporting.played import played


def test_option_leading_to_a_chance_event_lists_it_with_the_model_probabilities(example):
    events = events_for(Game(example), "mfm")
    assert [e.node for e in events] == ["votes"]
    (votes,) = events
    assert votes.reach == 1.0
    assert {o.id: o.probability for o in votes.outcomes} == pytest.approx({"called": 0.45, "short": 0.55})
    assert votes.key("called") == "votes.called" == forecast_key("votes", "called")


def test_option_leading_straight_to_a_decision_has_no_events(example):
    assert events_for(Game(example), "iapc") == []


def test_unknown_option_is_refused(example):
    with pytest.raises(ForecastError, match="no option 'nope'"):
        chance_events(example, example.start, example.initial, "nope")


def test_events_follow_chains_and_weigh_by_reach(write_variant):
    from sim.loader import load_scenario

    path = write_variant("        probability: 1 - p_votes\n        effects: {junta_confidence: \"min(junta_confidence + 2, 4)\"}\n        next: terms",
                         "        probability: 1 - p_votes\n        effects: {junta_confidence: \"min(junta_confidence + 2, 4)\"}\n        next: recount")
    text = path.read_text().replace("  terms:\n    type: decision", """  recount:
    type: chance
    date: 1962-08-09
    title: A recount
    outcomes:
      found:
        label: Votes found
        probability: 0.25
        next: terms
        citations: [{doc: d421, quote: "the necessary eleven votes"}]
      lost:
        label: Still short
        probability: 0.75
        next: terms
        citations: [{doc: d421, quote: "the necessary eleven votes"}]
  terms:
    type: decision""")
    path.write_text(text)
    sc = load_scenario(path)
    events = {e.node: e for e in chance_events(sc, sc.start, sc.initial, "mfm")}
    assert set(events) == {"votes", "recount"}
    assert events["recount"].reach == pytest.approx(0.55)
    assert {o.id: o.probability for o in events["recount"].outcomes} == pytest.approx({"found": 0.25, "lost": 0.75})


def test_complete_fills_missing_outcomes_with_the_rest():
    assert complete(["a", "b"], {"a": 0.3}) == pytest.approx({"a": 0.3, "b": 0.7})
    assert complete(["a", "b", "c"], {"a": 0.4}) == pytest.approx({"a": 0.4, "b": 0.3, "c": 0.3})
    assert complete(["a", "b"], {"a": 0.5, "b": 0.501}) == pytest.approx({"a": 0.5 / 1.001, "b": 0.501 / 1.001})


@pytest.mark.parametrize("given, message", [
    ({"a": 1.2}, "between 0 and 1"),
    ({"a": -0.1}, "between 0 and 1"),
    ({"z": 0.5}, "unknown outcome 'z'"),
    ({"a": 0.7, "b": 0.6}, "add up to 1.30"),
    ({"a": 0.2, "b": 0.2}, "add up to 0.40"),
])
def test_complete_refuses_bad_forecasts(given, message):
    with pytest.raises(ForecastError, match=message):
        complete(["a", "b"], given)


def test_check_forecasts_validates_against_the_options_events(example):
    events = events_for(Game(example), "mfm")
    assert check_forecasts(events, {"votes.called": 0.6}) == pytest.approx({"votes.called": 0.6, "votes.short": 0.4})
    with pytest.raises(ForecastError, match="'terms' is not a chance event"):
        check_forecasts(events, {"terms.x": 0.5})


def test_brier_and_distance_by_hand():
    assert brier({"a": 1.0, "b": 0.0}, "a") == 0
    assert brier({"a": 0.0, "b": 1.0}, "a") == 2
    assert brier({"a": 0.3, "b": 0.7}, "a") == pytest.approx(0.49 + 0.49)
    assert distance({"a": 0.3, "b": 0.7}, {"a": 0.45, "b": 0.55}) == pytest.approx(0.045)


def test_scoring_a_played_game(example):
    replay = play(example, ["mfm", "called", "public_elections"],
                  extra={0: {"forecasts": {"votes.called": 0.3}}})
    summary = score_played(example, played(example, replay))
    (s,) = summary.scores
    assert (s.step, s.decision, s.option, s.event, s.happened) == (1, "proposal", "mfm", "votes", "called")
    assert s.forecast == pytest.approx({"called": 0.3, "short": 0.7})
    assert s.brier == pytest.approx(0.98)
    assert s.model_brier == pytest.approx(0.55**2 + 0.55**2)
    assert s.distance == pytest.approx(0.045)
    assert summary.mean == pytest.approx(0.98) and summary.unscored == []


def test_forecast_of_an_event_that_did_not_follow_is_listed_unscored(example):
    replay = play(example, ["iapc", "public_elections"], extra={0: {"forecasts": {"votes.called": 0.3}}})
    summary = score_played(example, played(example, replay))
    assert summary.scores == [] and summary.mean is None
    assert "did not happen after this decision" in summary.unscored[0]


def test_forecasts_that_do_not_add_up_are_unscored_not_fatal(example):
    replay = play(example, ["mfm", "called", "public_elections"],
                  extra={0: {"forecasts": {"votes.called": 0.9, "votes.short": 0.9}}})
    summary = score_played(example, played(example, replay))
    assert summary.scores == [] and "add up to 1.80" in summary.unscored[0]
