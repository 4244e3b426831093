"""Scenarios that cannot be analysed are reported with a clear error, never a hang or a traceback."""

from __future__ import annotations

import sys

import pytest

from sim.analysis import AnalysisError
from sim.analysis.graph import expand, settle
from sim.engine import pick
from sim.loader import load_scenario


def test_cycle_is_reported_with_its_nodes(write_variant):
    sc = load_scenario(write_variant("        next: lapse_end\n", "        next: votes\n"))
    with pytest.raises(AnalysisError) as info:
        expand(sc)
    assert info.value.code == "A005"
    assert "votes -> terms -> votes" in info.value.message or "terms -> votes -> terms" in info.value.message


def test_dead_end_is_reported(write_variant):
    sc = load_scenario(write_variant("      resume_now:\n", "      resume_now:\n        guard: \"junta_confidence <= 2\"\n"))
    with pytest.raises(AnalysisError, match="'terms' has no open option") as info:
        expand(sc)
    assert info.value.code == "A002"


def test_effect_outside_a_range_is_reported(write_variant):
    sc = load_scenario(write_variant('caracas_goodwill: "min(caracas_goodwill + 2, 3)"', 'caracas_goodwill: "caracas_goodwill + 3"'))
    with pytest.raises(AnalysisError, match="outside its range.*caracas_goodwill = 4"):
        expand(sc)


def test_position_limit_stops_expansion(example):
    with pytest.raises(AnalysisError, match="more than 3 distinct positions"):
        expand(example, limit=3)


def test_deep_chain_needs_no_recursion(tmp_path):
    depth = sys.getrecursionlimit() + 500
    nodes = [f"  n{k}: {{type: decision, date: 1962-01-01, options: {{go: {{next: n{k + 1}}}}}}}" for k in range(depth)]
    text = f"""format: 1
id: deep
title: Deep
version: "1"
start_date: 1962-01-01
variables: {{x: {{type: int, min: 0, max: 1, initial: 0}}}}
objectives: {{o: {{score: "x"}}}}
perspectives: {{p: {{weights: {{o: 1}}}}}}
start: n0
nodes:
{chr(10).join(nodes)}
  n{depth}: {{type: end, date: 1962-01-01}}
"""
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    graph = expand(load_scenario(path))
    assert len(graph) == depth + 1 and graph.count_paths() == 1


@pytest.mark.parametrize(("raw", "settled"), [
    ([0.5, 0.5], [0.5, 0.5]),
    ([0.2, 0.3], [0.2, 0.8]),
    ([0.7, 0.6], [0.7, 0.3]),
    ([0.0, 0.4, -1.0, 0.2], [0.0, 0.4, 0.0, 0.6]),
])
def test_probabilities_are_settled_as_the_engine_draws_them(raw, settled):
    assert settle(raw) == pytest.approx(settled)
    draws = 10_000
    counts = [0] * len(raw)
    for k in range(draws):
        counts[pick(raw, (k + 0.5) / draws)] += 1
    assert [c / draws for c in counts] == pytest.approx(settle(raw), abs=1e-3)
