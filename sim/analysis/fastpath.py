"""Per scenario node, one generated Python function expanding a position of that node: the fast path.

The function evaluates the node's guards or probabilities, applies each open move's effect, sets the
variables dead at the next node to their initial values in the same tuple display, interns the child
position and appends the position's moves, children, probabilities and rewards to the graph's lists.
It is built from the sources of the scenario's compiled expressions (`fn.python`), so it computes the
same values as calling them one by one.

It handles only the ordinary case. Whenever anything needs a closer look (an expression fails, a
written value is out of its range, no move is open, probabilities do not sum to 1) it raises
`Bail` before appending anything, and the caller expands the position the careful way, which gives
the same graph or the precise error. Children it interned before bailing are ones the careful way
interns too, in the same order, so ids do not change.
"""

from __future__ import annotations

import ast
import re

from sim.expr import expression_globals

_MAY_RAISE = ("/", "%", "**", "_round")


class Bail(Exception):  # noqa: N818 - a signal, not an error
    """The position needs the careful expansion."""


_TOKENS = re.compile(r"""[()\[\]{},'"\\]""")


def _split(body: str) -> list[str]:
    """The top-level items of a parenthesised tuple display, as text (strings and brackets respected)."""
    parts, depth, start, quote, skip = [], 0, 1, None, -1
    for m in _TOKENS.finditer(body, 1, len(body) - 1):
        ch, at = m.group(), m.start()
        if at == skip:
            continue
        if quote is not None:
            if ch == "\\":
                skip = at + 1
            elif ch == quote:
                quote = None
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(body[start:at].strip())
            start = at + 1
    tail = body[start:len(body) - 1].strip()
    if tail:
        parts.append(tail)
    return parts


def _parts(effect, width: int) -> list[str] | None:
    """The source of each slot of an effect's new state (None if it has no effect or no source)."""
    if effect is None:
        return [f"s[{i}]" for i in range(width)]
    body = getattr(effect, "python", None)
    if body is None or not (body.startswith("(") and body.endswith(")")):
        return None
    parts = _split(body)
    if len(parts) == width:
        return parts
    tree = ast.parse(body, mode="eval").body
    if not isinstance(tree, ast.Tuple) or len(tree.elts) != width:
        return None
    return [ast.unparse(e) for e in tree.elts]


def _source(fn) -> str | None:
    return getattr(fn, "python", None) if fn is not None else None


class _Writer:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.consts: dict[int, tuple[str, object]] = {}

    def const(self, value: object) -> str:
        """A name bound to a Python object in the factory's closure."""
        key = id(value)
        if key not in self.consts:
            self.consts[key] = (f"_c{len(self.consts)}", value)
        return self.consts[key][0]

    def put(self, depth: int, text: str) -> None:
        self.lines.append("    " * depth + text)


def _reward(w: _Writer, depth: int, objs: tuple, memos: dict, objective_reads: list) -> None:
    """Append the reward of the objectives `objs` freezing in state _s2, memoised by the values they read."""
    memo = memos.setdefault(objs, {})
    read = sorted(set().union(*(objective_reads[o] for o in objs)))
    w.put(depth, "_rk = (" + "".join(f"_s2[{i}], " for i in read) + ")")
    w.put(depth, f"r = {w.const(memo)}.get(_rk)")
    w.put(depth, f"if r is None: r = score({w.const(memo)}, _rk, {w.const(objs)}, _s2)")
    w.put(depth, "rews.append(r)")


