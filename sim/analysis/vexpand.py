"""Expansion a layer at a time: every position of one scenario node is expanded at once, with numpy.

Scenario nodes are visited in a topological order of the node graph (every `next` of every move
is an edge), so when a node's turn comes every position that can lead into it has been expanded.
Its positions are the distinct rows among the states sent to it; they get consecutive ids, and each
node's ids are one layer of the graph (a child always lies in a later layer).

States are rows of an int64 matrix (bools as 0/1, enum values as codes). A row is keyed by one
int64 (mixed radix over the variables' ranges), which is what merges equal states. A row whose
figures might differ from the plain Python evaluation (see `vexpr`), or that needs a closer look
(no open option, probabilities that do not sum to 1, a value out of range) is expanded by
`_Expansion.successors`, which gives the same result or the precise error.

Scenarios whose node graph has a cycle, whose state does not fit one int64 key, or whose
expressions use something `vexpr` does not translate keep the plain expansion (None is returned).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

import numpy as np

from sim.analysis.deferred import LazyRows
from sim.analysis.edges import EdgeArrays
from sim.analysis.graph import CHANCE, DECISION, END, StateGraph
from sim.analysis.liveness import depth_first
from sim.analysis.vexpr import Unsupported, array_functions
from sim.model import BoolVariable, EnumVariable, IntVariable

KEY_LIMIT = 2**62
MANY = 256  # distinct score vectors are sorted out with numpy above this many rows, one by one below


@dataclass
class _MovePlan:
    """One move of a node as array functions: its guards or its probability, the new value of each
    variable it writes, its routes, and the ranges to check."""

    guards: list
    probability: object
    effect: list[tuple[int, object]]
    routes: list[tuple[object, int]]
    checks: tuple


@dataclass
class _Coding:
    """How a state tuple becomes a row of int64 and back, and how a row becomes one key."""

    low: np.ndarray
    high: np.ndarray
    radix: np.ndarray
    codes: dict[str, int]
    names: list[str]
    kinds: list[str]

    def encode(self, state: tuple) -> list[int]:
        return [self.codes[v] if k == "enum" else int(v) for v, k in zip(state, self.kinds, strict=True)]

    def keys(self, rows: np.ndarray) -> np.ndarray:
        return (rows - self.low) @ self.radix

    def decode_row(self, row: np.ndarray) -> tuple:
        """The state tuple of one row."""
        names = self.names
        return tuple(v if k == "int" else v != 0 if k == "bool" else names[v]
                     for v, k in zip(row.tolist(), self.kinds, strict=True))

    def decode(self, rows: np.ndarray) -> list[tuple]:
        """State tuples of some rows (ints, bools and enum values as the engine keeps them)."""
        if not len(rows):
            return []
        columns = []
        for i, k in enumerate(self.kinds):
            col = rows[:, i].tolist()
            if k == "bool":
                col = [v != 0 for v in col]
            elif k == "enum":
                names = self.names
                col = [names[v] for v in col]
            columns.append(col)
        return list(zip(*columns, strict=True))


def _coding(sc) -> _Coding | None:
    values = sorted({v for var in sc.model.variables.values() if isinstance(var, EnumVariable) for v in var.values})
    codes = {v: i for i, v in enumerate(values)}
    low, span, kinds = [], [], []
    for name in sc.var_names:
        var = sc.model.variables[name]
        if isinstance(var, IntVariable):
            lo, hi, kind = var.min, var.max, "int"
        elif isinstance(var, BoolVariable):
            lo, hi, kind = 0, 1, "bool"
        else:
            mine = [codes[v] for v in var.values]
            lo, hi, kind = min(mine), max(mine), "enum"
        low.append(lo)
        span.append(hi - lo + 1)
        kinds.append(kind)
    radix, total = [], 1
    for s in span:
        radix.append(total)
        total *= s
    if total >= KEY_LIMIT:
        return None
    return _Coding(np.array(low, dtype=np.int64), np.array(low, dtype=np.int64) + np.array(span, dtype=np.int64) - 1,
                   np.array(radix, dtype=np.int64), codes, values, kinds)


def _topological(sc, start: int) -> list[int] | None:
    """Nodes reachable from `start`, each before every node it can lead to; None if there is a cycle."""
    order, looped = depth_first(sc, [start])
    return None if looped else order[::-1]


def _plan(ex, coding: _Coding) -> tuple[list[list[_MovePlan]], list] | None:
    """Per node and move, the array functions of its guards, probability, effect and routes; and
    per objective, the array function of its score."""
    sc = ex.sc
    sources: dict[str, int] = {}

    def ref(f) -> int:
        src = f if isinstance(f, str) else getattr(f, "python", None)
        if src is None:
            raise Unsupported("no source")
        return sources.setdefault(src, len(sources))

    raw = []
    try:
        for n, node in enumerate(sc.nodes):
            moves = []
            for k, m in enumerate(node.moves):
                if m.effect is not None and not m.writes:
                    return None
                moves.append(_MovePlan([ref(g.fn) for g in m.guards],
                                       ref(m.probability) if node.kind == "chance" else None,
                                       [(i, ref(p)) for i, p in m.writes.items() if p != f"s[{i}]"],
                                       [(None if w is None else ref(w), t) for w, t in m.routes], ex.bounds[n][k]))
            raw.append(moves)
        objectives = [ref(fn) for _, fn in sc.objectives]
        fns = array_functions(list(sources), coding.codes, sc.memo.setdefault("arrays", {}))
    except Unsupported:
        return None
    for moves in raw:
        for mp in moves:
            mp.guards = [fns[i] for i in mp.guards]
            mp.probability = None if mp.probability is None else fns[mp.probability]
            mp.effect = [(slot, fns[i]) for slot, i in mp.effect]
            mp.routes = [(None if w is None else fns[w], t) for w, t in mp.routes]
    return raw, [fns[i] for i in objectives]


def _column(v, u: int, dtype=None) -> np.ndarray:
    a = np.asarray(v, dtype=dtype)
    return a if a.shape == (u,) else np.broadcast_to(a, (u,))


def _doubt(d: list, u: int) -> np.ndarray:
    bad = np.zeros(u, dtype=bool)
    for m in d:
        bad |= m
    return bad


@dataclass
class _Group:
    """The positions of one scenario node: ids lo..hi-1, their states and their moves."""

    node: int
    lo: int
    states: np.ndarray
    keys: np.ndarray
    edge_row: np.ndarray
    edge_move: np.ndarray
    edge_child: np.ndarray
    edge_prob: np.ndarray
    edge_reward: np.ndarray


class _Layers:
    """One layered expansion: the nodes' plans, each node's dead columns, and the positions found."""

    def __init__(self, ex, coding: _Coding, plans: list[list[_MovePlan]], scores: list):
        self.ex, self.coding, self.plans = ex, coding, plans
        sc = ex.sc
        self.kind_of = [plan[0] for plan in ex.plans]
        initial = np.array(coding.encode(sc.initial), dtype=np.int64)
        slots = {name: i for i, name in enumerate(sc.var_names)}
        self.initial = initial
        self.dead = []
        for n in range(len(sc.nodes)):
            cols = np.array([slots[x] for x in sc.var_names if x not in ex.live[n]], dtype=np.int64)
            self.dead.append((cols, initial[cols]))
        self.live_slots = [{slots[x] for x in ex.live[n]} for n in range(len(sc.nodes))]
        self.reads: dict[tuple, np.ndarray] = {}
        self.adjust: dict[tuple, tuple] = {}
        self.scores = scores

    def canonical(self, rows: np.ndarray, t: int) -> np.ndarray:
        """The rows (changed in place) with the variables dead at node t set to their initial values."""
        cols, values = self.dead[t]
        if len(cols):
            rows[:, cols] = values
        return rows

    def run(self, node: int, state: tuple) -> StateGraph | None:
        ex, coding = self.ex, self.coding
        order = _topological(ex.sc, node)
        if order is None:
            return None
        root = np.array([coding.encode(state)], dtype=np.int64)
        pending: dict[int, list] = {node: [(coding.keys(root), root, np.zeros(1, dtype=np.int64), None, None)]}
        groups: list[_Group] = []
        count = 0
        for n in order:
            chunks = pending.pop(n, None)
            if not chunks:
                continue
            keys = chunks[0][0] if len(chunks) == 1 else np.concatenate([c[0] for c in chunks])
            distinct, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
            lo = count
            count += len(first)
            if count > ex.limit:
                ex.too_many()
            S = self.gather(chunks, first)
            at = 0
            for part, _, _, group, edges in chunks:
                if group is not None:
                    group.edge_child[edges] = lo + inverse[at:at + len(part)]
                at += len(part)
            groups.append(self.expand_node(n, lo, self.canonical(S, n), distinct, pending))
        return self.graph(groups, count)

    def gather(self, chunks: list, first: np.ndarray) -> np.ndarray:
        """The state rows of the distinct children, in key order (only they are copied out)."""
        if len(chunks) == 1:
            _, rows, at, _, _ = chunks[0]
            return rows[at[first]]
        S = np.empty((len(first), len(self.coding.kinds)), dtype=np.int64)
        start = 0
        for keys, rows, at, _, _ in chunks:
            end = start + len(keys)
            sel = np.flatnonzero((first >= start) & (first < end))
            if len(sel):
                S[sel] = rows[at[first[sel] - start]]
            start = end
        return S

    def expand_node(self, n: int, lo: int, S: np.ndarray, keys: np.ndarray, pending: dict) -> _Group:
        """Expand every position of node n at once; send the children to their nodes' pending lists."""
        kind = self.kind_of[n]
        u = len(S)
        if kind == END:
            empty = np.zeros(0, dtype=np.int64)
            return _Group(n, lo, S, keys, empty, empty, empty, np.zeros(0), empty)
        bad = np.zeros(u, dtype=bool)
        opened, results = [], []
        total = np.zeros(u)
        for mp in self.plans[n]:
            d: list = []
            if kind == DECISION:
                is_open = np.ones(u, dtype=bool)
                for g in mp.guards:
                    is_open &= _column(g(S, d), u, bool)
                p = None
            else:
                p = _column(mp.probability(S, d), u, np.float64)
                is_open = p > 0
                total = total + np.where(is_open, p, 0.0)
            bad |= _doubt(d, u)
            d = []
            R = S
            if mp.effect:
                R = S.copy()
                for slot, f in mp.effect:
                    v = _column(f(S, d), u)
                    if v.dtype.kind == "f":
                        d.append(v != np.trunc(v))
                    R[:, slot] = v
            for slot, low, high in mp.checks:
                d.append((R[:, slot] < low) | (R[:, slot] > high))
            if len(mp.routes) == 1 and mp.routes[0][0] is None:
                target = mp.routes[0][1]
            else:
                target = np.full(u, -1, dtype=np.int64)
                for when, t in mp.routes:
                    cond = True if when is None else _column(when(R, d), u, bool)
                    target = np.where((target < 0) & cond, t, target)
                d.append(target < 0)
            if d:
                bad |= _doubt(d, u) & is_open
            opened.append(is_open)
            results.append((R, target, p))
        any_open = np.zeros(u, dtype=bool)
        for is_open in opened:
            any_open |= is_open
        bad |= ~any_open
        if kind == CHANCE:
            bad |= ~(np.abs(total - 1.0) <= 1e-12)
        return self.edges(n, lo, S, keys, bad, opened, results, pending)

    def adjusted(self, n: int, k: int, t: int) -> tuple:
        """Columns in which a child of node n by move k, made canonical at node t, may differ from its
        parent; which of them are dead at t, and their initial values; and their radix."""
        key = (n, k, t)
        out = self.adjust.get(key)
        if out is None:
            written = {slot for slot, _ in self.plans[n][k].effect}
            dead = set(self.dead[t][0].tolist())
            cols = np.array(sorted(written | (dead & self.live_slots[n])), dtype=np.int64)
            is_dead = np.array([c in dead for c in cols.tolist()], dtype=bool)
            out = self.adjust[key] = (cols, is_dead if is_dead.any() else None, self.initial[cols[is_dead]],
                                      self.coding.radix[cols])
        return out

    def child_keys(self, n: int, k: int, t: int, S: np.ndarray, keys: np.ndarray, R: np.ndarray,
                   at: np.ndarray) -> np.ndarray:
        """Keys of the canonical children at t of rows `at`, from their parents' keys and the changed columns."""
        cols, is_dead, initial, radix = self.adjusted(n, k, t)
        if not len(cols):
            return keys[at]
        new = R[np.ix_(at, cols)]
        if is_dead is not None:
            new[:, is_dead] = initial
        return keys[at] + (new - S[np.ix_(at, cols)]) @ radix

    def edges(self, n: int, lo: int, S: np.ndarray, keys: np.ndarray, bad: np.ndarray, opened: list,
              results: list, pending: dict) -> _Group:
        """The moves of node n's positions, ordered by position then move, and their children sent on."""
        ex, coding = self.ex, self.coding
        good = ~bad
        rows, moves, probs, rewards, sends = [], [], [], [], []
        freezing = ex.fresh[n] or {}
        base = 0
        for k, (is_open, (R, target, p)) in enumerate(zip(opened, results, strict=True)):
            r = np.flatnonzero(is_open & good)
            m = len(r)
            if not m:
                continue
            rows.append(r)
            moves.append(np.full(m, k, dtype=np.int64))
            probs.append(p[r] if p is not None else np.zeros(m))
            reward = np.zeros(m, dtype=np.int64)
            if isinstance(target, int):
                split = [(target, None)]
            else:
                t_of = target[r]
                split = [(t, np.flatnonzero(t_of == t)) for t in np.unique(t_of).tolist()]
            for t, sel in split:
                at = r if sel is None else r[sel]
                if t in freezing:
                    got = self.rewards(n, t, freezing[t], R, at)
                    if sel is None:
                        reward = got
                    else:
                        reward[sel] = got
                sends.append((t, self.child_keys(n, k, t, S, keys, R, at), R, at,
                              base + (np.arange(m) if sel is None else sel)))
            rewards.append(reward)
            base += m
        for i in np.flatnonzero(bad).tolist():
            taken, successors, settled, rews = ex.successors(n, coding.decode_row(S[i]))
            rows.append(np.full(len(taken), i, dtype=np.int64))
            moves.append(np.array(taken, dtype=np.int64))
            probs.append(np.array(settled if settled is not None else [0.0] * len(taken)))
            rewards.append(np.array(rews if rews is not None else [0] * len(taken), dtype=np.int64))
            for x, (t, s2) in enumerate(successors):
                child = np.array([coding.encode(s2)], dtype=np.int64)
                sends.append((t, coding.keys(child), child, np.zeros(1, dtype=np.int64), np.array([base + x])))
            base += len(taken)
        row = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
        move = np.concatenate(moves) if moves else np.zeros(0, dtype=np.int64)
        perm = np.lexsort((move, row))
        where = np.empty_like(perm)
        where[perm] = np.arange(len(perm))
        group = _Group(n, lo, S, keys, row[perm], move[perm], np.zeros(len(perm), dtype=np.int64),
                       (np.concatenate(probs) if probs else np.zeros(0))[perm],
                       (np.concatenate(rewards) if rewards else np.zeros(0, dtype=np.int64))[perm])
        for t, child_keys, source, at, edges in sends:
            pending.setdefault(t, []).append((child_keys, source, at, group, where[edges]))
        return group

    def rewards(self, n: int, t: int, objectives: tuple, R: np.ndarray, at: np.ndarray) -> np.ndarray:
        """Reward-table index of each row entering node t: the scores computed over the array once per
        distinct value of what they read (the plain way where the array is doubtful), and looked up
        in the table once per distinct vector of scores."""
        ex, coding = self.ex, self.coding
        read = self.reads.get(objectives)
        if read is None:
            read = self.reads[objectives] = np.array(
                sorted(set().union(*(ex.objective_slots[o] for o in objectives))), dtype=np.int64)
        keys = ((R[np.ix_(at, read)] - coding.low[read]) @ coding.radix[read] if len(read)
                else np.zeros(len(at), dtype=np.int64))
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        rows = R[at[first]]
        d: list = []
        scores = np.zeros((len(rows), len(ex.objectives)))
        for o in objectives:
            scores[:, o] = _column(self.scores[o](rows, d), len(rows), np.float64)
        out = np.zeros(len(rows), dtype=np.int64)
        doubt = _doubt(d, len(rows)) | ~np.isfinite(scores).all(axis=1)
        for i in np.flatnonzero(doubt).tolist():
            out[i] = ex.reward(n, t, coding.decode_row(R[at[first[i]]]), objectives)
        sure = np.flatnonzero(~doubt)
        if len(sure):
            if len(sure) > MANY:
                vectors, where = np.unique(scores[sure], axis=0, return_inverse=True)
                where = where.reshape(-1)
            else:
                vectors, where = scores[sure], None
            found = [ex.intern(vec) for vec in map(tuple, vectors.tolist())]
            out[sure] = found if where is None else np.array(found, dtype=np.int64)[where]
        return out[inverse]

    def graph(self, groups: list[_Group], count: int) -> StateGraph:
        ex, sc = self.ex, self.ex.sc
        node: list[int] = []
        kind: list[int] = []
        degree = np.zeros(count, dtype=np.int64)
        for g in groups:
            u = len(g.states)
            node += [g.node] * u
            kind += [self.kind_of[g.node]] * u
            if len(g.edge_row):
                degree[g.lo:g.lo + u] = np.bincount(g.edge_row, minlength=u)
        start = np.zeros(count + 1, dtype=np.int64)
        np.cumsum(degree, out=start[1:])
        arrays = EdgeArrays(start=start, child=_cat([g.edge_child for g in groups], np.int64),
                            prob=_cat([g.edge_prob for g in groups], np.float64),
                            reward=_cat([g.edge_reward for g in groups], np.int64), degree=degree,
                            kind=np.array(kind, dtype=np.int8), node=np.array(node, dtype=np.int64),
                            move=_cat([g.edge_move for g in groups], np.int64))
        tables = _Tables(groups, degree, self.kind_of, ex.shared, self.coding, arrays)
        graph = StateGraph(sc, node, [], kind, [], [], [], [], ex.table, _Index(groups, self.coding), root=0,
                           order=list(range(count - 1, -1, -1)), canon=ex.canon, frozen=ex.frozen,
                           layers=[(g.lo, g.lo + len(g.states)) for g in reversed(groups)], arrays=arrays)
        for name, one, build in (("state", tables.state_of, tables.states), ("moves", tables.moves_of, tables.moves),
                                 ("children", tables.children_of, tables.children),
                                 ("probs", tables.probs_of, tables.probs), ("rewards", tables.rewards_of, tables.rewards)):
            setattr(graph, name, LazyRows(graph, name, count, one, build))
        graph.warnings = [f"the probabilities of '{sc.nodes[n].id}' do not sum to 1 in some states; "
                          f"they are taken as the engine draws them" for n in sorted(ex.unsettled)]
        return graph


