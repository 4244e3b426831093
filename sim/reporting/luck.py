"""Exact distributions of the final weighted value under a line of play, for judging luck against judgment.

A line of play takes given options where it has one (at a position, or failing that at a node)
and plays best for the weighting elsewhere or where its option is locked; chance follows the
scenario's probabilities. Every figure is the model's projection.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.analysis.errors import AnalysisError
from sim.analysis.graph import StateGraph, expand, settle
from sim.analysis.policy import BEST, Weighting
from sim.analysis.solve import Solution, solve
from sim.runtime import CompiledScenario, EvaluationError

POSITION_LIMIT = 200_000
BEST_LIMIT = 100_000
DIGITS = 9


@dataclass
class Outlook:
    """The distribution of final values {value: probability} of a line, and where best play was assumed."""

    distribution: dict[float, float]
    assumed_best: list[str] = field(default_factory=list)

    @property
    def expected(self) -> float:
        return sum(v * p for v, p in self.distribution.items())

    def percentile(self, value: float) -> float:
        """Share of outcomes below `value`, counting ties as half: 0 the worst outcome, 100 the best."""
        below = sum(p for v, p in self.distribution.items() if v < value - 1e-9)
        tied = sum(p for v, p in self.distribution.items() if abs(v - value) <= 1e-9)
        return 100.0 * (below + tied / 2)


class LineEvaluator:
    """Distributions of lines of play for one scenario and weighting, sharing the solved graphs it builds."""

    def __init__(self, sc: CompiledScenario, weighting: Weighting, limit: int = POSITION_LIMIT):
        self.sc = sc
        self.weighting = weighting
        self.limit = limit
        self._solved: list[Solution] = []

    def best_from_start(self, limit: int = BEST_LIMIT) -> Solution:
        """The whole game solved for best play (AnalysisError if it has more than `limit` positions)."""
        return self._solution(self.sc.start, self.sc.initial, limit)[0]

    def _solution(self, node: int, state: tuple, limit: int | None = None) -> tuple[Solution, int]:
        for sol in self._solved:
            i = sol.graph.find(node, state)
            if i is not None:
                return sol, i
        graph: StateGraph = expand(self.sc, node, state, limit=limit or self.limit)
        sol = solve(graph, self.weighting, BEST)
        self._solved.append(sol)
        return sol, graph.root

    def best_move(self, node: int, state: tuple) -> int:
        """Index (among the node's moves) of the option best play takes at a position."""
        sol, i = self._solution(node, state)
        return sol.graph.moves[i][sol.choice[i]]

    def outlook(self, at_position: dict[tuple, str], at_node: dict[str, str]) -> Outlook:
        """The distribution of a line from the start. `at_position` maps (node index, state) to an option,
        `at_node` maps a decision node id to an option used at any other position of that node."""
        sc, w = self.sc, self.weighting.vector
        memo: dict[tuple, dict[float, float]] = {}
        assumed: set[str] = set()

        def value(state: tuple) -> float:
            return round(sum(a * b for a, b in zip(w, (fn(state) for _, fn in sc.objectives), strict=True)), DIGITS)

        def dist(n: int, s: tuple) -> dict[float, float]:
            key = (n, s)
            found = memo.get(key)
            if found is not None:
                return found
            if len(memo) >= self.limit:
                raise AnalysisError(f"more than {self.limit:,} positions on this line; not computed", code="A004")
            node = sc.nodes[n]
            if node.kind == "end":
                out = {value(s): 1.0}
            elif node.kind == "chance":
                raw = [max(0.0, float(m.probability(s))) for m in node.moves]
                out = {}
                for m, p in zip(node.moves, settle(raw), strict=True):
                    if p > 0:
                        _add(out, p, dist(*_step(m, s)))
            else:
                move = _open_move(node, at_position.get(key) or at_node.get(node.id), s)
                if move is None:
                    move = node.moves[self.best_move(n, s)]
                    assumed.add(node.id)
                out = dist(*_step(move, s))
            memo[key] = out
            return out

        try:
            result = dist(sc.start, sc.initial)
        except (ArithmeticError, EvaluationError) as exc:
            raise AnalysisError(f"the line cannot be followed: {exc}") from None
        return Outlook(dict(sorted(result.items())), sorted(assumed))


    def losses(self, at_position: dict[tuple, str], at_node: dict[str, str]) -> dict[str, float]:
        """Where a line's expected shortfall against best play comes from: for each decision node, the expected
        loss of the line's option there against the best option (best value minus the option's, weighted by the
        chance of reaching each position), over every way the game can go. They add up to best play's value from
        the start minus the line's."""
        sc = self.sc
        memo: dict[tuple, dict[str, float]] = {}

        def loss(n: int, s: tuple) -> dict[str, float]:
            key = (n, s)
            found = memo.get(key)
            if found is not None:
                return found
            node = sc.nodes[n]
            out: dict[str, float] = {}
            if node.kind == "chance":
                raw = [max(0.0, float(m.probability(s))) for m in node.moves]
                for m, p in zip(node.moves, settle(raw), strict=True):
                    if p > 0:
                        for nid, v in loss(*_step(m, s)).items():
                            out[nid] = out.get(nid, 0.0) + p * v
            elif node.kind == "decision":
                move = _open_move(node, at_position.get(key) or at_node.get(node.id), s)
                k = node.moves.index(move) if move is not None else self.best_move(n, s)
                sol, i = self._solution(n, s)
                x = sol.graph.moves[i].index(k)
                out = dict(loss(*_step(node.moves[k], s)))
                gap = sol.value[i] - sol.through(i, x)
                if gap > 1e-12:
                    out[node.id] = out.get(node.id, 0.0) + gap
            memo[key] = out
            return out

        try:
            return loss(sc.start, sc.initial)
        except (ArithmeticError, EvaluationError) as exc:
            raise AnalysisError(f"the line cannot be followed: {exc}") from None


def _step(move, s: tuple) -> tuple[int, tuple]:
    s2 = move.apply(s)
    return move.next_node(s2), s2


def _open_move(node, option: str | None, s: tuple):
    if option is None:
        return None
    move = node.move(option)
    if move is None:
        return None
    try:
        return move if move.allowed(s) else None
    except ArithmeticError:
        return None


def _add(acc: dict[float, float], p: float, d: dict[float, float]) -> None:
    for v, q in d.items():
        acc[v] = acc.get(v, 0.0) + p * q
