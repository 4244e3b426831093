"""The causal trace: which decisions and chance outcomes moved each objective, and by how much.

Each objective's score function is applied to the state before and after every step; the
difference is attributed to that step's option or outcome.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.reporting.played import PlayedStep
from sim.runtime import CompiledScenario

EPSILON = 1e-9


@dataclass(frozen=True)
class TraceEntry:
    step: int
    node: str
    title: str
    kind: str
    choice: str
    label: str
    before: float
    after: float

    @property
    def delta(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class ObjectiveTrace:
    objective: str
    label: str
    start: float | None
    final: float | None
    entries: tuple[TraceEntry, ...]


def _score(fn, state: tuple) -> float | None:
    try:
        return float(fn(state))
    except ArithmeticError:
        return None


def objective_traces(sc: CompiledScenario, steps: list[PlayedStep], initial: tuple | None = None) -> list[ObjectiveTrace]:
    """Per objective, in declared order: its score at the start and end, and every step that changed it."""
    start_state = steps[0].walked.before if steps else (initial if initial is not None else sc.initial)
    final_state = steps[-1].walked.after if steps else start_state
    out = []
    for oid, fn in sc.objectives:
        entries = []
        for ps in steps:
            before, after = _score(fn, ps.walked.before), _score(fn, ps.walked.after)
            if before is None or after is None or abs(after - before) <= EPSILON:
                continue
            node = sc.node(ps.step.node)
            entries.append(TraceEntry(ps.index, node.id, node.model.title or node.id, ps.step.kind, ps.step.choice,
                                      ps.step.label, before, after))
        label = sc.model.objectives[oid].label or oid
        out.append(ObjectiveTrace(oid, label, _score(fn, start_state), _score(fn, final_state), tuple(entries)))
    return out
