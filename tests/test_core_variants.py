"""Variants of a scenario with other parameter values: what a parameter feeds is recompiled, the rest reused."""

from __future__ import annotations

from sim.analysis.graph import expand
from sim.analysis.policy import perspective_weighting
from sim.analysis.solve import solve
from sim.loader import load_scenario, with_parameters


def chance_odds(sc) -> tuple[float, float]:
    votes = sc.node("votes")
    return votes.moves[0].probability(sc.initial), votes.moves[1].probability(sc.initial)


def test_each_variant_has_its_own_values_in_any_order(example):
    assert chance_odds(example) == (0.45, 1 - 0.45)
    for value in (0.2, 0.7, 0.45, 0.2):
        assert chance_odds(with_parameters(example, {"p_votes": value})) == (value, 1 - value)
    assert chance_odds(example) == (0.45, 1 - 0.45)


def test_expressions_a_parameter_does_not_feed_are_shared_with_variants(example):
    variant = with_parameters(example, {"p_votes": 0.3})
    assert variant.memo is example.memo
    votes, again = example.node("votes"), variant.node("votes")
    assert again.moves[0].probability is not votes.moves[0].probability
    assert [m.effect for m in again.moves] == [m.effect for m in votes.moves]
    assert [fn for _, fn in variant.objectives] == [fn for _, fn in example.objectives]


def test_a_variant_is_analysed_as_the_same_file_with_the_value_changed(example, write_variant):
    changed = load_scenario(write_variant("value: 0.45", "value: 0.3"))
    variant = with_parameters(example, {"p_votes": 0.3})
    for sc in (changed, variant):
        sc.memo.pop("arrays", None)
    a, b = solve(expand(changed), perspective_weighting(changed)), solve(expand(variant), perspective_weighting(variant))
    assert list(a.value) == list(b.value)
    assert list(a.choice) == list(b.choice)
