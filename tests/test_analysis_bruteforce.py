"""Generated small scenarios: exact analysis equals brute-force enumeration of every path."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis import analyze_position
from sim.analysis.graph import expand
from sim.analysis.policy import perspective_weighting
from sim.analysis.solve import solve
from sim.loader import load_scenario

HEADER = """format: 1
id: generated
title: Generated
version: "1"
start_date: 1962-01-01
variables:
  x: {type: int, min: 0, max: 3, initial: 1}
  flag: {type: bool, initial: false}
  mood: {type: int, min: 0, max: 2, initial: 0}
objectives:
  gain: {score: "x * 10 + (50 if flag else 0)"}
  calm: {score: "100 - x * 20"}
perspectives:
  first: {weights: {gain: 2, calm: 1}}
  second: {weights: {calm: 1}}
start: n0
nodes:
"""

EFFECTS = ["x: \"min(x + 1, 3)\"", "x: \"max(x - 1, 0)\"", "flag: true", "flag: \"not flag\"", "",
           "mood: \"min(mood + 1, 2)\"", "mood: 0", "x: \"min(x + mood, 3)\""]


@st.composite
def scenarios(draw) -> str:
    """YAML of a layered scenario: decisions with guards, chance events with state-dependent odds,
    conditional routes, and several endings; states merge because effects are clamped, and `mood`
    is read only by guards, odds and effects, so it is dead wherever nothing reads it any more."""
    layers = draw(st.integers(1, 4))
    lines = [HEADER]
    for n in range(layers):
        target = f"n{n + 1}" if n + 1 < layers else "end_a"

        def route(other: str = "end_b", target: str = target) -> str:
            if draw(st.booleans()):
                return f"[{{when: \"x >= {draw(st.integers(1, 3))}\", goto: {other}}}, {{goto: {target}}}]"
            return target

        if draw(st.booleans()):
            lines.append(f"  n{n}:\n    type: decision\n    date: 1962-01-01\n    options:")
            for k in range(draw(st.integers(1, 3))):
                guard = (f"\n        guard: \"{draw(st.sampled_from(['x', 'mood']))} <= {draw(st.integers(0, 3))}\""
                         if k > 0 and draw(st.booleans()) else "")
                effect = draw(st.sampled_from(EFFECTS))
                lines.append(f"      o{k}:{guard}\n        effects: {{{effect}}}\n        next: {route()}")
        else:
            lines.append(f"  n{n}:\n    type: chance\n    date: 1962-01-01\n    outcomes:")
            p = draw(st.sampled_from(["0.5", "0.25", "0.1 + 0.2 * x", "0.9 if flag else 0.3", "1", "0.2 + 0.3 * mood"]))
            for k, prob in enumerate([p, f"1 - ({p})"]):
                effect = draw(st.sampled_from(EFFECTS))
                lines.append(f"      c{k}:\n        probability: \"{prob}\"\n        effects: {{{effect}}}\n"
                             f"        next: {route('end_c')}")
    for end in ("end_a", "end_b", "end_c"):
        lines.append(f"  {end}: {{type: end, date: 1962-02-01}}")
    return "\n".join(lines) + "\n"


def brute(sc, node: int, state: tuple, weights: tuple, mixed: bool):
    """(value, expected scores, endings, paths) by walking every path, with no memo and no shared code."""
    n = sc.nodes[node]
    if n.kind == "end":
        scores = [float(fn(state)) for _, fn in sc.objectives]
        return sum(w * x for w, x in zip(weights, scores, strict=True)), scores, {n.id: 1.0}, 1
    branches = []
    if n.kind == "decision":
        for m in n.moves:
            if m.allowed(state):
                s2 = m.apply(state)
                branches.append(brute(sc, m.next_node(s2), s2, weights, mixed))
        if not mixed:
            top = max(b[0] for b in branches)
            choice = next(b for b in branches if b[0] >= top - 1e-9)
            return (*choice[:3], sum(b[3] for b in branches))
        probs = [1 / len(branches)] * len(branches)
    else:
        probs = []
        for m in n.moves:
            p = m.probability(state)
            if p > 0:
                s2 = m.apply(state)
                probs.append(p)
                branches.append(brute(sc, m.next_node(s2), s2, weights, mixed))
    value = sum(p * b[0] for p, b in zip(probs, branches, strict=True))
    expected = [sum(p * b[1][k] for p, b in zip(probs, branches, strict=True)) for k in range(len(weights))]
    endings: dict[str, float] = {}
    for p, b in zip(probs, branches, strict=True):
        for e, q in b[2].items():
            endings[e] = endings.get(e, 0.0) + p * q
    return value, expected, endings, sum(b[3] for b in branches)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=scenarios(), perspective=st.sampled_from(["first", "second"]), policy=st.sampled_from(["best", "random"]))
def test_exact_analysis_equals_enumeration(tmp_path_factory, text, perspective, policy):
    path = tmp_path_factory.mktemp("gen") / "scenario.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    weighting = perspective_weighting(sc, perspective)
    value, expected, endings, paths = brute(sc, sc.start, sc.initial, weighting.vector, policy == "random")
    result = analyze_position(sc, sc.start, sc.initial, perspective, policy)
    assert result.value == pytest.approx(value, abs=1e-9)
    assert list(result.expected.values()) == pytest.approx(expected, abs=1e-9)
    got = {e: p for e, p in result.endings.items() if p > 1e-12}
    assert got == pytest.approx({e: p for e, p in endings.items() if p > 1e-12}, abs=1e-9)
    for option in result.options:
        if option.legal:
            move = sc.nodes[sc.start].move(option.option)
            s2 = move.apply(sc.initial)
            alone = brute(sc, move.next_node(s2), s2, weighting.vector, policy == "random")
            assert option.value == pytest.approx(alone[0], abs=1e-9)
            assert list(option.expected.values()) == pytest.approx(alone[1], abs=1e-9)
    graph = expand(sc)
    assert graph.count_paths() == paths
    assert len(graph) <= paths * 8


def test_distinct_states_grow_slower_than_paths(tmp_path):
    """A chain of decisions whose effects merge: paths multiply, distinct positions do not."""
    nodes = []
    for n in range(12):
        nxt = f"n{n + 1}" if n < 11 else "end_a"
        nodes.append(f"  n{n}:\n    type: decision\n    date: 1962-01-01\n    options:\n"
                     f"      up: {{effects: {{x: \"min(x + 1, 3)\"}}, next: {nxt}}}\n"
                     f"      down: {{effects: {{x: \"max(x - 1, 0)\"}}, next: {nxt}}}\n"
                     f"      stay: {{next: {nxt}}}")
    path = tmp_path / "chain.yaml"
    path.write_text(HEADER + "\n".join(nodes) + "\n  end_a: {type: end, date: 1962-02-01}\n"
                    "  end_b: {type: end, date: 1962-02-01}\n  end_c: {type: end, date: 1962-02-01}\n")
    graph = expand(load_scenario(path))
    assert graph.count_paths() == 3 ** 12
    assert len(graph) <= 12 * 4 + 4
    assert math.isfinite(solve(graph, perspective_weighting(graph.scenario, "first")).value[graph.root])
