"""What the model projects for each option or outcome at a position of a game.

Every figure is the model's projection: expected final scores and weighted value when the
option is taken and play continues under a policy, chance following the scenario's probabilities.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.analysis.cache import solution_at
from sim.analysis.errors import AnalysisError
from sim.analysis.graph import CHANCE, DECISION
from sim.analysis.policy import BEST, Weighting, check_policy, perspective_weighting
from sim.analysis.solve import Solution
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


def _solved(sc, node_index, state, perspective, policy) -> tuple[Solution, int]:
    check_policy(sc, policy)
    return solution_at(sc, node_index, tuple(state), _weighting(sc, perspective), policy)


def named(sc: CompiledScenario, vector: tuple[float, ...]) -> dict[str, float]:
    return {oid: x for (oid, _), x in zip(sc.objectives, vector, strict=True)}


def ending_names(sc: CompiledScenario, endings: dict[int, float]) -> dict[str, float]:
    """Endings by node id, most likely first."""
    return {sc.nodes[e].id: p for e, p in sorted(endings.items(), key=lambda kv: (-kv[1], kv[0]))}


def _option_figures(sc: CompiledScenario, sol: Solution, c: int) -> dict:
    return {"expected": named(sc, sol.expected(c)), "value": sol.value[c], "stdev": sol.stdev(c),
            "best": sol.best[c], "worst": sol.worst[c], "endings": ending_names(sc, sol.endings(c))}


def options_of(sol: Solution, i: int) -> list[OptionProjection]:
    """Projections of every option at decision position i of a solved table."""
    g = sol.graph
    sc = g.scenario
    node = sc.nodes[g.node[i]]
    open_moves = dict(zip(g.moves[i], g.children[i], strict=True))
    top = max(sol.value[c] for c in g.children[i])
    out = []
    for k, m in enumerate(node.moves):
        c = open_moves.get(k)
        if c is None:
            out.append(OptionProjection(m.id, False, {}, None, None, None, None, {}, None, m.label))
        else:
            out.append(OptionProjection(m.id, True, regret=top - sol.value[c], label=m.label,
                                        **_option_figures(sc, sol, c)))
    return out


def outcomes_of(sol: Solution, i: int) -> list[OutcomeProjection]:
    """Projections of every outcome at chance position i of a solved table."""
    g = sol.graph
    sc = g.scenario
    node = sc.nodes[g.node[i]]
    live = {k: (p, c) for k, p, c in zip(g.moves[i], g.probs[i], g.children[i], strict=True)}
    out = []
    for k, m in enumerate(node.moves):
        if k in live:
            p, c = live[k]
            out.append(OutcomeProjection(m.id, p, named(sc, sol.expected(c)), sol.value[c], m.label))
        else:
            out.append(OutcomeProjection(m.id, 0.0, {}, None, m.label))
    return out


def project_options(sc: CompiledScenario, node_index: int, state: tuple, perspective: str | Weighting | None = None,
                    policy: str = BEST) -> list[OptionProjection]:
    """Per option of the decision at (node_index, state): what the model projects if it is taken."""
    sol, i = _solved(sc, node_index, state, perspective, policy)
    if sol.graph.kind[i] != DECISION:
        raise AnalysisError(f"'{sc.nodes[node_index].id}' is not a decision")
    return options_of(sol, i)


def project_chance(sc: CompiledScenario, node_index: int, state: tuple, perspective: str | Weighting | None = None,
                   policy: str = BEST) -> list[OutcomeProjection]:
    """Per outcome of the chance event at (node_index, state): its probability and what follows it."""
    sol, i = _solved(sc, node_index, state, perspective, policy)
    if sol.graph.kind[i] != CHANCE:
        raise AnalysisError(f"'{sc.nodes[node_index].id}' is not a chance event")
    return outcomes_of(sol, i)


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
    sol, i = _solved(sc, node_index, state, perspective, policy)
    g = sol.graph
    kind = g.kind[i]
    options = options_of(sol, i) if kind == DECISION else []
    recommended = None
    if kind == DECISION and sol.choice[i] >= 0:
        recommended = g.move_id(i, sol.choice[i])
    return PositionProjection(
        node=g.node_id(i), kind=sc.nodes[node_index].kind, weighting=sol.weighting.name, policy=policy,
        expected=named(sc, sol.expected(i)), value=sol.value[i], stdev=sol.stdev(i), best=sol.best[i],
        worst=sol.worst[i], endings=ending_names(sc, sol.endings(i)), options=options,
        outcomes=outcomes_of(sol, i) if kind == CHANCE else [], recommended=recommended,
        fallbacks=fallbacks_from(sol, i), warnings=list(g.warnings))
