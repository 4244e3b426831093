"""The layered expansion (a scenario node at a time, over arrays) gives the graph the plain one does."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.analysis.errors import AnalysisError
from sim.analysis.graph import expand
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent

HEADER = """format: 1
id: layered
title: Layered
version: "1"
start_date: 1962-01-01
variables:
  x: {type: int, min: 0, max: 3, initial: 1}
  y: {type: int, min: -2, max: 2, initial: 0}
  flag: {type: bool, initial: false}
  stance: {type: enum, values: [calm, tense, open], initial: calm}
objectives:
  gain: {score: "x * 10 + (50 if flag else 0)"}
  calm: {score: "100 - abs(y) * 20"}
  mood: {score: "50 + (25 if stance == calm else 0) - round(x / 2) * 5"}
perspectives:
  first: {weights: {gain: 2, calm: 1, mood: 1}}
start: n0
nodes:
"""

EFFECTS = [
    "", "x: \"min(x + 1, 3)\"", "x: \"max(x - 1, 0)\"", "x: \"(x + 2) % 4\"", "x: \"round(x / 2)\"",
    "y: \"y - 1\"", "y: \"clamp(y + x, -2, 2)\"", "y: \"2 if flag else -2\"", "flag: \"not flag\"",
    "flag: \"x * y > 0\"", "stance: \"tense if x > 1 else open\"", "stance: calm",
    "x: \"min(3, 6 // (y + 3))\", stance: \"open if stance == tense else stance\"",
    "x: \"clamp(6 // y, 0, 3) if y != 0 else x\"", "x: \"clamp(4 // y, 0, 3)\"", "y: \"(y * 7) % (x + 1) - 2\"",
]
GUARDS = ["x <= 2", "x * y >= 0", "stance in [calm, open]", "not flag", "stance != tense and y > -2",
          "x // 2 == 0 or flag"]
ODDS = [("0.5", "0.5"), ("0.1 + 0.2 * x", "1 - (0.1 + 0.2 * x)"), ("0.9 if flag else 0.3", "0.1 if flag else 0.7"),
        ("1 / y if y > 0 else 0.5", "1 - (1 / y if y > 0 else 0.5)"), ("0.3", "0.6"),
        ("0.25 if stance == open else 0.75", "0.75 if stance == open else 0.25"), ("1", "0")]
ROUTE_TESTS = ["x >= 2", "stance == tense", "flag and y < 0", "x // 2 == 1"]


@st.composite
def scenarios(draw) -> str:
    """YAML of a layered scenario mixing ints, bools and an enum; odds that may not sum to 1, effects
    that may leave a range, a division by zero in a branch that is never taken."""
    layers = draw(st.integers(1, 5))
    lines = [HEADER]
    for n in range(layers):
        target = f"n{n + 1}" if n + 1 < layers else "end_a"

        def route(other: str = "end_b", target: str = target) -> str:
            if draw(st.booleans()):
                return f"[{{when: \"{draw(st.sampled_from(ROUTE_TESTS))}\", goto: {other}}}, {{goto: {target}}}]"
            return target

        if draw(st.booleans()):
            lines.append(f"  n{n}:\n    type: decision\n    date: 1962-01-01\n    options:")
            for k in range(draw(st.integers(1, 3))):
                guard = f"\n        guard: \"{draw(st.sampled_from(GUARDS))}\"" if k and draw(st.booleans()) else ""
                lines.append(f"      o{k}:{guard}\n        effects: {{{draw(st.sampled_from(EFFECTS))}}}\n"
                             f"        next: {route()}")
        else:
            lines.append(f"  n{n}:\n    type: chance\n    date: 1962-01-01\n    outcomes:")
            for k, prob in enumerate(draw(st.sampled_from(ODDS))):
                lines.append(f"      c{k}:\n        probability: \"{prob}\"\n"
                             f"        effects: {{{draw(st.sampled_from(EFFECTS))}}}\n        next: {route('end_c')}")
    for end in ("end_a", "end_b", "end_c"):
        lines.append(f"  {end}: {{type: end, date: 1962-02-01}}")
    return "\n".join(lines) + "\n"


def shape(graph) -> dict:
    """The graph keyed by (node, state) instead of ids: equal for equal graphs however numbered."""
    key = list(zip(graph.node, graph.state, strict=True))
    table = graph.reward_table
    return {key[i]: (graph.kind[i], graph.moves[i], tuple(key[c] for c in graph.children[i]), graph.probs[i],
                     tuple(table[r] for r in graph.rewards[i]) if graph.rewards[i] else None)
            for i in range(len(graph))}


def outcome(sc, layered: bool):
    try:
        return expand(sc, layered=layered), None
    except AnalysisError as exc:
        return None, exc.code


def assert_same(sc) -> None:
    layered, error = outcome(sc, True)
    plain, plain_error = outcome(sc, False)
    assert (error is None) == (plain_error is None)
    if error is not None:
        return
    assert shape(layered) == shape(plain)
    assert layered.warnings == plain.warnings
    assert layered.count_paths() == plain.count_paths()
    assert layered.node[layered.root] == plain.node[plain.root]
    for i in range(len(plain)):
        j = layered.find(plain.node[i], plain.state[i])
        assert (layered.node[j], layered.state[j]) == (plain.node[i], plain.state[i])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=scenarios())
def test_layered_expansion_equals_plain(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("gen") / "scenario.yaml"
    path.write_text(text)
    assert_same(load_scenario(path))


def test_peru_layered_equals_plain():
    sc = load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml")
    graph = expand(sc)
    assert graph.layers is not None
    assert_same(sc)


def test_layers_list_children_first():
    graph = expand(load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml"))
    rank = {}
    for r, (lo, hi) in enumerate(graph.layers):
        for i in range(lo, hi):
            rank[i] = r
    assert sorted(rank) == list(range(len(graph)))
    assert all(rank[c] < rank[i] for i in range(len(graph)) for c in graph.children[i])


def test_a_division_by_zero_on_a_taken_branch_is_reported_as_the_plain_expansion_reports_it(write_variant):
    path = write_variant("probability: p_votes\n", "probability: \"p_votes / (junta_confidence - 1)\"\n")
    sc = load_scenario(path)
    with pytest.raises(AnalysisError) as layered:
        expand(sc)
    with pytest.raises(AnalysisError) as plain:
        expand(sc, layered=False)
    assert layered.value.code == plain.value.code == "A003"
    assert "division by zero" in str(layered.value)


def test_lookups_of_states_the_graph_does_not_hold_miss():
    sc = load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml")
    graph = expand(sc)
    assert graph.find(sc.start, sc.initial) == graph.root
    wrong = list(sc.initial)
    wrong[0] = 10**6
    assert graph.find(sc.start, tuple(wrong)) is None
    assert (sc.start, ("not", "a", "state")) not in graph.index


def test_tables_read_a_row_at_a_time_equal_the_tables_built_whole():
    graph = expand(load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml"))
    for name in ("state", "moves", "children", "probs", "rewards"):
        table = getattr(graph, name)
        rows = [table.one(i) for i in range(len(table))]
        assert rows == table.materialise(), name
        assert getattr(graph, name) is table.items


def test_a_few_reads_do_not_build_a_table_and_many_do():
    graph = expand(load_scenario(ROOT / "scenarios" / "peru-1962" / "scenario.yaml"))
    children = graph.children
    assert children[0] == children.one(0) and children[-1] == children.one(len(graph) - 1)
    assert children.items is None
    for i in range(children.BULK + 1):
        children[i]
    assert children.items is not None and graph.children is children.items


def test_a_loop_among_nodes_keeps_the_plain_expansion(tmp_path):
    path = tmp_path / "loop.yaml"
    path.write_text(HEADER + """  n0:
    type: decision
    date: 1962-01-01
    options:
      again:
        effects: {x: "x + 1"}
        next: [{when: "x < 3", goto: n0}, {goto: end_a}]
      stop: {next: end_b}
  end_a: {type: end, date: 1962-02-01}
  end_b: {type: end, date: 1962-02-01}
""")
    sc = load_scenario(path)
    graph = expand(sc)
    assert graph.layers is None
    assert len(graph) == 4 and graph.count_paths() == 3
    assert_same(sc)
