"""How the recommendation and the projected value move when one assumption moves.

Each named parameter is swept over its declared range (or ±50% of its value), each objective weight
of the perspective from 0 to three times its value. For each: where the best first decision flips,
the interval around the declared value where it holds, and the spread of the root value (the
tornado table is ordered by that spread).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from sim.analysis.errors import AnalysisError
from sim.analysis.graph import CHANCE, DECISION, END, expand, reweighted
from sim.analysis.liveness import reads
from sim.analysis.policy import Weighting
from sim.analysis.solve import TIE, Solution, solve
from sim.diagnostics import SimError
from sim.loader import with_parameters
from sim.model import ChanceNode, DecisionNode, Outcome
from sim.runtime import CompiledScenario

GRID = 7
BISECTIONS = 8
WEIGHT_SPAN = 3.0
Probe = Callable[[float], tuple[float, str | None]]


def first_decision(sol: Solution, i: int) -> int | None:
    """The decision position play reaches first from i (through the likeliest chance outcomes)."""
    g = sol.graph
    while g.kind[i] == CHANCE:
        i = max(zip(g.probs[i], g.children[i], strict=True))[1]
    return i if g.kind[i] == DECISION else None


def best_first_option(sol: Solution, i: int) -> str | None:
    """The option with the highest projected value at the first decision (the first declared on a tie)."""
    j = first_decision(sol, i)
    if j is None:
        return None
    values = [sol.through(j, x) for x in range(len(sol.graph.children[j]))]
    top = max(values)
    return sol.graph.move_id(j, next(x for x, v in enumerate(values) if v >= top - TIE))


def root_value(sol: Solution, i: int, node: int, state: tuple) -> float:
    """Projected final value at position i, which a game reaches at (node, state)."""
    frozen = sol.graph.offset(node, state)
    return sum(a * b for a, b in zip(sol.weighting.vector, frozen, strict=True)) + sol.value[i]


def _grid(lo: float, hi: float, current: float, integer: bool) -> list[float]:
    if integer:
        lo, hi = int(round(lo)), int(round(hi))
        step = max(1, (hi - lo) // (GRID - 1))
        points = set(range(lo, hi + 1, step)) | {hi, int(current)}
    else:
        points = {lo + (hi - lo) * k / (GRID - 1) for k in range(GRID)} | {current}
    return sorted(points)


def _flip(probe: Probe, a: float, b: float, at_a: str | None, integer: bool) -> float:
    """The value between a and b where the best option stops being `at_a` (bisection)."""
    for _ in range(BISECTIONS if not integer else 64):
        if integer and b - a <= 1:
            return b
        mid = (a + b) // 2 if integer else (a + b) / 2
        if probe(mid)[1] == at_a:
            a = mid
        else:
            b = mid
    return b if integer else (a + b) / 2


def sweep(probe: Probe, lo: float, hi: float, current: float, integer: bool = False) -> dict:
    """Probe a grid over [lo, hi]; locate every change of the best option and the interval holding `current`."""
    points = _grid(lo, hi, current, integer)
    results, failures = {}, []
    for x in points:
        try:
            results[x] = probe(x)
        except (AnalysisError, SimError) as exc:
            failures.append({"at": x, "error": getattr(exc, "message", None) or str(exc).splitlines()[0]})
    good = [x for x in points if x in results]
    if not good:
        return {"failures": failures}
    flips = []
    for a, b in itertools.pairwise(good):
        if results[a][1] != results[b][1]:
            at = _flip(probe, a, b, results[a][1], integer)
            flips.append({"at": at, "from": results[a][1], "to": results[b][1]})
    below = [f["at"] for f in flips if f["at"] <= current]
    above = [f["at"] for f in flips if f["at"] > current]
    values = [results[x][0] for x in good]
    return {
        "low": lo, "high": hi, "best_at_value": results[current][1] if current in results else None,
        "holds_from": max(below) if below else good[0], "holds_to": min(above) if above else good[-1],
        "flips": flips, "root_at_low": results[good[0]][0], "root_at_high": results[good[-1]][0],
        "root_min": min(values), "root_max": max(values), "spread": max(values) - min(values),
        "failures": failures,
    }


def parameter_uses(sc: CompiledScenario) -> dict[str, tuple[bool, set[int], set[int]]]:
    """Per parameter: whether a guard, effect or route condition reads it (then changing it can change
    which positions exist), the chance nodes whose probabilities read it, the objectives whose scores do."""
    names = set(sc.model.parameters)
    structural: set[str] = set()
    chance: dict[str, set[int]] = {p: set() for p in names}
    for nid, node in sc.model.nodes.items():
        moves = node.options if isinstance(node, DecisionNode) else node.outcomes if isinstance(node, ChanceNode) else {}
        for m in moves.values():
            guard = getattr(m, "guard", None)
            for g in [] if guard is None else guard if isinstance(guard, list) else [guard]:
                structural |= reads(g, names)
            for value in m.effects.values():
                structural |= reads(value, names)
            if not isinstance(m.next, str):
                for r in m.next:
                    structural |= reads(r.when, names)
            if isinstance(m, Outcome):
                for p in reads(m.probability, names):
                    chance[p].add(sc.node_index[nid])
    scores = {p: {k for k, (oid, _) in enumerate(sc.objectives) if p in reads(sc.model.objectives[oid].score, names)}
              for p in names}
    return {p: (p in structural, chance[p], scores[p]) for p in names}


def _parameter_probe(sol: Solution, i: int, name: str, state: tuple, uses: tuple, cache: dict) -> Probe:
    sc, node = sol.graph.scenario, sol.graph.node[i]
    structural, chance, scores = uses

    def probe(x: float) -> tuple[float, str | None]:
        if x not in cache:
            varied = with_parameters(sc, {name: x})
            # a layered graph is expanded afresh, faster than re-weighting its positions one by one
            expand_again = structural or sol.graph.layers is not None
            graph, root = (None if expand_again else reweighted(sol.graph, varied, chance, scores)), i
            if graph is None:
                graph = expand(varied, node, state)
                root = graph.root
            again = solve(graph, sol.weighting, sol.policy)
            cache[x] = (root_value(again, root, node, state), best_first_option(again, root))
        return cache[x]

    return probe


def parameter_rows(sol: Solution, i: int, state: tuple) -> list[dict]:
    """One sweep per named parameter."""
    sc = sol.graph.scenario
    uses = parameter_uses(sc)
    rows = []
    for name, p in sc.model.parameters.items():
        integer = isinstance(p.value, int) and (p.range is None or all(isinstance(v, int) for v in p.range))
        if p.range is not None:
            lo, hi, source = p.range[0], p.range[1], "declared range"
        else:
            half = abs(p.value) * 0.5
            lo, hi, source = p.value - half, p.value + half, "±50% of the value"
        row = {"kind": "parameter", "name": name, "label": p.label or name, "value": p.value, "source": source}
        if lo == hi:
            row.update({"low": lo, "high": hi, "flips": [], "spread": 0.0, "failures": [],
                        "note": "nothing to vary (its value is 0 and it has no range)"})
        else:
            probe = _parameter_probe(sol, i, name, state, uses[name], {})
            row.update(sweep(probe, lo, hi, p.value, integer))
        rows.append(row)
    return rows


def weight_rows(sol: Solution, i: int, state: tuple, raw: dict[str, float]) -> list[dict]:
    """One sweep per objective weight of the weighting (raw weights, before normalising)."""
    sc = sol.graph.scenario
    rows = []
    for oid, _ in sc.objectives:
        base = raw.get(oid, 0.0)
        hi = WEIGHT_SPAN * base if base > 0 else max(raw.values())
        cache: dict[float, tuple[float, str | None]] = {}

        def probe(x: float, oid: str = oid, cache: dict = cache) -> tuple[float, str | None]:
            if x not in cache:
                weights = {**raw, oid: x}
                total = sum(weights.values())
                if total <= 0:
                    raise AnalysisError("every weight is zero")
                w = Weighting(sol.weighting.name, sol.weighting.label,
                              tuple(weights.get(o, 0.0) / total for o, _ in sc.objectives))
                varied = solve(sol.graph, w, sol.policy)
                cache[x] = (root_value(varied, i, sol.graph.node[i], state), best_first_option(varied, i))
            return cache[x]

        row = {"kind": "weight", "name": oid, "label": sc.model.objectives[oid].label or oid, "value": base,
               "source": f"0 to {WEIGHT_SPAN:g}x the weight" if base > 0 else "0 to the largest weight"}
        row.update(sweep(probe, 0.0, hi, base))
        rows.append(row)
    return rows


def sensitivity(sol: Solution, i: int, state: tuple, raw_weights: dict[str, float]) -> dict:
    """Parameter and weight sweeps from position i (reached in `state`), and the tornado order
    (largest spread first)."""
    g = sol.graph
    if g.kind[i] == END:
        return {"best_first_option": None, "rows": [], "tornado": []}
    rows = parameter_rows(sol, i, state) + weight_rows(sol, i, state, raw_weights)
    tornado = sorted((r for r in rows if "spread" in r), key=lambda r: -r["spread"])
    return {"best_first_option": best_first_option(sol, i),
            "rows": rows, "tornado": [{"kind": r["kind"], "name": r["name"], "spread": r["spread"],
                                       "root_at_low": r.get("root_at_low"), "root_at_high": r.get("root_at_high")}
                                      for r in tornado]}
