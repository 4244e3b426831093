"""Load a scenario file: read, parse YAML with locations, validate, compile. One error type: SimError."""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from sim.compiler import Compiler
from sim.diagnostics import Diagnostic, SimError, attach_source
from sim.files import kind, read_text
from sim.model import Scenario
from sim.runtime import CompiledScenario
from sim.validation import diagnostics_from_validation
from sim.yamlsource import parse_yaml

SCENARIO_FILE = "scenario.yaml"
SCENARIO_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}")


def parse_scenario(text: str, path: Path) -> CompiledScenario:
    """Parse and compile scenario text; raise SimError listing every problem found."""
    shown = str(path)
    located, diags = parse_yaml(text, shown)
    if located is None:
        raise SimError(attach_source(diags, text))
    if not isinstance(located.data, dict):
        raise SimError(attach_source([Diagnostic("S003", "a scenario file must be a mapping of keys "
                                                 "(format, id, title, ...)", shown, 1, 1)], text))
    try:
        scenario = Scenario.model_validate(located.data)
    except ValidationError as exc:
        raise SimError(attach_source(diagnostics_from_validation(exc, located, shown), text)) from None
    compiler = Compiler(scenario, located, path, memo={})
    compiled = compiler.compile()
    if compiled is None:
        raise SimError(attach_source(compiler.diags, text))
    compiled.located = located
    compiled.text = text
    return compiled


def load_scenario(path: str | Path) -> CompiledScenario:
    """Load a scenario from a file path (see `resolve_scenario` for folders and ids)."""
    p = Path(path)
    return parse_scenario(read_text(p), p)


def scenario_roots() -> list[Path]:
    """Folders searched for scenarios by id: ./scenarios, then the project's own scenarios folder."""
    roots = [Path.cwd() / "scenarios", Path(__file__).resolve().parent.parent / "scenarios"]
    out = []
    for r in roots:
        try:
            if r.is_dir() and r.resolve() not in [o.resolve() for o in out]:
                out.append(r)
        except OSError:
            continue
    return out


def find_scenarios() -> list[Path]:
    """Every `scenario.yaml` found one level under the scenario roots."""
    found = []
    for root in scenario_roots():
        found.extend(sorted(root.glob(f"*/{SCENARIO_FILE}")))
    return found


def _known_hint() -> str:
    known = sorted({f.parent.name for f in find_scenarios()})
    return f"known scenarios: {', '.join(known)}" if known else "give a path to a scenario file"


def _by_id(arg: str) -> Path | None:
    for root in scenario_roots():
        candidate = root / arg / SCENARIO_FILE
        if kind(candidate) == "file":
            return candidate
    return None


def resolve_scenario(arg: str) -> Path:
    """A SCENARIO argument: a file, a folder holding scenario.yaml, or the id of one under scenarios/."""
    p = Path(arg)
    what = kind(p)
    if what in ("file", "other"):
        return p
    if what == "folder":
        inside = p / SCENARIO_FILE
        if kind(inside) != "missing":
            return inside
        raise SimError([Diagnostic("F001", f"folder has no {SCENARIO_FILE}", arg)], usage=True)
    found = _by_id(arg) if SCENARIO_ID.fullmatch(arg) else None
    if found is not None:
        return found
    raise SimError([Diagnostic("F001", "no such scenario file, folder or id", arg, hint=_known_hint())], usage=True)


NAME_IT = "name the scenario yourself (--scenario SCENARIO; for sim play, sim play SCENARIO --replay FILE)"


def scenario_by_id(scenario_id: str, named_in: str) -> Path:
    """The scenario a file names by id (a replay, a journal): looked up under the scenario roots only, never
    opened as a path. `named_in` is the file that names it, for the error."""
    if not SCENARIO_ID.fullmatch(scenario_id):
        raise SimError([Diagnostic("F001", f"names the scenario {scenario_id[:80]!r}, which is not a scenario id",
                                   named_in, hint=NAME_IT)], usage=True)
    found = _by_id(scenario_id)
    if found is None:
        raise SimError([Diagnostic("F001", f"names the scenario '{scenario_id}', which is not under scenarios/",
                                   named_in, hint=f"{NAME_IT}; {_known_hint()}")], usage=True)
    return found


def with_parameters(scenario: CompiledScenario, values: dict[str, float]) -> CompiledScenario:
    """The same scenario compiled with some parameter values replaced (for sensitivity analysis).
    Expressions whose parameters keep their values are reused from earlier variants (the scenario's
    `memo`), so a sweep recompiles only what a parameter changes."""
    params = dict(scenario.model.parameters)
    for name, value in values.items():
        if name not in params:
            raise KeyError(f"unknown parameter '{name}'")
        params[name] = params[name].model_copy(update={"value": value, "range": None})
    model = scenario.model.model_copy(update={"parameters": params})
    compiler = Compiler(model, scenario.located, scenario.path, scenario.memo)
    compiled = compiler.compile()
    if compiled is None:
        raise SimError(compiler.diags)
    compiled.located, compiled.text = scenario.located, scenario.text
    return compiled
