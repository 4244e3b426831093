"""Resolve names and compile a validated scenario model, reporting every problem with its location."""

from __future__ import annotations

import difflib
from pathlib import Path

from sim.diagnostics import Diagnostic
from sim.expr import (
    BOOL,
    FLOAT,
    INT,
    NUMERIC,
    EnumType,
    Env,
    ExprError,
    compile_expr,
    make_function,
)
from sim.model import (
    BoolVariable,
    ChanceNode,
    DecisionNode,
    EndNode,
    EnumVariable,
    IntVariable,
    Scenario,
)
from sim.runtime import (
    CompiledScenario,
    Guard,
    Move,
    Node,
    build_state_model,
    checked_score,
    content_hash,
)
from sim.sources import opening, resolve_documents
from sim.yamlsource import Located

RESERVED = {"true", "false", "and", "or", "not", "if", "else", "in", "min", "max", "clamp", "abs", "round", "s"}


def _suggest(name: str, known) -> str | None:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"did you mean '{close[0]}'?" if close else None


class Compiler:
    """Turns a `Scenario` model into a `CompiledScenario`, collecting diagnostics instead of stopping."""

    def __init__(self, scenario: Scenario, located: Located, path: Path, memo: dict | None = None):
        """`memo`: the memo of a scenario this one varies (see `CompiledScenario.memo`), to reuse what
        compiles the same."""
        self.sc = scenario
        self.loc = located
        self.path = path
        self.shared = memo if memo is not None else {}
        self.expressions = self.shared.setdefault("expressions", {})
        self.functions = self.shared.setdefault("functions", {})
        self.diags: list[Diagnostic] = []
        names = list(scenario.variables)
        self.var_names = tuple(names)
        self.var_types: dict[str, object] = {}
        for i, (name, var) in enumerate(scenario.variables.items()):
            if isinstance(var, IntVariable):
                t = INT
            elif isinstance(var, BoolVariable):
                t = BOOL
            else:
                t = EnumType(name, tuple(var.values))
            self.var_types[name] = (i, t)
        params = {k: p.value for k, p in scenario.parameters.items()}
        bounds = {name: max(abs(var.min), abs(var.max)) for name, var in scenario.variables.items()
                  if isinstance(var, IntVariable)}
        bounds |= {name: max(abs(x) for x in (p.value, *(p.range or ()))) for name, p in scenario.parameters.items()}
        self.env = Env(self.var_types, params, bounds)
        self.used_vars: set[str] = set()
        self.used_params: set[str] = set()

    def error(self, code: str, message: str, path: tuple, hint: str | None = None, key: bool = False,
              offset: int | None = None) -> None:
        span = self.loc.span(path, key=key)
        line, col = (span.line, span.col) if span else (0, 0)
        if span and offset is not None and not span.multiline and span.style in (None, "", "'", '"'):
            col += offset + (1 if span.style in ("'", '"') else 0)
        self.diags.append(Diagnostic(code, message, str(self.path), line, col, hint))

    def expr(self, value, path: tuple, want: tuple, what: str, expect=None):
        c = self._remembered(value, want, expect)
        if c is None:
            try:
                c = compile_expr(value, self.env, want, what, expect)
            except ExprError as exc:
                self.error(exc.code, f"{'.'.join(map(str, path))}: {exc.message}", path, exc.hint, offset=exc.offset)
                return None
            self.expressions.setdefault((type(value), value, want, expect), []).append(
                (tuple((p, type(v), v) for p in sorted(c.parameters) for v in [self.env.parameters[p]]), c))
        self.used_vars |= c.names
        self.used_params |= c.parameters
        return c

    def _remembered(self, value, want: tuple, expect):
        """An expression compiled before (by a compiler sharing the memo) with the same parameter values."""
        params = self.env.parameters
        for used, c in self.expressions.get((type(value), value, want, expect), ()):
            if all(p in params and type(params[p]) is kind and params[p] == v for p, kind, v in used):
                return c
        return None

    def compile(self) -> CompiledScenario | None:
        sc = self.sc
        self._check_names()
        self._check_variables()
        self._check_parameters()
        node_ids = list(sc.nodes)
        index = {nid: i for i, nid in enumerate(node_ids)}
        if sc.start not in index:
            self.error("R001", f"start node '{sc.start}' is not defined under 'nodes'", ("start",),
                       _suggest(sc.start, index))
        documents = resolve_documents(sc, self.path, self)
        self._check_withheld_dates(sc)
        self._check_citations_refs(sc)
        nodes = [self._node(nid, node, index) for nid, node in sc.nodes.items()]
        objectives = []
        for oid, obj in sc.objectives.items():
            c = self.expr(obj.score, ("objectives", oid, "score"), NUMERIC, f"the score of objective '{oid}'")
            if c is not None:
                scores = self.shared.setdefault("scores", {})
                fn = scores.get((oid, c.fn))
                if fn is None:
                    fn = scores[(oid, c.fn)] = checked_score(oid, c.fn)
                objectives.append((oid, fn))
        for pid, per in sc.perspectives.items():
            for oid in per.weights:
                if oid not in sc.objectives:
                    self.error("R004", f"perspective '{pid}' weights unknown objective '{oid}'",
                               ("perspectives", pid, "weights", oid), _suggest(oid, sc.objectives), key=True)
            if not any(per.weights.values()):
                self.error("S003", f"perspective '{pid}' gives every objective zero weight",
                           ("perspectives", pid, "weights"))
        self._check_lines(index)
        conditions = self._dossier_conditions()
        if self.diags:
            return None
        initial = tuple(var.initial for var in sc.variables.values())
        return CompiledScenario(
            memo=self.shared,
            model=sc,
            path=self.path,
            var_names=self.var_names,
            initial=initial,
            nodes=nodes,
            start=index[sc.start],
            objectives=objectives,
            state_model=build_state_model(sc),
            content_hash=content_hash(sc),
            documents=documents,
            in_domain=self._domain_fn(),
            reads=frozenset(self.used_vars),
            parameter_uses=frozenset(self.used_params),
            conditions=conditions,
        )

    def _check_names(self) -> None:
        for name in self.sc.variables:
            if name in RESERVED:
                self.error("R008", f"'{name}' is a reserved word and cannot name a variable", ("variables", name), key=True)
            if name in self.sc.parameters:
                self.error("R007", f"'{name}' names both a variable and a parameter", ("parameters", name), key=True)
        for name in self.sc.parameters:
            if name in RESERVED:
                self.error("R008", f"'{name}' is a reserved word and cannot name a parameter", ("parameters", name), key=True)

    def _check_variables(self) -> None:
        for name, var in self.sc.variables.items():
            where = ("variables", name)
            if isinstance(var, IntVariable):
                if var.min > var.max:
                    self.error("V001", f"variable '{name}': min {var.min} is greater than max {var.max}", where + ("min",))
                elif not var.min <= var.initial <= var.max:
                    self.error("V002", f"variable '{name}': initial value {var.initial} is outside {var.min}..{var.max}",
                               where + ("initial",))
            elif isinstance(var, EnumVariable):
                if len(set(var.values)) != len(var.values):
                    self.error("V003", f"variable '{name}' lists a value twice", where + ("values",))
                if var.initial not in var.values:
                    self.error("V002", f"variable '{name}': initial value '{var.initial}' is not one of its values",
                               where + ("initial",), _suggest(var.initial, var.values))
            self._check_value_labels(name, var)

    def _check_value_labels(self, name: str, var) -> None:
        """Every value a variable's `value_labels` names is one the variable can take (V005)."""
        for value in var.value_labels:
            if isinstance(var, IntVariable):
                ok = var.min <= int(value) <= var.max
                known = f"{var.min}..{var.max}"
            elif isinstance(var, EnumVariable):
                ok = value in var.values
                known = ", ".join(var.values)
            else:
                ok, known = True, "true, false"
            if not ok:
                self.error("V005", f"variable '{name}' labels the value {value!r}, which it cannot take ({known})",
                           ("variables", name, "value_labels", value), key=True)

    def _check_parameters(self) -> None:
        for name, p in self.sc.parameters.items():
            if p.range is not None:
                lo, hi = p.range
                if lo > hi or not lo <= p.value <= hi:
                    self.error("V004", f"parameter '{name}': range [{lo}, {hi}] must be ordered and contain its value {p.value}",
                               ("parameters", name, "range"))

    def _check_withheld_dates(self, sc: Scenario) -> None:
        """A document opens on or after its own date; a withheld footnote or passage opens on or after its
        document's date (D003), and after the date of what it reports (D004)."""
        for doc_id, doc in sc.sources.documents.items():
            where = ("sources", "documents", doc_id)
            if doc.opens is not None and doc.opens < doc.date:
                self.error("D003", f"document '{doc_id}' opens on {doc.opens}, before its own date {doc.date}",
                           where + ("opens",), "a document opens on or after its date")
            parts = [("footnote", f"footnote {n} of '{doc_id}'", ("withheld_footnotes", n), w)
                     for n, w in doc.withheld_footnotes.items()]
            parts += [("passage", f"passage {k + 1} of '{doc_id}' ({opening(p.quote)})", ("withheld_passages", k), p)
                      for k, p in enumerate(doc.withheld_passages)]
            for kind, what, key, part in parts:
                if part.until < doc.date:
                    self.error("D003", f"{what} is withheld until {part.until}, before the document's own date "
                               f"{doc.date}", where + (*key, "until"),
                               f"a {kind} opens on or after its document's date; remove the entry if nothing "
                               "in it came later")
                if part.dated is not None and part.dated < doc.date:
                    self.error("D004", f"{what} is dated {part.dated}, before the document's own date {doc.date}",
                               where + (*key, "dated"), "leave 'dated' out when it reports nothing later")
                elif part.dated is not None and part.until <= part.dated:
                    self.error("D004", f"{what} reports what happened on {part.dated} but opens on {part.until}",
                               where + (*key, "until"), f"withhold it until after {part.dated}")

    def _check_citations_refs(self, sc: Scenario) -> None:
        for path, citation in iter_citations(sc):
            if citation.doc not in sc.sources.documents:
                self.error("R003", f"citation names unknown document '{citation.doc}'", path + ("doc",),
                           _suggest(citation.doc, sc.sources.documents) or "declare it under sources.documents")

    def _node(self, nid: str, node, index: dict[str, int]) -> Node:
        path = ("nodes", nid)
        kind = node.type
        out = Node(nid, index[nid], kind, node, path)
        if isinstance(node, DecisionNode):
            for oid, opt in node.options.items():
                out.moves.append(self._move(oid, opt, path + ("options", oid), index))
        elif isinstance(node, ChanceNode):
            for oid, outcome in node.outcomes.items():
                move = self._move(oid, outcome, path + ("outcomes", oid), index)
                c = self.expr(outcome.probability, move.path + ("probability",), NUMERIC, "a probability")
                move.probability = c.fn if c else None
                out.moves.append(move)
        return out

    def _move(self, mid: str, m, path: tuple, index: dict[str, int]) -> Move:
        move = Move(mid, m.label or mid, m, path)
        guard = getattr(m, "guard", None)
        if guard is not None:
            items = guard if isinstance(guard, list) else [guard]
            for i, g in enumerate(items):
                gpath = path + ("guard",) + ((i,) if isinstance(guard, list) else ())
                c = self.expr(g, gpath, (BOOL,), "a guard")
                if c:
                    move.guards.append(Guard(c.fn, c.source, tuple(sorted(c.names))))
        move.effect, move.targets, move.writes = self._effects(m.effects, path + ("effects",))
        routes = [m.next] if isinstance(m.next, str) else m.next
        for i, r in enumerate(routes):
            rpath = path + ("next",) + (() if isinstance(m.next, str) else (i,))
            goto = r if isinstance(r, str) else r.goto
            gpath = rpath if isinstance(r, str) else rpath + ("goto",)
            if goto not in index:
                self.error("R001", f"unknown node '{goto}'", gpath, _suggest(goto, index))
                continue
            when = None
            if not isinstance(r, str) and r.when is not None:
                c = self.expr(r.when, rpath + ("when",), (BOOL,), "a route condition")
                when = c.fn if c else None
            elif not isinstance(r, str) and i != len(routes) - 1:
                self.error("R006", "only the last route may leave out 'when'", rpath)
            move.routes.append((when, index[goto]))
        if not isinstance(m.next, str) and m.next and m.next[-1].when is not None:
            self.error("R006", "the last route must have no 'when' (it is the default)", path + ("next", len(m.next) - 1),
                       "add a final route such as {goto: some_node}")
        return move

    def _effects(self, effects: dict, path: tuple):
        if not effects:
            return None, (), {}
        parts = [f"s[{i}]" for i in range(len(self.var_names))]
        targets = []
        for target, value in effects.items():
            if target not in self.var_types:
                self.error("R002", f"effect sets unknown variable '{target}'", path + (target,),
                           _suggest(target, self.var_types), key=True)
                continue
            slot, t = self.var_types[target]
            want = (INT,) if t == INT else (BOOL,) if t == BOOL else (t,)
            c = self.expr(value, path + (target,), want, f"the new value of '{target}'", expect=t if isinstance(t, EnumType) else None)
            if c is not None:
                parts[slot] = c.python
                targets.append(slot)
        body = "(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"
        fn = self.functions.get(body)
        if fn is None:
            fn = self.functions[body] = make_function(body)
        return fn, tuple(sorted(targets)), {slot: parts[slot] for slot in sorted(targets)}

    def _domain_fn(self):
        checks = [f"({v.min} <= s[{i}] <= {v.max})" for i, v in enumerate(self.sc.variables.values())
                  if isinstance(v, IntVariable)]
        return make_function(" and ".join(checks) if checks else "True")

    def _check_lines(self, index: dict[str, int]) -> None:
        for lid, line in self.sc.lines.items():
            for nid, oid in line.choices.items():
                path = ("lines", lid, "choices", nid)
                node = self.sc.nodes.get(nid)
                if node is None:
                    self.error("R001", f"line '{lid}' names unknown node '{nid}'", path, _suggest(nid, index), key=True)
                elif not isinstance(node, DecisionNode):
                    self.error("R005", f"line '{lid}': node '{nid}' is not a decision", path, key=True)
                elif oid not in node.options:
                    self.error("R005", f"line '{lid}': node '{nid}' has no option '{oid}'", path,
                               _suggest(oid, node.options))
            for nid, oid in line.outcomes.items():
                path = ("lines", lid, "outcomes", nid)
                node = self.sc.nodes.get(nid)
                if not isinstance(node, ChanceNode):
                    self.error("R005", f"line '{lid}': '{nid}' is not a chance node", path,
                               _suggest(nid, [k for k, n in self.sc.nodes.items() if isinstance(n, ChanceNode)]),
                               key=True)
                elif oid not in node.outcomes:
                    self.error("R005", f"line '{lid}': chance node '{nid}' has no outcome '{oid}'", path,
                               _suggest(oid, node.outcomes))
            for nid, step in line.provenance.items():
                path = ("lines", lid, "provenance", nid)
                node = self.sc.nodes.get(nid)
                if node is None:
                    self.error("R001", f"line '{lid}' says what unknown node '{nid}' rests on", path,
                               _suggest(nid, index), key=True)
                elif isinstance(node, ChanceNode) and step.basis != "not_recorded" and nid not in line.outcomes:
                    self.error("R005", f"line '{lid}': the step at '{nid}' is {step.basis}, but the line fixes no "
                               "outcome there", path + ("basis",),
                               f"add '{nid}: <outcome>' under the line's outcomes, or mark the step not_recorded")
                elif isinstance(node, ChanceNode) and step.basis == "not_recorded" and nid in line.outcomes:
                    self.error("R005", f"line '{lid}': the line fixes the outcome at '{nid}', but calls the step "
                               "not recorded", path + ("basis",),
                               "an outcome the line fixes rests on the record: mark it documented or inferred, "
                               "or leave the outcome to the draw")
                elif isinstance(node, EndNode):
                    self.error("R005", f"line '{lid}': '{nid}' is an ending, not a step", path, key=True)

    def _dossier_conditions(self) -> dict[tuple, object]:
        """The compiled `when` of every document, withheld footnote and withheld passage that has one."""
        out = {}
        for doc_id, doc in self.sc.sources.documents.items():
            where = ("sources", "documents", doc_id)
            parts = [(("document", doc_id), doc.when, where + ("when",))]
            parts += [(("footnote", doc_id, int(n)), w.when, where + ("withheld_footnotes", n, "when"))
                      for n, w in doc.withheld_footnotes.items()]
            parts += [(("passage", doc_id, k), p.when, where + ("withheld_passages", k, "when"))
                      for k, p in enumerate(doc.withheld_passages)]
            for key, when, path in parts:
                if when is not None:
                    c = self.expr(when, path, (BOOL,), "the condition under which this part of the dossier opens")
                    if c is not None:
                        out[key] = c.fn
        return out


def iter_citations(sc: Scenario):
    """Every citation in a scenario, with its path."""
    for pid, p in sc.parameters.items():
        for i, c in enumerate(p.citations):
            yield ("parameters", pid, "citations", i), c
    for nid, node in sc.nodes.items():
        if isinstance(node, EndNode):
            for i, c in enumerate(node.citations):
                yield ("nodes", nid, "citations", i), c
        moves = node.options if isinstance(node, DecisionNode) else node.outcomes if isinstance(node, ChanceNode) else {}
        kind = "options" if isinstance(node, DecisionNode) else "outcomes"
        for mid, m in moves.items():
            for i, c in enumerate(m.citations):
                yield ("nodes", nid, kind, mid, "citations", i), c
    for lid, line in sc.lines.items():
        for nid, step in line.provenance.items():
            for i, c in enumerate(step.citations):
                yield ("lines", lid, "provenance", nid, "citations", i), c
    for tid, term in sc.glossary.items():
        for i, c in enumerate(term.citations):
            yield ("glossary", tid, "citations", i), c


__all__ = ["Compiler", "iter_citations", "FLOAT"]
