"""The decision memo: per decision node, what each option is projected to do and why the best is best.

A node reached in several states is summarised over those states, weighted by how likely each is
under the policy. Nodes the policy never reaches are summarised as if every open option were
equally likely to have been taken before them (and marked off the policy's path).
"""

from __future__ import annotations

import math

from sim.analysis.graph import CHANCE, DECISION, END
from sim.analysis.policy import RANDOM
from sim.analysis.projection import fallbacks_from, options_of, outcomes_of, position_figures
from sim.analysis.solve import TIE, Prior, Solution

REASONS = 3


def _mix(parts: list[tuple[float, dict]]) -> dict:
    """Combine per-state option figures, weighted by the probability of each state."""
    total = sum(r for r, _ in parts)
    value = sum(r * f["value"] for r, f in parts) / total
    second = sum(r * (f["stdev"] ** 2 + f["value"] ** 2) for r, f in parts) / total
    expected: dict[str, float] = {}
    endings: dict[str, float] = {}
    for r, f in parts:
        for k, x in f["expected"].items():
            expected[k] = expected.get(k, 0.0) + r * x / total
        for k, x in f["endings"].items():
            endings[k] = endings.get(k, 0.0) + r * x / total
    return {"value": value, "stdev": math.sqrt(max(0.0, second - value * value)),
            "best": max(f["best"] for _, f in parts), "worst": min(f["worst"] for _, f in parts),
            "expected": expected, "endings": dict(sorted(endings.items(), key=lambda kv: -kv[1]))}


def _reasons(states: list[tuple[float, dict]], best: str, other: str, weights: dict[str, float]) -> list[dict]:
    """Objectives ordered by how much they add to the best option's lead over another, over the states
    where both are open (differences of expected scores, and the same weighted by the perspective)."""
    both = [(r, opts[best], opts[other]) for r, opts in states if best in opts and other in opts]
    total = sum(r for r, _, _ in both)
    if total <= 0:
        return []
    rows = []
    for k, w in weights.items():
        diff = sum(r * (a.expected[k] - b.expected[k]) for r, a, b in both) / total
        if w > 0 and abs(diff) > TIE:
            rows.append({"objective": k, "difference": diff, "weighted": w * diff})
    rows.sort(key=lambda r: -r["weighted"])
    return rows


def _node_summary(sol: Solution, node: int, states: list[tuple[int, Prior]], on_path: bool) -> dict:
    g = sol.graph
    sc = g.scenario
    total = sum(p.reach for _, p in states)
    per_state = [(p.reach, {o.option: o for o in options_of(sol, i, p) if o.legal}) for i, p in states]
    options = []
    for m in sc.nodes[node].moves:
        parts = [(r, opts[m.id]) for r, opts in per_state if m.id in opts]
        row = {"option": m.id, "label": m.label, "open": sum(r for r, _ in parts) / total}
        if parts:
            row.update(_mix([(r, o.__dict__) for r, o in parts]))
            row["regret"] = sum(r * o.regret for r, o in parts) / sum(r for r, _ in parts)
            row["best_share"] = sum(r for r, o in parts if o.regret <= TIE) / total
        else:
            row.update({"value": None, "stdev": None, "best": None, "worst": None, "expected": {},
                        "endings": {}, "regret": None, "best_share": 0.0})
        options.append(row)
    open_rows = [o for o in options if o["value"] is not None]
    best = max(open_rows, key=lambda o: (o["best_share"], -o["regret"]))
    others = sorted((o for o in open_rows if o is not best), key=lambda o: (o["regret"], -o["value"]))
    runner_up = others[0]["option"] if others else None
    model = sc.nodes[node].model
    return {
        "node": sc.nodes[node].id, "title": model.title, "date": model.date.isoformat(),
        "on_policy_path": on_path, "reach": total if on_path else None, "states": len(states),
        "best_option": best["option"], "runner_up": runner_up,
        "reasons": _reasons(per_state, best["option"], runner_up, sol.weighting.as_dict(sc))[:REASONS]
        if runner_up else [],
        "options": options,
    }


def decision_summaries(sol: Solution, i: int, prior: Prior) -> list[dict]:
    """A summary of every decision node reachable from position i, in order of play."""
    g = sol.graph
    on_path = sol.forward(i, prior)
    first: dict[int, int] = {}
    for j in reversed(g.children_first(g.reachable(i))):
        if g.kind[j] == DECISION:
            first.setdefault(g.node[j], j)
    missing = set(first) - {g.node[j] for j in on_path}
    anywhere = sol.forward(i, prior, uniform=True) if missing and sol.policy != RANDOM else on_path
    out = []
    for node in sorted(first, key=lambda n: -g.rank[first[n]]):
        reached = node not in missing
        states = [(j, p) for j, p in (on_path if reached else anywhere).items() if g.node[j] == node]
        out.append(_node_summary(sol, node, states, reached))
    return out


def likely_line(sol: Solution, i: int) -> list[dict]:
    """The policy's most likely line of play from position i (most probable outcome at each chance)."""
    g = sol.graph
    line = []
    while g.kind[i] != END:
        parts = sol.branches(i)
        if g.kind[i] == DECISION and sol.choice[i] < 0:
            break
        if g.kind[i] == CHANCE:
            k = max(range(len(parts)), key=lambda x: parts[x][0])
            p = parts[k][0]
        else:
            k, p = sol.choice[i], None
        line.append({"node": g.node_id(i), "choice": g.move_id(i, k), "probability": p})
        i = g.children[i][k]
    line.append({"node": g.node_id(i), "choice": None, "probability": None})
    return line


def root_summary(sol: Solution, i: int, prior: Prior) -> dict:
    """Figures of the position itself: value, spread, expected scores, endings, recommendation."""
    g = sol.graph
    kind = g.kind[i]
    recommended = g.move_id(i, sol.choice[i]) if kind == DECISION and sol.choice[i] >= 0 else None
    out = {"node": g.node_id(i), "kind": g.scenario.nodes[g.node[i]].kind, **position_figures(sol, i, prior),
           "recommended": recommended}
    if kind == CHANCE:
        out["outcomes"] = [o.__dict__ for o in outcomes_of(sol, i, prior)]
    return out


def build_report(sol: Solution, i: int, prior: Prior) -> dict:
    """Everything the memo says about position i, as plain data."""
    g = sol.graph
    return {
        "root": root_summary(sol, i, prior),
        "line": likely_line(sol, i),
        "decisions": decision_summaries(sol, i, prior),
        "fallbacks": fallbacks_from(sol, i),
        "size": {"positions": len(g), "paths": g.count_paths(i)},
        "warnings": list(g.warnings),
    }
