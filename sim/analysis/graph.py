"""The graph of distinct (node, state) pairs reachable from a position, each expanded once.

Positions are numbered from the root (0). `order` lists them children first, so a backward pass is
`for i in graph.order` and a forward pass runs it in reverse. When `layers` is set, it lists
contiguous id ranges `(lo, hi)` children first: no position has a child in its own range or in a
later one, so a backward pass can value a whole range at once. `arrays` may hold the moves as flat
arrays (see `edges`).
A position's state keeps only the variables still live at its node (see `liveness`); the others
are set to their initial values, so states that differ only in them are one position.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from sim.analysis.errors import AnalysisError
from sim.analysis.fastpath import Bail, build
from sim.analysis.liveness import canonicalisers, liveness
from sim.model import IntVariable
from sim.runtime import CompiledScenario, EvaluationError

DECISION, CHANCE, END = 0, 1, 2
KINDS = {"decision": DECISION, "chance": CHANCE, "end": END}
DEFAULT_LIMIT = 3_000_000
PROBABILITY_TOLERANCE = 1e-6


@dataclass
class StateGraph:
    """Reachable positions of a scenario from `root`, with their moves, children and probabilities.
    A layered expansion keeps the per-position tables (`state`, `moves`, `children`, `probs`,
    `rewards`) as arrays behind `LazyRows` until they are read in bulk."""

    scenario: CompiledScenario
    node: list[int]
    state: list[tuple]
    kind: list[int]
    moves: list[tuple[int, ...]]
    children: list[tuple[int, ...]]
    probs: list[tuple[float, ...] | None]
    rewards: list[tuple[int, ...] | None]
    reward_table: list[tuple[float, ...]]
    index: dict[tuple[int, tuple], int]
    root: int
    order: list[int]
    canon: list = field(default_factory=list, repr=False)
    frozen: list[frozenset[int]] = field(default_factory=list, repr=False)
    warnings: list[str] = field(default_factory=list)
    layers: list[tuple[int, int]] | None = field(default=None, repr=False)
    arrays: object | None = field(default=None, repr=False)
    _rank: list[int] | None = field(default=None, repr=False)

    def __len__(self) -> int:
        return len(self.node)

    def find(self, node: int, state: tuple) -> int | None:
        """The id of the position a game is in at (node, state), if the graph holds it."""
        c = self.canon[node] if self.canon else None
        return self.index.get((node, c(state) if c is not None else tuple(state)))

    def node_id(self, i: int) -> str:
        return self.scenario.nodes[self.node[i]].id

    def move_id(self, i: int, k: int) -> str:
        """The id of the k-th open move of position i."""
        return self.scenario.nodes[self.node[i]].moves[self.moves[i][k]].id

    @property
    def rank(self) -> list[int]:
        """Position of each id in `order` (a successor always ranks lower than its predecessors)."""
        if self._rank is None:
            rank = [0] * len(self.order)
            for r, i in enumerate(self.order):
                rank[i] = r
            self._rank = rank
        return self._rank

    def reachable(self, i: int) -> set[int]:
        """Every position some play from position i can reach (i included)."""
        if i == self.root:
            return set(range(len(self.node)))  # the graph holds what the root reaches, nothing else
        seen, pending = {i}, [i]
        children = self.children
        while pending:
            for c in children[pending.pop()]:
                if c not in seen:
                    seen.add(c)
                    pending.append(c)
        return seen

    def children_first(self, ids) -> list[int]:
        """Some ids sorted so that successors come before predecessors."""
        if len(ids) == len(self.order) and isinstance(ids, (set, frozenset, dict)):
            return list(self.order)  # all of them (distinct ids)
        return sorted(ids, key=self.rank.__getitem__)

    def offset(self, node: int, state: tuple) -> tuple[float, ...]:
        """Scores of the objectives already frozen at `node`, read from a full (not merged) state;
        zero for the others. Figures at a position are this plus what its graph position projects."""
        sc = self.scenario
        vec = [0.0] * len(sc.objectives)
        try:
            for k in self.frozen[node]:
                vec[k] = float(sc.objectives[k][1](state))
        except ArithmeticError as exc:
            raise AnalysisError(f"a score cannot be computed in state {sc.state_dict(state)}: {exc}",
                                code="A003") from None
        return tuple(vec)

    def count_paths(self, i: int | None = None) -> int:
        """Number of distinct plays from position i (default: the root) to an end, counted, never listed."""
        i = self.root if i is None else i
        paths = self.__dict__.get("_paths")
        if paths is None:
            paths = [0] * len(self.order)
            kind, children = self.kind, self.children
            for j in self.order:
                paths[j] = 1 if kind[j] == END else sum(paths[c] for c in children[j])
            self.__dict__["_paths"] = paths
        return paths[i]


def _plans(sc: CompiledScenario) -> list[tuple]:
    """Per scenario node: its kind and, per move, (index, guards, effect, fixed target, routes, probability)."""
    plans = []
    for node in sc.nodes:
        moves = []
        for m in node.moves:
            fixed = m.routes[0][1] if len(m.routes) == 1 and m.routes[0][0] is None else -1
            moves.append((len(moves), tuple(g.fn for g in m.guards), m.effect, fixed, tuple(m.routes), m.probability))
        plans.append((KINDS[node.kind], tuple(moves)))
    return plans


def _bounds(sc: CompiledScenario, exact_writes: list[list[set[str]]]) -> list[list[tuple]]:
    """Per node and move, (slot, min, max) of each integer variable it writes exactly: the ranges to check.
    (Values read from dead variables are placeholders, and so are the values written from them.)"""
    slots = {name: i for i, name in enumerate(sc.var_names)}
    out = []
    for writes in exact_writes:
        out.append([tuple((slots[x], v.min, v.max) for x in sorted(w)
                          if isinstance(v := sc.model.variables[x], IntVariable)) for w in writes])
    return out


def _route(routes: tuple, s: tuple, where: str) -> int:
    for when, target in routes:
        if when is None or when(s):
            return target
    raise EvaluationError(f"no route of {where} applies")


def _open(guards: tuple, s: tuple) -> bool:
    try:
        for g in guards:
            if not g(s):
                return False
    except ArithmeticError:
        return False
    return True


def settle(raw: list[float]) -> list[float]:
    """Probabilities as the engine's draw realises them: only positive ones, capped at a total of 1,
    the last positive outcome taking any remainder."""
    total = sum(p for p in raw if p > 0)
    if abs(total - 1.0) <= 1e-12:
        return [p if p > 0 else 0.0 for p in raw]
    out, cum, last = [], 0.0, -1
    for i, p in enumerate(raw):
        if p <= 0:
            out.append(0.0)
            continue
        nxt = cum + p
        out.append(max(0.0, min(nxt, 1.0) - min(cum, 1.0)))
        cum, last = nxt, i
    if last >= 0 and cum < 1.0:
        out[last] += 1.0 - cum
    return out


def _successors_careful(sc: CompiledScenario, plans: list, n: int, s: tuple) -> tuple:
    """Open moves, child keys and raw probabilities of (n, s), with every failure explained."""
    kind, plan = plans[n]
    taken, keys, raw = [], [], []
    for k, guards, effect, fixed, routes, probability in plan:
        try:
            if kind == DECISION:
                if not _open(guards, s):
                    continue
            else:
                p = float(probability(s))
                if p <= 0:
                    continue
                raw.append(p)
            s2 = effect(s) if effect is not None else s
            n2 = fixed if fixed >= 0 else _route(routes, s2, f"'{sc.nodes[n].moves[k].id}'")
        except (ArithmeticError, EvaluationError) as exc:
            raise AnalysisError(f"'{sc.nodes[n].moves[k].id}' at '{sc.nodes[n].id}' cannot be evaluated in state "
                                f"{sc.state_dict(s)}: {exc}", code="A003") from None
        taken.append(k)
        keys.append((n2, s2))
    return taken, keys, raw


@contextmanager
def no_cycle_collection():
    """Pause the cyclic garbage collector: building millions of acyclic tuples would otherwise
    trigger full collections over an ever larger heap, making expansion quadratic."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def expand(sc: CompiledScenario, node: int | None = None, state: tuple | None = None,
           limit: int = DEFAULT_LIMIT, layered: bool = True) -> StateGraph:
    """Expand every distinct (node, state) reachable from a position (default: the start), each once:
    a layer per scenario node when the scenario allows it (see `vexpand`), else position by position."""
    with no_cycle_collection():
        return _Expansion(sc, limit, layered).run(sc.start if node is None else node,
                                                  sc.initial if state is None else tuple(state))


