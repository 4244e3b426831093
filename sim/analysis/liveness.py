"""Which variables can still matter at each node: states that differ only in the others are merged.

A variable is live at a node if some path from there reads it (in a guard, a probability, a route
condition, an effect whose result is itself live, or a final score) before an effect overwrites
it. Replacing every dead variable by a fixed value changes nothing that can happen from that node
on, so the analysis keys positions by the node and the live part of the state.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

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


def live_variables(sc: CompiledScenario) -> list[set[str]]:
    """Per scenario node (by index), the variables live on entry to it."""
    model = sc.model
    names = set(sc.var_names)
    at_end = set().union(*(reads(o.score, names) for o in model.objectives.values()))
    moves: list[list[tuple[set[str], dict[str, set[str]], list[tuple[set[str], int]]]]] = []
    for node in sc.nodes:
        per_move = []
        m = node.model
        items = m.options if isinstance(m, DecisionNode) else m.outcomes if isinstance(m, ChanceNode) else {}
        for move in items.values():
            before = set().union(*(reads(g, names) for g in _guards(move)))
            if isinstance(move, Outcome):
                before |= reads(move.probability, names)
            effects = {target: reads(value, names) for target, value in move.effects.items()}
            routes = [(set(), sc.node_index[move.next])] if isinstance(move.next, str) else \
                [(reads(r.when, names), sc.node_index[r.goto]) for r in move.next]
            per_move.append((before, effects, routes))
        moves.append(per_move)
    live = [at_end if node.kind == "end" else set() for node in sc.nodes]
    changed = True
    while changed:
        changed = False
        for n, per_move in enumerate(moves):
            if sc.nodes[n].kind == "end":
                continue
            new = set(live[n])
            for before, effects, routes in per_move:
                after = set()
                for when, target in routes:
                    after |= when | live[target]
                kept = after - effects.keys()
                used = set().union(*(effects[x] for x in effects if x in after))
                new |= before | kept | used
            if new != live[n]:
                live[n] = new
                changed = True
    return live


def canonicalisers(sc: CompiledScenario) -> list[Callable[[tuple], tuple] | None]:
    """Per node, a function setting its dead variables to their initial values (None if all are live)."""
    live = live_variables(sc)
    out: list[Callable[[tuple], tuple] | None] = []
    for n in range(len(sc.nodes)):
        if all(name in live[n] for name in sc.var_names):
            out.append(None)
            continue
        parts = [f"s[{i}]" if name in live[n] else repr(sc.initial[i]) for i, name in enumerate(sc.var_names)]
        out.append(make_function("(" + ", ".join(parts) + ("," if len(parts) == 1 else "") + ")"))
    return out
