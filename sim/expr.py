"""The scenario expression language: parsed, name-resolved and type-checked at load time.

An expression is written in a small Python-like syntax. It is parsed with :mod:`ast`
(parsing runs no code), every node is checked against a whitelist, names are resolved to
state slots or parameter constants, and types are checked. From the checked tree a new
Python expression is generated that contains only those whitelisted constructs, state
reads (`s[3]`) and literals; it is compiled once into a function of the state tuple. The
user's text is never evaluated.
"""

from __future__ import annotations

import ast
import difflib
import math
import re
import types
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_LENGTH = 2000
MAX_DEPTH = 40
MAX_POWER = 8
MAX_LITERAL = 10**12
MAX_ROUND = 10**15
MAX_POWER_VALUE = 10**15
MAX_VARIABLE = 1_000_000  # the widest an integer variable's range may be (see sim.model.IntVariable)

INT, FLOAT, BOOL = "int", "float", "bool"
NUMERIC = (INT, FLOAT)


@dataclass(frozen=True)
class EnumType:
    """The type of an enumerated variable's values."""

    name: str
    values: tuple[str, ...]

    def __str__(self) -> str:
        return f"one of {', '.join(self.values)}"


@dataclass(frozen=True)
class _Bare:
    """A name or string that is not a variable: it may be a member of an enum on the other side."""

    name: str


Type = object  # INT | FLOAT | BOOL | EnumType | _Bare


def type_name(t: Type) -> str:
    if isinstance(t, EnumType):
        return f"enum '{t.name}'"
    if isinstance(t, _Bare):
        return f"name '{t.name}'"
    return {INT: "integer", FLOAT: "number", BOOL: "boolean"}.get(t, str(t))