def _successors(kind: int, plan: tuple, s: tuple) -> tuple[list, list, list]:
    """Open moves, (next node, state after effects) and raw probabilities of a position: the fast path."""
    taken, nexts, raw = [], [], []
    if kind == DECISION:
        for k, guards, effect, fixed, routes, _ in plan:
            for g in guards:
                if not g(s):
                    break
            else:
                s2 = effect(s) if effect is not None else s
                taken.append(k)
                nexts.append((fixed if fixed >= 0 else _route(routes, s2, ""), s2))
    else:
        for k, _, effect, fixed, routes, probability in plan:
            p = probability(s)
            if p > 0:
                s2 = effect(s) if effect is not None else s
                taken.append(k)
                nexts.append((fixed if fixed >= 0 else _route(routes, s2, ""), s2))
                raw.append(float(p))
    return taken, nexts, raw


class _Expansion:
    """One expansion: positions found so far, and the tables the graph is built from."""

    def __init__(self, sc: CompiledScenario, limit: int, layered: bool = True):
        self.sc, self.limit, self.layered = sc, limit, layered
        self.plans = _plans(sc)
        facts = liveness(sc)
        self.live = facts.live
        self.canon = canonicalisers(sc, facts.live)
        self.bounds = _bounds(sc, facts.exact_writes)
        self.frozen = facts.frozen
        self.fresh = [{t: tuple(sorted(facts.frozen[t] - facts.frozen[n])) for t in range(len(sc.nodes))
                       if facts.frozen[t] - facts.frozen[n]} or None for n in range(len(sc.nodes))]
        slots = {name: i for i, name in enumerate(sc.var_names)}
        self.objective_slots = [{slots[x] for x in names} for names in facts.objective_reads]
        self.objectives = [fn for _, fn in sc.objectives]
        self.table: list[tuple[float, ...]] = [(0.0,) * len(sc.objectives)]
        self.table_index = {self.table[0]: 0}

    def score(self, objectives: tuple[int, ...], s2: tuple) -> int:
        """Index in the reward table of the scores of some objectives in state s2 (may raise ArithmeticError)."""
        vec = [0.0] * len(self.objectives)
        for k in objectives:
            vec[k] = float(self.objectives[k](s2))
        return self.intern(tuple(vec))

    def intern(self, vec: tuple[float, ...]) -> int:
        """Index in the reward table of a vector of scores (added if new)."""
        r = self.table_index.get(vec)
        if r is None:
            r = self.table_index[vec] = len(self.table)
            self.table.append(vec)
        return r

    def reward(self, n: int, n2: int, s2: tuple, objectives: tuple[int, ...]) -> int:
        """Index in the reward table of the scores of the objectives that freeze on entering n2."""
        try:
            return self.score(objectives, s2)
        except ArithmeticError as exc:
            raise AnalysisError(f"a score cannot be computed on the way from '{self.sc.nodes[n].id}' to "
                                f"'{self.sc.nodes[n2].id}' in state {self.sc.state_dict(s2)}: {exc}",
                                code="A003") from None

    def run(self, node: int, state: tuple) -> StateGraph:
        sc, canon = self.sc, self.canon
        if not 0 <= node < len(sc.nodes):
            raise AnalysisError(f"node index {node} is not a node of '{sc.id}'", code="A010")
        if len(state) != len(sc.var_names) or not sc.in_domain(state):
            raise AnalysisError(f"state {state!r} is not a state of '{sc.id}' "
                                f"(variables: {', '.join(sc.var_names)})", code="A010")
        keys = self.keys = [(node, canon[node](state) if canon[node] is not None else state)]
        index = self.index = {keys[0]: 0}
        moves: list[tuple] = []
        children: list[tuple] = []
        probs: list[tuple | None] = []
        rewards: list[tuple | None] = []
        self.moves, self.children, self.probs, self.rewards = moves, children, probs, rewards
        self.unsettled: set[int] = set()
        self.shared: dict[tuple, tuple] = {}
        if self.layered:
            from sim.analysis.vexpand import expand_layers

            graph = expand_layers(self, node, keys[0][1])
            if graph is not None:
                return graph
        fast = build(self, keys, index, moves, children, probs, rewards, self.shared)
        limit = self.limit
        if fast is None:
            for n, s in keys:
                self.careful(n, s)
                if len(keys) > limit:
                    self.too_many()
        else:
            careful = self.careful
            for n, s in keys:
                try:
                    fast[n](s)
                except (Bail, ArithmeticError, EvaluationError):
                    careful(n, s)
                if len(keys) > limit:
                    self.too_many()
        kind_of = [plan[0] for plan in self.plans]
        graph = StateGraph(sc, [k[0] for k in keys], [k[1] for k in keys], [kind_of[k[0]] for k in keys], moves,
                           children, probs, rewards, self.table, index, root=0,
                           order=_children_first(sc, keys, children), canon=canon, frozen=self.frozen)
        graph.warnings = [f"the probabilities of '{sc.nodes[n].id}' do not sum to 1 in some states; "
                          f"they are taken as the engine draws them" for n in sorted(self.unsettled)]
        return graph

    def too_many(self) -> None:
        raise AnalysisError(f"more than {self.limit:,} distinct positions are reachable; analysis stopped",
                            code="A004", hint="analyse from a later position (--from REPLAY)")

    def careful(self, n: int, s: tuple) -> None:
        """Expand one position the plain way, explaining any failure (and settling probabilities)."""
        taken, keys, probs, rews = self.successors(n, s)
        index, known = self.index, self.keys
        kids = []
        for key in keys:
            j = index.get(key)
            if j is None:
                j = index[key] = len(known)
                known.append(key)
            kids.append(j)
        self.moves.append(self.shared.setdefault(taken, taken))
        self.children.append(tuple(kids))
        self.probs.append(probs)
        self.rewards.append(rews)

    def successors(self, n: int, s: tuple) -> tuple[tuple, list, tuple | None, tuple | None]:
        """Open moves, child keys (next node, canonical state), settled probabilities (chance only)
        and reward indices (None when all are 0) of one position, computed the plain way; any
        failure is raised as an AnalysisError that explains it."""
        sc, plans, canon = self.sc, self.plans, self.canon
        kind, plan = plans[n]
        if kind == END:
            return (), [], None, None
        try:
            taken, nexts, raw = _successors(kind, plan, s)
        except (ArithmeticError, EvaluationError):
            taken, nexts, raw = _successors_careful(sc, plans, n, s)
        if not nexts:
            what = "no open option" if kind == DECISION else "no outcome with a positive probability"
            raise AnalysisError(f"'{sc.nodes[n].id}' has {what} in state {sc.state_dict(s)}: "
                                f"play would stop there", code="A002")
        keys = []
        rews = None
        freezing = self.fresh[n]
        checks = self.bounds[n]
        for x, (n2, s2) in enumerate(nexts):
            for slot, lo, hi in checks[taken[x]]:
                if not lo <= s2[slot] <= hi:
                    raise AnalysisError(_out_of_range(sc, n, taken[x], s, s2), code="A003")
            c = canon[n2]
            keys.append((n2, c(s2) if c is not None else s2))
            if freezing is not None and n2 in freezing:
                r = self.reward(n, n2, s2, freezing[n2])
                if r:
                    if rews is None:
                        rews = [0] * len(nexts)
                    rews[x] = r
        probs = None
        if kind == CHANCE:
            total = sum(raw)
            if abs(total - 1.0) > 1e-12:
                if abs(total - 1.0) > PROBABILITY_TOLERANCE:
                    self.unsettled.add(n)
                settled = settle(raw)
                keep = [x for x in range(len(keys)) if settled[x] > 0]
                taken, keys, raw = [taken[x] for x in keep], [keys[x] for x in keep], [settled[x] for x in keep]
                rews = [rews[x] for x in keep] if rews is not None else None
            probs = tuple(raw)
        return tuple(taken), keys, probs, tuple(rews) if rews is not None else None


