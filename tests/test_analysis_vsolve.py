"""The layer-at-a-time solve gives exactly the figures of the position-by-position solve."""

from __future__ import annotations

import re
from itertools import accumulate, groupby
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_analysis_bruteforce import scenarios

from sim.analysis.edges import edge_arrays
from sim.analysis.graph import CHANCE, StateGraph, expand
from sim.analysis.policy import perspective_weighting, policy_names
from sim.analysis.solve import _solve, solve
from sim.analysis.vsolve import solve_layers
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
FIGURES = ("value", "m2", "best", "worst", "choice")


def heights(graph: StateGraph) -> list[int]:
    """Longest number of moves from each position to an end."""
    height = [0] * len(graph)
    for i in graph.order:
        kids = graph.children[i]
        if kids:
            height[i] = 1 + max(height[c] for c in kids)
    return height


def layered(graph: StateGraph) -> StateGraph:
    """A copy of the graph renumbered by height (ends first), with a layer per height."""
    height = heights(graph)
    old_of = sorted(range(len(graph)), key=lambda i: (height[i], i))
    new_of = [0] * len(graph)
    for new, old in enumerate(old_of):
        new_of[old] = new
    layers, lo = [], 0
    for _, same in groupby(old_of, key=height.__getitem__):
        hi = lo + sum(1 for _ in same)
        layers.append((lo, hi))
        lo = hi
    node, state = [graph.node[i] for i in old_of], [graph.state[i] for i in old_of]
    return StateGraph(
        graph.scenario,
        node=node,
        state=state,
        kind=[graph.kind[i] for i in old_of],
        moves=[graph.moves[i] for i in old_of],
        children=[tuple(new_of[c] for c in graph.children[i]) for i in old_of],
        probs=[graph.probs[i] for i in old_of],
        rewards=[graph.rewards[i] for i in old_of],
        reward_table=graph.reward_table,
        index={key: new for new, key in enumerate(zip(node, state, strict=True))},
        root=new_of[graph.root],
        order=list(range(len(graph))),
        canon=graph.canon,
        frozen=graph.frozen,
        warnings=list(graph.warnings),
        layers=layers,
    )


def cases(sc):
    """(perspective, its weighting, policy) for every perspective and policy of a scenario."""
    for pid in sc.model.perspectives:
        w = perspective_weighting(sc, pid)
        for policy in policy_names(sc):
            yield pid, w, policy


def layer_faults(graph: StateGraph) -> list[str]:
    """What is wrong with a graph's layers: ids covered twice or not at all, or a child in the same
    layer as its parent or a later one."""
    faults, rank = [], {}
    for k, (lo, hi) in enumerate(graph.layers):
        if hi <= lo:
            faults.append(f"layer ({lo}, {hi}) is empty")
        for i in range(lo, hi):
            if i in rank:
                faults.append(f"{i} is in two layers")
            rank[i] = k
    if sorted(rank) != list(range(len(graph))):
        faults.append(f"the layers cover {len(rank)} ids, not 0 to {len(graph) - 1}")
    faults += [f"{i} -> {c} is not to an earlier layer" for i, k in rank.items() for c in graph.children[i]
               if rank.get(c, k) >= k]
    return faults


def same_solutions(graph: StateGraph, sc) -> None:
    """Both solves of the graph agree exactly, and the graph's own solve is the original's renumbered."""
    assert graph.layers is not None
    for pid, w, policy in cases(sc):
        fast, plain = solve_layers(graph, w, policy), _solve(graph, w, policy)
        for name in FIGURES:
            table, want = getattr(fast, name), getattr(plain, name)
            ends = [table[0], table[len(want) - 1]] if want else []
            got = list(table)
            assert all(type(x) is type(y) for x, y in zip(got, want, strict=True))
            assert got == want, (pid, policy, name)
            assert ends == ([want[0], want[-1]] if want else [])
        assert fast.fallback == plain.fallback, (pid, policy)
        assert fast.reward_values == plain.reward_values