class _Tables:
    """The per-position lists of a layered graph, built from its arrays when first asked for."""

    def __init__(self, groups: list[_Group], degree: np.ndarray, kind_of: list[int], shared: dict,
                 coding: _Coding, arrays: EdgeArrays):
        self.groups, self.degree, self.kind_of, self.shared, self.coding = groups, degree, kind_of, shared, coding
        self.arrays = arrays
        self.los = [g.lo for g in groups]

    def _edges(self, field: np.ndarray, i: int) -> tuple:
        a = self.arrays
        return tuple(field[a.start[i]:a.start[i + 1]].tolist())

    def state_of(self, i: int) -> tuple:
        g = self.groups[bisect_right(self.los, i) - 1]
        return self.coding.decode_row(g.states[i - g.lo])

    def moves_of(self, i: int) -> tuple:
        t = self._edges(self.arrays.move, i)
        return self.shared.setdefault(t, t)

    def children_of(self, i: int) -> tuple:
        return self._edges(self.arrays.child, i)

    def probs_of(self, i: int) -> tuple | None:
        return self._edges(self.arrays.prob, i) if self.arrays.kind[i] == CHANCE else None

    def rewards_of(self, i: int) -> tuple | None:
        r = self._edges(self.arrays.reward, i)
        return r if any(r) else None

    def _per_group(self, field: str, kinds: tuple, shared: dict | None = None, blank=None) -> list:
        out: list = []
        for g in self.groups:
            u = len(g.states)
            if self.kind_of[g.node] in kinds:
                out += _split(getattr(g, field), self.degree[g.lo:g.lo + u], shared)
            else:
                out += [blank] * u
        return out

    def states(self) -> list[tuple]:
        out: list[tuple] = []
        for g in self.groups:
            out += self.coding.decode(g.states)
        return out

    def moves(self) -> list[tuple]:
        return self._per_group("edge_move", (DECISION, CHANCE), self.shared, ())

    def children(self) -> list[tuple]:
        return self._per_group("edge_child", (DECISION, CHANCE), None, ())

    def probs(self) -> list[tuple | None]:
        return self._per_group("edge_prob", (CHANCE,))

    def rewards(self) -> list[tuple | None]:
        return [r if any(r) else None for r in self._per_group("edge_reward", (DECISION, CHANCE), None, ())]


