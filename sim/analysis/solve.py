"""Backward induction over a state graph: the value of every position under a weighting and a policy."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.analysis.graph import CHANCE, END, StateGraph
from sim.analysis.policy import BEST, RANDOM, Weighting, line_moves

TIE = 1e-9
NOT_COVERED, LOCKED = "not covered by the line", "the line's option is locked"


@dataclass
class Solution:
    """Per position: expected weighted value, its second moment, best and worst reachable value, and the
    option the policy takes (an index into the position's open moves; -1 when it mixes or does not choose)."""

    graph: StateGraph
    weighting: Weighting
    policy: str
    value: list[float]
    m2: list[float]
    best: list[float]
    worst: list[float]
    choice: list[int]
    fallback: dict[int, str]
    _expected: dict[int, tuple[float, ...]] = field(default_factory=dict, repr=False)
    _endings: dict[int, dict[int, float]] = field(default_factory=dict, repr=False)

    def stdev(self, i: int) -> float:
        return math.sqrt(max(0.0, self.m2[i] - self.value[i] ** 2))

    def branches(self, i: int) -> list[tuple[float, int]]:
        """(probability, child) pairs the policy follows from position i."""
        g = self.graph
        kind = g.kind[i]
        if kind == END:
            return []
        if kind == CHANCE:
            return list(zip(g.probs[i], g.children[i], strict=True))
        if self.choice[i] >= 0:
            return [(1.0, g.children[i][self.choice[i]])]
        kids = g.children[i]
        return [(1.0 / len(kids), c) for c in kids]

    def reach(self, i: int) -> dict[int, float]:
        """Probability of passing through each position when play starts at i and follows the policy."""
        out = {i: 1.0}
        pending = [i]
        seen = {i}
        while pending:
            j = pending.pop()
            for _, c in self.branches(j):
                if c not in seen:
                    seen.add(c)
                    pending.append(c)
        for j in reversed(self.graph.children_first(seen)):
            r = out.get(j, 0.0)
            for p, c in self.branches(j):
                out[c] = out.get(c, 0.0) + r * p
        return out

    def expected(self, i: int) -> tuple[float, ...]:
        """Expected final score of each objective from position i."""
        self._fill(i)
        return self._expected[i]

    def endings(self, i: int) -> dict[int, float]:
        """Probability of each ending (scenario node index) from position i."""
        self._fill(i)
        return self._endings[i]

    def _fill(self, i: int) -> None:
        if i in self._expected:
            return
        todo, stack = set(), [i]
        while stack:
            j = stack.pop()
            if j in todo or j in self._expected:
                continue
            todo.add(j)
            stack.extend(c for _, c in self.branches(j))
        g, expected, endings = self.graph, self._expected, self._endings
        for j in g.children_first(todo):
            if g.kind[j] == END:
                expected[j] = g.scores[j]
                endings[j] = {g.node[j]: 1.0}
                continue
            parts = self.branches(j)
            if len(parts) == 1:
                expected[j] = expected[parts[0][1]]
                endings[j] = endings[parts[0][1]]
                continue
            acc = [0.0] * len(self.weighting.vector)
            ends: dict[int, float] = {}
            for p, c in parts:
                for k, x in enumerate(expected[c]):
                    acc[k] += p * x
                for e, q in endings[c].items():
                    ends[e] = ends.get(e, 0.0) + p * q
            expected[j] = tuple(acc)
            endings[j] = ends


def solve(graph: StateGraph, weighting: Weighting, policy: str = BEST) -> Solution:
    """Value every position of the graph, children first, each once."""
    n = len(graph)
    w = weighting.vector
    kind, children, probs, scores, moves, nodes = (graph.kind, graph.children, graph.probs, graph.scores,
                                                   graph.moves, graph.node)
    line = line_moves(graph.scenario, policy)
    mixed = policy == RANDOM
    value = [0.0] * n
    m2 = [0.0] * n
    best = [0.0] * n
    worst = [0.0] * n
    choice = [-1] * n
    fallback: dict[int, str] = {}
    for i in graph.order:
        k = kind[i]
        if k == END:
            v = sum(a * b for a, b in zip(w, scores[i], strict=False))
            value[i], m2[i], best[i], worst[i] = v, v * v, v, v
        elif k == CHANCE:
            v = q = 0.0
            hi, lo = -math.inf, math.inf
            for p, c in zip(probs[i], children[i], strict=False):
                v += p * value[c]
                q += p * m2[c]
                if best[c] > hi:
                    hi = best[c]
                if worst[c] < lo:
                    lo = worst[c]
            value[i], m2[i], best[i], worst[i] = v, q, hi, lo
        elif mixed:
            kids = children[i]
            share = 1.0 / len(kids)
            value[i] = share * sum(value[c] for c in kids)
            m2[i] = share * sum(m2[c] for c in kids)
            best[i] = max(best[c] for c in kids)
            worst[i] = min(worst[c] for c in kids)
        else:
            kids = children[i]
            pick = -1
            if line:
                want = line.get(nodes[i])
                if want is None:
                    fallback[i] = NOT_COVERED
                elif want in moves[i]:
                    pick = moves[i].index(want)
                else:
                    fallback[i] = LOCKED
            if pick < 0:
                pick, top = 0, value[kids[0]]
                for x in range(1, len(kids)):
                    if value[kids[x]] > top + TIE:
                        pick, top = x, value[kids[x]]
            c = kids[pick]
            choice[i] = pick
            value[i], m2[i], best[i], worst[i] = value[c], m2[c], best[c], worst[c]
    return Solution(graph, weighting, policy, value, m2, best, worst, choice, fallback)

