"""Backward induction a layer at a time: the figures of `solve._solve`, bit for bit.

The positions of one layer are valued together in arrays. Each position still sees the operations
of `_solve` in the same order: its moves are taken slot by slot (first move of every position, then
the second of those that have one, ...), the running sums, extremes and best-play ties updated as
the loop there updates them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.deferred import LazyRows
from sim.analysis.edges import EdgeArrays, edge_arrays, move_ids
from sim.analysis.graph import CHANCE, DECISION, StateGraph
from sim.analysis.policy import RANDOM, Weighting, line_moves
from sim.analysis.solve import LOCKED, NOT_COVERED, TIE, Solution, _gains


@dataclass
class _Slot:
    """The x-th move of the positions of a group that have one: their rows in the group, and the
    move's index, child, probability and reward-table index."""

    x: int
    rows: slice | np.ndarray
    edge: np.ndarray
    child: np.ndarray
    prob: np.ndarray
    reward: np.ndarray


@dataclass
class _Group:
    """Positions of one layer valued the same way: one kind, all with or all without rewards."""

    kind: int
    rewarded: bool
    ids: np.ndarray
    degree: np.ndarray
    slots: list[_Slot]


def solve_layers(graph: StateGraph, weighting: Weighting, policy: str) -> Solution:
    """Value every position of a graph with layers, a layer at a time."""
    gains = _gains(graph, weighting.vector)
    run = _Pass(edge_arrays(graph), np.array(gains, dtype=np.float64))
    line = line_moves(graph.scenario, policy)
    if line:
        run.follow(graph, line)
    mixed = policy == RANDOM
    for group in _groups(graph):
        if group.kind == CHANCE:
            run.chance(group)
        elif mixed:
            run.mixed(group)
        else:
            run.decision(group)
    solution = Solution(graph, weighting, policy, [], [], [], [], [], run.fallback, gains)
    for name in ("value", "m2", "best", "worst", "choice"):
        column = getattr(run, name)
        setattr(solution, name, LazyRows(solution, name, len(column), column.item, column.tolist))
    return solution


def _groups(graph: StateGraph) -> list[_Group]:
    """The chance and decision positions of every layer, in layer order, grouped by kind and by
    whether they have rewards (kept on the graph: every weighting and policy solves the same way)."""
    a = edge_arrays(graph)
    kept = graph.__dict__.get("_layer_groups")
    if kept is not None and kept[0] is a and kept[1] is graph.layers:
        return kept[2]
    paid = np.zeros(len(a.reward) + 1, dtype=np.int64)
    np.cumsum(a.reward != 0, out=paid[1:])
    rewarded = paid[a.start[1:]] > paid[a.start[:-1]]
    groups = []
    for lo, hi in graph.layers:
        kind, rw = a.kind[lo:hi], rewarded[lo:hi]
        for k in (CHANCE, DECISION):
            for r in (False, True):
                ids = np.flatnonzero((kind == k) & (rw == r)) + lo
                if len(ids):
                    groups.append(_Group(k, r, ids, a.degree[ids], _slots(a, ids)))
    graph.__dict__["_layer_groups"] = (a, graph.layers, groups)
    return groups


def _slots(a: EdgeArrays, ids: np.ndarray) -> list[_Slot]:
    """Slot by slot, the moves of some positions (rows cover all of them while every one has the slot)."""
    first, degree = a.start[ids], a.degree[ids]
    fewest = int(degree.min())
    out = []
    for x in range(int(degree.max())):
        rows = slice(None) if x < fewest else np.flatnonzero(degree > x)
        edge = first[rows] + x
        out.append(_Slot(x, rows, edge, a.child[edge], a.prob[edge], a.reward[edge]))
    return out


