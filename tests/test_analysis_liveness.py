"""Dead variables: states that differ only in variables nothing reads any more are one position."""

from __future__ import annotations

from sim.analysis.graph import expand
from sim.analysis.liveness import live_variables, reads


def test_reads_finds_variables_not_enum_members():
    names = {"forum", "junta_confidence", "iapc"}
    assert reads("forum == iapc and junta_confidence <= 2", names) == names
    assert reads("forum == mfm", names) == {"forum"}
    assert reads(3, names) == set()


def test_forum_is_dead_until_an_option_sets_it(example):
    live = live_variables(example)
    at = {n.id: live[n.index] for n in example.nodes}
    assert "forum" not in at["proposal"]
    assert "forum" in at["terms"] and "forum" in at["votes"]
    assert "forum" not in at["quiet_end"]
    assert at["quiet_end"] == {"terms_public", "junta_confidence", "caracas_goodwill"}


def test_states_differing_only_in_a_dead_variable_share_a_position(example):
    start = example.start
    graph = expand(example, start, (1, "mfm", 1, False))
    assert graph.find(start, (1, "none", 1, False)) == graph.root
    assert graph.find(start, (1, "iapc", 1, False)) == graph.root
    assert graph.find(start, (2, "none", 1, False)) is None