def build(expansion, keys: list, index: dict, moves: list, children: list, probs: list,
          rewards: list, shared: dict) -> list | None:
    """The per-node expansion functions for one expansion, or None if the scenario has no sources."""
    sc = expansion.sc
    width = len(sc.var_names)
    slots = {name: i for i, name in enumerate(sc.var_names)}
    live = [{slots[x] for x in names} for names in expansion.live]
    compiled = [c.compiled() if c is not None else None for c in expansion.canon]
    w = _Writer()
    from sim.analysis.graph import CHANCE, DECISION, END, _route

    objective_reads = expansion.objective_slots
    memos: dict[tuple, dict] = {}
    out_names = []
    for n, (kind, plan) in enumerate(expansion.plans):
        name = f"f{n}"
        out_names.append(name)
        w.put(1, f"def {name}(s):")
        if kind == END:
            w.put(2, "mappend(()); cappend(()); pappend(None); rappend(None)")
            continue
        freezing = expansion.fresh[n]
        checks = expansion.bounds[n]
        const_probs = None
        if kind == CHANCE:
            values = []
            for m in plan:
                src = _source(m[5])
                if src is None:
                    return None
                values.append(src)
            if all("s[" not in v for v in values):
                try:
                    ps = [m[5](sc.initial) for m in plan]
                except ArithmeticError:
                    ps = None
                if ps is not None:
                    raw = [float(p) for p in ps if p > 0]
                    if not raw or abs(sum(raw) - 1.0) > 1e-12:
                        w.put(2, "raise Bail")
                        continue
                    const_probs = (tuple(raw), tuple(k for k, p in enumerate(ps) if p > 0))
        fixed_moves = None
        if kind == DECISION and all(not m[1] for m in plan):
            fixed_moves = tuple(range(len(plan)))
        elif const_probs is not None:
            fixed_moves = const_probs[1]
        if freezing is not None and not any(
                any(t in freezing for _, t in m[4]) for m in plan
                if kind == DECISION or const_probs is None or m[0] in const_probs[1]):
            freezing = None  # no move of this node leads where an objective freezes
        listed = fixed_moves is None
        if listed:
            w.put(2, "kids = []")
        if fixed_moves is None:
            w.put(2, "taken = []")
        if kind == CHANCE and const_probs is None:
            w.put(2, "raw = []")
        if freezing is not None:
            w.put(2, "rews = []")
        for k, guards, effect, fixed, routes, probability in plan:
            depth = 2
            if kind == DECISION:
                if guards:
                    srcs = [_source(g) for g in guards]
                    if any(x is None for x in srcs):
                        return None
                    w.put(2, "if " + " and ".join(f"({x})" for x in srcs) + ":")
                    depth = 3
            elif const_probs is not None:
                if k not in const_probs[1]:
                    continue
            else:
                w.put(2, f"_p = {_source(probability)}")
                w.put(2, "if _p > 0:")
                w.put(3, "raw.append(float(_p))")
                depth = 3
            parts = _parts(effect, width)
            if parts is None:
                return None
            written = {i for i in range(width) if parts[i] != f"s[{i}]"}
            check = checks[k]
            if fixed >= 0 and (freezing is None or fixed not in freezing):
                # fused: the effect and the canonical form of the state at the next node in one tuple
                alive = live[fixed] if expansion.canon[fixed] is not None else set(range(width))
                hoisted: dict[int, str] = {}
                for slot, lo, hi in check:
                    t = f"_v{slot}"
                    w.put(depth, f"{t} = {parts[slot]}")
                    w.put(depth, f"if not ({lo!r} <= {t} <= {hi!r}): raise Bail")
                    hoisted[slot] = t
                for i in sorted(written - alive - set(hoisted)):
                    if effect is not None and any(x in parts[i] for x in _MAY_RAISE):
                        w.put(depth, f"_v{i} = {parts[i]}")
                if effect is None and alive == set(range(width)):
                    tup = "s"
                else:
                    cells = [hoisted.get(i, parts[i]) if i in alive else repr(sc.initial[i]) for i in range(width)]
                    tup = "(" + ", ".join(cells) + ("," if width == 1 else "") + ")"
                w.put(depth, f"_k = ({fixed}, {tup})")
                reward = None
            else:
                w.put(depth, "_s2 = s" if effect is None else f"_s2 = ({', '.join(parts)}{',' if width == 1 else ''})")
                for slot, lo, hi in check:
                    w.put(depth, f"if not ({lo!r} <= _s2[{slot}] <= {hi!r}): raise Bail")
                if fixed >= 0:
                    target = str(fixed)
                    c = compiled[fixed]
                    fused = f"{w.const(c)}(_s2)" if c is not None else "_s2"
                    w.put(depth, f"_k = ({fixed}, {fused})")
                else:
                    target = "_n2"
                    w.put(depth, f"_n2 = route({w.const(routes)}, _s2, '')")
                    w.put(depth, "_cf = canon[_n2]")
                    w.put(depth, "_k = (_n2, _cf(_s2) if _cf is not None else _s2)")
                reward = target
            w.put(depth, "j = get(_k)")
            w.put(depth, "if j is None:")
            w.put(depth + 1, "j = index[_k] = len(keys)")
            w.put(depth + 1, "kappend(_k)")
            if listed:
                w.put(depth, "kids.append(j)")
            else:
                w.put(depth, f"j{k} = j")
            if fixed_moves is None:
                w.put(depth, f"taken.append({k})")
            if freezing is not None:
                if reward is None:
                    w.put(depth, "rews.append(0)")
                elif reward != "_n2":
                    _reward(w, depth, freezing[fixed], memos, objective_reads)
                else:
                    first = True
                    for target in sorted({t for _, t in routes}):
                        if target in freezing:
                            w.put(depth, f"{'if' if first else 'elif'} _n2 == {target}:")
                            _reward(w, depth + 1, freezing[target], memos, objective_reads)
                            first = False
                    if first:
                        w.put(depth, "rews.append(0)")
                    else:
                        w.put(depth, "else: rews.append(0)")
        if fixed_moves is None or kind == DECISION and fixed_moves == ():
            w.put(2, "if not kids: raise Bail")
        if kind == CHANCE and const_probs is None:
            w.put(2, "if abs(sum(raw) - 1.0) > 1e-12: raise Bail")
        if fixed_moves is None:
            w.put(2, "t = tuple(taken)")
            w.put(2, "mappend(shared.setdefault(t, t))")
        else:
            w.put(2, f"mappend({w.const(shared.setdefault(fixed_moves, fixed_moves))})")
        if listed:
            w.put(2, "cappend(tuple(kids))")
        else:
            w.put(2, "cappend((" + "".join(f"j{k}, " for k in fixed_moves) + "))")
        if kind == CHANCE:
            w.put(2, f"pappend({w.const(const_probs[0])})" if const_probs is not None else "pappend(tuple(raw))")
        else:
            w.put(2, "pappend(None)")
        w.put(2, "rappend(tuple(rews) if any(rews) else None)" if freezing is not None else "rappend(None)")

    def score(memo: dict, key: tuple, objs: tuple, s2: tuple) -> int:
        r = memo[key] = expansion.score(objs, s2)
        return r

    env = {"keys": keys, "index": index, "shared": shared, "canon": compiled, "Bail": Bail,
           "route": _route, "score": score, "mappend": moves.append, "cappend": children.append,
           "pappend": probs.append, "rappend": rewards.append, "kappend": keys.append, "get": index.get}
    env.update({name: value for name, value in w.consts.values()})
    names = sorted(env)
    source = (f"def _factory({', '.join(names)}):\n" + "\n".join(w.lines) +
              f"\n    return [{', '.join(out_names)}]\n")
    scope = expression_globals()
    scope.update(len=len, tuple=tuple, any=any, sum=sum, float=float)
    exec(compile(source, "<sim-expansion>", "exec"), scope)  # noqa: S102 - source generated from checked expressions
    return scope["_factory"](*(env[x] for x in names))