def _out_of_range(sc: CompiledScenario, n: int, k: int, s: tuple, s2: tuple) -> str:
    move = sc.nodes[n].moves[k]
    bad = [f"{name} = {v!r}" for name, v, old in zip(sc.var_names, s2, s, strict=True) if v != old]
    return (f"'{move.id}' at '{sc.nodes[n].id}' sets a variable outside its range in state "
            f"{sc.state_dict(s)} ({', '.join(bad)})")


def _children_first(sc: CompiledScenario, keys: list, children: list[tuple]) -> list[int]:
    """Ids ordered so that every position comes after all its successors; a cycle is an error."""
    indegree = [0] * len(children)
    for kids in children:
        for c in kids:
            indegree[c] += 1
    order = [i for i, d in enumerate(indegree) if d == 0]
    for i in order:
        for c in children[i]:
            indegree[c] -= 1
            if indegree[c] == 0:
                order.append(c)
    if len(order) < len(children):
        loop = _cycle(children, [i for i, d in enumerate(indegree) if d > 0])
        raise AnalysisError(f"the scenario can return to a position it has already been in: "
                            f"{' -> '.join(sc.nodes[keys[j][0]].id for j in loop)}", code="A005",
                            hint="a decision tree must always move forward; change a 'next' or an effect")
    order.reverse()
    return order