def same_as_original(original: StateGraph, copy: StateGraph) -> None:
    """The solve of the original graph maps onto the copy's through the positions' (node, state) keys."""
    sc = original.scenario
    new_of = {i: copy.index[key] for i, key in enumerate(zip(original.node, original.state, strict=True))}
    assert sorted(new_of.values()) == list(range(len(copy)))
    assert new_of[original.root] == copy.root
    for pid, w, policy in cases(sc):
        before, after = _solve(original, w, policy), solve_layers(copy, w, policy)
        for name in FIGURES:
            old, new = getattr(before, name), getattr(after, name)
            assert all(old[i] == new[j] for i, j in new_of.items()), (pid, policy, name)
        assert {new_of[i]: why for i, why in before.fallback.items()} == after.fallback


@pytest.fixture(scope="module")
def peru():
    sc = load_scenario(PERU)
    return sc, expand(sc)


def all_solves_agree(sc, graph: StateGraph) -> None:
    """On a layered copy of the graph, and on the graph itself when it has layers."""
    copy = layered(graph)
    assert not layer_faults(copy)
    same_solutions(copy, sc)
    same_as_original(graph, copy)
    if graph.layers is not None:
        assert not layer_faults(graph)
        same_solutions(graph, sc)


def test_peru_layered_solve_is_exact(peru):
    all_solves_agree(*peru)


def test_example_layered_solve_is_exact(example):
    all_solves_agree(example, expand(example))


def test_solve_takes_layers_when_the_graph_has_them(example):
    copy = layered(expand(example))
    w = perspective_weighting(example)
    assert solve(copy, w).value == solve_layers(copy, w, "best").value
    copy.layers = None
    assert solve(copy, w).value == _solve(copy, w, "best").value


def test_layer_faults_are_found(example):
    copy = layered(expand(example))
    assert len(copy.layers) > 2
    (a, _), (_, b), *rest = copy.layers
    merged = copy.layers
    copy.layers = [(a, b), *rest]
    assert any("earlier" in fault for fault in layer_faults(copy))
    copy.layers = list(reversed(merged))
    assert any("earlier" in fault for fault in layer_faults(copy))
    copy.layers = merged[1:]
    assert any("cover" in fault for fault in layer_faults(copy))


def test_edge_arrays_match_the_lists(peru, example):
    for graph in (layered(peru[1]), peru[1], layered(expand(example))):
        a = edge_arrays(graph)
        assert a is graph.arrays is edge_arrays(graph)
        assert a.degree.tolist() == [len(kids) for kids in graph.children]
        assert a.kind.tolist() == graph.kind
        assert a.start[0] == 0 and a.start[1:].tolist() == list(accumulate(a.degree.tolist()))
        for i, kids in enumerate(graph.children):
            moves = slice(a.start[i], a.start[i + 1])
            assert a.child[moves].tolist() == list(kids)
            probs = graph.probs[i] if graph.kind[i] == CHANCE else (0.0,) * len(kids)
            assert a.prob[moves].tolist() == list(probs)
            assert a.reward[moves].tolist() == list(graph.rewards[i] or (0,) * len(kids))


@st.composite
def scenarios_with_a_line(draw) -> str:
    """A generated scenario with a reference line choosing some option at some of its decisions."""
    text = draw(scenarios())
    choices = {}
    for node, options in re.findall(r"  (n\d+):\n    type: decision\n    date: [\d-]+\n    options:\n((?:      .*\n?)+)",
                                     text):
        count = len(re.findall(r"^      o\d+:", options, flags=re.M))
        if draw(st.booleans()):
            choices[node] = f"o{draw(st.integers(0, count - 1))}"
    if not choices:
        return text
    listed = ", ".join(f"{node}: {option}" for node, option in choices.items())
    return text + f"lines:\n  drawn:\n    label: Drawn\n    choices: {{{listed}}}\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=scenarios_with_a_line())
def test_generated_scenarios_layered_solve_is_exact(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("gen") / "scenario.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    all_solves_agree(sc, expand(sc))
