"""Parse JSON files (replays, journals) within limits, and find where a value stands in the text.

`parse_json` refuses, before any model sees the data, numbers with more digits than any field
takes, NaN and Infinity, nesting deeper than `MAX_DEPTH` and more than `MAX_VALUES` values in all.
`locate` gives the line and column of the values (and keys) on some paths into the data, for
error messages, by walking the text once along each path.
"""

from __future__ import annotations

import json
import math
import re

from sim.diagnostics import Diagnostic, SimError, attach_source
from sim.yamlsource import Located, Span

MAX_VALUES = 500_000
MAX_DEPTH = 64
MAX_DIGITS = 40


class _Refused(ValueError):
    """A number the parser will not build."""


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise _Refused(f"a number with more than {MAX_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_DIGITS * 2:
        raise _Refused(f"a number written with more than {MAX_DIGITS * 2} characters")
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:20]} is too large")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a number JSON allows")


def _size(data: object) -> str | None:
    """Why the data is too big (too many values or too deep), or None."""
    count = 0
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        count += 1
        if count > MAX_VALUES:
            return f"more than {MAX_VALUES:,} values"
        if depth > MAX_DEPTH:
            return f"nested more than {MAX_DEPTH} levels deep"
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
            count += len(value)
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
    return None


def parse_json(text: str, shown: str, hint: str) -> object:
    """The data of a JSON text, or SimError: J001 for a syntax error, J005 for what is over the limits."""
    try:
        data = json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as exc:
        raise SimError(attach_source([Diagnostic("J001", f"JSON syntax error: {exc.msg}", shown, exc.lineno,
                                                 exc.colno, hint)], text)) from None
    except _Refused as exc:
        raise SimError([Diagnostic("J005", f"JSON holds {exc}", shown, hint=hint)]) from None
    except RecursionError:
        raise SimError([Diagnostic("J005", f"JSON nested more than {MAX_DEPTH} levels deep", shown, hint=hint)]) \
            from None
    except ValueError as exc:
        raise SimError([Diagnostic("J001", f"JSON cannot be read: {exc}", shown, hint=hint)]) from None
    problem = _size(data)
    if problem is not None:
        raise SimError([Diagnostic("J005", f"JSON too large: {problem}", shown, hint=hint)])
    return data


_SPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


def _skip(text: str, at: int) -> int:
    return _SPACE.match(text, at).end()


def _value_end(text: str, at: int) -> int:
    """Where the JSON value starting at `at` ends."""
    return _DECODER.raw_decode(text, at)[1]


def _position(text: str, at: int, lines: list[int]) -> Span:
    import bisect

    line = bisect.bisect_right(lines, at)
    start = lines[line - 1] if line else 0
    return Span(line, at - start + 1)


def locate(text: str, data: object, paths: list[tuple]) -> Located:
    """`data` with the spans of every value (and mapping key) on each path; paths that are not in the text
    stop where they leave it."""
    out = Located(data)
    lines = [0] + [m.end() for m in re.finditer("\n", text)]
    for path in paths:
        try:
            _walk(text, path, out, lines)
        except (ValueError, IndexError):
            continue
    return out


def _walk(text: str, path: tuple, out: Located, lines: list[int]) -> None:
    at = _skip(text, 0)
    out.values.setdefault((), _position(text, at, lines))
    for depth, part in enumerate(path):
        here = path[:depth]
        opener = text[at]
        at = _skip(text, at + 1)
        if opener == "{" and isinstance(part, str):
            while text[at] != "}":
                key, end = json.decoder.scanstring(text, at + 1)
                key_at = at
                at = _skip(text, end)
                at = _skip(text, at + 1)  # the colon
                if key == part:
                    out.keys.setdefault(here + (part,), _position(text, key_at, lines))
                    break
                at = _skip(text, _value_end(text, at))
                if text[at] == ",":
                    at = _skip(text, at + 1)
            else:
                return
        elif opener == "[" and isinstance(part, int):
            for _ in range(part):
                if text[at] == "]":
                    return
                at = _skip(text, _value_end(text, at))
                if text[at] == ",":
                    at = _skip(text, at + 1)
            if text[at] == "]":
                return
        else:
            return
        out.values.setdefault(here + (part,), _position(text, at, lines))