def _cycle(children: list[tuple], among: list[int]) -> list[int]:
    """One cycle among positions that could not be ordered, as a list of ids."""
    colour: dict[int, int] = {}
    for r in among:
        if r in colour:
            continue
        colour[r] = 1
        stack, path = [(r, iter(children[r]))], [r]
        while stack:
            i, it = stack[-1]
            c = next(it, None)
            if c is None:
                colour[i] = 2
                stack.pop()
                path.pop()
            elif colour.get(c) == 1:
                return path[path.index(c):] + [c]
            elif c not in colour:
                colour[c] = 1
                stack.append((c, iter(children[c])))
                path.append(c)
    return []


def reweighted(graph: StateGraph, varied: CompiledScenario, chance_nodes: set[int],
               objectives: set[int]) -> StateGraph | None:
    """The same graph for a scenario that differs only in the probabilities of some chance nodes and
    the scores of some objectives (a parameter used nowhere else): those re-evaluated, positions kept.
    None if a different set of outcomes becomes possible somewhere (then expand afresh)."""
    nodes = varied.nodes
    probs = list(graph.probs)
    unsettled: set[int] = set()
    with no_cycle_collection():
        for i, kind in enumerate(graph.kind):
            if kind != CHANCE or graph.node[i] not in chance_nodes:
                continue
            s = graph.state[i]
            try:
                raw = [float(m.probability(s)) for m in nodes[graph.node[i]].moves]
            except ArithmeticError:
                return None
            if tuple(k for k, p in enumerate(raw) if p > 0) != graph.moves[i]:
                return None
            kept = [raw[k] for k in graph.moves[i]]
            if abs(sum(kept) - 1.0) > 1e-12:
                if abs(sum(kept) - 1.0) > PROBABILITY_TOLERANCE:
                    unsettled.add(graph.node[i])
                kept = settle(kept)
                if any(p <= 0 for p in kept):
                    return None
            probs[i] = tuple(kept)
        rewards, table = _rescored(graph, varied, objectives) if objectives else (graph.rewards, graph.reward_table)
    out = StateGraph(varied, graph.node, graph.state, graph.kind, graph.moves, graph.children, probs, rewards,
                     table, graph.index, graph.root, graph.order, canon=graph.canon, frozen=graph.frozen,
                     layers=graph.layers)
    out.warnings = [f"the probabilities of '{nodes[n].id}' do not sum to 1 in some states; "
                    f"they are taken as the engine draws them" for n in sorted(unsettled)]
    return out


