"""Monte Carlo playthroughs on the engine agree with the exact distribution within sampling error."""

from __future__ import annotations

import pytest

from sim.analysis.cache import solution_at
from sim.analysis.montecarlo import exact_distribution, monte_carlo, playthrough
from sim.analysis.policy import perspective_weighting
from sim.analysis.projection import start_prior


@pytest.mark.parametrize(("perspective", "policy"), [("state", "random"), ("caracas", "best"), ("state", "memo")])
def test_sample_mean_within_four_standard_errors(example, perspective, policy):
    sol, i = solution_at(example, example.start, example.initial, perspective_weighting(example, perspective), policy)
    result = monte_carlo(sol, i, start_prior(sol, example.start, example.initial), runs=1500, seed=11)
    exact = exact_distribution(sol, i, start_prior(sol, example.start, example.initial))
    assert sum(exact.values()) == pytest.approx(1.0)
    assert result["exact_mean"] == pytest.approx(sum(v * p for v, p in exact.items()))
    if result["standard_error"] > 0:
        assert abs(result["mean"] - result["exact_mean"]) <= 4 * result["standard_error"]
    else:
        assert result["mean"] == pytest.approx(result["exact_mean"])
    assert sum(h["count"] for h in result["histogram"]) == 1500
    assert sum(h["exact"] for h in result["histogram"]) == pytest.approx(1.0)


def test_endings_frequencies_match_exact_probabilities(example):
    sol, i = solution_at(example, example.start, example.initial, perspective_weighting(example, "caracas"), "best")
    result = monte_carlo(sol, i, start_prior(sol, example.start, example.initial), runs=2000, seed=3)
    exact = {example.nodes[e].id: p for e, p in sol.endings(i).items()}
    assert set(result["endings"]) <= set(exact)
    for end, p in exact.items():
        se = (p * (1 - p) / 2000) ** 0.5
        assert abs(result["endings"].get(end, 0.0) - p) <= 4 * se + 1e-12


def test_playthroughs_are_reproducible_by_seed(example):
    sol, i = solution_at(example, example.start, example.initial, perspective_weighting(example, "state"), "random")
    first = [playthrough(sol, i, seed) for seed in range(30)]
    assert first == [playthrough(sol, i, seed) for seed in range(30)]
    assert len(set(first)) > 1
