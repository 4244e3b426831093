"""A scenario compiled for play and analysis: states are tuples, expressions are functions."""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool, create_model

from sim.model import ChanceNode, DecisionNode, EndNode, EnumVariable, IntVariable, Scenario

StateTuple = tuple


class EvaluationError(ArithmeticError):
    """An expression failed while being evaluated (for example a division by zero, or no route applies)."""


class ScoreError(EvaluationError):
    """An objective's score cannot be computed in a state, or is not a finite number."""

    def __init__(self, objective: str, reason: str):
        super().__init__(reason)
        self.objective = objective


def checked_score(objective: str, fn: Callable[[StateTuple], float]) -> Callable[[StateTuple], float]:
    """A score function that gives a finite float or raises ScoreError (never NaN, inf or a bare error)."""

    def score(s: StateTuple) -> float:
        try:
            value = float(fn(s))
        except ArithmeticError as exc:
            raise ScoreError(objective, str(exc)) from None
        if not math.isfinite(value):
            raise ScoreError(objective, f"it is {value}, not a number")
        return value

    score.python = getattr(fn, "python", None)  # the expression's source, for the analysis's array path
    return score


@dataclass
class Guard:
    """One condition of an option's guard, with the variables it reads (to explain a lock)."""

    fn: Callable[[StateTuple], bool]
    source: str
    names: tuple[str, ...]


@dataclass
class Move:
    """An option of a decision node or an outcome of a chance node."""

    id: str
    label: str
    model: object
    path: tuple
    guards: list[Guard] = field(default_factory=list)
    effect: Callable[[StateTuple], StateTuple] | None = None
    targets: tuple[int, ...] = ()
    writes: dict[int, str] = field(default_factory=dict)
    routes: list[tuple[Callable[[StateTuple], bool] | None, int]] = field(default_factory=list)
    probability: Callable[[StateTuple], float] | None = None

    def allowed(self, s: StateTuple) -> bool:
        return all(g.fn(s) for g in self.guards)

    def apply(self, s: StateTuple) -> StateTuple:
        return self.effect(s) if self.effect is not None else s

    def next_node(self, s: StateTuple) -> int:
        for when, node in self.routes:
            if when is None or when(s):
                return node
        raise EvaluationError(f"no route of '{self.id}' applies in this state")


@dataclass
class Node:
    id: str
    index: int
    kind: Literal["decision", "chance", "end"]
    model: DecisionNode | ChanceNode | EndNode
    path: tuple
    moves: list[Move] = field(default_factory=list)

    def move(self, move_id: str) -> Move | None:
        for m in self.moves:
            if m.id == move_id:
                return m
        return None


class StateBase(BaseModel):
    """Base of each scenario's state model: immutable, and only valid values can be built."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)


def build_state_model(scenario: Scenario) -> type[StateBase]:
    """A pydantic model with one constrained field per scenario variable."""
    fields: dict[str, object] = {}
    for name, var in scenario.variables.items():
        if isinstance(var, IntVariable):
            fields[name] = (int, Field(ge=var.min, le=var.max, description=var.label))
        elif isinstance(var, EnumVariable):
            fields[name] = (Literal[tuple(var.values)], Field(description=var.label))
        else:
            fields[name] = (StrictBool, Field(description=var.label))
    return create_model(f"State_{scenario.id.replace('-', '_')}", __base__=StateBase, **fields)


@dataclass
class CompiledScenario:
    """Everything the engine, checker and analysis need, precomputed once at load time.

    `memo` holds what was compiled or translated from the scenario's expressions, shared with its
    variants (`with_parameters`) so that a sweep over a parameter redoes only what the parameter
    changes."""

    model: Scenario
    path: Path
    var_names: tuple[str, ...]
    initial: StateTuple
    nodes: list[Node]
    start: int
    objectives: list[tuple[str, Callable[[StateTuple], float]]]
    state_model: type[StateBase]
    content_hash: str
    documents: dict[str, Path]
    in_domain: Callable[[StateTuple], bool]
    located: object = None
    text: str = ""
    reads: frozenset[str] = frozenset()
    parameter_uses: frozenset[str] = frozenset()
    conditions: dict[tuple, Callable[[StateTuple], bool]] = field(default_factory=dict, repr=False)
    memo: dict = field(default_factory=dict, repr=False, compare=False)
    node_index: dict[str, int] = field(init=False)

    def __post_init__(self) -> None:
        self.node_index = {n.id: n.index for n in self.nodes}

    @property
    def id(self) -> str:
        return self.model.id

    def node(self, node_id: str) -> Node:
        return self.nodes[self.node_index[node_id]]

    def state_dict(self, s: StateTuple) -> dict[str, object]:
        return dict(zip(self.var_names, s, strict=True))

    def to_state(self, s: StateTuple) -> StateBase:
        """Validate a state tuple into the scenario's immutable pydantic state."""
        return self.state_model(**self.state_dict(s))

    def scores(self, s: StateTuple) -> dict[str, float]:
        return {name: float(fn(s)) for name, fn in self.objectives}

    def weights(self, perspective: str) -> dict[str, float]:
        """The perspective's weights, normalised to sum to 1 over the objectives."""
        raw = self.model.perspectives[perspective].weights
        total = float(sum(raw.values())) or 1.0
        return {name: raw.get(name, 0) / total for name, _ in self.objectives}

    def value(self, scores: dict[str, float], perspective: str) -> float:
        w = self.weights(perspective)
        return sum(w[k] * v for k, v in scores.items())

    def digest(self, s: StateTuple) -> str:
        return state_digest(self.state_dict(s))


def state_digest(state: dict[str, object]) -> str:
    """A short, stable fingerprint of a state."""
    text = json.dumps(state, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def content_hash(scenario: Scenario) -> str:
    """Fingerprint of a scenario's content, independent of formatting and comments."""
    text = scenario.model_dump_json()
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
