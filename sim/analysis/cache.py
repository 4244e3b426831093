"""Solved tables kept per scenario, so repeated questions at nearby positions cost a lookup.

Safe to call from several threads (the TUI computes projections in a worker): one lock per scenario.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

from sim.analysis.errors import AnalysisError
from sim.analysis.graph import StateGraph, expand
from sim.analysis.policy import Weighting
from sim.analysis.solve import Solution, solve
from sim.runtime import CompiledScenario

MAX_GRAPHS = 8
MAX_SOLUTIONS = 32


class _Store:
    def __init__(self) -> None:
        self.graphs: OrderedDict[tuple, StateGraph] = OrderedDict()
        self.solutions: OrderedDict[tuple, Solution] = OrderedDict()
        self.start_failed = False
        self.lock = threading.RLock()


_stores: dict[int, _Store] = {}
_stores_lock = threading.Lock()


def _store(sc: CompiledScenario) -> _Store:
    key = id(sc)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = _Store()
            weakref.finalize(sc, _stores.pop, key, None)
    return store


def graph_at(sc: CompiledScenario, node: int, state: tuple) -> tuple[StateGraph, int]:
    """A graph holding the position (the one from the start if it is reachable from there), and its id."""
    store = _store(sc)
    with store.lock:
        return _graph_at(store, sc, node, state)


def _graph_at(store: _Store, sc: CompiledScenario, node: int, state: tuple) -> tuple[StateGraph, int]:
    state = tuple(state)
    start_key = (sc.start, sc.initial)
    if start_key not in store.graphs and not store.start_failed:
        try:
            store.graphs[start_key] = expand(sc)
        except AnalysisError:
            store.start_failed = True
    for key, graph in store.graphs.items():
        i = graph.find(node, state)
        if i is not None:
            store.graphs.move_to_end(key)
            return graph, i
    graph = expand(sc, node, state)
    store.graphs[(node, state)] = graph
    while len(store.graphs) > MAX_GRAPHS:
        del store.graphs[next(k for k in store.graphs if k != start_key)]
    return graph, graph.root


def solution_at(sc: CompiledScenario, node: int, state: tuple, weighting: Weighting,
                policy: str) -> tuple[Solution, int]:
    """The solved table (cached per graph, weighting and policy) holding a position, and its id."""
    store = _store(sc)
    with store.lock:
        return _solution_at(store, sc, node, state, weighting, policy)


def _solution_at(store: _Store, sc: CompiledScenario, node: int, state: tuple, weighting: Weighting,
                 policy: str) -> tuple[Solution, int]:
    graph, i = _graph_at(store, sc, node, state)
    key = (id(graph), weighting, policy)
    sol = store.solutions.get(key)
    if sol is None or sol.graph is not graph:
        sol = store.solutions[key] = solve(graph, weighting, policy)
        while len(store.solutions) > MAX_SOLUTIONS:
            store.solutions.popitem(last=False)
    else:
        store.solutions.move_to_end(key)
    return sol, i


def clear(sc: CompiledScenario) -> None:
    """Forget everything cached for a scenario: its graphs and solutions, and the array form of its
    expressions (shared with its variants)."""
    _stores.pop(id(sc), None)
    sc.memo.pop("arrays", None)
