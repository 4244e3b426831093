"""The player's path beside the scenario's reference lines, with the first point where they part."""

from __future__ import annotations

from dataclasses import dataclass

from sim.reporting.played import PlayedStep
from sim.runtime import CompiledScenario


@dataclass(frozen=True)
class LineRow:
    """One node: what the player did there (None if never reached) and what the line does (None if silent)."""

    node: str
    title: str
    kind: str
    step: int | None
    player: str | None
    player_label: str | None
    line: str | None
    line_label: str | None

    @property
    def same(self) -> bool | None:
        if self.player is None or self.line is None:
            return None
        return self.player == self.line


@dataclass(frozen=True)
class LineComparison:
    id: str
    label: str
    description: str
    rows: tuple[LineRow, ...]
    diverged: LineRow | None
    expected: float | None = None

    @property
    def agreed(self) -> int:
        return sum(1 for r in self.rows if r.same)

    @property
    def compared(self) -> int:
        return sum(1 for r in self.rows if r.same is not None)


def _label(sc: CompiledScenario, node: str, move: str | None) -> str | None:
    if move is None:
        return None
    m = sc.node(node).move(move)
    return m.label if m is not None else move


def compare(sc: CompiledScenario, steps: list[PlayedStep], line_id: str, expected: float | None = None) -> LineComparison:
    """Compare a path with a line's choices and the chance outcomes it fixes (its draws are not the line's)."""
    line = sc.model.lines[line_id]
    reference = {**line.outcomes, **line.choices}
    rows, seen = [], set()
    for ps in steps:
        nid = ps.step.node
        if nid in seen or (ps.step.kind == "chance" and nid not in reference):
            continue
        seen.add(nid)
        node = sc.node(nid)
        theirs = reference.get(nid)
        rows.append(LineRow(nid, node.model.title or nid, ps.step.kind, ps.index, ps.step.choice, ps.step.label,
                            theirs, _label(sc, nid, theirs)))
    for nid in sorted((n for n in reference if n not in seen), key=lambda n: (sc.node(n).model.date, sc.node_index[n])):
        node = sc.node(nid)
        rows.append(LineRow(nid, node.model.title or nid, node.kind, None, None, None, reference[nid],
                            _label(sc, nid, reference[nid])))
    diverged = next((r for r in rows if r.same is False), None)
    return LineComparison(line_id, line.label or line_id, line.description.strip(), tuple(rows), diverged, expected)
