"""Load a scenario file: read, parse YAML with locations, validate, compile. One error type: SimError."""

from __future__ import annotations

from pathlib import Path

from pydantic import ValidationError

from sim.compiler import Compiler
from sim.diagnostics import Diagnostic, SimError, attach_source
from sim.model import Scenario
from sim.runtime import CompiledScenario
from sim.validation import diagnostics_from_validation
from sim.yamlsource import MAX_BYTES, parse_yaml

SCENARIO_FILE = "scenario.yaml"


def read_text(path: Path) -> str:
    """Read a user's file as UTF-8, or raise a usage SimError saying why it cannot be read."""
    try:
        if path.is_dir():
            raise SimError([Diagnostic("F001", "is a folder, not a file", str(path))], usage=True)
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise SimError([Diagnostic("F003", f"file is larger than {MAX_BYTES // (1024 * 1024)} MiB", str(path))],
                           usage=True)
        data = path.read_bytes()
    except FileNotFoundError:
        raise SimError([Diagnostic("F001", "no such file", str(path))], usage=True) from None
    except OSError as exc:
        raise SimError([Diagnostic("F001", f"cannot read file: {exc.strerror or exc}", str(path))], usage=True) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SimError([Diagnostic("F002", "file is not valid UTF-8 text", str(path), line, col,
                                   "save the file as UTF-8")]) from None


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
        if r.is_dir() and r.resolve() not in [o.resolve() for o in out]:
            out.append(r)
    return out


def find_scenarios() -> list[Path]:
    """Every `scenario.yaml` found one level under the scenario roots."""
    found = []
    for root in scenario_roots():
        found.extend(sorted(root.glob(f"*/{SCENARIO_FILE}")))
    return found


def resolve_scenario(arg: str) -> Path:
    """A SCENARIO argument: a file, a folder holding scenario.yaml, or the id of one under scenarios/."""
    p = Path(arg)
    if p.is_file():
        return p
    if p.is_dir():
        if (p / SCENARIO_FILE).is_file():
            return p / SCENARIO_FILE
        raise SimError([Diagnostic("F001", f"folder has no {SCENARIO_FILE}", arg)], usage=True)
    for root in scenario_roots():
        if (root / arg / SCENARIO_FILE).is_file():
            return root / arg / SCENARIO_FILE
    known = sorted({f.parent.name for f in find_scenarios()})
    hint = f"known scenarios: {', '.join(known)}" if known else "give a path to a scenario file"
    raise SimError([Diagnostic("F001", "no such scenario file, folder or id", arg, hint=hint)], usage=True)


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
