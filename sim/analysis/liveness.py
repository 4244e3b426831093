"""What can still matter at each node, so that positions differing only in the rest are merged.

An objective is *frozen* at a node when no path from there writes any variable its score reads:
its final score is already known. The analysis collects a frozen objective's score on the step
into the node where it freezes (a reward on that edge), and drops it from everything after.

A variable is *live* at a node if some path from there reads it (in a guard, a probability, a
route condition, an effect whose result is itself live, or the score of an objective that freezes
later on) before an effect overwrites it. Replacing every dead variable by a fixed value changes
nothing that can happen from that node on, so positions are keyed by the node and the live part
of the state.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass

from sim.expr import ExprError, make_function, parse
from sim.model import ChanceNode, DecisionNode, Outcome
from sim.runtime import CompiledScenario


def reads(expr: object, variables: set[str]) -> set[str]:
    """Variables an expression may read (every name that is a variable counts, to be safe)."""
    if not isinstance(expr, str):
        return set()
    try:
        tree = parse(expr)
    except ExprError:
        return set(variables)
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in variables}


def _guards(option) -> list:
    guard = getattr(option, "guard", None)
    return [] if guard is None else guard if isinstance(guard, list) else [guard]


@dataclass(frozen=True)
class _MoveFacts:
    before: set[str]
    effects: dict[str, set[str]]
    routes: list[tuple[set[str], int]]


@dataclass
class Liveness:
    """Per scenario node (by index): live variables, frozen objectives (indices in declared order), and
    per move the variables it writes from live values only (so their new values are exact)."""

    live: list[set[str]]
    frozen: list[frozenset[int]]
    exact_writes: list[list[set[str]]]
    objective_reads: list[set[str]]


def _facts(sc: CompiledScenario, names: set[str], reads) -> list[list[_MoveFacts]]:
    out = []
    for node in sc.nodes:
        m = node.model
        items = m.options if isinstance(m, DecisionNode) else m.outcomes if isinstance(m, ChanceNode) else {}
        per_move = []
        for move in items.values():
            before = set().union(*(reads(g, names) for g in _guards(move)))
            if isinstance(move, Outcome):
                before |= reads(move.probability, names)
            routes = [(set(), sc.node_index[move.next])] if isinstance(move.next, str) else \
                [(reads(r.when, names), sc.node_index[r.goto]) for r in move.next]
            per_move.append(_MoveFacts(before, {t: reads(v, names) for t, v in move.effects.items()}, routes))
        out.append(per_move)
    return out


def _fixpoint(count: int, step: Callable[[int, list[set]], set]) -> list[set]:
    """Smallest sets with sets[n] == step(n, sets) for every node, by iteration (sets only grow)."""
    sets: list[set] = [set() for _ in range(count)]
    changed = True
    while changed:
        changed = False
        for n in range(count):
            new = step(n, sets) | sets[n]
            if new != sets[n]:
                sets[n] = new
                changed = True
    return sets


def liveness(sc: CompiledScenario) -> Liveness:
    """Live variables and frozen objectives of every node."""
    names = set(sc.var_names)
    known: dict[str, set[str]] = {}

    def read(expr: object, variables: set[str]) -> set[str]:
        """`reads`, each distinct expression parsed once (callers only read the sets)."""
        if not isinstance(expr, str):
            return reads(expr, variables)
        out = known.get(expr)
        if out is None:
            out = known[expr] = reads(expr, variables)
        return out

    objective_reads = [read(sc.model.objectives[oid].score, names) for oid, _ in sc.objectives]
    facts = _facts(sc, names, read)
    count = len(sc.nodes)

    def writes(n: int, written: list[set]) -> set[str]:
        return set().union(*(set(f.effects).union(*(written[t] for _, t in f.routes)) for f in facts[n]))

    written = _fixpoint(count, writes)
    frozen = [frozenset(k for k, r in enumerate(objective_reads) if not r & written[n]) for n in range(count)]

    def live_in(n: int, live: list[set]) -> set[str]:
        out = set()
        for f in facts[n]:
            after = set()
            for when, t in f.routes:
                after |= when | live[t]
                for k in frozen[t] - frozen[n]:
                    after |= objective_reads[k]
            used = set().union(*(f.effects[x] for x in f.effects if x in after))
            out |= f.before | (after - f.effects.keys()) | used
        return out

    live = _fixpoint(count, live_in)
    exact = [[{x for x, used in f.effects.items() if used <= live[n]} for f in facts[n]] for n in range(count)]
    return Liveness(live, frozen, exact, objective_reads)


def canonicalisers(sc: CompiledScenario, live: list[set[str]]) -> list[Callable[[tuple], tuple] | None]:
    """Per node, a function setting its dead variables to their initial values (None if all are live)."""
    out: list[Callable[[tuple], tuple] | None] = []
    for n in range(len(sc.nodes)):
        if all(name in live[n] for name in sc.var_names):
            out.append(None)
            continue
        parts = [f"s[{i}]" if name in live[n] else repr(sc.initial[i]) for i, name in enumerate(sc.var_names)]
        out.append(make_function("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"))
    return out
