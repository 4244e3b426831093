"""Sensitivity sweeps and the Pareto frontier on the example, against values worked out by hand."""

from __future__ import annotations

import pytest

from sim.analysis.cache import solution_at
from sim.analysis.frontier import frontier, undominated
from sim.analysis.graph import expand, reweighted
from sim.analysis.policy import perspective_weighting
from sim.analysis.projection import start_prior
from sim.analysis.sensitivity import BISECTIONS, GRID, parameter_uses, sensitivity, sweep
from sim.analysis.solve import solve
from sim.loader import load_scenario, with_parameters


def _solved(example, perspective, policy="best"):
    return solution_at(example, example.start, example.initial, perspective_weighting(example, perspective), policy)


def test_weight_flip_matches_the_break_even_weight(example):
    """Under Caracas's weights {venezuela: v, democracy: 1}: the committee path scores 70 on both
    objectives; the meeting gives democracy p*70 + (1-p)*30 and venezuela 100. Break-even at
    v = (70 - dem) / (100 - 70)."""
    p = example.model.parameters["p_votes"].value
    dem = p * 70 + (1 - p) * 30
    sol, i = _solved(example, "caracas")
    raw = dict(example.model.perspectives["caracas"].weights)
    result = sensitivity(sol, i, example.initial, raw)
    row = next(r for r in result["rows"] if r["kind"] == "weight" and r["name"] == "venezuela")
    assert len(row["flips"]) == 1
    flip = row["flips"][0]
    step = 3 * raw["venezuela"] / (GRID - 1) / 2 ** BISECTIONS
    assert flip["at"] == pytest.approx((70 - dem) / 30, abs=step)
    assert (flip["from"], flip["to"]) == ("iapc", "mfm")
    assert row["holds_from"] == pytest.approx(flip["at"]) and row["holds_to"] == pytest.approx(3 * raw["venezuela"])


def test_parameter_sweep_moves_the_root_value_linearly(example):
    """Caracas's best play backs the meeting: its value is linear in p_votes, so the spread is
    (high - low) times the gap between the called and short branches."""
    sol, i = _solved(example, "caracas")
    raw = dict(example.model.perspectives["caracas"].weights)
    result = sensitivity(sol, i, example.initial, raw)
    row = next(r for r in result["rows"] if r["kind"] == "parameter")
    lo, hi = example.model.parameters["p_votes"].range
    called, short = (70 + 3 * 100) / 4, (30 + 3 * 100) / 4
    assert row["spread"] == pytest.approx((hi - lo) * (called - short))
    assert row["root_at_low"] == pytest.approx(lo * called + (1 - lo) * short)
    assert row["flips"] == [] and result["best_first_option"] == "mfm"
    spreads = [t["spread"] for t in result["tornado"]]
    assert spreads == sorted(spreads, reverse=True)


def test_sweep_finds_every_flip_of_a_step_function():
    def probe(x):
        return x, "a" if x < 2.5 else "b" if x < 7.25 else "c"

    result = sweep(probe, 0.0, 10.0, 5.0)
    step = 10.0 / (GRID - 1) / 2 ** BISECTIONS
    assert [f["at"] for f in result["flips"]] == [pytest.approx(2.5, abs=step), pytest.approx(7.25, abs=step)]
    assert result["holds_from"] == pytest.approx(2.5, abs=step) and result["holds_to"] == pytest.approx(7.25, abs=step)
    assert result["spread"] == pytest.approx(10.0)


def test_integer_sweep_reports_the_first_integer_of_the_new_choice():
    result = sweep(lambda x: (float(x), "low" if x < 7 else "high"), 0, 20, 3, integer=True)
    assert result["flips"] == [{"at": 7, "from": "low", "to": "high"}]


def test_exact_frontier_of_the_example(example):
    """Four deterministic policies; two are undominated (worked out from the declared numbers)."""
    p = example.model.parameters["p_votes"].value
    quiet = (70.0, 60.0, 70.0)
    meeting = (p * 70 + (1 - p) * 30, p * 60 + (1 - p) * 20, 100.0)
    sol, i = _solved(example, "state")
    result = frontier(sol, i, start_prior(sol, example.start, example.initial))
    assert result["method"] == "exact"
    points = sorted(tuple(pt["expected"].values()) for pt in result["frontier"])
    assert points == pytest.approx(sorted([quiet, meeting]))
    memo = next(x for x in result["policies"] if x["name"] == "memo")
    assert memo["on_frontier"] and memo["gives_up"] == pytest.approx({"venezuela": 30.0})
    meeting_point = next(pt for pt in result["frontier"] if pt["expected"]["venezuela"] == 100.0)
    assert meeting_point["choices"]["proposal"] == ["mfm"]


def test_undominated_keeps_one_of_each_equal_vector():
    items = [((1.0, 1.0), "a"), ((2.0, 2.0), "b"), ((3.0, 0.0), "c"), ((2.0, 2.0), "d")]
    kept = undominated(items)
    assert sorted(name for _, name in kept) in (["b", "c"], ["c", "d"])


@pytest.mark.parametrize("p", [0.05, 0.3, 0.45, 0.9])
@pytest.mark.parametrize("perspective", ["state", "caracas"])
def test_reweighted_graph_matches_a_fresh_expansion(example, p, perspective):
    varied = with_parameters(example, {"p_votes": p})
    weighting = perspective_weighting(example, perspective)
    again = reweighted(expand(example), varied, {example.node_index["votes"]}, set())
    fresh = expand(varied)
    assert again is not None
    quick, full = solve(again, weighting), solve(fresh, weighting)
    assert quick.value[again.root] == pytest.approx(full.value[fresh.root])
    assert quick.expected(again.root) == pytest.approx(full.expected(fresh.root))


def test_reweighting_declines_when_an_outcome_becomes_impossible(example):
    votes = {example.node_index["votes"]}
    assert reweighted(expand(example), with_parameters(example, {"p_votes": 0.0}), votes, set()) is None


def test_score_parameters_are_reweighted_not_re_expanded(write_variant):
    sc = load_scenario(write_variant('score: "30 * caracas_goodwill + 10"', 'score: "30 * caracas_goodwill + p_votes * 20"'))
    structural, chance, scores = parameter_uses(sc)["p_votes"]
    assert not structural and chance == {sc.node_index["votes"]} and scores == {2}
    varied = with_parameters(sc, {"p_votes": 0.7})
    weighting = perspective_weighting(sc, "caracas")
    quick = solve(reweighted(expand(sc), varied, chance, scores), weighting)
    full = solve(expand(varied), weighting)
    assert quick.expected(0) == pytest.approx(full.expected(0))