class ExprError(Exception):
    """A problem in an expression, at a column offset within its text (0-based)."""

    def __init__(self, code: str, message: str, offset: int = 0, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.offset, self.hint = code, message, offset, hint


@dataclass
class Env:
    """Names an expression may use: state variables (slot, type) and parameters (constant values)."""

    variables: dict[str, tuple[int, Type]]
    parameters: dict[str, int | float]
    bounds: dict[str, int | float] = field(default_factory=dict)
    """The largest magnitude each integer variable can hold (from its min and max), and each parameter can take
    (its value, or the ends of the range the analysis varies it over)."""


@dataclass
class Compiled:
    """A checked expression: its function of the state tuple, its type and the names it reads."""

    fn: Callable[[tuple], object]
    type: Type
    source: str
    python: str
    names: set[str] = field(default_factory=set)
    parameters: set[str] = field(default_factory=set)


_SIMPLE = re.compile(r"^(s\[\d+\]|-?[0-9][0-9.e+-]*|\(-[0-9][0-9.e+-]*\))$")
FUNCTIONS = {"min": (2, 8), "max": (2, 8), "clamp": (3, 3), "abs": (1, 1), "round": (1, 1)}
_BOOL_NAMES = {"true": True, "false": False, "True": True, "False": False}
_COMPARE = {ast.Eq: "==", ast.NotEq: "!=", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">="}
_ARITH = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%", ast.Pow: "**"}
_FORBIDDEN = {
    ast.Attribute: "attribute access",
    ast.Subscript: "indexing",
    ast.Lambda: "lambda",
    ast.NamedExpr: "assignment",
    ast.ListComp: "comprehensions",
    ast.GeneratorExp: "comprehensions",
    ast.SetComp: "comprehensions",
    ast.DictComp: "comprehensions",
    ast.Dict: "dictionaries",
    ast.Set: "sets",
    ast.JoinedStr: "f-strings",
    ast.Starred: "starred arguments",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
    ast.Slice: "slices",
}


def _round_half_up(x: float) -> int:
    if not -MAX_ROUND <= x <= MAX_ROUND:
        what = "nan" if x != x else "a number beyond 10^15"
        raise OverflowError(f"round() of {what}: round() takes numbers from -10^15 to 10^15")
    return int(math.floor(x + 0.5))


def _times(a: float, b: float) -> float:
    return 0.0 if a == 0 or b == 0 else a * b


def _power(a: float, k: int) -> float:
    try:
        return a ** k
    except OverflowError:
        return math.inf


_GLOBALS = {"__builtins__": {}, "min": min, "max": max, "abs": abs, "_round": _round_half_up}


def _nesting(text: str) -> int:
    depth = deepest = 0
    for ch in text:
        if ch in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in ")]}":
            depth -= 1
    return deepest


def parse(text: str) -> ast.expr:
    """Parse expression text into a Python AST (no evaluation), or raise ExprError."""
    if len(text) > MAX_LENGTH:
        raise ExprError("X004", f"expression longer than {MAX_LENGTH} characters")
    if "\x00" in text:
        raise ExprError("X001", "expression contains a NUL character")
    if _nesting(text) > MAX_DEPTH:
        raise ExprError("X004", f"expression nested more than {MAX_DEPTH} levels deep")
    try:
        tree = ast.parse(text.replace("\n", " ").replace("\r", " ").replace("\t", " "), mode="eval")
    except SyntaxError as exc:
        offset = max((exc.offset or 1) - 1, 0)
        raise ExprError("X001", f"syntax error in expression: {exc.msg}", offset,
                        "expressions use Python-like syntax: a + 1, x >= 2 and not y, a if c else b") from None
    except (ValueError, MemoryError, RecursionError, OverflowError) as exc:
        raise ExprError("X004", f"expression cannot be read: {exc}") from None
    return tree.body


class _Checker:
    def __init__(self, env: Env):
        self.env = env
        self.names: set[str] = set()
        self.parameters: set[str] = set()
        self.temps = 0

    def bind(self, src: str) -> tuple[str, str]:
        """Evaluate a subexpression once: (first use, later uses), via a local temporary if not trivial."""
        if _SIMPLE.match(src):
            return src, src
        name = f"_t{self.temps}"
        self.temps += 1
        return f"({name} := {src})", name

    def pick(self, name: str, left: str, right: str) -> str:
        """Inline two-argument min or max (same result as the builtin, without a call)."""
        a, ar = self.bind(left)
        b, br = self.bind(right)
        op = "<=" if name == "min" else ">="
        return f"({ar} if {a} {op} {b} else {br})"

    def fail(self, node: ast.AST, code: str, message: str, hint: str | None = None) -> None:
        raise ExprError(code, message, getattr(node, "col_offset", 0), hint)

    def gen(self, node: ast.AST, depth: int = 0, expect: Type | None = None) -> tuple[str, Type]:
        if depth > MAX_DEPTH:
            self.fail(node, "X004", f"expression nested more than {MAX_DEPTH} levels deep")
        for kind, what in _FORBIDDEN.items():
            if isinstance(node, kind):
                self.fail(node, "X003", f"{what} is not allowed in expressions",
                          "expressions may use names, numbers, arithmetic, comparisons, and/or/not, "
                          "'a if c else b' and min, max, clamp, abs, round")
        method = getattr(self, "_" + type(node).__name__, None)
        if method is None:
            self.fail(node, "X003", f"{type(node).__name__} is not allowed in expressions")
        src, t = method(node, depth + 1, expect)
        if isinstance(t, _Bare) and isinstance(expect, EnumType):
            return self._member(node, t.name, expect), expect
        return src, t

    def _member(self, node: ast.AST, name: str, enum: EnumType) -> str:
        if name not in enum.values:
            close = difflib.get_close_matches(name, enum.values, n=1)
            self.fail(node, "X006", f"'{name}' is not a value of '{enum.name}' ({', '.join(enum.values)})",
                      f"did you mean '{close[0]}'?" if close else None)
        return repr(name)

    def _Constant(self, node: ast.Constant, depth: int, expect: Type | None) -> tuple[str, Type]:
        v = node.value
        if isinstance(v, bool):
            return repr(v), BOOL
        if isinstance(v, int):
            if abs(v) > MAX_LITERAL:
                self.fail(node, "X004", f"number {v} is too large (limit {MAX_LITERAL})")
            return repr(v), INT
        if isinstance(v, float):
            if not math.isfinite(v) or abs(v) > MAX_LITERAL:
                self.fail(node, "X004", "number is too large")
            return repr(v), FLOAT
        if isinstance(v, str):
            return repr(v), _Bare(v)
        self.fail(node, "X003", f"literal {type(v).__name__} is not allowed in expressions")

    def _Name(self, node: ast.Name, depth: int, expect: Type | None) -> tuple[str, Type]:
        name = node.id
        if name.startswith("_"):
            self.fail(node, "X003", f"name '{name}' is not allowed (names may not start with '_')")
        if name in _BOOL_NAMES:
            return repr(_BOOL_NAMES[name]), BOOL
        if name in self.env.variables:
            slot, t = self.env.variables[name]
            self.names.add(name)
            return f"s[{slot}]", t
        if name in self.env.parameters:
            self.parameters.add(name)
            value = self.env.parameters[name]
            return repr(value), INT if isinstance(value, int) else FLOAT
        if isinstance(expect, EnumType) and name in expect.values:
            return repr(name), expect
        if name in FUNCTIONS:
            self.fail(node, "X003", f"'{name}' is a function; call it with arguments, e.g. {name}(...)")
        return name, _Bare(name)

    def resolve(self, node: ast.AST, t: Type) -> None:
        if isinstance(t, _Bare):
            known = list(self.env.variables) + list(self.env.parameters)
            close = difflib.get_close_matches(t.name, known, n=1)
            self.fail(node, "X002", f"unknown name '{t.name}'",
                      f"did you mean '{close[0]}'?" if close else
                      "declare it under 'variables' or 'parameters'")

    def typed(self, node: ast.AST, depth: int, want: tuple, what: str) -> tuple[str, Type]:
        src, t = self.gen(node, depth)
        self.resolve(node, t)
        if t not in want:
            names = " or ".join(type_name(w) for w in want)
            self.fail(node, "X005", f"{what} must be {names}, not {type_name(t)}")
        return src, t

    def _BoolOp(self, node: ast.BoolOp, depth: int, expect: Type | None) -> tuple[str, Type]:
        op = " and " if isinstance(node.op, ast.And) else " or "
        parts = [self.typed(v, depth, (BOOL,), "an operand of 'and'/'or'")[0] for v in node.values]
        return "(" + op.join(parts) + ")", BOOL

    def _UnaryOp(self, node: ast.UnaryOp, depth: int, expect: Type | None) -> tuple[str, Type]:
        if isinstance(node.op, ast.Not):
            operand, _ = self.typed(node.operand, depth, (BOOL,), "the operand of 'not'")
            return f"(not {operand})", BOOL
        if isinstance(node.op, (ast.USub, ast.UAdd)):
            src, t = self.gen(node.operand, depth)
            self.resolve(node.operand, t)
            if t not in NUMERIC:
                self.fail(node, "X005", f"'-' needs a number, not {type_name(t)}")
            sign = "-" if isinstance(node.op, ast.USub) else "+"
            return f"({sign}{src})", t
        self.fail(node, "X003", "bitwise operators are not allowed in expressions")

    def _BinOp(self, node: ast.BinOp, depth: int, expect: Type | None) -> tuple[str, Type]:
        op = _ARITH.get(type(node.op))
        if op is None:
            self.fail(node, "X003", "bitwise operators and '@' are not allowed in expressions")
        left, lt = self.gen(node.left, depth)
        self.resolve(node.left, lt)
        if op == "**":
            exp = node.right
            if not (isinstance(exp, ast.Constant) and type(exp.value) is int and 0 <= exp.value <= MAX_POWER):
                self.fail(node.right, "X004", f"the exponent of '**' must be a whole number from 0 to {MAX_POWER}",
                          "large or variable powers are not allowed")
            if lt not in NUMERIC:
                self.fail(node, "X005", f"'**' needs a number, not {type_name(lt)}")
            base = self.bound(node.left)
            if _power(base, exp.value) > MAX_POWER_VALUE:
                reach = "a number too large to write" if math.isinf(base) else f"{base:.3g}"
                self.fail(node, "X004", f"this power can exceed 10^15 (its base can reach {reach})",
                          "powers are limited to values up to 10^15; nested powers grow beyond any computer")
            return f"({left} ** {exp.value})", lt
        right, rt = self.gen(node.right, depth)
        self.resolve(node.right, rt)
        for side, t in ((node.left, lt), (node.right, rt)):
            if t not in NUMERIC:
                self.fail(side, "X005", f"'{op}' needs numbers, not {type_name(t)}")
        if op in ("/", "//", "%") and isinstance(node.right, ast.Constant) and node.right.value == 0:
            self.fail(node.right, "X004", "division by zero")
        result = FLOAT if op == "/" or FLOAT in (lt, rt) else INT
        return f"({left} {op} {right})", result

    def bound(self, node: ast.AST) -> float:
        """The largest magnitude a checked expression can have where its value is a whole number (a Python int
        at run time; decimals overflow safely, whole numbers grow without limit)."""
        bound = self.bound
        if isinstance(node, ast.Constant):
            return float(abs(node.value)) if isinstance(node.value, int) else 0.0
        if isinstance(node, ast.Name):
            name = node.id
            if name in _BOOL_NAMES:
                return 1.0
            if name in self.env.variables:
                t = self.env.variables[name][1]
                return float(self.env.bounds.get(name, MAX_VARIABLE)) if t == INT else 1.0 if t == BOOL else 0.0
            value = self.env.parameters.get(name)
            return float(self.env.bounds.get(name, abs(value))) if isinstance(value, int) else 0.0
        if isinstance(node, ast.UnaryOp):
            return 1.0 if isinstance(node.op, ast.Not) else bound(node.operand)
        if isinstance(node, ast.BinOp):
            a = bound(node.left)
            if isinstance(node.op, ast.Pow):
                return _power(a, node.right.value)
            b = bound(node.right)
            if isinstance(node.op, (ast.Add, ast.Sub)):
                return a + b
            if isinstance(node.op, ast.Mult):
                return _times(a, b)
            if isinstance(node.op, ast.Div):
                return 0.0
            return a if isinstance(node.op, ast.FloorDiv) else b
        if isinstance(node, (ast.BoolOp, ast.Compare)):
            return 1.0
        if isinstance(node, ast.IfExp):
            return max(bound(node.body), bound(node.orelse))
        if isinstance(node, ast.Call):
            if node.func.id == "round":
                return float(MAX_ROUND)
            return max(bound(a) for a in node.args)
        return math.inf

    def _pair(self, a: ast.AST, b: ast.AST, depth: int) -> tuple[str, Type, str, Type]:
        a_src, at = self.gen(a, depth)
        b_src, bt = self.gen(b, depth, at if isinstance(at, EnumType) else None)
        if isinstance(at, _Bare) and isinstance(bt, EnumType):
            a_src, at = self.gen(a, depth, bt)
        self.resolve(a, at)
        self.resolve(b, bt)
        return a_src, at, b_src, bt

    def _Compare(self, node: ast.Compare, depth: int, expect: Type | None) -> tuple[str, Type]:
        parts = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, (ast.In, ast.NotIn)):
                parts.append(self._membership(left, op, right, depth))
            elif type(op) in _COMPARE:
                sym = _COMPARE[type(op)]
                a, at, b, bt = self._pair(left, right, depth)
                if sym in ("==", "!="):
                    same = at == bt or (at in NUMERIC and bt in NUMERIC)
                    if not same:
                        self.fail(node, "X005", f"cannot compare {type_name(at)} with {type_name(bt)}")
                elif at not in NUMERIC or bt not in NUMERIC:
                    self.fail(node, "X005", f"'{sym}' compares numbers, not {type_name(at)} and {type_name(bt)}")
                parts.append(f"({a} {sym} {b})")
            else:
                self.fail(node, "X003", "'is' is not allowed; use == or !=")
            left = right
        return "(" + " and ".join(parts) + ")", BOOL

    def _membership(self, left: ast.AST, op: ast.cmpop, right: ast.AST, depth: int) -> str:
        src, lt = self.gen(left, depth)
        self.resolve(left, lt)
        if not isinstance(lt, EnumType):
            self.fail(left, "X005", f"'in' tests an enum variable against a list of its values, not {type_name(lt)}")
        if not isinstance(right, (ast.List, ast.Tuple)) or not right.elts or len(right.elts) > 64:
            self.fail(right, "X005", "'in' needs a list of values, e.g. stance in [iapc, mfm]")
        members = []
        for elt in right.elts:
            if not isinstance(elt, (ast.Name, ast.Constant)) or (isinstance(elt, ast.Constant) and not isinstance(elt.value, str)):
                self.fail(elt, "X005", "the list after 'in' holds enum values only")
            name = elt.id if isinstance(elt, ast.Name) else elt.value
            members.append(self._member(elt, name, lt))
        word = "in" if isinstance(op, ast.In) else "not in"
        return f"({src} {word} ({', '.join(members)},))"

    def _IfExp(self, node: ast.IfExp, depth: int, expect: Type | None) -> tuple[str, Type]:
        test, _ = self.typed(node.test, depth, (BOOL,), "the condition of 'if'")
        a, at = self.gen(node.body, depth, expect)
        b, bt = self.gen(node.orelse, depth, at if isinstance(at, EnumType) else expect)
        if isinstance(at, _Bare) and isinstance(bt, EnumType):
            a, at = self.gen(node.body, depth, bt)
        self.resolve(node.body, at)
        self.resolve(node.orelse, bt)
        if at in NUMERIC and bt in NUMERIC:
            t = FLOAT if FLOAT in (at, bt) else INT
        elif at == bt:
            t = at
        else:
            self.fail(node, "X005", f"both branches of 'if' must have the same type ({type_name(at)} vs {type_name(bt)})")
        return f"({a} if {test} else {b})", t

    def _Call(self, node: ast.Call, depth: int, expect: Type | None) -> tuple[str, Type]:
        if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
            name = node.func.id if isinstance(node.func, ast.Name) else "this"
            self.fail(node, "X003", f"calling {name!r} is not allowed",
                      f"the functions are {', '.join(FUNCTIONS)}")
        name = node.func.id
        if node.keywords:
            self.fail(node, "X003", f"{name}() takes no keyword arguments")
        low, high = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            count = str(low) if low == high else f"{low} to {high}"
            self.fail(node, "X005", f"{name}() takes {count} arguments, not {len(node.args)}")
        args, types = [], []
        for arg in node.args:
            src, t = self.typed(arg, depth, NUMERIC, f"an argument of {name}()")
            args.append(src)
            types.append(t)
        t = FLOAT if FLOAT in types else INT
        if name == "clamp":
            return self.pick("min", self.pick("max", args[0], args[1]), args[2]), t
        if name in ("min", "max") and len(args) == 2:
            return self.pick(name, args[0], args[1]), t
        if name == "round":
            return f"_round({args[0]})", INT
        return f"{name}({', '.join(args)})", t


