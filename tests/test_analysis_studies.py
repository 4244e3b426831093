"""Sensitivity sweeps and the Pareto frontier on the example, against values worked out by hand."""

from __future__ import annotations

import pytest

from sim.analysis.cache import solution_at
from sim.analysis.frontier import frontier, undominated
from sim.analysis.policy import perspective_weighting
from sim.analysis.projection import start_prior
from sim.analysis.sensitivity import sensitivity, sweep


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
    assert flip["at"] == pytest.approx((70 - dem) / 30, abs=2e-3)
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
    assert [round(f["at"], 2) for f in result["flips"]] == [2.5, 7.25]
    assert result["holds_from"] == pytest.approx(2.5, abs=0.01) and result["holds_to"] == pytest.approx(7.25, abs=0.01)
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
