"""Backward induction over a state graph: the value of every position under a weighting and a policy.

A position's figures cover what is still to come from it: the scores of objectives that freeze on
the way (edge rewards, see `liveness`). Add the scores already frozen at a position (its offset)
for the projected final figures; `Prior` carries that offset along forward passes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import mul

from sim.analysis.graph import CHANCE, END, StateGraph, no_cycle_collection
from sim.analysis.policy import BEST, RANDOM, Weighting, line_moves

TIE = 1e-9
NOT_COVERED, LOCKED = "not covered by the line", "the line's option is locked"


@dataclass
class Prior:
    """What has been collected on arriving at a position: probability of arriving, and the mean, second
    moment, least and most of the weighted value collected so far, with the mean score of each objective."""

    reach: float
    mean: float
    second: float
    low: float
    high: float
    scores: tuple[float, ...]

    @property
    def variance(self) -> float:
        return max(0.0, self.second - self.mean * self.mean)


@dataclass
class Solution:
    """Per position: expected weighted value still to come, its second moment, least and most reachable,
    and the option the policy takes (index into the open moves; -1 when it mixes or does not choose)."""

    graph: StateGraph
    weighting: Weighting
    policy: str
    value: list[float]
    m2: list[float]
    best: list[float]
    worst: list[float]
    choice: list[int]
    fallback: dict[int, str]
    reward_values: list[float]
    _expected: dict[int, tuple[float, ...]] = field(default_factory=dict, repr=False)
    _endings: dict[int, dict[int, float]] = field(default_factory=dict, repr=False)

    def stdev(self, i: int) -> float:
        return math.sqrt(max(0.0, self.m2[i] - self.value[i] ** 2))

    def edge_reward(self, i: int, x: int) -> int:
        """Reward-table index of the x-th open move of position i."""
        r = self.graph.rewards[i]
        return r[x] if r is not None else 0

    def through(self, i: int, x: int) -> float:
        """Expected value still to come from position i when its x-th open move is taken."""
        return self.reward_values[self.edge_reward(i, x)] + self.value[self.graph.children[i][x]]

    def branches(self, i: int) -> list[tuple[float, int, int]]:
        """(probability, child, reward index) of the moves the policy follows from position i."""
        g = self.graph
        kind = g.kind[i]
        if kind == END:
            return []
        kids = g.children[i]
        rewards = g.rewards[i] or (0,) * len(kids)
        if kind == CHANCE:
            return list(zip(g.probs[i], kids, rewards, strict=True))
        if self.choice[i] >= 0:
            x = self.choice[i]
            return [(1.0, kids[x], rewards[x])]
        return [(1.0 / len(kids), c, r) for c, r in zip(kids, rewards, strict=True)]

    def forward(self, i: int, start: Prior, uniform: bool = False) -> dict[int, Prior]:
        """Priors of every position reached from i, under the policy (or every open option alike)."""
        g = self.graph
        seen = g.reachable(i)
        table, values = g.reward_table, self.reward_values
        r0 = start.reach
        sums: dict[int, list] = {i: [r0, r0 * start.mean, r0 * start.second, start.low, start.high,
                                     [r0 * x for x in start.scores]]}
        out: dict[int, Prior] = {}
        for j in reversed(g.children_first(seen)):
            acc = sums.pop(j, None)
            if acc is None or acc[0] <= 0:
                continue
            r, s1, s2, low, high, vec = acc
            mean, second = s1 / r, s2 / r
            scores = [x / r for x in vec]
            out[j] = Prior(r, mean, second, low, high, tuple(scores))
            for p, c, k in (self._uniform(j) if uniform else self.branches(j)):
                gain = values[k]
                w = r * p
                into = sums.get(c)
                if into is None:
                    into = sums[c] = [0.0, 0.0, 0.0, math.inf, -math.inf, [0.0] * len(scores)]
                into[0] += w
                into[1] += w * (mean + gain)
                into[2] += w * (second + 2 * gain * mean + gain * gain)
                if low + gain < into[3]:
                    into[3] = low + gain
                if high + gain > into[4]:
                    into[4] = high + gain
                if k:
                    into[5] = [a + w * (b + d) for a, b, d in zip(into[5], scores, table[k], strict=False)]
                else:
                    into[5] = [a + w * b for a, b in zip(into[5], scores, strict=False)]
        return out

    def _uniform(self, i: int) -> list[tuple[float, int, int]]:
        g = self.graph
        kids = g.children[i]
        rewards = g.rewards[i] or (0,) * len(kids)
        if g.kind[i] == CHANCE:
            return list(zip(g.probs[i], kids, rewards, strict=True))
        return [(1.0 / len(kids), c, r) for c, r in zip(kids, rewards, strict=True)]

    def reach(self, i: int) -> dict[int, float]:
        """Probability of passing through each position when play starts at i and follows the policy."""
        zero = (0.0,) * len(self.weighting.vector)
        return {j: p.reach for j, p in self.forward(i, Prior(1.0, 0.0, 0.0, 0.0, 0.0, zero)).items()}

    def expected(self, i: int) -> tuple[float, ...]:
        """Expected score still to come of each objective from position i."""
        self._fill(i)
        return self._expected[i]

    def endings(self, i: int) -> dict[int, float]:
        """Probability of each ending (scenario node index) from position i."""
        self._fill(i)
        return self._endings[i]

    def fill_all(self) -> None:
        """Expected scores and endings of every position at once (cheaper than many small fills)."""
        if len(self._expected) < len(self.graph):
            self._fill_ordered(j for j in self.graph.order if j not in self._expected)

    def _fill(self, i: int) -> None:
        if i in self._expected:
            return
        todo, stack = set(), [i]
        while stack:
            j = stack.pop()
            if j in todo or j in self._expected:
                continue
            todo.add(j)
            stack.extend(c for _, c, _ in self.branches(j))
        self._fill_ordered(self.graph.children_first(todo))

    def _fill_ordered(self, ids) -> None:
        g, expected, endings, table = self.graph, self._expected, self._endings, self.graph.reward_table
        for j in ids:
            if g.kind[j] == END:
                expected[j] = table[0]
                endings[j] = {g.node[j]: 1.0}
                continue
            parts = self.branches(j)
            if len(parts) == 1 and parts[0][2] == 0:
                expected[j] = expected[parts[0][1]]
                endings[j] = endings[parts[0][1]]
                continue
            acc = [0.0] * len(self.weighting.vector)
            ends: dict[int, float] = {}
            for p, c, r in parts:
                for k, (x, y) in enumerate(zip(expected[c], table[r], strict=True)):
                    acc[k] += p * (x + y)
                for e, q in endings[c].items():
                    ends[e] = ends.get(e, 0.0) + p * q
            expected[j] = tuple(acc)
            endings[j] = ends


def _steps(graph: StateGraph):
    """(id, kind, children, probabilities, rewards) of every position, children first (zip and map run
    in C, and the tuple zip yields is reused once unpacked)."""
    order = graph.order
    return zip(order, map(graph.kind.__getitem__, order), map(graph.children.__getitem__, order),
               map(graph.probs.__getitem__, order), map(graph.rewards.__getitem__, order), strict=True)


def _gains(graph: StateGraph, w: tuple[float, ...]) -> list[float]:
    """The weighted value of every reward-table entry (kept on the graph per weight vector: the
    policies solved under one weighting share it)."""
    cache = graph.__dict__.setdefault("_gains", {})
    gains = cache.get(w)
    if gains is None or len(gains) != len(graph.reward_table):
        gains = cache[w] = [sum(map(mul, w, vec)) for vec in graph.reward_table]
    return gains


def solve(graph: StateGraph, weighting: Weighting, policy: str = BEST) -> Solution:
    """Value every position of the graph, children first, each once (a layer at a time when it has layers)."""
    if graph.layers is not None:
        from sim.analysis.vsolve import solve_layers

        return solve_layers(graph, weighting, policy)
    with no_cycle_collection():
        return _solve(graph, weighting, policy)


def _solve(graph: StateGraph, weighting: Weighting, policy: str) -> Solution:
    n = len(graph)
    w = weighting.vector
    moves, nodes = graph.moves, graph.node
    gains = _gains(graph, w)
    line = line_moves(graph.scenario, policy)
    mixed = policy == RANDOM
    value = [0.0] * n
    m2 = [0.0] * n
    best = [0.0] * n
    worst = [0.0] * n
    choice = [-1] * n
    fallback: dict[int, str] = {}
    inf = math.inf
    for i, k, kids, ps, rw in _steps(graph):
        if k == END:
            continue
        if k == CHANCE:
            v = q = 0.0
            hi, lo = -inf, inf
            if rw is None and len(kids) == 2:
                c, d = kids
                p, p1 = ps
                v = v + p * value[c] + p1 * value[d]
                q = q + p * m2[c] + p1 * m2[d]
                b = best[c]
                if b > hi:
                    hi = b
                b = best[d]
                if b > hi:
                    hi = b
                b = worst[c]
                if b < lo:
                    lo = b
                b = worst[d]
                if b < lo:
                    lo = b
            elif rw is None:
                for p, c in zip(ps, kids, strict=False):
                    v += p * value[c]
                    q += p * m2[c]
                    b = best[c]
                    if b > hi:
                        hi = b
                    b = worst[c]
                    if b < lo:
                        lo = b
            else:
                for p, c, r in zip(ps, kids, rw, strict=False):
                    g = gains[r]
                    vc = value[c]
                    v += p * (g + vc)
                    q += p * (g * g + 2 * g * vc + m2[c])
                    if g + best[c] > hi:
                        hi = g + best[c]
                    if g + worst[c] < lo:
                        lo = g + worst[c]
            value[i] = v
            m2[i] = q
            best[i] = hi
            worst[i] = lo
            continue
        if mixed:
            share = 1.0 / len(kids)
            v = q = 0.0
            hi, lo = -inf, inf
            for x, c in enumerate(kids):
                g = gains[rw[x]] if rw is not None else 0.0
                v += g + value[c]
                q += g * g + 2 * g * value[c] + m2[c]
                hi = max(hi, g + best[c])
                lo = min(lo, g + worst[c])
            value[i], m2[i], best[i], worst[i] = share * v, share * q, hi, lo
            continue
        pick = -1
        if line:
            want = line.get(nodes[i])
            if want is None:
                fallback[i] = NOT_COVERED
            elif want in moves[i]:
                pick = moves[i].index(want)
            else:
                fallback[i] = LOCKED
        if rw is None:
            if pick < 0:
                pick = x = 0
                c = kids[0]
                top = value[c]
                for d in kids[1:]:
                    x += 1
                    if value[d] > top + TIE:
                        pick, top, c = x, value[d], d
            else:
                c = kids[pick]
            choice[i] = pick
            value[i] = value[c]
            m2[i] = m2[c]
            best[i] = best[c]
            worst[i] = worst[c]
            continue
        if pick < 0:
            pick = x = 0
            top = gains[rw[0]] + value[kids[0]]
            for c, r in zip(kids, rw, strict=False):
                t = gains[r] + value[c]
                if x and t > top + TIE:
                    pick, top = x, t
                x += 1
        c = kids[pick]
        g = gains[rw[pick]]
        choice[i] = pick
        value[i], m2[i], best[i], worst[i] = g + value[c], g * g + 2 * g * value[c] + m2[c], g + best[c], g + worst[c]
    return Solution(graph, weighting, policy, value, m2, best, worst, choice, fallback, gains)
