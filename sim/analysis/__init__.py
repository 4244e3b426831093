"""Exact decision analysis of scenarios: projections, sensitivity, frontiers and Monte Carlo checks.

Every figure here is the model's projection from the scenario's declared numbers, not a forecast.
"""

from sim.analysis.errors import AnalysisError
from sim.analysis.policy import Weighting, custom_weighting, perspective_weighting
from sim.analysis.projection import (
    OptionProjection,
    OutcomeProjection,
    PositionProjection,
    analyze_position,
    project_chance,
    project_options,
)

__all__ = [
    "AnalysisError",
    "OptionProjection",
    "OutcomeProjection",
    "PositionProjection",
    "Weighting",
    "analyze_position",
    "custom_weighting",
    "perspective_weighting",
    "project_chance",
    "project_options",
]
