"""Projections at positions of the example scenario, checked against figures worked out by hand."""

from __future__ import annotations

import math

import pytest

from sim.analysis import AnalysisError, analyze_position, project_chance, project_options
from sim.engine import Game


def _hand(example, perspective):
    """The example's outcomes worked out from its declared numbers (scores, weights, p_votes)."""
    raw = example.model.perspectives[perspective].weights
    total = sum(raw.values())
    w = {k: raw.get(k, 0) / total for k in ("democracy", "unity", "venezuela")}

    def scores(confidence, goodwill, public):
        return {"democracy": 70.0 if public else 30.0, "unity": max(0, min(100, 80 - 20 * confidence)),
                "venezuela": 30.0 * goodwill + 10}

    def value(s):
        return sum(w[k] * s[k] for k in w)

    p = example.model.parameters["p_votes"].value
    return scores, value, p


def test_options_at_start_match_hand_computation(example):
    scores, value, p = _hand(example, "state")
    quiet = scores(1, 2, True)
    called_public, called_lapse = scores(1, 3, True), scores(1, 3, False)
    short_lapse = scores(3, 3, False)
    called_best = max(value(called_public), value(called_lapse))
    mfm_value = p * called_best + (1 - p) * value(short_lapse)
    projections = {o.option: o for o in project_options(example, example.start, example.initial, "state")}
    iapc, mfm = projections["iapc"], projections["mfm"]
    assert iapc.value == pytest.approx(max(value(quiet), value(scores(1, 2, False))))
    assert mfm.value == pytest.approx(mfm_value)
    assert mfm.endings == pytest.approx({"public_end": p, "lapse_end": 1 - p})
    assert mfm.expected["democracy"] == pytest.approx(p * 70 + (1 - p) * 30)
    second = p * called_best ** 2 + (1 - p) * value(short_lapse) ** 2
    assert mfm.stdev == pytest.approx(math.sqrt(second - mfm_value ** 2))
    assert mfm.best == pytest.approx(called_best) and mfm.worst == pytest.approx(value(short_lapse))
    top = max(iapc.value, mfm.value)
    assert iapc.regret == pytest.approx(top - iapc.value) and mfm.regret == pytest.approx(top - mfm.value)
    assert min(iapc.regret, mfm.regret) == 0


def test_perspective_changes_the_projection(example):
    scores, value, p = _hand(example, "caracas")
    projections = {o.option: o for o in project_options(example, example.start, example.initial, "caracas")}
    called = max(value(scores(1, 3, True)), value(scores(1, 3, False)))
    assert projections["mfm"].value == pytest.approx(p * called + (1 - p) * value(scores(3, 3, False)))


def test_locked_option_has_no_figures(example):
    game = Game(example)
    game.choose("mfm")
    game.resolve("short")
    options = project_options(example, game.position.node, game.position.state, "state")
    locked = next(o for o in options if o.option == "public_elections")
    assert not locked.legal and locked.value is None and locked.expected == {} and locked.regret is None
    open_ = next(o for o in options if o.option == "resume_now")
    assert open_.legal and open_.regret == 0 and open_.endings == {"lapse_end": 1.0}


def test_chance_outcomes_carry_the_declared_probabilities(example):
    game = Game(example)
    game.choose("mfm")
    outcomes = {o.outcome: o for o in project_chance(example, game.position.node, game.position.state, "state")}
    p = example.model.parameters["p_votes"].value
    assert outcomes["called"].probability == pytest.approx(p)
    assert outcomes["short"].probability == pytest.approx(1 - p)
    assert outcomes["short"].expected["unity"] == pytest.approx(80 - 20 * 3)


def test_random_policy_averages_open_options(example):
    scores, value, p = _hand(example, "state")
    iapc = (value(scores(1, 2, True)) + value(scores(1, 2, False))) / 2
    called = (value(scores(1, 3, True)) + value(scores(1, 3, False))) / 2
    mfm = p * called + (1 - p) * value(scores(3, 3, False))
    result = analyze_position(example, example.start, example.initial, "state", "random")
    assert result.value == pytest.approx((iapc + mfm) / 2)
    assert result.recommended is None


def test_memo_line_is_followed_and_fallbacks_reported(example, write_variant):
    result = analyze_position(example, example.start, example.initial, "caracas", "memo")
    assert result.recommended == "iapc" and result.endings == {"quiet_end": 1.0}
    assert result.fallbacks == {}
    from sim.loader import load_scenario

    partial = load_scenario(write_variant("choices: {proposal: iapc, terms: public_elections}",
                                          "choices: {proposal: mfm}"))
    result = analyze_position(partial, partial.start, partial.initial, "state", "memo")
    assert result.recommended == "mfm"
    assert result.fallbacks == {"terms": "not covered by the line"}


def test_line_falls_back_when_its_option_is_locked(write_variant):
    from sim.loader import load_scenario

    sc = load_scenario(write_variant("choices: {proposal: iapc, terms: public_elections}",
                                     "choices: {proposal: mfm, terms: public_elections}"))
    result = analyze_position(sc, sc.start, sc.initial, "state", "memo")
    assert result.fallbacks == {"terms": "the line's option is locked"}


def test_position_off_the_start_graph_is_expanded_on_demand(example):
    state = (0, "none", 0, False)
    options = project_options(example, example.start, state, "state")
    assert {o.option for o in options} == {"iapc", "mfm"}
    assert next(o for o in options if o.option == "iapc").expected["venezuela"] == 30 * 1 + 10


def test_bad_questions_raise_analysis_errors(example):
    with pytest.raises(AnalysisError, match="unknown perspective"):
        project_options(example, example.start, example.initial, "nobody")
    with pytest.raises(AnalysisError, match="unknown policy"):
        project_options(example, example.start, example.initial, "state", "greedy")
    with pytest.raises(AnalysisError, match="not a decision"):
        project_options(example, example.node_index["votes"], (1, "mfm", 3, False), "state")
    with pytest.raises(AnalysisError, match="not a state"):
        project_options(example, example.start, (9, "none", 1, False), "state")
