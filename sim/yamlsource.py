"""Parse YAML (or JSON) text into plain data while keeping the line and column of every key and value.

Only PyYAML's safe composer is used: no tags are constructed into objects, aliases are
expanded under a budget, duplicate keys are rejected, and nesting depth is bounded.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

from sim.diagnostics import Diagnostic

MAX_BYTES = 4 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

Path = tuple  # a path of keys and indices into the data


@dataclass(frozen=True)
class Span:
    """Where a value starts (1-based), and how its scalar is quoted (for column offsets)."""

    line: int
    col: int
    style: str | None = None
    multiline: bool = False


@dataclass
class Located:
    """Plain data plus the position of each path's value and (for mapping entries) its key."""

    data: object
    values: dict[Path, Span] = field(default_factory=dict)
    keys: dict[Path, Span] = field(default_factory=dict)

    def span(self, path: Path, key: bool = False) -> Span | None:
        """Position of the value (or key) at `path`, or of its nearest located ancestor."""
        table = self.keys if key else self.values
        p = tuple(path)
        while True:
            if p in table:
                return table[p]
            if key and p in self.values:
                return self.values[p]
            if not p:
                return None
            p = p[:-1]


class _Budget:
    def __init__(self) -> None:
        self.nodes = 0


def _span(node: yaml.Node) -> Span:
    mark = node.start_mark
    style = getattr(node, "style", None)
    multiline = node.end_mark.line != node.start_mark.line
    return Span(mark.line + 1, mark.column + 1, style, multiline)


_scalar_constructor = yaml.SafeLoader(stream="")


def _scalar(node: yaml.ScalarNode) -> object:
    tag = node.tag
    if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null", "tag:yaml.org,2002:timestamp"):
        try:
            return _scalar_constructor.construct_object(node, deep=False)
        except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
            raise _Problem("Y001", f"unreadable value {node.value[:40]!r}: {exc}", node) from None
    raise _Problem("Y003", f"unsupported YAML tag {tag!r}", node,
                   "remove the tag; scenario files use plain strings, numbers, booleans and dates")


class _Problem(Exception):
    def __init__(self, code: str, message: str, node: yaml.Node, hint: str | None = None):
        super().__init__(message)
        self.code, self.message, self.node, self.hint = code, message, node, hint


def _convert(node: yaml.Node, path: Path, out: Located, budget: _Budget, depth: int) -> object:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise _Problem("Y004", f"document too large (more than {MAX_NODES} values, counting aliases)",
                       node, "remove aliases that expand exponentially, or split the file")
    if depth > MAX_DEPTH:
        raise _Problem("Y004", f"nested more than {MAX_DEPTH} levels deep", node)
    out.values[path] = _span(node)
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if not isinstance(node, yaml.ScalarNode) and node.tag not in ("tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
        raise _Problem("Y003", f"unsupported YAML tag {node.tag!r}", node,
                       "remove the tag; scenario files use plain lists and mappings")
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, path + (i,), out, budget, depth + 1) for i, child in enumerate(node.value)]
    if isinstance(node, yaml.MappingNode):
        result: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Problem("Y002", "mapping keys must be plain strings", key_node)
            key = _scalar(key_node)
            if isinstance(key, bool) or key is None or not isinstance(key, (str, int)):
                raise _Problem("Y002", f"mapping key {key_node.value!r} must be a plain string",
                               key_node, "quote the key")
            key = str(key)
            if key in result:
                raise _Problem("Y002", f"duplicate key {key!r}", key_node,
                               "each key may appear only once in a mapping; rename or merge the entries")
            out.keys[path + (key,)] = _span(key_node)
            result[key] = _convert(value_node, path + (key,), out, budget, depth + 1)
        return result
    raise _Problem("Y003", "unsupported YAML node", node)


_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML has it (ten times faster), else PyYAML's own; both give the same nodes."""


def _too_many_events(text: str) -> yaml.Event | None:
    """The parser event past the node budget, if the text has that many (counted before any node is built, so a
    huge flat list is refused in about a second instead of after minutes of composing)."""
    count = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent, yaml.CollectionStartEvent)):
            count += 1
            if count > MAX_NODES:
                return event
    return None


def parse_yaml(text: str, path: str) -> tuple[Located | None, list[Diagnostic]]:
    """Parse one YAML document; return located data, or the diagnostics explaining why not."""
    if len(text) > MAX_BYTES:
        return None, [Diagnostic("Y004", f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", path)]
    try:
        over = _too_many_events(text)
        if over is not None:
            mark = over.start_mark
            return None, [Diagnostic("Y004", f"document too large (more than {MAX_NODES} values)", path,
                                     mark.line + 1, mark.column + 1, "split the file, or shorten its lists")]
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or exc.context or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        if "nesting depth" in message:
            return None, [Diagnostic("Y004", f"nested more than {MAX_DEPTH} levels deep", path, line, col)]
        hint = "check indentation, and quote values that contain ': ' or start with a special character"
        return None, [Diagnostic("Y001", f"YAML syntax error: {message}", path, line, col, hint)]
    except yaml.YAMLError as exc:
        return None, [Diagnostic("Y001", f"YAML error: {exc}", path)]
    except RecursionError:
        return None, [Diagnostic("Y004", "YAML nested too deeply to read", path)]
    if root is None:
        return None, [Diagnostic("Y005", "the file is empty", path, 1, 1,
                                 "a scenario file starts with 'format: 1' and an 'id:'")]
    out = Located(data=None)
    try:
        out.data = _convert(root, (), out, _Budget(), 0)
    except _Problem as p:
        span = _span(p.node)
        return None, [Diagnostic(p.code, p.message, path, span.line, span.col, p.hint)]
    except RecursionError:
        return None, [Diagnostic("Y004", "YAML nested too deeply to read", path)]
    except (ValueError, TypeError, OverflowError, yaml.YAMLError) as exc:
        return None, [Diagnostic("Y001", f"unreadable value: {exc}", path)]
    return out, []
