"""A replay re-run on its scenario: every step with the states around it and the chances it was drawn from."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine import Game, GameError, Step, draw, pick
from sim.replay import Replay, ReplayStep, forced_by_player, run_replay, step_problem
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

    @property
    def forced(self) -> list[PlayedStep]:
        """The chance steps whose outcome the player chose instead of the seed's draw."""
        chosen = set(forced_by_player(self.replay, [ps.step for ps in self.steps]))
        return [ps for ps in self.steps if ps.index in chosen]


def chances_at(sc: CompiledScenario, node: int, state: tuple) -> dict[str, float]:
    """The probability of each outcome of a chance node in a state (negative figures read as 0)."""
    out = {}
    for m in sc.nodes[node].moves:
        try:
            out[m.id] = max(0.0, float(m.probability(state)))
        except ArithmeticError:
            out[m.id] = 0.0
    return out


def walk_game(game: Game, problem: str | None = None, warnings: tuple[str, ...] = (),
              known: dict[tuple, dict[str, float]] | None = None) -> Walk:
    """The walk of a game's current line, from its start to its current position (`known` keeps the chances
    already worked out, by position)."""
    sc = game.scenario
    path = game.position.path()
    known = {} if known is None else known
    steps = []
    for before, after in zip(path, path[1:], strict=False):
        chances = None
        if after.step.kind == "chance":
            key = (before.node, before.state)
            chances = known.get(key)
            if chances is None:
                chances = known[key] = chances_at(sc, before.node, before.state)
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


class Verifier:
    """Re-runs many replays of one scenario, checking them as `sim.replay.run_replay` does, but sharing the
    steps they have in common: states do not depend on the seed, so one tree of positions serves every
    replay, and only whether each chance outcome is the one the replay's seed draws is worked out per replay."""

    def __init__(self, sc: CompiledScenario):
        self.sc = sc
        self.game = Game(sc)
        self.chances: dict[tuple, dict[str, float]] = {}

    def walk(self, replay: Replay) -> Walk:
        sc = self.sc
        if replay.scenario.id != sc.id:
            return Walk((), None, sc.initial, f"replay is of scenario '{replay.scenario.id}', not '{sc.id}'")
        warnings = []
        if replay.scenario.hash != sc.content_hash:
            warnings.append(f"scenario has changed since the replay was made (version {replay.scenario.version} "
                            f"then, {sc.model.version} now); replaying the steps that still apply")
        if replay.perspective and replay.perspective not in sc.model.perspectives:
            warnings.append(f"perspective '{replay.perspective}' no longer exists; using "
                            f"'{next(iter(sc.model.perspectives))}'")
        game = self.game
        game.goto(game.root)
        problem, forced = self._steps(game, replay)
        if problem is None and replay.final is not None:
            problem = _final_problem(sc, game, replay)
        walk = walk_game(game, problem, tuple(warnings), self.chances)
        steps = tuple(w if w.step.forced == f else Walked(w.step.model_copy(update={"forced": f}), w.before, w.after,
                                                            w.chances)
                      for w, f in zip(walk.steps, forced, strict=False))
        return Walk(steps, walk.end, walk.final, walk.problem, walk.warnings)

    def _steps(self, game: Game, replay: Replay) -> tuple[str | None, list[bool]]:
        forced: list[bool] = []
        for i, rs in enumerate(replay.steps, start=1):
            where = f"step {i} ({rs.node}: {rs.choice})"
            if game.node.id != rs.node:
                return f"{where}: the game is at '{game.node.id}', not '{rs.node}'", forced
            drawn = None
            if rs.kind == "chance" and game.node.kind == "chance":
                outcomes = game.chance_outcomes()
                drawn = outcomes[pick([p for _, p in outcomes], draw(replay.seed, game.position.depth, rs.node))][0]
            child = game.position.children.get(rs.choice)
            if child is not None and child.step.kind == rs.kind and child.step.note is None:
                game.goto(child)
            else:
                try:
                    game.choose(rs.choice) if rs.kind == "decision" else game.resolve(rs.choice)
                except GameError as exc:
                    return f"{where}: {exc}", forced
            forced.append(drawn is not None and drawn != rs.choice)
            problem = step_problem(replay, self.sc, rs, game.position.step.model_copy(update={"forced": forced[-1]}))
            if problem is not None:
                return f"{where}: {problem}", forced
        return None, forced


def _final_problem(sc: CompiledScenario, game: Game, replay: Replay) -> str | None:
    final = replay.final
    if not game.is_over():
        return f"the replay ends at '{final.node}' but the game is at '{game.node.id}'"
    if game.node.id != final.node or sc.digest(game.position.state) != final.digest:
        return "the final state differs from the recording"
    scores = game.scores()
    for k, v in final.scores.items():
        if k not in scores or abs(scores[k] - v) > 1e-6:
            return f"final score '{k}' is {scores.get(k)} now, {v} in the recording"
    return None


def played(sc: CompiledScenario, replay: Replay, walk: Walk | None = None) -> Played:
    """A replay with its walk (given, for example from a cache, or computed)."""
    walk = walk or walk_replay(sc, replay)
    perspective = replay.perspective if replay.perspective in sc.model.perspectives else next(iter(sc.model.perspectives))
    steps = [PlayedStep(i, w, r) for i, (w, r) in enumerate(zip(walk.steps, replay.steps, strict=False), start=1)]
    return Played(replay, walk, perspective, steps)