class _Index:
    """Position ids by (node, canonical state), looked up in each layer's sorted keys (no dict of
    every state is built)."""

    def __init__(self, groups: list[_Group], coding: _Coding):
        self.coding = coding
        self.layers = {g.node: (g.lo, g.keys) for g in groups}
        self.count = sum(len(g.states) for g in groups)

    def get(self, key: tuple, default: int | None = None) -> int | None:
        node, state = key
        layer = self.layers.get(node)
        if layer is None or len(state) != len(self.coding.kinds):
            return default
        try:
            row = np.array(self.coding.encode(tuple(state)), dtype=np.int64)
        except (KeyError, TypeError, ValueError, OverflowError):
            return default
        if (row < self.coding.low).any() or (row > self.coding.high).any():
            return default
        lo, keys = layer
        k = int(self.coding.keys(row))
        at = int(np.searchsorted(keys, k))
        return lo + at if at < len(keys) and int(keys[at]) == k else default

    def __getitem__(self, key: tuple) -> int:
        i = self.get(key)
        if i is None:
            raise KeyError(key)
        return i

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and len(key) == 2 and self.get(key) is not None

    def __len__(self) -> int:
        return self.count


def _cat(parts: list, dtype) -> np.ndarray:
    return np.concatenate(parts).astype(dtype, copy=False) if parts else np.zeros(0, dtype=dtype)


def _split(flat: np.ndarray, degree: np.ndarray, shared: dict | None = None) -> list[tuple]:
    """Per position, the tuple of its entries in a flat array ordered by position."""
    u = len(degree)
    if u and (degree == degree[0]).all():
        d = int(degree[0])
        out = list(map(tuple, flat.reshape(u, d).tolist())) if d else [()] * u
    else:
        out = [()] * u
        start = np.zeros(u, dtype=np.int64)
        np.cumsum(degree[:-1], out=start[1:])
        for d in np.unique(degree).tolist():
            rows = np.flatnonzero(degree == d)
            if d:
                block = flat[start[rows][:, None] + np.arange(d)]
                for r, t in zip(rows.tolist(), map(tuple, block.tolist()), strict=True):
                    out[r] = t
    if shared is not None:
        out = [shared.setdefault(t, t) for t in out]
    return out


def expand_layers(ex, node: int, state: tuple) -> StateGraph | None:
    """The graph from (node, canonical state), a layer per node; None if the scenario needs the plain way."""
    coding = _coding(ex.sc)
    if coding is None:
        return None
    planned = _plan(ex, coding)
    if planned is None:
        return None
    return _Layers(ex, coding, *planned).run(node, state)
