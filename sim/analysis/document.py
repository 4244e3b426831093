"""The whole analysis of a position as one plain, JSON-ready document (see docs/analysis.md)."""

from __future__ import annotations

import math

from sim.analysis.cache import solution_at
from sim.analysis.frontier import frontier
from sim.analysis.montecarlo import monte_carlo
from sim.analysis.policy import Weighting, check_policy
from sim.analysis.projection import start_prior
from sim.analysis.report import build_report
from sim.analysis.sensitivity import sensitivity
from sim.runtime import CompiledScenario

FORMAT, VERSION = "sim-analysis", 1
NOTE = ("Every figure is the model's projection from the scenario's declared numbers and assumptions, "
        "not a forecast.")


def finite(data):
    """The same data with non-finite numbers replaced by None (JSON has no infinity)."""
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite(v) for v in data]
    return data


def analysis_document(sc: CompiledScenario, node: int, state: tuple, weighting: Weighting,
                      raw_weights: dict[str, float], policy: str, *, with_sensitivity: bool = False,
                      with_frontier: bool = False, montecarlo_runs: int = 0, seed: int = 0,
                      origin: dict | None = None) -> dict:
    """Analyse the position (node, state) under a weighting and a policy, with the optional studies."""
    check_policy(sc, policy)
    state = tuple(state)
    sol, i = solution_at(sc, node, state, weighting, policy)
    prior = start_prior(sol, node, state)
    report = build_report(sol, i, prior)
    doc = {
        "format": FORMAT, "version": VERSION, "note": NOTE,
        "scenario": {"id": sc.id, "title": sc.model.title, "version": sc.model.version, "hash": sc.content_hash},
        "position": {"node": sc.nodes[node].id, "state": sc.state_dict(state), **(origin or {})},
        "weighting": {"name": weighting.name, "label": weighting.label, "weights": weighting.as_dict(sc)},
        "policy": policy,
        "value": prior.mean + sol.value[i],
        **report,
        "sensitivity": sensitivity(sol, i, state, raw_weights) if with_sensitivity else None,
        "frontier": frontier(sol, i, prior) if with_frontier else None,
        "montecarlo": monte_carlo(sol, i, prior, montecarlo_runs, seed) if montecarlo_runs > 0 else None,
    }
    return finite(doc)
