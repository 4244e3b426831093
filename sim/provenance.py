"""What each step of a reference line rests on, and the checks a historian makes of it.

A step is documented (the record shows it: cite the passage that records it), inferred (a reading of the record:
say the reasoning and cite what it draws on) or not recorded (the record is silent: at a chance node the step is
the model's draw). What a line fixes does not change with the seed: only its not-recorded chance steps are
drawn.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from sim.dossier import Dossier, Moment, citation_date
from sim.model import Line, Provenance
from sim.runtime import CompiledScenario, EvaluationError

DOCUMENTED, INFERRED, NOT_RECORDED = "documented", "inferred", "not_recorded"
BASIS_LABELS = {DOCUMENTED: "documented", INFERRED: "inferred", NOT_RECORDED: "not recorded"}
LINE_LIMIT = 200_000

Report = Callable[[str, str, tuple, str | None, bool], None]


@dataclass(frozen=True)
class LineReach:
    """The nodes a line reaches: on every branch of its draws, or only on some; and whether the walk finished."""

    always: frozenset[str]
    sometimes: frozenset[str]
    complete: bool


def reach(sc: CompiledScenario, line: Line, limit: int = LINE_LIMIT) -> LineReach:
    """Follow a line from the start: its choice at each decision, its outcome where it fixes one, every outcome of
    positive probability where it does not. A node is reached always if no branch ends without passing it."""
    start = (sc.start, sc.initial)
    edges: dict[tuple, list[tuple]] = {}
    order = deque([start])
    complete = True
    while order:
        key = order.popleft()
        if key in edges:
            continue
        node = sc.nodes[key[0]]
        edges[key] = []
        if node.kind == "end":
            continue
        for move in _line_moves(line, node, key[1]):
            try:
                s2 = move.apply(key[1])
                child = (move.next_node(s2), s2)
            except (ArithmeticError, EvaluationError):
                continue
            edges[key].append(child)
            if child not in edges:
                order.append(child)
        if len(edges) >= limit:
            complete = False
            break
    anywhere = frozenset(sc.nodes[k[0]].id for k in edges)
    always = frozenset(n for n in anywhere if not _ends_avoiding(sc, edges, start, sc.node_index[n]))
    return LineReach(always, anywhere - always, complete)


def _ends_avoiding(sc: CompiledScenario, edges: dict[tuple, list[tuple]], start: tuple, avoid: int) -> bool:
    """Whether some branch of the line's walk stops (at an end, or where the line says nothing) without passing a
    node."""
    if start[0] == avoid:
        return False
    seen, stack = {start}, [start]
    while stack:
        key = stack.pop()
        children = edges.get(key)
        if not children:
            return True
        for child in children:
            if child[0] != avoid and child not in seen:
                seen.add(child)
                stack.append(child)
    return False


def _line_moves(line: Line, node, s) -> list:
    if node.kind == "decision":
        move = node.move(line.choices.get(node.id, ""))
        return [move] if move is not None else []
    fixed = line.outcomes.get(node.id)
    if fixed is not None:
        move = node.move(fixed)
        return [move] if move is not None else []
    out = []
    for m in node.moves:
        try:
            if float(m.probability(s)) > 0:
                out.append(m)
        except ArithmeticError:
            continue
    return out


def check_lines(sc: CompiledScenario, report: Report) -> None:
    """Every step of every reference line says what it rests on; a documented step cites the passage that records
    it, dated no later than its node (H001, H002); an inferred step gives its reasoning (H003); a line fixes only
    what is reached whatever its draws (H007); every step it takes says what it rests on (H006)."""
    for lid, line in sc.model.lines.items():
        where = ("lines", lid)
        for nid in (*line.choices, *line.outcomes):
            if nid not in line.provenance:
                kind = "choices" if nid in line.choices else "outcomes"
                report("H006", f"line '{lid}': the step at '{nid}' does not say what it rests on",
                       where + (kind, nid), "add it under the line's provenance: {basis: documented, citations: "
                       "[...]}, {basis: inferred, note: ...} or {basis: not_recorded, note: ...}", True)
        for nid, step in line.provenance.items():
            if nid not in sc.node_index:
                continue
            _check_step(sc, lid, nid, step, report)
        found = reach(sc, line)
        if not found.complete:
            continue
        for nid in (*line.choices, *line.outcomes):
            if nid in found.sometimes:
                report("H007", f"line '{lid}' reaches '{nid}' only on some of its draws, so its record there "
                       "changes with the seed", where + ("choices" if nid in line.choices else "outcomes", nid),
                       "fix the outcomes that decide the route (documented or inferred), or drop the step", True)


def _check_step(sc: CompiledScenario, lid: str, nid: str, step: Provenance, report: Report) -> None:
    where = ("lines", lid, "provenance", nid)
    node_date = sc.node(nid).model.date
    if step.basis == DOCUMENTED:
        if not step.citations:
            report("H001", f"line '{lid}': the documented step at '{nid}' cites nothing", where + ("basis",),
                   "cite the passage that records it, or call the step inferred or not_recorded", False)
        for i, c in enumerate(step.citations):
            when = citation_date(sc, c)
            if when is not None and when > node_date:
                report("H002", f"line '{lid}': the documented step at '{nid}' ({node_date}) cites '{c.doc}', "
                       f"which reports it on {when}", where + ("citations", i),
                       "date the node by the record, cite a passage of its date, or call the step inferred", False)
    elif step.basis == INFERRED and not step.note.strip():
        report("H003", f"line '{lid}': the inferred step at '{nid}' gives no reasoning", where + ("basis",),
               "say in 'note' how the step is read from the record", False)


def offered_in_play(sc: CompiledScenario, dossier: Dossier, moment: Moment) -> list[str]:
    """The reference lines a player may take as the continuation of their game at a moment: none whose record
    (a passage its documented or inferred steps cite) is still withheld there. Every line once the game is over."""
    out = []
    for lid, line in sc.model.lines.items():
        cited = [c for step in line.provenance.values() if step.basis != NOT_RECORDED for c in step.citations]
        if all(dossier.citation_withheld(c, moment) is None for c in cited):
            out.append(lid)
    return out
