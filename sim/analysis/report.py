"""The decision memo: per decision node, what each option is projected to do and why the best is best.

A node reached in several states is summarised over those states, weighted by how likely each is
under the policy. Nodes the policy never reaches are summarised as if every open option were
equally likely to have been taken before them (and marked off the policy's path).
"""

from __future__ import annotations

import math

from sim.analysis.graph import CHANCE, DECISION, END
from sim.analysis.policy import RANDOM
from sim.analysis.projection import fallbacks_from, outcomes_of, position_figures
from sim.analysis.solve import TIE, Prior, Solution

REASONS = 3


class _Tally:
    """Reach-weighted sums of one option's figures over the states of a node where it is open."""

    def __init__(self, objectives: int):
        self.weight = self.value = self.square = self.regret = self.best_share = 0.0
        self.high, self.low = -math.inf, math.inf
        self.scores = [0.0] * objectives
        self.endings: dict[int, float] = {}

    def add(self, r: float, value: float, variance: float, high: float, low: float, scores, endings, regret: float):
        self.weight += r
        self.value += r * value
        self.square += r * (variance + value * value)
        self.high, self.low = max(self.high, high), min(self.low, low)
        self.scores = [a + r * b for a, b in zip(self.scores, scores, strict=True)]
        for e, q in endings.items():
            self.endings[e] = self.endings.get(e, 0.0) + r * q
        self.regret += r * regret
        if regret <= TIE:
            self.best_share += r

    def row(self, sc, total: float) -> dict:
        w = self.weight
        value = self.value / w
        return {"open": w / total, "value": value, "stdev": math.sqrt(max(0.0, self.square / w - value * value)),
                "best": self.high, "worst": self.low,
                "expected": {oid: x / w for (oid, _), x in zip(sc.objectives, self.scores, strict=True)},
                "endings": {sc.nodes[e].id: q / w for e, q in sorted(self.endings.items(), key=lambda kv: -kv[1])},
                "regret": self.regret / w, "best_share": self.best_share / total}


def _tallies(sol: Solution, states: list[tuple[int, Prior]]) -> dict[int, _Tally]:
    """Per move index of the node, the tally of its figures over the given states."""
    g = sol.graph
    table, gains = g.reward_table, sol.reward_values
    tallies: dict[int, _Tally] = {}
    for j, prior in states:
        kids = g.children[j]
        rewards = g.rewards[j] or (0,) * len(kids)
        values = [prior.mean + gains[r] + sol.value[c] for c, r in zip(kids, rewards, strict=True)]
        top = max(values)
        for k, c, r, v in zip(g.moves[j], kids, rewards, values, strict=True):
            tally = tallies.get(k) or tallies.setdefault(k, _Tally(len(table[0])))
            scores = [a + b + d for a, b, d in zip(prior.scores, table[r], sol.expected(c), strict=True)]
            tally.add(prior.reach, v, prior.variance + sol.stdev(c) ** 2, prior.high + gains[r] + sol.best[c],
                      prior.low + gains[r] + sol.worst[c], scores, sol.endings(c), top - v)
    return tallies


def _reasons(sol: Solution, states: list[tuple[int, Prior]], best: int, other: int) -> list[dict]:
    """Objectives ordered by how much they add to the best option's lead over another, over the states
    where both are open (differences of expected scores, and the same weighted by the perspective)."""
    g = sol.graph
    table = g.reward_table
    total, diff = 0.0, [0.0] * len(table[0])
    for j, prior in states:
        moves = g.moves[j]
        if best not in moves or other not in moves:
            continue
        rewards = g.rewards[j] or (0,) * len(moves)
        a, b = moves.index(best), moves.index(other)
        ends = [[x + y for x, y in zip(table[rewards[m]], sol.expected(g.children[j][m]), strict=True)]
                for m in (a, b)]
        total += prior.reach
        diff = [d + prior.reach * (x - y) for d, x, y in zip(diff, ends[0], ends[1], strict=True)]
    if total <= 0:
        return []
    rows = [{"objective": oid, "difference": d / total, "weighted": w * d / total}
            for (oid, _), w, d in zip(g.scenario.objectives, sol.weighting.vector, diff, strict=True)
            if w > 0 and abs(d / total) > TIE]
    return sorted(rows, key=lambda r: -r["weighted"])


def _node_summary(sol: Solution, node: int, states: list[tuple[int, Prior]], on_path: bool) -> dict:
    g = sol.graph
    sc = g.scenario
    total = sum(p.reach for _, p in states)
    tallies = _tallies(sol, states)
    options = []
    for k, m in enumerate(sc.nodes[node].moves):
        row = {"option": m.id, "label": m.label}
        if k in tallies:
            row.update(tallies[k].row(sc, total))
        else:
            row.update({"open": 0.0, "value": None, "stdev": None, "best": None, "worst": None, "expected": {},
                        "endings": {}, "regret": None, "best_share": 0.0})
        options.append(row)
    open_rows = [o for o in options if o["value"] is not None]
    best = max(open_rows, key=lambda o: (o["best_share"], -o["regret"]))
    others = sorted((o for o in open_rows if o is not best), key=lambda o: (o["regret"], -o["value"]))
    runner_up = others[0]["option"] if others else None
    model = sc.nodes[node].model
    index = {m.id: k for k, m in enumerate(sc.nodes[node].moves)}
    return {
        "node": sc.nodes[node].id, "title": model.title, "date": model.date.isoformat(),
        "on_policy_path": on_path, "reach": total if on_path else None, "states": len(states),
        "best_option": best["option"], "runner_up": runner_up,
        "line_choice": line.choices.get(sc.nodes[node].id) if (line := sc.model.lines.get(sol.policy)) else None,
        "reasons": _reasons(sol, states, index[best["option"]], index[runner_up])[:REASONS] if runner_up else [],
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
    anywhere = on_path
    if missing:
        sol.fill_all()
        if sol.policy != RANDOM:
            anywhere = sol.forward(i, prior, uniform=True)
    groups: dict[tuple[int, bool], list[tuple[int, Prior]]] = {}
    for reached, priors in ((True, on_path), (False, anywhere)):
        for j, p in priors.items():
            if g.kind[j] == DECISION and (g.node[j] in missing) != reached:
                groups.setdefault((g.node[j], reached), []).append((j, p))
    return [_node_summary(sol, node, groups[(node, node not in missing)], node not in missing)
            for node in sorted(first, key=lambda n: -g.rank[first[n]])]


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
        "size": {"positions": len(g.reachable(i)), "paths": g.count_paths(i)},
        "warnings": list(g.warnings),
    }
