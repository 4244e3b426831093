"""Replay files: a playthrough recorded as versioned JSON, re-run and verified step by step."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError

from sim.atomic import write_atomic
from sim.diagnostics import Diagnostic, SimError, attach_source
from sim.engine import MAX_STEPS, Game, GameError, Step
from sim.files import read_text
from sim.jsonsource import locate, parse_json
from sim.model import Basis, Citation, ScenarioId
from sim.runtime import CompiledScenario
from sim.terminal import replaced
from sim.validation import MAX_SHOWN, data_path, diagnostics_from_validation

REPLAY_FORMAT = "sim-replay"
REPLAY_VERSION = 1
NAME_CHARS = 200
Name = Annotated[str, Field(max_length=NAME_CHARS)]
Shown = AfterValidator(replaced)
"""Text a replay carries for people to read (notes, rationales, the player's name): its control characters are
replaced when it is read, so nothing in a replay can drive the terminal it is shown in."""


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScenarioRef(_Frozen):
    id: ScenarioId
    version: Name
    hash: Name


class ReplayStep(_Frozen):
    """One recorded move; `digest` fingerprints the state after it."""

    node: Name
    kind: Literal["decision", "chance"]
    choice: Name
    digest: Annotated[str, Field(max_length=64)]
    probability: float | None = None
    forced: bool = False
    at: dt.datetime | None = None
    note: Annotated[str, Field(max_length=10_000), Shown] | None = None
    rationale: Annotated[str, Field(max_length=10_000), Shown] | None = None
    forecasts: dict[Name, Annotated[float, Field(ge=0, le=1)]] = Field(default_factory=dict, max_length=50)
    basis: Basis | None = Field(None, description="On a reference line's replay: what the step rests on.")
    citations: list[Citation] = Field(default_factory=list, max_length=20,
                                      description="On a reference line's replay: the passages the step rests on.")


class ReplayFinal(_Frozen):
    node: Name
    digest: Annotated[str, Field(max_length=64)]
    scores: dict[Name, float] = Field(max_length=100)


class Replay(_Frozen):
    """A whole replay file."""

    format: Literal["sim-replay"] = REPLAY_FORMAT
    version: Literal[1] = REPLAY_VERSION
    scenario: ScenarioRef
    seed: int = Field(ge=0, le=2**63)
    perspective: Name | None = None
    player: Annotated[Name, Shown] | None = None
    line: Name | None = Field(None, description="The scenario's reference line this replay follows, if any.")
    created: dt.datetime | None = None
    steps: list[ReplayStep] = Field(default_factory=list, max_length=MAX_STEPS)
    final: ReplayFinal | None = None


def clean_player(name: str | None) -> str | None:
    """A player's name as a replay keeps it: control characters removed, surrounding whitespace stripped, at most
    200 characters; None when nothing is left."""
    if name is None:
        return None
    kept = "".join(c for c in name if unicodedata.category(c) not in ("Cc", "Zl", "Zp"))
    return kept.strip()[:NAME_CHARS].rstrip() or None


def _step(s: Step) -> ReplayStep:
    return ReplayStep(node=s.node, kind=s.kind, choice=s.choice, digest=s.digest, probability=s.probability,
                      forced=s.forced, at=s.at, note=s.note)


def from_game(game: Game, player: str | None = None, extra: dict[int, dict] | None = None,
              line: str | None = None) -> Replay:
    """Record the current line of a game (its path from the start to the current position); `line` names the
    reference line it follows, whose provenance each step then carries."""
    sc = game.scenario
    reference = sc.model.lines.get(line) if line is not None else None
    steps = []
    for i, s in enumerate(game.history()):
        rs = _step(s)
        if reference is not None:
            basis = reference.basis_at(s.node)
            rs = rs.model_copy(update={"basis": basis.basis, "citations": list(basis.citations)})
        if extra and i in extra:
            rs = rs.model_copy(update=extra[i])
        steps.append(rs)
    final = None
    if game.is_over():
        final = ReplayFinal(node=game.node.id, digest=sc.digest(game.position.state),
                            scores={k: round(v, 6) for k, v in game.scores().items()})
    return Replay(scenario=ScenarioRef(id=sc.id, version=sc.model.version, hash=sc.content_hash),
                  seed=game.seed, perspective=game.perspective, player=player, line=line,
                  created=dt.datetime.now(dt.UTC).replace(microsecond=0), steps=steps, final=final)


def dumps(replay: Replay) -> str:
    return json.dumps(replay.model_dump(mode="json", exclude_none=True), indent=2, ensure_ascii=False) + "\n"


def save(replay: Replay, path: str | Path) -> None:
    """Write a replay atomically."""
    write_atomic(path, dumps(replay))


def located_errors(exc: ValidationError, text: str, data: object, shown: str, model) -> list[Diagnostic]:
    """Located diagnostics of a JSON file's validation errors (the first MAX_SHOWN of them, then a count)."""
    errors = exc.errors(include_url=False)
    paths = list(dict.fromkeys(data_path(tuple(e["loc"]), data)[0] for e in errors))[:MAX_SHOWN]
    located = locate(text, data, paths)
    return attach_source(diagnostics_from_validation(exc, located, shown, model), text)


def parse_replay(text: str, shown: str) -> Replay:
    """Parse replay JSON text; raise SimError with the line and column of each problem."""
    data = parse_json(text, shown, "a replay file is JSON written by 'sim run' or the TUI")
    if not isinstance(data, dict) or data.get("format") != REPLAY_FORMAT:
        raise SimError([Diagnostic("J002", "not a sim replay file (no \"format\": \"sim-replay\")", shown, 1, 1)])
    try:
        return Replay.model_validate(data)
    except ValidationError as exc:
        raise SimError(located_errors(exc, text, data, shown, Replay)) from None


def load_replay(path: str | Path) -> Replay:
    p = Path(path)
    return parse_replay(read_text(p), str(p))


@dataclass
class ReplayResult:
    """What re-running a replay gave: the game, the steps that applied, and the first problem."""

    game: Game
    applied: list[Step] = field(default_factory=list)
    problem: str | None = None
    problem_step: int | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def forced(self) -> list[int]:
        """The steps (counted from 1) whose chance outcome was chosen, not drawn by the seed."""
        return [i for i, s in enumerate(self.applied, start=1) if s.kind == "chance" and s.forced]

    @property
    def ok(self) -> bool:
        return self.problem is None


def step_problem(replay: Replay, scenario: CompiledScenario, recorded: ReplayStep, step: Step) -> str | None:
    """Why a re-run step does not match its recording: another state, an outcome recorded as drawn that the seed
    does not draw, or (on a reference line's replay) a step the line does not take or a provenance it does not
    give. None if it matches."""
    if step.digest != recorded.digest:
        return "state differs from the recording"
    if recorded.kind == "chance" and not recorded.forced and step.forced:
        return "the seeded draw gives a different outcome than the recorded one"
    if replay.line is None:
        if recorded.basis is not None or recorded.citations:
            return "the step records a provenance, but the replay follows no reference line"
        return None
    line = scenario.model.lines.get(replay.line)
    if line is None:
        return f"the replay follows the line '{replay.line}', which the scenario does not have"
    taken = line.choices.get(recorded.node) if recorded.kind == "decision" else line.outcomes.get(recorded.node)
    if recorded.kind == "decision" and taken != recorded.choice:
        return f"the line '{replay.line}' takes '{taken}' here, not '{recorded.choice}'"
    if recorded.kind == "chance" and step.forced and taken != recorded.choice:
        return f"the outcome '{recorded.choice}' was not drawn, and the line '{replay.line}' does not fix it"
    basis = line.basis_at(recorded.node)
    if recorded.basis != basis.basis or list(recorded.citations) != list(basis.citations):
        return f"the provenance recorded for this step is not what the line '{replay.line}' says"
    return None


def forced_by_player(replay: Replay, steps: list[Step]) -> list[int]:
    """The steps (counted from 1) whose chance outcome the player chose rather than the seed drew: every forced
    outcome except those fixed by the reference line the replay follows."""
    return [i for i, s in enumerate(steps, start=1) if s.kind == "chance" and s.forced and replay.line is None]


def run_replay(replay: Replay, scenario: CompiledScenario, verify: bool = True) -> ReplayResult:
    """Re-run a replay on a scenario. Steps are applied until one no longer applies or matches."""
    perspective = replay.perspective if replay.perspective in scenario.model.perspectives else None
    game = Game(scenario, seed=replay.seed, perspective=perspective)
    result = ReplayResult(game)
    if replay.scenario.id != scenario.id:
        result.problem = f"replay is of scenario '{replay.scenario.id}', not '{scenario.id}'"
        return result
    if replay.scenario.hash != scenario.content_hash:
        result.warnings.append(f"scenario has changed since the replay was made (version {replay.scenario.version} "
                               f"then, {scenario.model.version} now); replaying the steps that still apply")
    if replay.perspective and perspective is None:
        result.warnings.append(f"perspective '{replay.perspective}' no longer exists; using '{game.perspective}'")
    for i, rs in enumerate(replay.steps, start=1):
        where = f"step {i} ({rs.node}: {rs.choice})"
        if game.node.id != rs.node:
            result.problem, result.problem_step = f"{where}: the game is at '{game.node.id}', not '{rs.node}'", i
            return result
        try:
            if rs.kind == "decision":
                step = game.choose(rs.choice, note=rs.note, at=rs.at)
            else:
                step = game.resolve(rs.choice, at=rs.at, note=rs.note)
        except GameError as exc:
            result.problem, result.problem_step = f"{where}: {exc}", i
            return result
        result.applied.append(step)
        problem = step_problem(replay, scenario, rs, step) if verify else None
        if problem is not None:
            result.problem, result.problem_step = f"{where}: {problem}", i
            return result
    if verify and replay.final is not None:
        if not game.is_over():
            result.problem = f"the replay ends at '{replay.final.node}' but the game is at '{game.node.id}'"
        elif game.node.id != replay.final.node or scenario.digest(game.position.state) != replay.final.digest:
            result.problem = "the final state differs from the recording"
        else:
            scores = game.scores()
            for k, v in replay.final.scores.items():
                if k not in scores or abs(scores[k] - v) > 1e-6:
                    result.problem = f"final score '{k}' is {scores.get(k)} now, {v} in the recording"
                    break
    return result
