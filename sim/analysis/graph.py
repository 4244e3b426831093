"""The graph of distinct (node, state) pairs reachable from a position, each expanded once.

Ids are numbered so that every successor has a smaller id than its predecessor: a backward
pass is `for i in range(n)`, a forward pass runs ids downwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.analysis.errors import AnalysisError
from sim.runtime import CompiledScenario, EvaluationError

DECISION, CHANCE, END = 0, 1, 2
KINDS = {"decision": DECISION, "chance": CHANCE, "end": END}
DEFAULT_LIMIT = 3_000_000
PROBABILITY_TOLERANCE = 1e-6


@dataclass
class StateGraph:
    """Reachable positions of a scenario from `root`, with their moves, children and probabilities."""

    scenario: CompiledScenario
    node: list[int]
    state: list[tuple]
    kind: list[int]
    moves: list[tuple[int, ...]]
    children: list[tuple[int, ...]]
    probs: list[tuple[float, ...] | None]
    scores: list[tuple[float, ...] | None]
    index: dict[tuple[int, tuple], int]
    root: int
    warnings: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.node)

    def find(self, node: int, state: tuple) -> int | None:
        return self.index.get((node, state))

    def node_id(self, i: int) -> str:
        return self.scenario.nodes[self.node[i]].id

    def move_id(self, i: int, k: int) -> str:
        """The id of the k-th open move of position i."""
        return self.scenario.nodes[self.node[i]].moves[self.moves[i][k]].id

    def count_paths(self, i: int | None = None) -> int:
        """Number of distinct plays from position i (default: the root) to an end, counted, never listed."""
        i = self.root if i is None else i
        paths = [0] * (i + 1)
        kind, children = self.kind, self.children
        for j in range(i + 1):
            paths[j] = 1 if kind[j] == END else sum(paths[c] for c in children[j])
        return paths[i]


def _plans(sc: CompiledScenario) -> list[tuple]:
    """Per scenario node: its kind and, per move, (guards, effect, fixed target, routes, probability)."""
    plans = []
    for node in sc.nodes:
        moves = []
        for m in node.moves:
            fixed = m.routes[0][1] if len(m.routes) == 1 and m.routes[0][0] is None else -1
            moves.append((tuple(g.fn for g in m.guards), m.effect, fixed, tuple(m.routes), m.probability))
        plans.append((KINDS[node.kind], tuple(moves)))
    return plans


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


def expand(sc: CompiledScenario, node: int | None = None, state: tuple | None = None,
           limit: int = DEFAULT_LIMIT) -> StateGraph:
    """Expand every distinct (node, state) reachable from a position (default: the start)."""
    node = sc.start if node is None else node
    state = sc.initial if state is None else tuple(state)
    if not 0 <= node < len(sc.nodes):
        raise AnalysisError(f"node index {node} is not a node of '{sc.id}'")
    if len(state) != len(sc.var_names) or not sc.in_domain(state):
        raise AnalysisError(f"state {state!r} is not a state of '{sc.id}' (variables: {', '.join(sc.var_names)})")
    plans = _plans(sc)
    objectives = [fn for _, fn in sc.objectives]
    in_domain = sc.in_domain
    root_key = (node, state)
    index = {root_key: 0}
    keys = [root_key]
    kinds: list[int] = []
    moves: list[tuple] = []
    children: list[tuple] = []
    probs: list[tuple | None] = []
    scores: list[tuple | None] = []
    unsettled: set[int] = set()
    shared: dict[tuple, tuple] = {}
    i = 0
    while i < len(keys):
        n, s = keys[i]
        kind, plan = plans[n]
        kinds.append(kind)
        if kind == END:
            try:
                scores.append(tuple(float(f(s)) for f in objectives))
            except ArithmeticError as exc:
                raise AnalysisError(f"a score of ending '{sc.nodes[n].id}' cannot be computed in state "
                                    f"{sc.state_dict(s)}: {exc}") from None
            moves.append(())
            children.append(())
            probs.append(None)
            i += 1
            continue
        scores.append(None)
        taken, kids, raw = [], [], []
        try:
            for k, (guards, effect, fixed, routes, probability) in enumerate(plan):
                if kind == DECISION:
                    if guards and not _open(guards, s):
                        continue
                else:
                    p = float(probability(s))
                    if p <= 0:
                        continue
                    raw.append(p)
                s2 = effect(s) if effect is not None else s
                n2 = fixed if fixed >= 0 else _route(routes, s2, f"'{sc.nodes[n].moves[k].id}'")
                key = (n2, s2)
                j = index.get(key)
                if j is None:
                    if not in_domain(s2):
                        raise AnalysisError(_out_of_range(sc, n, k, s, s2), code="A003")
                    j = index[key] = len(keys)
                    keys.append(key)
                    if len(keys) > limit:
                        raise AnalysisError(f"more than {limit:,} distinct positions are reachable; "
                                            f"analysis stopped", code="A004",
                                            hint="analyse from a later position (--from REPLAY)")
                taken.append(k)
                kids.append(j)
        except (ArithmeticError, EvaluationError) as exc:
            raise AnalysisError(f"'{sc.nodes[n].id}' cannot be expanded in state {sc.state_dict(s)}: {exc}",
                                code="A003") from None
        if not kids:
            what = "no open option" if kind == DECISION else "no outcome with a positive probability"
            raise AnalysisError(f"'{sc.nodes[n].id}' has {what} in state {sc.state_dict(s)}: play would stop there",
                                code="A002")
        if kind == CHANCE:
            if abs(sum(raw) - 1.0) > PROBABILITY_TOLERANCE:
                unsettled.add(n)
            settled = settle(raw)
            keep = [x for x in range(len(kids)) if settled[x] > 0]
            taken, kids = [taken[x] for x in keep], [kids[x] for x in keep]
            probs.append(tuple(settled[x] for x in keep))
        else:
            probs.append(None)
        t = tuple(taken)
        moves.append(shared.setdefault(t, t))
        children.append(tuple(kids))
        i += 1
    graph = _renumber(sc, keys, kinds, moves, children, probs, scores)
    graph.warnings = [f"the probabilities of '{sc.nodes[n].id}' do not sum to 1 in some states; "
                      f"they are taken as the engine draws them" for n in sorted(unsettled)]
    return graph


def _out_of_range(sc: CompiledScenario, n: int, k: int, s: tuple, s2: tuple) -> str:
    move = sc.nodes[n].moves[k]
    bad = [f"{name} = {v!r}" for name, v, old in zip(sc.var_names, s2, s, strict=True) if v != old]
    return (f"'{move.id}' at '{sc.nodes[n].id}' sets a variable outside its range in state "
            f"{sc.state_dict(s)} ({', '.join(bad)})")


def _topological(children: list[tuple]) -> tuple[list[int], list[int]]:
    """Ids with every parent before its children, and the ids left over because of a cycle."""
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
    return order, [i for i, d in enumerate(indegree) if d > 0]


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


def _renumber(sc, keys, kinds, moves, children, probs, scores) -> StateGraph:
    order, stuck = _topological(children)
    if stuck:
        loop = " -> ".join(sc.nodes[keys[j][0]].id for j in _cycle(children, stuck))
        raise AnalysisError(f"the scenario can return to a position it has already been in: {loop}",
                            code="A005", hint="a decision tree must always move forward; change a 'next' or an effect")
    n = len(order)
    new = [0] * n
    for pos, old in enumerate(order):
        new[old] = n - 1 - pos
    rev = order[::-1]
    state = [keys[o][1] for o in rev]
    node = [keys[o][0] for o in rev]
    return StateGraph(
        scenario=sc,
        node=node,
        state=state,
        kind=[kinds[o] for o in rev],
        moves=[moves[o] for o in rev],
        children=[tuple(new[c] for c in children[o]) for o in rev],
        probs=[probs[o] for o in rev],
        scores=[scores[o] for o in rev],
        index={(node[i], state[i]): i for i in range(n)},
        root=new[0],
    )
