"""The Pareto frontier of policies over the objectives: what no other policy beats on every count.

Candidate policies are the reference lines, best play under each perspective and under each single
objective. On small graphs every deterministic policy is also covered exactly: the set of
undominated expected-score vectors is built children first, merging at chance nodes.
"""

from __future__ import annotations

from sim.analysis.graph import CHANCE, END, StateGraph
from sim.analysis.policy import BEST, Weighting, perspective_weighting, single_objective
from sim.analysis.projection import named
from sim.analysis.solve import Prior, Solution, solve

EPS = 1e-9
EXACT_POSITIONS = 20_000
EXACT_SET = 256
EXACT_PRODUCT = 20_000


class _TooMany(Exception):
    pass


def _covers(a: tuple, b: tuple) -> bool:
    """a is at least as good as b on every objective."""
    return all(x >= y - EPS for x, y in zip(a, b, strict=True))


def undominated(items: list[tuple[tuple, object]]) -> list[tuple[tuple, object]]:
    """Items whose vectors no other item covers (one of each group of equal vectors kept)."""
    kept: list[tuple[tuple, object]] = []
    for v, plan in sorted(items, key=lambda it: -sum(it[0])):
        if not any(_covers(k, v) for k, _ in kept):
            kept.append((v, plan))
    return kept


def candidates(sol: Solution, i: int) -> list[tuple[str, str, Solution]]:
    """(name, label, solution) of each candidate policy, duplicates of weighting removed."""
    sc = sol.graph.scenario
    out = [(BEST, f"best play ({sol.weighting.label})", sol if sol.policy == BEST else solve(sol.graph, sol.weighting))]
    for lid, line in sc.model.lines.items():
        out.append((lid, line.label or lid, solve(sol.graph, sol.weighting, lid)))
    weightings: list[Weighting] = [perspective_weighting(sc, pid) for pid in sc.model.perspectives]
    weightings += [single_objective(sc, oid) for oid, _ in sc.objectives]
    for w in weightings:
        if w.vector != sol.weighting.vector:
            out.append((f"best:{w.name}", f"best play ({w.label})", solve(sol.graph, w)))
    return out


def _shift(a: tuple, b: tuple) -> tuple:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _exact(graph: StateGraph, i: int, start: tuple) -> list[tuple[tuple, object]]:
    reach, stack = set(), [i]
    while stack:
        j = stack.pop()
        if j not in reach:
            reach.add(j)
            stack.extend(graph.children[j])
    if len(reach) > EXACT_POSITIONS:
        raise _TooMany(f"more than {EXACT_POSITIONS:,} positions")
    sets: dict[int, list] = {}
    table = graph.reward_table
    zero = table[0]
    for j in graph.children_first(reach):
        kind = graph.kind[j]
        kids = graph.children[j]
        rewards = graph.rewards[j] or (0,) * len(kids)
        if kind == END:
            sets[j] = [(zero, None)]
        elif kind == CHANCE:
            acc: list = [(zero, ())]
            for p, c, r in zip(graph.probs[j], kids, rewards, strict=True):
                if len(acc) * len(sets[c]) > EXACT_PRODUCT:
                    raise _TooMany("too many combinations at a chance event")
                acc = undominated([(tuple(a + p * (x + y) for a, x, y in zip(av, v, table[r], strict=True)),
                                    plans + (plan,)) for av, plans in acc for v, plan in sets[c]])
            sets[j] = [(v, ("c", j, plans)) for v, plans in acc]
        else:
            sets[j] = undominated([(_shift(v, table[r]), ("d", j, k, plan))
                                   for k, (c, r) in enumerate(zip(kids, rewards, strict=True))
                                   for v, plan in sets[c]])
        if len(sets[j]) > EXACT_SET:
            raise _TooMany(f"more than {EXACT_SET} undominated policies at one position")
    return [(_shift(v, start), plan) for v, plan in sets[i]]


def _choices(graph: StateGraph, plan) -> dict[str, list[str]]:
    """The options a plan takes, per decision node (several when it depends on the state)."""
    out: dict[str, list[str]] = {}
    stack = [plan]
    while stack:
        p = stack.pop()
        if p is None:
            continue
        if p[0] == "d":
            _, j, k, sub = p
            taken = out.setdefault(graph.node_id(j), [])
            if graph.move_id(j, k) not in taken:
                taken.append(graph.move_id(j, k))
            stack.append(sub)
        else:
            stack.extend(p[2])
    return out


def _gives_up(vec: tuple, frontier: list[tuple], sc) -> dict[str, float]:
    best = [max(v[k] for v in frontier) for k in range(len(vec))]
    return {oid: best[k] - vec[k] for k, (oid, _) in enumerate(sc.objectives) if best[k] - vec[k] > EPS}


def frontier(sol: Solution, i: int, prior: Prior) -> dict:
    """Candidate policies marked on or off the frontier; the exact frontier when the graph is small."""
    g = sol.graph
    sc = g.scenario
    cands = [(name, label, _shift(prior.scores, s.expected(i))) for name, label, s in candidates(sol, i)]
    exact, note = None, None
    try:
        exact = _exact(g, i, prior.scores)
    except _TooMany as exc:
        note = f"every policy could not be enumerated ({exc}); the frontier is over the candidate policies"
    front = [v for v, _ in exact] if exact is not None else [v for v, _ in undominated([(v, n) for n, _, v in cands])]
    policies = []
    for name, label, vec in cands:
        beaten_by = next((n for n, _, v in cands if n != name and _covers(v, vec) and not _covers(vec, v)), None)
        on = any(_covers(vec, v) for v in front)
        policies.append({"name": name, "label": label, "expected": named(sc, vec), "on_frontier": on,
                         "dominated_by": beaten_by, "gives_up": _gives_up(vec, front, sc)})
    out = {"method": "exact" if exact is not None else "candidates", "note": note, "policies": policies}
    if exact is not None:
        out["frontier"] = [{"expected": named(sc, v), "choices": _choices(g, plan),
                            "matches": [n for n, _, c in cands if _covers(c, v) and _covers(v, c)],
                            "gives_up": _gives_up(v, front, sc)} for v, plan in exact]
    return out
