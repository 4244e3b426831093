"""Figures measured in this process: the Peru analysis, expression cost, the TUI's projection."""

from __future__ import annotations

import time
import timeit
from pathlib import Path

from sim.analysis import project_options
from sim.analysis.cache import clear, solution_at
from sim.analysis.document import analysis_document
from sim.analysis.fastpath import build
from sim.analysis.graph import DEFAULT_LIMIT, _Expansion, expand
from sim.analysis.policy import BEST, perspective_weighting, policy_names
from sim.analysis.solve import solve
from sim.analysis.vexpand import _coding, _plan
from sim.analysis.vsolve import solve_layers  # noqa: F401 - imported here so numpy's import is not timed
from sim.diagnostics import SimError
from sim.loader import load_scenario

ROOT = Path(__file__).resolve().parent.parent
PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
MINI = ROOT / "docs" / "examples" / "mini.yaml"


def scenario_under_test():
    """The Peru scenario, or the mini example (with the reason) if Peru does not load."""
    try:
        return load_scenario(PERU), None
    except SimError as exc:
        first = exc.diagnostics[0].format().splitlines()[0] if exc.diagnostics else str(exc)
        return load_scenario(MINI), f"peru-1962 does not load ({first}); measured on docs/examples/mini.yaml"


def cold_runs(measure, runs: int = 5) -> tuple[float, float]:
    """Best and median seconds of `measure()` over some runs, each from a cold cache."""
    times = sorted(measure() for _ in range(runs))
    return times[0], times[len(times) // 2]


def perspectives_s(sc) -> tuple[float, int]:
    """Seconds to expand the graph once and solve every position under best play for each perspective,
    from a cold cache (the scenario already loaded): every node's figures under every perspective."""
    clear(sc)
    start = time.perf_counter()
    for pid in sc.model.perspectives:
        sol, _ = solution_at(sc, sc.start, sc.initial, perspective_weighting(sc, pid), BEST)
    return time.perf_counter() - start, len(sol.graph)


def breakdown_s(sc) -> dict[str, float]:
    """Seconds of the parts of `perspectives_s`: preparing the expansion (liveness, and the array form
    of the expressions, or the generated code of the plain expansion when the scenario is not
    layered), the whole expansion (including that), and one best-play solve."""
    clear(sc)
    start = time.perf_counter()
    expansion = _Expansion(sc, DEFAULT_LIMIT)
    coding = _coding(sc)
    if coding is None or _plan(expansion, coding) is None:
        build(expansion, [], {}, [], [], [], [], {})
    planned = time.perf_counter()
    clear(sc)
    graph = expand(sc)
    expanded = time.perf_counter()
    solve(graph, perspective_weighting(sc))
    solved = time.perf_counter()
    return {"plan": planned - start, "expand": expanded - planned, "solve": solved - expanded}


def plain_expansion_s(sc) -> float:
    """Seconds to expand the graph position by position (the reference path of the layered expansion)."""
    start = time.perf_counter()
    expand(sc, layered=False)
    return time.perf_counter() - start


def other_policies_s(sc) -> tuple[float, int]:
    """Seconds to solve the other policies (lines, random) under every perspective, the graph cached."""
    clear(sc)
    solution_at(sc, sc.start, sc.initial, perspective_weighting(sc), BEST)
    start = time.perf_counter()
    count = 0
    for pid in sc.model.perspectives:
        for policy in policy_names(sc):
            if policy != BEST:
                solution_at(sc, sc.start, sc.initial, perspective_weighting(sc, pid), policy)
                count += 1
    return time.perf_counter() - start, count


def whole_analysis_s(sc) -> float:
    """Seconds for the memo of every decision node under every perspective, from a cold cache."""
    clear(sc)
    start = time.perf_counter()
    for pid in sc.model.perspectives:
        w = perspective_weighting(sc, pid)
        raw = {k: float(v) for k, v in sc.model.perspectives[pid].weights.items()}
        analysis_document(sc, sc.start, sc.initial, w, raw, "best")
    return time.perf_counter() - start


def projection_s(sc) -> tuple[float, float]:
    """Seconds for the per-option projections at the start node: cold (nothing cached), then warm."""
    perspective = next(iter(sc.model.perspectives))
    clear(sc)
    start = time.perf_counter()
    project_options(sc, sc.start, sc.initial, perspective)
    cold = time.perf_counter() - start
    runs = 200
    start = time.perf_counter()
    for _ in range(runs):
        project_options(sc, sc.start, sc.initial, perspective)
    return cold, (time.perf_counter() - start) / runs


def typical_guard(sc):
    """A compiled condition of the scenario and its source: the first option guard, or failing that
    the first route condition (both are boolean expressions compiled the same way)."""
    for node in sc.nodes:
        for move in node.moves:
            for guard in move.guards:
                return guard.fn, f"guard {guard.source}"
    for node in sc.nodes:
        for move in node.moves:
            for k, (when, _) in enumerate(move.routes):
                if when is not None:
                    return when, f"route condition {move.model.next[k].when}"
    return None, None


def guard_ns(sc) -> tuple[float, str] | None:
    """Nanoseconds per evaluation of a compiled guard on the initial state."""
    fn, source = typical_guard(sc)
    if fn is None:
        return None
    state = sc.initial
    number = 200_000
    best = min(timeit.repeat(lambda: fn(state), number=number, repeat=5))
    return best / number * 1e9, source