class _Pass:
    """The figures of every position, filled a group of positions at a time."""

    def __init__(self, arrays: EdgeArrays, gains: np.ndarray):
        n = len(arrays.degree)
        self.arrays, self.gains = arrays, gains
        self.value, self.m2 = np.zeros(n), np.zeros(n)
        self.best, self.worst = np.zeros(n), np.zeros(n)
        self.choice = np.full(n, -1, dtype=np.int64)
        self.fallback: dict[int, str] = {}
        self.wanted: np.ndarray | None = None
        self.node = self.move = None

    def follow(self, graph: StateGraph, line: dict[int, int]) -> None:
        """Play a reference line ({scenario node: move index}) where it chooses and its move is open."""
        self.node, self.move = move_ids(graph)
        self.wanted = np.full(len(graph.scenario.nodes), -1, dtype=np.int64)
        self.wanted[list(line)] = list(line.values())

    def chance(self, group: _Group) -> None:
        value, m2, best, worst = self.value, self.m2, self.best, self.worst
        v, q, hi, lo = _sums(len(group.ids))
        for s in group.slots:
            rows, p, c = s.rows, s.prob, s.child
            vc = value[c]
            if group.rewarded:
                g = self.gains[s.reward]
                v[rows] = v[rows] + p * (g + vc)
                q[rows] = q[rows] + p * (g * g + 2 * g * vc + m2[c])
                top, bottom = g + best[c], g + worst[c]
            else:
                v[rows] = v[rows] + p * vc
                q[rows] = q[rows] + p * m2[c]
                top, bottom = best[c], worst[c]
            _extremes(hi, lo, rows, top, bottom)
        ids = group.ids
        value[ids], m2[ids], best[ids], worst[ids] = v, q, hi, lo

    def mixed(self, group: _Group) -> None:
        """Every open option alike."""
        value, m2, best, worst = self.value, self.m2, self.best, self.worst
        v, q, hi, lo = _sums(len(group.ids))
        for s in group.slots:
            rows, c = s.rows, s.child
            g, vc = self.gains[s.reward] if group.rewarded else 0.0, value[c]
            v[rows] = v[rows] + (g + vc)
            q[rows] = q[rows] + (g * g + 2 * g * vc + m2[c])
            top, bottom = g + best[c], g + worst[c]
            _extremes(hi, lo, rows, top, bottom)
        share = 1.0 / group.degree.astype(np.float64)
        ids = group.ids
        value[ids], m2[ids], best[ids], worst[ids] = share * v, share * q, hi, lo

    def worth(self, group: _Group, s: _Slot) -> np.ndarray:
        """Value through the slot's move (reward included)."""
        vc = self.value[s.child]
        return self.gains[s.reward] + vc if group.rewarded else vc

    def decision(self, group: _Group) -> None:
        """The line's option where it has an open one, else the first option worth more than every
        option before it by over TIE."""
        first = group.slots[0]
        top = self.worth(group, first)
        pick = np.zeros(len(group.ids), dtype=np.int64)
        for s in group.slots[1:]:
            t, h = self.worth(group, s), top[s.rows]
            better = t > h + TIE
            top[s.rows] = np.where(better, t, h)
            pick[s.rows] = np.where(better, s.x, pick[s.rows])
        if self.wanted is not None:
            pick = self.line_pick(group, pick)
        ids = group.ids
        self.choice[ids] = pick
        edge = first.edge + pick
        c = self.arrays.child[edge]
        value, m2, best, worst = self.value, self.m2, self.best, self.worst
        if group.rewarded:
            g, vc = self.gains[self.arrays.reward[edge]], value[c]
            value[ids] = g + vc
            m2[ids] = g * g + 2 * g * vc + m2[c]
            best[ids] = g + best[c]
            worst[ids] = g + worst[c]
        else:
            value[ids], m2[ids], best[ids], worst[ids] = value[c], m2[c], best[c], worst[c]

    def line_pick(self, group: _Group, fallback: np.ndarray) -> np.ndarray:
        """The line's option at each position, or the fallback pick (with the reason noted)."""
        ids = group.ids
        want = self.wanted[self.node[ids]]
        pick = np.full(len(ids), -1, dtype=np.int64)
        for s in group.slots:
            pick[s.rows] = np.where(self.move[s.edge] == want[s.rows], s.x, pick[s.rows])
        for reason, where in ((NOT_COVERED, want < 0), (LOCKED, (want >= 0) & (pick < 0))):
            self.fallback.update(dict.fromkeys(ids[where].tolist(), reason))
        return np.where(pick >= 0, pick, fallback)


def _sums(k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Running sums of value and second moment (from 0) and running most and least (from -inf and inf)."""
    return np.zeros(k), np.zeros(k), np.full(k, -np.inf), np.full(k, np.inf)


def _extremes(hi: np.ndarray, lo: np.ndarray, rows, top: np.ndarray, bottom: np.ndarray) -> None:
    """Raise the running most and lower the running least of some rows (ties keep the running value)."""
    h, w = hi[rows], lo[rows]
    hi[rows] = np.where(top > h, top, h)
    lo[rows] = np.where(bottom < w, bottom, w)
