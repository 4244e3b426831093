"""How the future is played (a policy) and how outcomes are valued (a weighting of the objectives)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from sim.analysis.errors import AnalysisError
from sim.runtime import CompiledScenario

BEST, RANDOM = "best", "random"


@dataclass(frozen=True)
class Weighting:
    """Weights over the scenario's objectives (in declared order), normalised to sum to 1."""

    name: str
    label: str
    vector: tuple[float, ...]

    def as_dict(self, sc: CompiledScenario) -> dict[str, float]:
        return {oid: w for (oid, _), w in zip(sc.objectives, self.vector, strict=True)}


def perspective_weighting(sc: CompiledScenario, perspective: str | None = None) -> Weighting:
    """A perspective's weights (default: the scenario's first perspective)."""
    perspectives = sc.model.perspectives
    pid = perspective or next(iter(perspectives))
    if pid not in perspectives:
        raise AnalysisError(f"unknown perspective '{pid}'", code="A010",
                            hint=f"perspectives of '{sc.id}': {', '.join(perspectives)}")
    w = sc.weights(pid)
    return Weighting(pid, perspectives[pid].label or pid, tuple(w[oid] for oid, _ in sc.objectives))


def custom_weighting(sc: CompiledScenario, raw: dict[str, float], name: str = "custom") -> Weighting:
    """Weights given by the user (any non-negative numbers, at least one positive), normalised."""
    known = [oid for oid, _ in sc.objectives]
    for oid, w in raw.items():
        if oid not in known:
            raise AnalysisError(f"unknown objective '{oid}'", code="A010", hint=f"objectives: {', '.join(known)}")
        if not math.isfinite(w) or w < 0:
            raise AnalysisError(f"weight of '{oid}' must be a non-negative number, not {w}", code="A010")
    total = sum(raw.values())
    if total <= 0:
        raise AnalysisError("at least one weight must be positive", code="A010")
    return Weighting(name, name, tuple(raw.get(oid, 0.0) / total for oid in known))


def single_objective(sc: CompiledScenario, oid: str) -> Weighting:
    """All weight on one objective."""
    label = sc.model.objectives[oid].label or oid
    return Weighting(f"only:{oid}", f"only {label}", tuple(1.0 if o == oid else 0.0 for o, _ in sc.objectives))


def policy_names(sc: CompiledScenario) -> list[str]:
    return [BEST, *sc.model.lines, RANDOM]


def check_policy(sc: CompiledScenario, policy: str) -> str:
    if policy not in policy_names(sc):
        raise AnalysisError(f"unknown policy '{policy}'", code="A010",
                            hint=f"policies for '{sc.id}': {', '.join(policy_names(sc))}")
    return policy


def line_moves(sc: CompiledScenario, policy: str) -> dict[int, int]:
    """A reference line as {scenario node index: move index}; empty for best and random play."""
    line = sc.model.lines.get(policy)
    if line is None or policy in (BEST, RANDOM):
        return {}
    out = {}
    for nid, oid in line.choices.items():
        node = sc.nodes[sc.node_index[nid]]
        out[node.index] = next(k for k, m in enumerate(node.moves) if m.id == oid)
    return out
