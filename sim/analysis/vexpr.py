"""Scenario expressions evaluated over a whole layer of states at once, with numpy.

The input is the Python source the expression compiler generated (`fn.python`): only state reads
`s[i]`, literals, arithmetic, comparisons, `and`/`or`/`not`, `a if c else b`, `in` over a tuple of
enum values, local temporaries `(_t0 := ...)` and the calls min, max, abs and `_round`. Each is
turned into a function of a state matrix (one row per state, one int64 column per variable; bools
as 0/1, enum values as codes) that returns one value per row.

A row's value is trusted only where it equals what the Python expression gives. Wherever that
might not hold (a division by zero, a product too large for exact int64 and float arithmetic, a
non-finite number, a power of a float) the row is reported as *doubtful* through the list `D`, and
the caller expands it the plain way. Both branches of `a if c else b` (and both sides of `and`,
`or`) are computed for every row, so a doubt in a branch a row does not take only costs time.
"""

from __future__ import annotations

import ast
from collections.abc import Callable

import numpy as np

EXACT = float(2**43)  # products and powers stay below this, so sums of them stay exact in float64 too


class Unsupported(Exception):  # noqa: N818 - a signal, not an error
    """The source uses something this module does not translate; the caller keeps the plain path."""


def _is_float(x) -> bool:
    return isinstance(x, float) or (isinstance(x, np.ndarray | np.generic) and x.dtype.kind == "f")


def _finite(x, d: list):
    if _is_float(x):
        d.append(~np.isfinite(x))
    return x


def _mul(a, b, d: list):
    if _is_float(a) or _is_float(b):
        return _finite(np.multiply(a, b), d)
    d.append(np.abs(np.multiply(a, b, dtype=np.float64)) > EXACT)
    return np.multiply(a, b)


def _division(op):
    """A division operator whose rows with a zero divisor are doubtful (and computed by 1 instead)."""

    def divide(a, b, d: list):
        zero = np.equal(b, 0)
        d.append(zero)
        with np.errstate(all="ignore"):
            return _finite(op(a, np.where(zero, 1, b)), d)

    return divide


def _pow(a, k: int, d: list):
    if _is_float(a):
        d.append(np.ones(np.shape(a), dtype=bool) if np.ndim(a) else True)
        return np.asarray(a, dtype=np.float64) * 0.0
    d.append(np.abs(np.power(np.asarray(a, dtype=np.float64), k)) > EXACT)
    return np.power(np.asarray(a, dtype=np.int64), k)


def _round(x, d: list):
    r = np.floor(np.add(x, 0.5))
    bad = ~(np.abs(r) <= EXACT)
    d.append(bad)
    return np.where(bad, 0.0, r).astype(np.int64)


_COMPARE = {ast.Eq: np.equal, ast.NotEq: np.not_equal, ast.Lt: np.less, ast.LtE: np.less_equal,
            ast.Gt: np.greater, ast.GtE: np.greater_equal}
_CHECKED = {ast.Mult: _mul, ast.Div: _division(np.true_divide), ast.FloorDiv: _division(np.floor_divide),
            ast.Mod: _division(np.remainder)}