def compile_expr(value: object, env: Env, want: tuple, what: str, expect: Type | None = None) -> Compiled:
    """Check an expression (text or a YAML literal) and compile it to a function of the state tuple.

    `want` lists the acceptable result types; `expect` resolves bare enum member names.
    """
    if isinstance(value, bool):
        src, t, text = repr(value), BOOL, "true" if value else "false"
        checker = _Checker(env)
    elif isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ExprError("X004", "number must be finite")
        if abs(value) > MAX_LITERAL:
            raise ExprError("X004", f"number {value} is too large (limit {MAX_LITERAL})")
        src, t, text = repr(value), (INT if isinstance(value, int) else FLOAT), repr(value)
        checker = _Checker(env)
    else:
        raw = str(value)
        lead = len(raw) - len(raw.lstrip())
        text = raw.strip()
        checker = _Checker(env)
        try:
            tree = parse(text)
            src, t = checker.gen(tree, 0, expect)
            checker.resolve(tree, t)
        except ExprError as exc:
            exc.offset += lead
            raise
        except RecursionError:
            raise ExprError("X004", "expression nested too deeply") from None
    if t not in want:
        if t == INT and FLOAT in want:
            pass
        else:
            names = " or ".join(type_name(w) for w in want)
            hint = "use round(...) or // to get a whole number" if t == FLOAT and INT in want else None
            raise ExprError("X005", f"{what} must be {names}, not {type_name(t)}", 0, hint)
    return Compiled(make_function(src), t, text, src, checker.names, checker.parameters)


def make_function(body: str) -> Callable[[tuple], object]:
    """Turn generated, whitelisted Python source into a function of the state tuple `s`.

    `body` is built only by this module from checked nodes; it never contains user text
    beyond validated names, numbers and enum values.
    """
    module = compile(f"lambda s: {body}", "<sim-expression>", "eval")
    code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    fn = types.FunctionType(code, dict(_GLOBALS), "expression")
    fn.python = body  # the generated source, so the analysis can fuse several expressions into one function
    return fn


def expression_globals() -> dict:
    """The names generated expressions may call (min, max, abs and the rounding helper)."""
    return dict(_GLOBALS)
