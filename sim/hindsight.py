"""No hindsight in play: which parts of the dossier are closed somewhere at each node, and the checks that what
play shows at a node (the passages its options and outcomes cite, the names of the endings) tells nothing the
record dates later or reports of a path the game may not have taken.

A part with a `when` condition is closed at a node if some path reaches the node without the condition ever
holding; a part with a date is closed at every node dated before it. Both are found on one graph of the
reachable (node, state) pairs.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from sim.dossier import Dossier, Part, moment_of, parts_of
from sim.runtime import CompiledScenario, EvaluationError, StateTuple

POSITION_LIMIT = 2_000_000

Report = Callable[[str, str, tuple, str | None, bool], None]


def shown_moves(node, state: StateTuple) -> list:
    """The moves whose citations play shows at a node: every option of a decision (open or locked), the outcomes
    of a chance event that can happen in this state."""
    if node.kind == "decision":
        return list(node.moves)
    out = []
    for m in node.moves:
        try:
            if float(m.probability(state)) > 0:
                out.append(m)
        except (ArithmeticError, EvaluationError):
            continue
    return out


@dataclass
class PlayGraph:
    """Every reachable (node, state) pair of a scenario, with its successors and the moves play shows there."""

    keys: list[tuple[int, StateTuple]] = field(default_factory=list)
    children: list[list[int]] = field(default_factory=list)
    shown: list[tuple[str, ...]] = field(default_factory=list)
    complete: bool = True

    def nodes(self, indices) -> set[int]:
        return {self.keys[i][0] for i in indices}


def play_graph(sc: CompiledScenario, limit: int = POSITION_LIMIT) -> PlayGraph:
    graph = PlayGraph()
    index: dict[tuple, int] = {}

    def add(key: tuple) -> int:
        if key not in index:
            index[key] = len(graph.keys)
            graph.keys.append(key)
            graph.children.append([])
            graph.shown.append(())
            queue.append(index[key])
        return index[key]

    queue: deque[int] = deque()
    add((sc.start, sc.initial))
    while queue:
        i = queue.popleft()
        node_index, s = graph.keys[i]
        node = sc.nodes[node_index]
        moves = shown_moves(node, s) if node.kind != "end" else []
        graph.shown[i] = tuple(m.id for m in moves)
        for move in moves:
            try:
                if node.kind == "decision" and not move.allowed(s):
                    continue
                s2 = move.apply(s)
                child = (move.next_node(s2), s2)
            except (ArithmeticError, EvaluationError):
                continue
            if child not in index and len(index) >= limit:
                graph.complete = False
                continue
            graph.children[i].append(add(child))
    return graph


def never_held(sc: CompiledScenario, graph: PlayGraph, condition: Callable[[StateTuple], bool]) -> set[int]:
    """The pairs of the graph that some path reaches without the condition having held on the way (or there)."""

    def holds(i: int) -> bool:
        try:
            return bool(condition(graph.keys[i][1]))
        except ArithmeticError:
            return False

    if holds(0):
        return set()
    seen, stack = {0}, [0]
    while stack:
        i = stack.pop()
        for j in graph.children[i]:
            if j not in seen and not holds(j):
                seen.add(j)
                stack.append(j)
    return seen


@dataclass
class Closures:
    """For each part of the dossier, the nodes (by index) at which some reachable point has it closed."""

    at: dict[Part, set[int]]
    graph: PlayGraph
    never: dict[tuple, set[int]] = field(default_factory=dict)


def closures(sc: CompiledScenario, graph: PlayGraph | None = None, parts: list[Part] | None = None) -> Closures:
    """Where each part of the dossier (every document, withheld footnote and withheld passage, or those given) is
    closed somewhere: at the nodes dated before it opens, and at those some path reaches without its condition
    having held."""
    graph = graph or play_graph(sc)
    reached = graph.nodes(range(len(graph.keys)))
    start_date = sc.model.start_date
    never: dict[tuple, set[int]] = {}
    out: dict[Part, set[int]] = {}
    for part in parts if parts is not None else parts_of(sc):
        closed = {n for n in reached if max(sc.nodes[n].model.date, start_date) < part.opens}
        fn = sc.conditions.get(part.key)
        if fn is not None:
            if part.key not in never:
                never[part.key] = never_held(sc, graph, fn)
            closed |= graph.nodes(never[part.key])
        out[part] = closed
    return Closures(out, graph, never)


def check_play(sc: CompiledScenario, report: Report, limit: int = POSITION_LIMIT) -> None:
    """What a player sees at a node must be open there: an option or outcome citing a passage that some reachable
    point of its node has closed (H004); a historical ending with no neutral title for play (H005)."""
    cited = []
    for node in sc.nodes:
        for move in node.moves:
            for i, c in enumerate(move.model.citations):
                for part in parts_of(sc, c):
                    cited.append((node, move, i, c, part))
    if cited:
        graph = play_graph(sc, limit)
        found = closures(sc, graph, list({part for *_, part in cited}))
        shown_at: dict[int, set[str]] = {}
        for (n, _), moves in zip(graph.keys, graph.shown, strict=True):
            shown_at.setdefault(n, set()).update(moves)
        reported = set()
        for node, move, i, c, part in cited:
            if move.id not in shown_at.get(node.index, ()) or (node.index, move.id, i) in reported:
                continue
            if node.index in found.at[part] and _shown_where_closed(sc, found, part, node.index, move.id):
                reported.add((node.index, move.id, i))
                what = "option" if node.kind == "decision" else "outcome"
                report("H004", f"{what} '{move.id}' of '{node.id}' cites a passage of '{c.doc}' that is closed at "
                       f"'{node.id}' ({part.describe()})", move.path + ("citations", i),
                       "cite what could be read at the node; the record of what happened belongs to a "
                       "reference line's provenance or to an ending", False)
    start = moment_of(sc, sc.model.start_date, [sc.initial])
    dossier = Dossier(sc)
    for tid, term in sc.model.glossary.items():
        for i, c in enumerate(term.citations):
            if c.doc in sc.model.sources.documents and dossier.citation_withheld(c, start) is not None:
                report("H008", f"the glossary's '{tid}' cites a passage of '{c.doc}' that is not open on the start "
                       "date", ("glossary", tid, "citations", i),
                       "the glossary can be opened from the first screen: cite what is open then", False)
    for node in sc.nodes:
        if node.kind == "end" and node.model.historical and not node.model.play_title:
            report("H005", f"historical ending '{node.id}' has no play_title: projections would name it by its "
                   "title during play", node.path, "add a neutral play_title that tells nothing of what came later",
                   True)


def _shown_where_closed(sc: CompiledScenario, found: Closures, part: Part, node: int, move: str) -> bool:
    """Whether the move is shown at some point of the node where the part is closed (a chance outcome may be
    impossible exactly where its cited passage is closed)."""
    if max(sc.nodes[node].model.date, sc.model.start_date) < part.opens:
        return True
    graph = found.graph
    return any(graph.keys[i][0] == node and move in graph.shown[i] for i in found.never.get(part.key, ()))
