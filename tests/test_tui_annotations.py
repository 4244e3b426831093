"""What a player types in the rationale and forecast dialog, parsed and checked without a terminal."""

from __future__ import annotations

import pytest

from sim.forecast import ChanceEvent, ForecastError, OutcomeOdds
from sim.tui.annotations import Annotation, build, parse_probability

VOTES = ChanceEvent("votes", "Eleven votes?", "", 1.0, (OutcomeOdds("called", "Called", 0.45),
                                                          OutcomeOdds("short", "Short", 0.55)))


@pytest.mark.parametrize("typed, value", [("0.3", 0.3), (" 30% ", 0.3), ("1", 1.0), ("0", 0.0)])
def test_probabilities_are_typed_as_numbers_or_percentages(typed, value):
    assert parse_probability(typed, "x") == pytest.approx(value)
    assert parse_probability("  ", "x") is None


def test_one_number_is_enough_for_a_yes_no_event_and_the_rationale_is_tidied():
    a = build([VOTES], "  Betancourt\nneeds  an answer ", {"votes.called": "30%", "votes.short": ""})
    assert a == Annotation("Betancourt needs an answer", {"votes.called": 0.3, "votes.short": 0.7})
    assert a.extra() == {"rationale": "Betancourt needs an answer", "forecasts": {"votes.called": 0.3,
                                                                                  "votes.short": 0.7}}


def test_blank_means_nothing_written():
    a = build([VOTES], " ", {"votes.called": "", "votes.short": ""})
    assert a.empty and a.extra() == {"rationale": None, "forecasts": {}}


@pytest.mark.parametrize("called, short, message", [
    ("soon", "", "'soon' for “Called” (Eleven votes?) is not a number"),
    ("30", "", "30 for “Called” (Eleven votes?): a probability lies between 0 and 1 (for a percentage, write 30%)"),
    ("0.8", "0.4", "the forecasts for 'Eleven votes?' add up to 1.20"),
    ("0.2", "0.2", "add up to 0.40; they must add up to 1"),
    ("-0.1", "", "between 0 and 1"),
    ("nan", "", "is not a number"),
])
def test_bad_forecasts_say_what_is_wrong(called, short, message):
    with pytest.raises(ForecastError) as info:
        build([VOTES], "", {"votes.called": called, "votes.short": short})
    assert message in str(info.value)