class _Builder:
    """Closures `f(S, D, T)` for the nodes of one expression (T holds its temporaries)."""

    def __init__(self, codes: dict[str, int]):
        self.codes = codes

    def build(self, node: ast.AST):
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            raise Unsupported(type(node).__name__)
        fn, constant = method(node)
        if constant and not isinstance(node, ast.Constant):
            d: list = []
            with np.errstate(all="ignore"):
                value = fn(None, d, {})
            if not any(np.any(m) for m in d):
                return (lambda S, D, T: value), True
        return fn, constant

    def _Constant(self, node: ast.Constant):
        v = node.value
        if isinstance(v, str):
            if v not in self.codes:
                raise Unsupported(f"unknown enum value {v!r}")
            v = self.codes[v]
        elif not isinstance(v, bool | int | float):
            raise Unsupported(repr(v))
        return (lambda S, D, T: v), True

    def _Subscript(self, node: ast.Subscript):
        if not (isinstance(node.value, ast.Name) and node.value.id == "s" and isinstance(node.slice, ast.Constant)
                and type(node.slice.value) is int):
            raise Unsupported("subscript")
        i = node.slice.value
        return (lambda S, D, T: S[:, i]), False

    def _Name(self, node: ast.Name):
        name = node.id
        if name.startswith("_t"):
            return (lambda S, D, T: T[name]), False
        if name in ("True", "False"):
            v = name == "True"
            return (lambda S, D, T: v), True
        raise Unsupported(name)

    def _NamedExpr(self, node: ast.NamedExpr):
        name = node.target.id
        value, _ = self.build(node.value)

        def named(S, D, T):
            v = T[name] = value(S, D, T)
            return v
        return named, False

    def _BoolOp(self, node: ast.BoolOp):
        parts = [self.build(v) for v in node.values]
        fns = [f for f, _ in parts]
        op = np.logical_and if isinstance(node.op, ast.And) else np.logical_or

        def combine(S, D, T):
            out = fns[0](S, D, T)
            for f in fns[1:]:
                out = op(out, f(S, D, T))
            return out
        return combine, all(c for _, c in parts)

    def _UnaryOp(self, node: ast.UnaryOp):
        f, constant = self.build(node.operand)
        op = {ast.Not: np.logical_not, ast.USub: np.negative, ast.UAdd: np.positive}.get(type(node.op))
        if op is None:
            raise Unsupported("unary operator")
        return (lambda S, D, T: op(f(S, D, T))), constant

    def _BinOp(self, node: ast.BinOp):
        a, ca = self.build(node.left)
        kind = type(node.op)
        if kind is ast.Pow:
            if not (isinstance(node.right, ast.Constant) and type(node.right.value) is int):
                raise Unsupported("power")
            k = node.right.value
            return (lambda S, D, T: _pow(a(S, D, T), k, D)), ca
        b, cb = self.build(node.right)
        if kind is ast.Add:
            return (lambda S, D, T: np.add(a(S, D, T), b(S, D, T))), ca and cb
        if kind is ast.Sub:
            return (lambda S, D, T: np.subtract(a(S, D, T), b(S, D, T))), ca and cb
        checked = _CHECKED.get(kind)
        if checked is None:
            raise Unsupported("operator")
        return (lambda S, D, T: checked(a(S, D, T), b(S, D, T), D)), ca and cb

    def _Compare(self, node: ast.Compare):
        if len(node.ops) != 1:
            raise Unsupported("chained comparison")
        op, right = node.ops[0], node.comparators[0]
        a, ca = self.build(node.left)
        if isinstance(op, ast.In | ast.NotIn):
            if not isinstance(right, ast.Tuple):
                raise Unsupported("membership")
            members = [self._Constant(e)[0](None, None, None) if isinstance(e, ast.Constant) else None
                       for e in right.elts]
            if any(m is None for m in members):
                raise Unsupported("membership")
            invert = isinstance(op, ast.NotIn)
            return (lambda S, D, T: np.isin(a(S, D, T), members, invert=invert)), ca
        compare = _COMPARE.get(type(op))
        if compare is None:
            raise Unsupported("comparison")
        b, cb = self.build(right)
        return (lambda S, D, T: compare(a(S, D, T), b(S, D, T))), ca and cb

    def _IfExp(self, node: ast.IfExp):
        test, ct = self.build(node.test)
        body, cb = self.build(node.body)
        orelse, co = self.build(node.orelse)

        def pick(S, D, T):
            c = test(S, D, T)
            return np.where(c, body(S, D, T), orelse(S, D, T))
        return pick, ct and cb and co

    def _Call(self, node: ast.Call):
        if not isinstance(node.func, ast.Name) or node.keywords or not node.args:
            raise Unsupported("call")
        parts = [self.build(a) for a in node.args]
        fns = [f for f, _ in parts]
        constant = all(c for _, c in parts)
        name = node.func.id
        if name == "_round" and len(fns) == 1:
            f = fns[0]
            return (lambda S, D, T: _round(f(S, D, T), D)), constant
        if name == "abs" and len(fns) == 1:
            f = fns[0]
            return (lambda S, D, T: np.abs(f(S, D, T))), constant
        if name in ("min", "max"):
            op = np.minimum if name == "min" else np.maximum

            def extreme(S, D, T):
                out = fns[0](S, D, T)
                for f in fns[1:]:
                    out = op(out, f(S, D, T))
                return out
            return extreme, constant
        raise Unsupported(name)


def _quiet(body):
    """A built expression as `f(S, D)`; overflow and invalid values give doubtful rows, not warnings."""

    def fn(S, D):
        with np.errstate(all="ignore"):
            return body(S, D, {})

    return fn


def array_functions(sources: list[str], codes: dict[str, int], memo: dict | None = None) -> list[Callable]:
    """For each source, a function `f(S, D)` of a state matrix giving the expression's value per row
    (or a scalar when it reads no state), appending masks of doubtful rows to the list `D`.
    Raises Unsupported if any source cannot be translated. `memo` keeps translations for later calls
    with the same enum codes."""
    builder = _Builder(codes)
    known = {} if memo is None else memo.setdefault(tuple(sorted(codes.items())), {})
    out = []
    for source in sources:
        fn = known.get(source)
        if fn is None:
            try:
                tree = ast.parse(source, mode="eval").body
            except (SyntaxError, ValueError, RecursionError) as exc:
                raise Unsupported(str(exc)) from None
            body, _ = builder.build(tree)
            fn = known[source] = _quiet(body)
        out.append(fn)
    return out
