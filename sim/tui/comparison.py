"""The options of a decision side by side against every objective: what each is projected to score, how far it
lies from the best option on each, and what it trades for what. Built from the projections; no Textual here."""

from __future__ import annotations

from dataclasses import dataclass

from sim.runtime import CompiledScenario
from sim.tui.projections import Projections

TIE = 0.05


@dataclass(frozen=True)
class Column:
    """An open option, ranked by projected value."""

    option: str
    label: str
    rank: int
    value: float
    regret: float


@dataclass(frozen=True)
class Row:
    """An objective: its weight in the perspective, and each option's expected final score and its difference
    from the best option's."""

    objective: str
    label: str
    weight: float
    scores: tuple[float, ...]
    differences: tuple[float, ...]


@dataclass(frozen=True)
class Comparison:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def trade(self, k: int) -> str:
        """What the k-th option gains and gives up against the best one, objective by objective, the weightiest
        first."""
        if k == 0:
            return "the best option under this perspective"
        gains = sorted(((r.differences[k] * r.weight, r) for r in self.rows if r.differences[k] > TIE),
                       key=lambda x: -x[0])
        losses = sorted(((r.differences[k] * r.weight, r) for r in self.rows if r.differences[k] < -TIE),
                        key=lambda x: x[0])
        parts = []
        if gains:
            parts.append("gains " + ", ".join(f"{r.label} ({r.differences[k]:+.1f})" for _, r in gains[:3]))
        if losses:
            parts.append("gives up " + ", ".join(f"{r.label} ({r.differences[k]:+.1f})" for _, r in losses[:3]))
        return "; ".join(parts) or "scores as the best option does"


def compare(sc: CompiledScenario, found: Projections, perspective: str) -> Comparison:
    """The open options of a position, best first, against every objective of the scenario."""
    weights = sc.weights(perspective)
    ranked = sorted((p for p in found.options.values() if p.legal), key=lambda p: (-p.value, p.option))
    columns = tuple(Column(p.option, p.label or p.option, found.rank(p.option) or 0, p.value, p.regret or 0.0)
                    for p in ranked)
    rows = []
    for oid, _ in sc.objectives:
        scores = tuple(p.expected.get(oid, 0.0) for p in ranked)
        top = scores[0] if scores else 0.0
        label = sc.model.objectives[oid].label or oid
        rows.append(Row(oid, label, weights[oid], scores, tuple(x - top for x in scores)))
    return Comparison(columns, tuple(rows))
