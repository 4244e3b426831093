"""Dead variables and frozen objectives: what can no longer change is taken out of the positions."""

from __future__ import annotations

import pytest

from sim.analysis import analyze_position
from sim.analysis.graph import expand
from sim.analysis.liveness import liveness, reads


def _by_id(example, sets):
    return {n.id: sets[n.index] for n in example.nodes}


def test_reads_finds_variables_not_enum_members():
    names = {"forum", "junta_confidence", "iapc"}
    assert reads("forum == iapc and junta_confidence <= 2", names) == names
    assert reads("forum == mfm", names) == {"forum"}
    assert reads(3, names) == set()


def test_objectives_freeze_once_nothing_can_change_their_variables(example):
    names = [oid for oid, _ in example.objectives]
    frozen = {n: {names[k] for k in ks} for n, ks in _by_id(example, liveness(example).frozen).items()}
    assert frozen["proposal"] == set()
    assert frozen["votes"] == {"venezuela"}
    assert frozen["terms"] == {"venezuela", "unity"}
    assert frozen["quiet_end"] == set(names)


def test_live_variables_of_the_example(example):
    live = _by_id(example, liveness(example).live)
    assert "forum" not in live["proposal"]
    assert live["terms"] == {"forum", "junta_confidence", "terms_public"}
    assert live["quiet_end"] == set()


def test_states_differing_only_in_a_dead_variable_share_a_position(example):
    start = example.start
    graph = expand(example, start, (1, "mfm", 1, False))
    assert graph.find(start, (1, "none", 1, False)) == graph.root
    assert graph.find(start, (1, "iapc", 1, False)) == graph.root
    assert graph.find(start, (2, "none", 1, False)) is None


def test_frozen_scores_come_from_the_real_state_at_a_merged_position(example):
    """At `terms` Venezuela's score is frozen: two states that differ only in goodwill are one position,
    yet each gets its own projected Venezuela score and value."""
    terms = example.node_index["terms"]
    low = analyze_position(example, terms, (1, "iapc", 1, False), "caracas")
    high = analyze_position(example, terms, (1, "iapc", 3, False), "caracas")
    assert low.expected["venezuela"] == 40 and high.expected["venezuela"] == 100
    assert high.value - low.value == pytest.approx(0.75 * 60)
    assert low.endings == high.endings


def test_fast_path_splits_effect_tuples_like_python():
    import ast

    from sim.analysis.fastpath import _split
    for body in ["(s[0], min(s[1], 2), 'a,b', 'x\\'(', (1, 2))", "(s[0],)", '("q)", s[1] if s[2] else -1)']:
        expected = [ast.dump(e) for e in ast.parse(body, mode="eval").body.elts]
        assert [ast.dump(ast.parse(p, mode="eval").body) for p in _split(body)] == expected
