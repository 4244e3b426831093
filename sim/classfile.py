"""Class settings: a small YAML file an instructor hands out, fixing what every student plays.

    format: 1
    title: "Seminar 4: the Peruvian coup"
    scenario: peru-1962            # an id under scenarios/, or a file or folder inside this file's folder
    perspective: state_department  # default: the scenario's first
    seed: 1962                     # the same chance draws for everyone
    blind: true                    # no projections until the debrief
    documents: [d420, d421, d423]  # or "all" (the default); the others stay closed until the debrief
    forced_outcomes: refuse        # a replay whose chance outcomes were chosen, not drawn: flag (default) or refuse
    forecast_odds: false           # show the model's odds beside the forecast inputs (default false)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from sim.diagnostics import Diagnostic, SimError, attach_source
from sim.files import kind, read_text
from sim.loader import SCENARIO_ID, load_scenario, resolve_scenario, scenario_by_id, scenario_roots
from sim.model import Id, ShortText
from sim.runtime import CompiledScenario
from sim.validation import diagnostics_from_validation
from sim.yamlsource import Located, parse_yaml


class ClassSettings(BaseModel):
    """The contents of a class file."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal[1] = 1
    title: ShortText = ""
    scenario: Annotated[str, Field(min_length=1, max_length=500)] = Field(
        description="A scenario id under scenarios/, or a scenario file or folder inside the class file's folder.")
    perspective: Id | None = None
    seed: StrictInt = Field(0, ge=0, le=2**63)
    blind: StrictBool = False
    documents: Literal["all"] | Annotated[list[Id], Field(max_length=500)] = "all"
    forecast_odds: StrictBool = Field(
        False, description="Whether the forecast dialog shows the model's odds beside the students' inputs (never "
        "in blind play). Without it a forecast is the student's own.")
    forced_outcomes: Literal["flag", "refuse"] = Field(
        "flag", description="What `sim report --class` does with a replay whose chance outcomes the student chose "
        "instead of drawing them: flag it in the report, or refuse it (listed with the files left out).")


@dataclass(frozen=True)
class ClassFile:
    """A class file with its scenario loaded and checked against it."""

    settings: ClassSettings
    path: Path
    scenario_path: Path
    scenario: CompiledScenario

    @property
    def perspective(self) -> str:
        return self.settings.perspective or next(iter(self.scenario.model.perspectives))

    @property
    def shown_documents(self) -> set[str]:
        docs = self.scenario.model.sources.documents
        return set(docs) if self.settings.documents == "all" else set(self.settings.documents)

    @property
    def hidden_documents(self) -> set[str]:
        return set(self.scenario.model.sources.documents) - self.shown_documents

    def document_shown(self, doc: str) -> bool:
        """Whether the class lets students read a document during play (dates still apply)."""
        return doc in self.shown_documents

    def play_arguments(self) -> list[str]:
        """The `sim play` arguments that start a game with these settings."""
        args = [str(self.scenario_path.resolve()), "--seed", str(self.settings.seed), "--perspective", self.perspective]
        return args + (["--blind"] if self.settings.blind else [])


def parse_class(text: str, shown: str) -> tuple[ClassSettings, Located]:
    """Parse class file text; raise SimError with the line and column of each problem."""
    located, diags = parse_yaml(text, shown)
    if located is None:
        raise SimError(attach_source(diags, text))
    if not isinstance(located.data, dict):
        raise SimError(attach_source([Diagnostic("S003", "a class file must be a mapping of keys (scenario, seed, ...)",
                                                 shown, 1, 1)], text))
    try:
        return ClassSettings.model_validate(located.data), located
    except ValidationError as exc:
        raise SimError(attach_source(diagnostics_from_validation(exc, located, shown, ClassSettings), text)) from None


def _scenario_path(settings: ClassSettings, base: Path) -> Path:
    """The scenario a class file names: an id under the scenario roots, or a file or folder inside the class
    file's folder (or a scenario root); SimError otherwise."""
    named = settings.scenario
    near = base / named
    if SCENARIO_ID.fullmatch(named) and kind(near) == "missing":
        return scenario_by_id(named, str(base))
    target = near.resolve()
    allowed = [base.resolve(), *(root.resolve() for root in scenario_roots())]
    if not any(target.is_relative_to(folder) for folder in allowed):
        raise OutsideError()
    return resolve_scenario(str(near))


class OutsideError(Exception):
    """The class file names a scenario outside its folder and the scenario roots."""


def load_class(path: str | Path) -> ClassFile:
    """Read a class file, load its scenario and check the perspective and documents it names."""
    p = Path(path)
    text = read_text(p)
    shown = str(p)
    settings, located = parse_class(text, shown)

    def problem(code: str, message: str, where: tuple, hint: str | None = None) -> Diagnostic:
        span = located.span(where)
        return Diagnostic(code, message, shown, span.line if span else 0, span.col if span else 0, hint)

    try:
        scenario_path = _scenario_path(settings, p.parent)
    except OutsideError:
        raise SimError(attach_source([problem("K004", f"scenario '{settings.scenario}' lies outside the class "
                                              "file's folder and scenarios/", ("scenario",),
                                              "name the scenario by its id, or put it beside the class file")],
                                     text), usage=True) from None
    except SimError as exc:
        hint = exc.diagnostics[0].hint or "an id under scenarios/, or a path relative to the class file"
        raise SimError(attach_source([problem("K001", f"scenario '{settings.scenario}' not found", ("scenario",),
                                              hint)], text), usage=True) from None
    scenario = load_scenario(scenario_path)
    diags = []
    perspectives = scenario.model.perspectives
    if settings.perspective is not None and settings.perspective not in perspectives:
        diags.append(problem("K002", f"'{settings.perspective}' is not a perspective of {scenario.id}",
                             ("perspective",), f"perspectives: {', '.join(perspectives)}"))
    if settings.documents != "all":
        known = scenario.model.sources.documents
        for k, doc in enumerate(settings.documents):
            if doc not in known:
                diags.append(problem("K003", f"'{doc}' is not a document of {scenario.id}", ("documents", k),
                                     f"documents: {', '.join(known)}"))
    if diags:
        raise SimError(attach_source(diags, text))
    return ClassFile(settings, p, scenario_path, scenario)