def _rescored(graph: StateGraph, varied: CompiledScenario, objectives: set[int]) -> tuple[list, list]:
    """Rewards with the scores of some objectives re-evaluated on the steps where they freeze."""
    nodes, frozen, old = varied.nodes, graph.frozen, graph.reward_table
    functions = [fn for _, fn in varied.objectives]
    table = list(old)
    known = {vec: r for r, vec in enumerate(table)}
    rewards = list(graph.rewards)
    for i, kind in enumerate(graph.kind):
        if kind == END:
            continue
        n, s = graph.node[i], graph.state[i]
        row = list(graph.rewards[i] or (0,) * len(graph.children[i]))
        changed = False
        for x, (k, c) in enumerate(zip(graph.moves[i], graph.children[i], strict=True)):
            redo = (frozen[graph.node[c]] - frozen[n]) & objectives
            if not redo:
                continue
            effect = nodes[n].moves[k].effect
            s2 = effect(s) if effect is not None else s
            vec = list(old[row[x]])
            try:
                for o in redo:
                    vec[o] = float(functions[o](s2))
            except ArithmeticError as exc:
                raise AnalysisError(f"a score cannot be computed in state {varied.state_dict(s2)}: {exc}",
                                    code="A003") from None
            key = tuple(vec)
            r = known.get(key)
            if r is None:
                r = known[key] = len(table)
                table.append(key)
            row[x], changed = r, True
        if changed:
            rewards[i] = tuple(row) if any(row) else None
    return rewards, table
