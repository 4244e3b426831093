"""The game: a scenario being played, with seeded chance, undo and a tree of explored lines.

The API follows python-chess's `Board` in spirit: `legal_options()`, `choose()`, `resolve()`
for chance, `undo()`, `is_over()`, `scores()`. Every variable change records its cause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, ValidationError

from sim.runtime import (
    CompiledScenario,
    EvaluationError,
    Move,
    Node,
    ScoreError,
    StateBase,
    StateTuple,
)

MAX_STEPS = 10_000
"""The longest game: a move past it is refused, so a loop of chance events cannot run for ever."""


class GameError(Exception):
    """A move that cannot be made here (unknown, locked, wrong kind of node, game over)."""


class StuckError(GameError):
    """Play cannot go on because of the scenario, not the move: a loop that never ends, or an ending whose score
    cannot be computed (`sim check` reports both)."""


class Change(BaseModel):
    """One variable changed by one option or outcome."""

    model_config = ConfigDict(frozen=True)
    variable: str
    old: int | bool | str
    new: int | bool | str
    cause: str
    node: str


class Step(BaseModel):
    """One move of a game: a decision taken or a chance outcome that happened."""

    model_config = ConfigDict(frozen=True)
    node: str
    kind: str
    choice: str
    label: str
    changes: tuple[Change, ...] = ()
    probability: float | None = None
    forced: bool = False
    next_node: str
    digest: str
    at: dt.datetime | None = None
    note: str | None = None


class OptionStatus(BaseModel):
    """An option at the current decision, open or locked (with the reason)."""

    model_config = ConfigDict(frozen=True)
    id: str
    label: str
    legal: bool
    reason: str | None = None


@dataclass(eq=False)
class Position:
    """A point in the tree of explored lines (like a PGN variation node)."""

    node: int
    state: StateTuple
    parent: Position | None = None
    step: Step | None = None
    children: dict[str, Position] = field(default_factory=dict)
    depth: int = field(init=False)

    def __post_init__(self) -> None:
        self.depth = 0 if self.parent is None else self.parent.depth + 1

    def path(self) -> list[Position]:
        """Positions from the root to here."""
        out, p = [], self
        while p is not None:
            out.append(p)
            p = p.parent
        return out[::-1]


def draw(seed: int, depth: int, node_id: str) -> float:
    """A uniform number in [0, 1) fixed by seed, depth and node: the same on every Python version."""
    digest = hashlib.sha256(f"sim-draw:{seed}:{depth}:{node_id}".encode()).digest()
    return int.from_bytes(digest[:7], "big") / 2**56


def _fmt(v: object) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def pick(probabilities: list[float], u: float) -> int:
    """Index chosen by `u` from cumulative probabilities, never an outcome of probability 0."""
    total = 0.0
    last = None
    for i, p in enumerate(probabilities):
        if p <= 0:
            continue
        last = i
        total += p
        if u < total:
            return i
    if last is None:
        raise GameError("no outcome of this chance node has a positive probability")
    return last


class Game:
    """A scenario in play from its start, with a seed for chance."""

    def __init__(self, scenario: CompiledScenario, seed: int = 0, perspective: str | None = None,
                 node: int | None = None, state: StateTuple | None = None):
        """Start at the scenario's start, or (for analysis) at a given node index and state tuple."""
        self.scenario = scenario
        self.seed = seed
        if perspective is not None and perspective not in scenario.model.perspectives:
            raise GameError(f"unknown perspective '{perspective}' "
                            f"(known: {', '.join(scenario.model.perspectives)})")
        self.perspective = perspective or next(iter(scenario.model.perspectives))
        self.root = Position(scenario.start if node is None else node,
                             scenario.initial if state is None else tuple(state))
        self.position = self.root

    @property
    def node(self) -> Node:
        return self.scenario.nodes[self.position.node]

    @property
    def state(self) -> StateBase:
        return self.scenario.to_state(self.position.state)

    def is_over(self) -> bool:
        return self.node.kind == "end"

    def history(self) -> list[Step]:
        return [p.step for p in self.position.path() if p.step is not None]

    def _reason(self, move: Move, s: StateTuple) -> str | None:
        failing = []
        for g in move.guards:
            try:
                ok = g.fn(s)
            except ArithmeticError:
                ok = False
            if not ok:
                values = ", ".join(f"{n} = {_fmt(s[self.scenario.var_names.index(n)])}" for n in g.names)
                failing.append(f"requires {g.source}" + (f" (now {values})" if values else ""))
        if not failing:
            return None
        reason = "; ".join(failing)
        locked = getattr(move.model, "locked_reason", None)
        return f"{locked} [{reason}]" if locked else reason

    def legal_options(self) -> list[OptionStatus]:
        """Every option of the current decision, open or locked with the failing guard and values."""
        if self.node.kind != "decision":
            return []
        s = self.position.state
        out = []
        for m in self.node.moves:
            reason = self._reason(m, s)
            out.append(OptionStatus(id=m.id, label=m.label, legal=reason is None, reason=reason))
        return out

    def chance_outcomes(self) -> list[tuple[str, float]]:
        """The outcomes of the current chance node with their probabilities in this state."""
        if self.node.kind != "chance":
            return []
        try:
            return [(m.id, float(m.probability(self.position.state))) for m in self.node.moves]
        except ArithmeticError as exc:
            raise GameError(f"probability of '{self.node.id}' cannot be computed: {exc}") from None

    def _advance(self, move: Move, kind: str, probability: float | None, forced: bool,
                 note: str | None, at: dt.datetime | None) -> Step:
        pos = self.position
        s = pos.state
        node = self.node
        if pos.depth >= MAX_STEPS:
            raise StuckError(f"the game has gone on for {MAX_STEPS:,} steps without ending, at '{node.id}'; "
                            "a loop of the scenario may never end ('sim check' reports it as C106)")
        try:
            new = move.apply(s)
            nxt = move.next_node(new)
        except (ArithmeticError, EvaluationError) as exc:
            raise GameError(f"'{move.id}' at '{node.id}' cannot be applied: {exc}") from None
        try:
            self.scenario.to_state(new)
        except ValidationError as exc:
            bad = exc.errors(include_url=False)[0]
            raise GameError(f"'{move.id}' at '{node.id}' would set {bad['loc'][0]} to {bad['input']!r}: "
                            f"{bad['msg']}") from None
        ending = self.scenario.nodes[nxt]
        if ending.kind == "end":
            try:
                self.scenario.scores(new)
            except ScoreError as exc:
                raise StuckError(f"'{move.id}' at '{node.id}' leads to the ending '{ending.id}', where the score of "
                                f"'{exc.objective}' cannot be computed: {exc}") from None
        names = self.scenario.var_names
        changes = tuple(Change(variable=names[i], old=s[i], new=new[i], cause=move.id, node=node.id)
                        for i in range(len(s)) if s[i] != new[i] or type(s[i]) is not type(new[i]))
        step = Step(node=node.id, kind=kind, choice=move.id, label=move.label, changes=changes,
                    probability=probability, forced=forced, next_node=self.scenario.nodes[nxt].id,
                    digest=self.scenario.digest(new), at=at, note=note)
        child = pos.children.get(move.id)
        if child is None or child.step.note != note or child.step.forced != forced:
            child = Position(nxt, new, pos, step)
            pos.children[move.id] = child
        self.position = child
        return step

    def choose(self, option_id: str, note: str | None = None, at: dt.datetime | None = None) -> Step:
        """Take an open option of the current decision."""
        node = self.node
        if node.kind != "decision":
            raise GameError(f"'{node.id}' is a {node.kind} node, not a decision")
        move = node.move(option_id)
        if move is None:
            raise GameError(f"'{node.id}' has no option '{option_id}' "
                            f"(options: {', '.join(m.id for m in node.moves)})")
        reason = self._reason(move, self.position.state)
        if reason is not None:
            raise GameError(f"option '{option_id}' is locked: {reason}")
        return self._advance(move, "decision", None, False, note, at)

    def resolve(self, outcome_id: str | None = None, at: dt.datetime | None = None,
                note: str | None = None) -> Step:
        """Resolve the current chance node by the seeded draw, or force a given outcome."""
        node = self.node
        if node.kind != "chance":
            raise GameError(f"'{node.id}' is a {node.kind} node, not a chance event")
        probs = self.chance_outcomes()
        if outcome_id is None:
            index = pick([p for _, p in probs], draw(self.seed, self.position.depth, node.id))
            forced = False
        else:
            ids = [i for i, _ in probs]
            if outcome_id not in ids:
                raise GameError(f"'{node.id}' has no outcome '{outcome_id}' (outcomes: {', '.join(ids)})")
            index = ids.index(outcome_id)
            if probs[index][1] <= 0:
                raise GameError(f"outcome '{outcome_id}' of '{node.id}' has probability 0 in this state")
            forced = index != pick([p for _, p in probs], draw(self.seed, self.position.depth, node.id))
        return self._advance(node.moves[index], "chance", probs[index][1], forced, note, at)

    def play(self, option_id: str, note: str | None = None, at: dt.datetime | None = None) -> list[Step]:
        """Choose an option, then resolve the chance events that follow, up to the next decision or end."""
        steps = [self.choose(option_id, note, at)]
        while self.node.kind == "chance":
            steps.append(self.resolve(at=at))
        return steps

    def undo(self) -> bool:
        """Go back to before the last decision (and the chance events after it); the line stays as a branch."""
        p = self.position
        while p.parent is not None:
            p = p.parent
            if self.scenario.nodes[p.node].kind == "decision":
                self.position = p
                return True
        if self.position is not self.root:
            self.position = self.root
            return True
        return False

    def goto(self, position: Position) -> None:
        """Jump to any explored position of this game's tree."""
        root = position.path()[0]
        if root is not self.root:
            raise GameError("that position belongs to another game")
        self.position = position

    def lines(self) -> list[Position]:
        """The end of every explored line (the leaves of the tree), in the order they were explored."""
        out, stack = [], [self.root]
        while stack:
            p = stack.pop()
            if not p.children:
                out.append(p)
            stack.extend(reversed(list(p.children.values())))
        return out

    def scores(self) -> dict[str, float]:
        """Each objective's score (0-100) of the current state."""
        return self.scenario.scores(self.position.state)

    def value(self, perspective: str | None = None) -> float:
        """The weighted score of the current state under a perspective (default: the game's)."""
        return self.scenario.value(self.scores(), perspective or self.perspective)
