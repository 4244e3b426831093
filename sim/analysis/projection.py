"""What the model projects for each option or outcome at a position of a game.

Every figure is the model's projection: expected final scores and weighted value when the
option is taken and play continues under a policy, chance following the scenario's probabilities.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sim.analysis.cache import solution_at
from sim.analysis.errors import AnalysisError
from sim.analysis.graph import CHANCE, DECISION
from sim.analysis.policy import BEST, Weighting, check_policy, perspective_weighting
from sim.analysis.solve import Prior, Solution
from sim.runtime import CompiledScenario


@dataclass(frozen=True)
class OptionProjection:
    """One option of a decision. Locked options have `legal=False`, empty dicts and None figures."""

    option: str
    legal: bool
    expected: dict[str, float]
    value: float | None
    stdev: float | None
    best: float | None
    worst: float | None
    endings: dict[str, float]
    regret: float | None
    label: str = ""


@dataclass(frozen=True)
class OutcomeProjection:
    """One outcome of a chance event; outcomes of probability 0 have None figures."""

    outcome: str
    probability: float
    expected: dict[str, float]
    value: float | None
    label: str = ""


@dataclass(frozen=True)
class PositionProjection:
    """A position as a whole: its projected figures, and those of its options or outcomes."""

    node: str
    kind: str
    weighting: str
    policy: str
    expected: dict[str, float]
    value: float
    stdev: float
    best: float
    worst: float
    endings: dict[str, float]
    options: list[OptionProjection] = field(default_factory=list)
    outcomes: list[OutcomeProjection] = field(default_factory=list)
    recommended: str | None = None
    fallbacks: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _weighting(sc: CompiledScenario, perspective: str | Weighting | None) -> Weighting:
    return perspective if isinstance(perspective, Weighting) else perspective_weighting(sc, perspective)


def _solved(sc, node_index, state, perspective, policy) -> tuple[Solution, int, Prior]:
    check_policy(sc, policy)
    sol, i = solution_at(sc, node_index, tuple(state), _weighting(sc, perspective), policy)
    return sol, i, start_prior(sol, node_index, tuple(state))


def start_prior(sol: Solution, node: int, state: tuple) -> Prior:
    """The prior of the position a game is in: certain, holding the scores already frozen there."""
    scores = sol.graph.offset(node, state)
    v = sum(a * b for a, b in zip(sol.weighting.vector, scores, strict=True))
    return Prior(1.0, v, v * v, v, v, scores)


def named(sc: CompiledScenario, vector: tuple[float, ...]) -> dict[str, float]:
    return {oid: x for (oid, _), x in zip(sc.objectives, vector, strict=True)}


def ending_names(sc: CompiledScenario, endings: dict[int, float]) -> dict[str, float]:
    """Endings by node id, most likely first."""
    return {sc.nodes[e].id: p for e, p in sorted(endings.items(), key=lambda kv: (-kv[1], kv[0]))}


def _plus(*vectors: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(sum(xs) for xs in zip(*vectors, strict=True))


def position_figures(sol: Solution, i: int, prior: Prior) -> dict:
    """Projected final figures of position i given what was collected before it."""
    sc = sol.graph.scenario
    return {"expected": named(sc, _plus(prior.scores, sol.expected(i))), "value": prior.mean + sol.value[i],
            "stdev": math.sqrt(prior.variance + sol.stdev(i) ** 2), "best": prior.high + sol.best[i],
            "worst": prior.low + sol.worst[i], "endings": ending_names(sc, sol.endings(i))}


def _through(sol: Solution, i: int, x: int, prior: Prior) -> dict:
    """Figures of taking the x-th open move of position i."""
    r = sol.edge_reward(i, x)
    gain = sol.reward_values[r]
    moved = Prior(prior.reach, prior.mean + gain, prior.second + 2 * gain * prior.mean + gain * gain,
                  prior.low + gain, prior.high + gain, _plus(prior.scores, sol.graph.reward_table[r]))
    return position_figures(sol, sol.graph.children[i][x], moved)


def options_of(sol: Solution, i: int, prior: Prior) -> list[OptionProjection]:
    """Projections of every option at decision position i of a solved table."""
    g = sol.graph
    node = g.scenario.nodes[g.node[i]]
    open_moves = {k: x for x, k in enumerate(g.moves[i])}
    figures = {x: _through(sol, i, x, prior) for x in open_moves.values()}
    top = max(f["value"] for f in figures.values())
    out = []
    for k, m in enumerate(node.moves):
        x = open_moves.get(k)
        if x is None:
            out.append(OptionProjection(m.id, False, {}, None, None, None, None, {}, None, m.label))
        else:
            out.append(OptionProjection(m.id, True, regret=top - figures[x]["value"], label=m.label, **figures[x]))
    return out


def outcomes_of(sol: Solution, i: int, prior: Prior) -> list[OutcomeProjection]:
    """Projections of every outcome at chance position i of a solved table."""
    g = sol.graph
    node = g.scenario.nodes[g.node[i]]
    live = {k: (x, p) for x, (k, p) in enumerate(zip(g.moves[i], g.probs[i], strict=True))}
    out = []
    for k, m in enumerate(node.moves):
        if k in live:
            x, p = live[k]
            f = _through(sol, i, x, prior)
            out.append(OutcomeProjection(m.id, p, f["expected"], f["value"], m.label))
        else:
            out.append(OutcomeProjection(m.id, 0.0, {}, None, m.label))
    return out


def project_options(sc: CompiledScenario, node_index: int, state: tuple, perspective: str | Weighting | None = None,
                    policy: str = BEST) -> list[OptionProjection]:
    """Per option of the decision at (node_index, state): what the model projects if it is taken."""
    sol, i, prior = _solved(sc, node_index, state, perspective, policy)
    if sol.graph.kind[i] != DECISION:
        raise AnalysisError(f"'{sc.nodes[node_index].id}' is not a decision")
    return options_of(sol, i, prior)


def project_chance(sc: CompiledScenario, node_index: int, state: tuple, perspective: str | Weighting | None = None,
                   policy: str = BEST) -> list[OutcomeProjection]:
    """Per outcome of the chance event at (node_index, state): its probability and what follows it."""
    sol, i, prior = _solved(sc, node_index, state, perspective, policy)
    if sol.graph.kind[i] != CHANCE:
        raise AnalysisError(f"'{sc.nodes[node_index].id}' is not a chance event")
    return outcomes_of(sol, i, prior)


def fallbacks_from(sol: Solution, i: int) -> dict[str, str]:
    """Decision nodes where a reference line falls back to best play, on the line's own path from i."""
    if not sol.fallback:
        return {}
    g = sol.graph
    out = {}
    for j in reversed(g.children_first(sol.reach(i))):
        if j in sol.fallback:
            out.setdefault(g.node_id(j), sol.fallback[j])
    return out


def analyze_position(sc: CompiledScenario, node_index: int, state: tuple, perspective: str | Weighting | None = None,
                     policy: str = BEST) -> PositionProjection:
    """The position's projected figures under a policy, with its options or outcomes."""
    sol, i, prior = _solved(sc, node_index, state, perspective, policy)
    g = sol.graph
    kind = g.kind[i]
    recommended = g.move_id(i, sol.choice[i]) if kind == DECISION and sol.choice[i] >= 0 else None
    return PositionProjection(
        node=g.node_id(i), kind=sc.nodes[node_index].kind, weighting=sol.weighting.name, policy=policy,
        options=options_of(sol, i, prior) if kind == DECISION else [],
        outcomes=outcomes_of(sol, i, prior) if kind == CHANCE else [], recommended=recommended,
        fallbacks=fallbacks_from(sol, i), warnings=list(g.warnings), **position_figures(sol, i, prior))
