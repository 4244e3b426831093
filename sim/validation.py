"""Translate pydantic validation errors into located, readable diagnostics."""

from __future__ import annotations

import difflib

from pydantic import BaseModel, ValidationError

from sim.diagnostics import Diagnostic
from sim.yamlsource import Located

_CODES = {"missing": "S001", "extra_forbidden": "S002", "union_tag_not_found": "S004", "union_tag_invalid": "S004"}


def data_path(loc: tuple, data: object) -> tuple[tuple, bool]:
    """Follow a pydantic `loc` through the data, skipping union tags; return the path and whether it is whole."""
    path: list = []
    cur = data
    whole = True
    for part in loc:
        if isinstance(cur, dict) and isinstance(part, str) and part in cur:
            cur = cur[part]
            path.append(part)
        elif isinstance(cur, list) and isinstance(part, int) and 0 <= part < len(cur):
            cur = cur[part]
            path.append(part)
        else:
            whole = False
    return tuple(path), whole


def _model_fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """Field names of the model found at `loc`, for 'did you mean' hints (best effort)."""
    from typing import get_args

    current: object = model
    for part in loc[:-1]:
        fields = getattr(current, "model_fields", None)
        if fields and part in fields:
            current = fields[part].annotation
            continue
        candidates = [current, *get_args(current)]
        found = None
        for cand in candidates:
            for inner in [cand, *get_args(cand)]:
                for sub in [inner, *get_args(inner)]:
                    if isinstance(sub, type) and issubclass(sub, BaseModel):
                        tag = sub.model_fields.get("type")
                        if tag is None or part in get_args(tag.annotation) or not isinstance(part, str):
                            found = found or sub
                        if isinstance(part, str) and part in sub.model_fields:
                            found = sub
        if found is None:
            return []
        current = found
    fields = getattr(current, "model_fields", None)
    return list(fields) if fields else []


_SHORT = {
    "bool_type": "true or false", "int_type": "a whole number", "float_type": "a number",
    "string_type": "text", "list_type": "a list", "dict_type": "a mapping", "model_type": "a mapping",
    "model_attributes_type": "a mapping", "date_type": "a date (YYYY-MM-DD)", "date_parsing": "a date (YYYY-MM-DD)",
    "date_from_datetime_parsing": "a date (YYYY-MM-DD)", "tuple_type": "a list of two numbers",
}


MAX_SHOWN = 50
"""A file with more problems than this is told about the first ones and how many more there are."""


def diagnostics_from_validation(exc: ValidationError, located: Located, shown: str,
                                model: type[BaseModel] | None = None) -> list[Diagnostic]:
    """One diagnostic per offending place (the first MAX_SHOWN of them, then a count of the rest), with the line
    and column of its key or value."""
    from sim.model import Scenario

    model = model or Scenario
    grouped: dict[tuple, list[dict]] = {}
    errors = exc.errors(include_url=False)
    for err in errors:
        if len(grouped) > MAX_SHOWN:
            break
        loc = tuple(err["loc"])
        path, _ = data_path(loc, located.data)
        family = err["type"] if err["type"] in _CODES else "value"
        extra = loc[-1] if family == "missing" else None
        grouped.setdefault((path, family, extra), []).append(err)
    out: list[Diagnostic] = []
    for (path, _family, _extra), errs in list(grouped.items())[:MAX_SHOWN]:
        err = errs[0]
        loc = tuple(err["loc"])
        kind = err["type"]
        dotted = ".".join(str(p) for p in path) or "(top level)"
        hint = None
        if kind == "missing":
            message = f"{dotted}: missing required key '{loc[-1]}'"
            span = located.span(path, key=True)
        elif kind == "extra_forbidden":
            parent = ".".join(str(p) for p in path[:-1]) or "(top level)"
            message = f"{parent}: unknown key '{path[-1]}'"
            allowed = _model_fields_at(model, loc)
            close = difflib.get_close_matches(str(path[-1]), allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else (
                f"allowed keys here: {', '.join(allowed)}" if allowed else "see docs/scenario-format.md")
            span = located.span(path, key=True)
        elif kind in ("union_tag_not_found", "union_tag_invalid"):
            expected = err.get("ctx", {}).get("expected_tags", "")
            message = f"{dotted}: 'type' must be one of {expected}"
            span = located.span(path + ("type",)) or located.span(path)
        else:
            kinds = [e["type"] for e in errs]
            if len(errs) > 1 and all(k in _SHORT for k in kinds):
                wanted = list(dict.fromkeys(_SHORT[k] for k in kinds))
                msg = "expected " + ", ".join(wanted[:-1]) + (" or " if len(wanted) > 1 else "") + wanted[-1]
            else:
                err = next((e for e in errs if e["type"] not in _SHORT), err)
                msg = err["msg"]
            message = f"{dotted}: {msg}"
            value = err.get("input")
            if isinstance(value, (str, int, float)) and not isinstance(value, bool) and len(repr(value)) < 60:
                message += f" (got {value!r})"
            span = located.span(path, key=True) if loc and loc[-1] == "[key]" else located.span(path)
        line, col = (span.line, span.col) if span else (0, 0)
        out.append(Diagnostic(_CODES.get(kind, "S003"), message, shown, line, col, hint))
    if len(grouped) > MAX_SHOWN:
        shown_errors = sum(len(errs) for errs in list(grouped.values())[:MAX_SHOWN])
        out.append(Diagnostic("S003", f"and {len(errors) - shown_errors:,} more problem(s)", shown,
                              hint="fix the ones above first"))
    return out
