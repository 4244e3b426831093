"""Seeded playthroughs of a policy on the real engine, compared with the exact distribution."""

from __future__ import annotations

import math
import random

from sim.analysis.graph import END
from sim.analysis.solve import Prior, Solution
from sim.engine import Game

BINS = 10


def _final_value(sol: Solution, scores: dict[str, float]) -> float:
    return sum(w * scores[oid] for (oid, _), w in zip(sol.graph.scenario.objectives, sol.weighting.vector,
                                                       strict=True))


def playthrough(sol: Solution, i: int, seed: int) -> tuple[str, float]:
    """Play from position i to an end with the engine: decisions by the policy, chance by the seed."""
    g = sol.graph
    sc = g.scenario
    game = Game(sc, seed=seed, node=g.node[i], state=g.state[i])
    rng = random.Random(f"sim-montecarlo:{seed}")
    while not game.is_over():
        if game.node.kind == "chance":
            game.resolve()
            continue
        j = g.find(game.position.node, game.position.state)
        k = sol.choice[j] if sol.choice[j] >= 0 else rng.randrange(len(g.children[j]))
        game.choose(g.move_id(j, k))
    return game.node.id, _final_value(sol, game.scores())


def exact_distribution(sol: Solution, i: int, prior: Prior) -> dict[float, float]:
    """Probability of each final weighted value from position i under the policy (values rounded to
    1e-9 so that equal totals reached along different paths are counted together)."""
    g = sol.graph
    pending: dict[int, dict[float, float]] = {i: {round(prior.mean, 9): 1.0}}
    out: dict[float, float] = {}
    for j in reversed(g.children_first(sol.reach(i))):
        here = pending.pop(j, None)
        if not here:
            continue
        if g.kind[j] == END:
            for v, q in here.items():
                out[v] = out.get(v, 0.0) + q
            continue
        for p, c, r in sol.branches(j):
            gain = sol.reward_values[r]
            into = pending.setdefault(c, {})
            for v, q in here.items():
                key = round(v + gain, 9)
                into[key] = into.get(key, 0.0) + p * q
    return out


def _histogram(values: list[float], exact: dict[float, float]) -> list[dict]:
    lo, hi = min(exact), max(exact)
    width = (hi - lo) / BINS
    if width <= 0:
        return [{"low": lo, "high": hi, "count": len(values), "exact": 1.0}]
    rows = [{"low": lo + b * width, "high": lo + (b + 1) * width, "count": 0, "exact": 0.0} for b in range(BINS)]

    def bin_of(v: float) -> int:
        return min(BINS - 1, max(0, int((v - lo) / width)))

    for v in values:
        rows[bin_of(v)]["count"] += 1
    for v, p in exact.items():
        rows[bin_of(v)]["exact"] += p
    return rows


def monte_carlo(sol: Solution, i: int, prior: Prior, runs: int, seed: int = 0) -> dict:
    """`runs` playthroughs with seeds seed, seed+1, ...: sample mean against the exact mean, histogram."""
    values, endings = [], {}
    for run in range(runs):
        end, v = playthrough(sol, i, seed + run)
        values.append(v)
        endings[end] = endings.get(end, 0) + 1
    exact = exact_distribution(sol, i, prior)
    exact_mean = prior.mean + sol.value[i]
    mean = sum(values) / runs
    sample_sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (runs - 1)) if runs > 1 else 0.0
    exact_sd = sol.stdev(i)
    stderr = exact_sd / math.sqrt(runs)
    z = (mean - exact_mean) / stderr if stderr > 0 else (0.0 if abs(mean - exact_mean) < 1e-9 else math.inf)
    return {
        "runs": runs, "seed": seed, "mean": mean, "stdev": sample_sd, "exact_mean": exact_mean,
        "exact_stdev": exact_sd, "standard_error": stderr, "z": z,
        "endings": {e: n / runs for e, n in sorted(endings.items(), key=lambda kv: -kv[1])},
        "histogram": _histogram(values, exact),
    }
