"""`sim check`: load a scenario, then explore every reachable (node, state) pair and report problems."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

from sim.compiler import iter_citations
from sim.diagnostics import Diagnostic, attach_source
from sim.footnotes import footnotes
from sim.hindsight import check_play
from sim.provenance import check_lines
from sim.runtime import CompiledScenario, EvaluationError
from sim.sources import find_spans, opening, quote_found, read_document

MAX_STATES = 2_000_000
TOLERANCE = 1e-9


@dataclass
class CheckResult:
    """Findings about one scenario and how much of it was explored."""

    path: str
    states: int = 0
    findings: list[Diagnostic] = field(default_factory=list)
    complete: bool = True


class _Explorer:
    def __init__(self, sc: CompiledScenario, max_states: int):
        self.sc = sc
        self.max_states = max_states
        self.result = CheckResult(str(sc.path))
        self.parent: dict[tuple, tuple | None] = {}
        self.edges: dict[tuple, list[tuple]] = {}
        self.reached_nodes: set[int] = set()
        self.reached_moves: set[tuple[int, str]] = set()
        self.reported: set[tuple] = set()

    def find(self, code: str, message: str, path: tuple, hint: str | None = None, key: bool = False,
             once: tuple | None = None) -> None:
        if once is not None:
            if once in self.reported:
                return
            self.reported.add(once)
        _add(self.sc, self.result, code, message, path, hint, key)

    def route_to(self, key: tuple) -> str:
        """A readable line of play that reaches `key`: node:choice -> node:choice -> ..."""
        parts = []
        cur = key
        while self.parent.get(cur) is not None:
            prev, move = self.parent[cur]
            parts.append(f"{self.sc.nodes[prev[0]].id}:{move}")
            cur = prev
        return " -> ".join(reversed(parts)) or "(the start)"

    def _values(self, s: tuple) -> str:
        return ", ".join(f"{n}={v}" for n, v in zip(self.sc.var_names, s, strict=True))

    def explore(self) -> None:
        sc = self.sc
        start = (sc.start, sc.initial)
        self.parent[start] = None
        queue = deque([start])
        while queue:
            key = queue.popleft()
            node_index, s = key
            node = sc.nodes[node_index]
            self.reached_nodes.add(node_index)
            succ: list[tuple] = []
            self.edges[key] = succ
            if node.kind == "end":
                self._check_scores(node, s, key)
                continue
            moves = self._moves(node, s, key)
            if node.kind == "decision" and not moves:
                self.find("C101", f"decision '{node.id}' has no open option in a reachable state",
                          node.path, f"reached by {self.route_to(key)}; state: {self._values(s)}", key=True,
                          once=("dead", node_index))
            for move in moves:
                self.reached_moves.add((node_index, move.id))
                try:
                    s2 = move.apply(s)
                except ArithmeticError as exc:
                    self.find("C111", f"effects of '{move.id}' fail: {exc}", move.path + ("effects",),
                              f"reached by {self.route_to(key)}", once=("eff", node_index, move.id))
                    continue
                if not sc.in_domain(s2):
                    self._domain(move, s2, key)
                    continue
                try:
                    nxt = move.next_node(s2)
                except (ArithmeticError, EvaluationError) as exc:
                    self.find("C111", f"'next' of '{move.id}' fails: {exc}", move.path + ("next",),
                              f"reached by {self.route_to(key)}", once=("next", node_index, move.id))
                    continue
                child = (nxt, s2)
                succ.append(child)
                if child not in self.parent:
                    if len(self.parent) >= self.max_states:
                        self.result.complete = False
                        self.find("C112", f"stopped after {self.max_states} states; the rest is unchecked",
                                  ("nodes",), "use fewer or narrower variables", key=True, once=("limit",))
                        queue.clear()
                        break
                    self.parent[child] = (key, move.id)
                    queue.append(child)
        self.result.states = len(self.parent)

    def _moves(self, node, s: tuple, key: tuple) -> list:
        if node.kind == "decision":
            out = []
            for m in node.moves:
                try:
                    if m.allowed(s):
                        out.append(m)
                except ArithmeticError as exc:
                    self.find("C111", f"guard of '{m.id}' fails: {exc}", m.path + ("guard",),
                              f"reached by {self.route_to(key)}", once=("guard", node.index, m.id))
            return out
        out, total = [], 0.0
        for m in node.moves:
            try:
                p = float(m.probability(s))
            except ArithmeticError as exc:
                self.find("C111", f"probability of '{m.id}' fails: {exc}", m.path + ("probability",),
                          f"reached by {self.route_to(key)}", once=("prob", node.index, m.id))
                return []
            if p < 0 or not math.isfinite(p):
                self.find("C103", f"probability of '{m.id}' is {p:g} in a reachable state", m.path + ("probability",),
                          f"reached by {self.route_to(key)}; state: {self._values(s)}", once=("neg", node.index, m.id))
            total += p
            if p > 0:
                out.append(m)
        if abs(total - 1.0) > TOLERANCE:
            self.find("C102", f"probabilities of '{node.id}' sum to {total:.6g}, not 1, in a reachable state",
                      node.path + ("outcomes",), f"reached by {self.route_to(key)}; state: {self._values(s)}",
                      key=True, once=("sum", node.index))
        return out

    def _domain(self, move, s2: tuple, key: tuple) -> None:
        for i, (name, var) in enumerate(self.sc.model.variables.items()):
            if var.type == "int" and not var.min <= s2[i] <= var.max:
                path = move.path + ("effects", name) if name in move.model.effects else move.path
                self.find("C104", f"'{move.id}' sets '{name}' to {s2[i]}, outside {var.min}..{var.max}",
                          path, f"reached by {self.route_to(key)}; use clamp({name} ..., {var.min}, {var.max})",
                          once=("dom", key[0], move.id, name))

    def _check_scores(self, node, s: tuple, key: tuple) -> None:
        for oid, fn in self.sc.objectives:
            try:
                v = float(fn(s))
            except ArithmeticError as exc:
                self.find("C111", f"score of '{oid}' fails: {exc}", ("objectives", oid, "score"),
                          f"at '{node.id}', reached by {self.route_to(key)}", once=("score", oid))
                continue
            if not 0 <= v <= 100:
                self.find("C110", f"score of '{oid}' is {v:g} at '{node.id}', outside 0..100",
                          ("objectives", oid, "score"), f"reached by {self.route_to(key)}; use clamp(..., 0, 100)",
                          once=("range", oid))

    def cycles(self) -> None:
        """Report a loop of (node, state) pairs: a line of play that can go on for ever."""
        color: dict[tuple, int] = {}
        for root in self.edges:
            if root in color:
                continue
            stack = [(root, iter(self.edges.get(root, ())))]
            color[root] = 1
            while stack:
                key, it = stack[-1]
                child = next(it, None)
                if child is None:
                    color[key] = 2
                    stack.pop()
                elif color.get(child) == 1:
                    names = [self.sc.nodes[k[0]].id for k, _ in stack]
                    start = next(i for i, (k, _) in enumerate(stack) if k == child)
                    loop = " -> ".join(names[start:] + [self.sc.nodes[child[0]].id])
                    node = self.sc.nodes[child[0]]
                    self.find("C106", f"the game can loop for ever: {loop}", node.path,
                              "make a variable change on each pass, or route out of the loop", key=True,
                              once=("cycle", child[0]))
                    color[key] = 2
                    stack.pop()
                elif child not in color:
                    color[child] = 1
                    stack.append((child, iter(self.edges.get(child, ()))))

    def unreachable(self) -> None:
        for node in self.sc.nodes:
            if node.index not in self.reached_nodes:
                self.find("C105", f"node '{node.id}' can never be reached", node.path, key=True)
                continue
            for m in node.moves:
                if (node.index, m.id) not in self.reached_moves:
                    what = "option" if node.kind == "decision" else "outcome"
                    why = "its guard never holds" if node.kind == "decision" else "its probability is never above 0"
                    self.find("C105", f"{what} '{m.id}' of '{node.id}' can never be taken ({why})", m.path, key=True)


def check_citations(sc: CompiledScenario, result: CheckResult) -> None:
    """Every document exists and every quote is in its document."""
    missing = set()
    for doc_id, path in sc.documents.items():
        if read_document(path) is None:
            missing.add(doc_id)
            _add(sc, result, "C108", f"document '{doc_id}' not found or unreadable at {path}",
                 ("sources", "documents", doc_id, "file"), "check sources.root and the file name")
    for cpath, citation in iter_citations(sc.model):
        path = sc.documents.get(citation.doc)
        if path is None or citation.doc in missing:
            continue
        if not quote_found(path, citation.quote):
            _add(sc, result, "C107", f"quote not found in '{citation.doc}'", cpath + ("quote",),
                 "quotes must be verbatim (whitespace is ignored); copy them from the document")


def check_withheld(sc: CompiledScenario, result: CheckResult) -> None:
    """Every withheld footnote is one its document has, and every withheld passage is in its document
    (unreadable documents are C108's)."""
    for doc_id, doc in sc.model.sources.documents.items():
        path = sc.documents.get(doc_id)
        wanted = doc.withheld_footnotes or doc.withheld_passages
        text = read_document(path) if path is not None and wanted else None
        if text is None:
            continue
        where = ("sources", "documents", doc_id)
        numbers = sorted({note.number for note in footnotes(text)})
        for number in doc.withheld_footnotes:
            if int(number) not in numbers:
                have = ", ".join(map(str, numbers)) or "none"
                _add(sc, result, "C114", f"'{doc_id}' has no footnote {number} (its footnotes: {have})",
                     where + ("withheld_footnotes", number),
                     "footnotes are the '[N] ' paragraphs after the line of dashes and the heading 'Footnotes'",
                     key=True)
        for k, passage in enumerate(doc.withheld_passages):
            if not find_spans(text, passage.quote):
                _add(sc, result, "C115", f"withheld passage {opening(passage.quote)} not found in '{doc_id}'",
                     where + ("withheld_passages", k, "quote"),
                     "quote the passage verbatim (whitespace is ignored); copy it from the document")


def check_usage(sc: CompiledScenario, result: CheckResult) -> None:
    """Declared things that nothing uses, and options or outcomes without a citation."""
    for name in sc.model.variables:
        if name not in sc.reads:
            _add(sc, result, "C109", f"variable '{name}' is never read by any guard, probability, route or score",
                 ("variables", name), "use it in an objective's score, or remove it", key=True)
    for name in sc.model.parameters:
        if name not in sc.parameter_uses:
            _add(sc, result, "C109", f"parameter '{name}' is never used", ("parameters", name), key=True)
    for oid in sc.model.objectives:
        if not any(p.weights.get(oid) for p in sc.model.perspectives.values()):
            _add(sc, result, "C109", f"objective '{oid}' has no weight in any perspective", ("objectives", oid),
                 key=True)
    for node in sc.nodes:
        for m in node.moves:
            if not m.model.citations:
                _add(sc, result, "C113", f"'{m.id}' of '{node.id}' cites no source", m.path,
                     "add citations: [{doc: ..., quote: ...}] with a verbatim passage", key=True)


def check_record(sc: CompiledScenario, result: CheckResult) -> None:
    """The reference lines say what each step rests on, and play shows nothing the record dates later."""

    def report(code: str, message: str, path: tuple, hint: str | None, key: bool) -> None:
        _add(sc, result, code, message, path, hint, key)

    check_lines(sc, report)
    check_play(sc, report)


def _add(sc: CompiledScenario, result: CheckResult, code: str, message: str, path: tuple,
         hint: str | None = None, key: bool = False) -> None:
    """Record a finding at the line and column of `path` (its key if `key`)."""
    span = sc.located.span(path, key=key) if sc.located else None
    line, col = (span.line, span.col) if span else (0, 0)
    result.findings.append(Diagnostic(code, message, str(sc.path), line, col, hint))


def check_scenario(sc: CompiledScenario, max_states: int = MAX_STATES) -> CheckResult:
    """All checks of a loaded scenario; findings carry the line and column they concern."""
    explorer = _Explorer(sc, max_states)
    explorer.explore()
    explorer.cycles()
    if explorer.result.complete:
        explorer.unreachable()
    result = explorer.result
    check_citations(sc, result)
    check_withheld(sc, result)
    check_usage(sc, result)
    check_record(sc, result)
    result.findings = attach_source(sorted(result.findings, key=lambda d: (d.line, d.col, d.code)), sc.text)
    return result
