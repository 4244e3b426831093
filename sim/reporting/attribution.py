"""Judgment and luck, step by step: the value best play projects before and after each step of a path.

At a decision the change is the decision's own expected loss against the best option there (zero for a best
choice, never a gain): judgment. At a chance event the change is what the draw did against its expectation:
luck. The changes add up exactly to the difference between the game's outcome and best play from the start.
Every figure is the model's projection.
"""

from __future__ import annotations

from dataclasses import dataclass

from sim.analysis.cache import solution_at
from sim.analysis.policy import BEST, Weighting
from sim.analysis.projection import start_prior
from sim.reporting.played import Played
from sim.runtime import CompiledScenario


@dataclass(frozen=True)
class StepTerm:
    """One step: best play's projected value before it and after it."""

    index: int
    node: str
    title: str
    kind: str
    label: str
    before: float
    after: float

    @property
    def change(self) -> float:
        return self.after - self.before


@dataclass(frozen=True)
class Attribution:
    """Best play's value from the start, each step's change, and the game's outcome (their sum)."""

    start: float
    terms: tuple[StepTerm, ...]
    final: float

    @property
    def judgment(self) -> float:
        """What the decisions cost against best play (zero or less)."""
        return sum(t.change for t in self.terms if t.kind == "decision")

    @property
    def luck(self) -> float:
        """What chance did against its expectation, summed over the draws."""
        return sum(t.change for t in self.terms if t.kind == "chance")


def best_value(sc: CompiledScenario, node: int, state: tuple, weighting: Weighting) -> float:
    """The final weighted value best play projects from a position, scores already settled there included."""
    sol, i = solution_at(sc, node, tuple(state), weighting, BEST)
    return start_prior(sol, node, tuple(state)).mean + sol.value[i]


def attribute(sc: CompiledScenario, game: Played, weighting: Weighting) -> Attribution:
    """The step-by-step account of a finished game under a weighting (AnalysisError if it cannot be solved)."""
    values = [best_value(sc, sc.node_index[ps.step.node], ps.walked.before, weighting) for ps in game.steps]
    final = sum(w * v for w, v in zip(weighting.vector, sc.scores(game.walk.final).values(), strict=True))
    after = values[1:] + [final]
    terms = tuple(StepTerm(ps.index, ps.step.node, sc.node(ps.step.node).model.title or ps.step.node, ps.step.kind,
                           ps.step.label, before, later)
                  for ps, before, later in zip(game.steps, values, after, strict=True))
    return Attribution(values[0] if values else final, terms, final)
