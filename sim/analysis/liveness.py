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

import re
from collections.abc import Callable
from dataclasses import dataclass

from sim.expr import make_function
from sim.model import ChanceNode, DecisionNode, Outcome
from sim.runtime import CompiledScenario

_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def reads(expr: object, variables: set[str]) -> set[str]:
    """Variables an expression may read: every word outside quotes that names a variable (a bare
    enum value spelled like a variable counts too, to be safe). The scenario has compiled, so the
    expression parses; its words are its names."""
    if not isinstance(expr, str):
        return set()
    return set(_WORD.findall(_QUOTED.sub(" ", expr))) & variables


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


def depth_first(sc: CompiledScenario, roots) -> tuple[list[int], bool]:
    """The nodes reachable from `roots` in depth-first post-order (each after the nodes it leads to,
    where the graph allows), and whether some node can lead back to itself."""
    succ = [sorted({t for m in node.moves for _, t in m.routes}) for node in sc.nodes]
    state = [0] * len(succ)  # 0 unseen, 1 on the path being followed, 2 done
    out: list[int] = []
    looped = False
    for root in roots:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succ[root]))]
        while stack:
            n, it = stack[-1]
            for t in it:
                looped = looped or state[t] == 1
                if not state[t]:
                    state[t] = 1
                    stack.append((t, iter(succ[t])))
                    break
            else:
                stack.pop()
                state[n] = 2
                out.append(n)
    return out, looped


def _fixpoint(order: list[int], step: Callable[[int, list[set]], set]) -> list[set]:
    """Smallest sets with sets[n] == step(n, sets) for every node, by iteration (sets only grow)."""
    sets: list[set] = [set() for _ in order]
    changed = True
    while changed:
        changed = False
        for n in order:
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

    order, _ = depth_first(sc, range(count))
    written = _fixpoint(order, writes)
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

    live = _fixpoint(order, live_in)
    exact = [[{x for x, used in f.effects.items() if used <= live[n]} for f in facts[n]] for n in range(count)]
    return Liveness(live, frozen, exact, objective_reads)


class Canonicaliser:
    """A function setting a node's dead variables to their initial values, compiled on first call
    (a layered expansion rarely calls it)."""

    def __init__(self, body: str):
        self.body = body
        self.fn: Callable[[tuple], tuple] | None = None

    def compiled(self) -> Callable[[tuple], tuple]:
        if self.fn is None:
            self.fn = make_function(self.body)
        return self.fn

    def __call__(self, s: tuple) -> tuple:
        return (self.fn or self.compiled())(s)


def canonicalisers(sc: CompiledScenario, live: list[set[str]]) -> list[Canonicaliser | None]:
    """Per node, its canonicaliser (None if all its variables are live)."""
    out: list[Canonicaliser | None] = []
    for n in range(len(sc.nodes)):
        if all(name in live[n] for name in sc.var_names):
            out.append(None)
            continue
        parts = [f"s[{i}]" if name in live[n] else repr(sc.initial[i]) for i, name in enumerate(sc.var_names)]
        out.append(Canonicaliser("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"))
    return out
