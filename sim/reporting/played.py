"""A replay re-run on its scenario: every step with the states around it and the chances it was drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine import Game, Step
from sim.replay import Replay, ReplayStep, run_replay
from sim.runtime import CompiledScenario


@dataclass(frozen=True)
class Walked:
    """One engine step: the state before and after it and, at a chance event, every outcome's probability."""

    step: Step
    before: tuple
    after: tuple
    chances: dict[str, float] | None


@dataclass(frozen=True)
class Walk:
    """What re-running a sequence of steps gave. It depends only on the steps, seed and scenario, so it is
    shared by every replay that recorded the same sequence."""

    steps: tuple[Walked, ...]
    end: int | None
    final: tuple
    problem: str | None = None
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def over(self) -> bool:
        return self.end is not None


@dataclass(frozen=True)
class PlayedStep:
    """A step as played (the engine's) beside what the player recorded with it (rationale, forecasts)."""

    index: int
    walked: Walked
    recorded: ReplayStep

    @property
    def step(self) -> Step:
        return self.walked.step


@dataclass
class Played:
    """A replay and its walk."""

    replay: Replay
    walk: Walk
    perspective: str
    steps: list[PlayedStep] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.walk.ok

    @property
    def over(self) -> bool:
        return self.walk.over


def chances_at(sc: CompiledScenario, node: int, state: tuple) -> dict[str, float]:
    """The probability of each outcome of a chance node in a state (negative figures read as 0)."""
    out = {}
    for m in sc.nodes[node].moves:
        try:
            out[m.id] = max(0.0, float(m.probability(state)))
        except ArithmeticError:
            out[m.id] = 0.0
    return out


def walk_game(game: Game, problem: str | None = None, warnings: tuple[str, ...] = ()) -> Walk:
    """The walk of a game's current line, from its start to its current position."""
    sc = game.scenario
    path = game.position.path()
    steps = []
    for before, after in zip(path, path[1:], strict=False):
        chances = chances_at(sc, before.node, before.state) if after.step.kind == "chance" else None
        steps.append(Walked(after.step, before.state, after.state, chances))
    end = game.position.node if game.is_over() else None
    return Walk(tuple(steps), end, game.position.state, problem, warnings)


def walk_key(replay: Replay) -> tuple:
    """What a walk depends on: the recorded steps and end, and the seed if any chance step was drawn by it."""
    steps = tuple((s.node, s.kind, s.choice, s.digest, s.forced) for s in replay.steps)
    drawn = any(s.kind == "chance" and not s.forced for s in replay.steps)
    final = (replay.final.node, replay.final.digest, tuple(sorted(replay.final.scores.items()))) if replay.final else None
    return (replay.scenario.id, steps, final, replay.seed if drawn else None)


def walk_replay(sc: CompiledScenario, replay: Replay) -> Walk:
    """Re-run and verify a replay; the walk covers the steps that applied."""
    result = run_replay(replay, sc, verify=True)
    return walk_game(result.game, result.problem, tuple(result.warnings))


def played(sc: CompiledScenario, replay: Replay, walk: Walk | None = None) -> Played:
    """A replay with its walk (given, for example from a cache, or computed)."""
    walk = walk or walk_replay(sc, replay)
    perspective = replay.perspective if replay.perspective in sc.model.perspectives else next(iter(sc.model.perspectives))
    steps = [PlayedStep(i, w, r) for i, (w, r) in enumerate(zip(walk.steps, replay.steps, strict=False), start=1)]
    return Played(replay, walk, perspective, steps)
