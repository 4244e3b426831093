"""The class report's verifier shares steps between replays; it must judge every replay as run_replay does."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from test_teaching_games import play

from conftest import EXAMPLE
from sim.loader import load_scenario
from sim.reporting.played import Verifier, walk_replay

SC = load_scenario(EXAMPLE)
LINES = [["iapc", "public_elections"], ["iapc", "resume_now"], ["mfm", "called", "public_elections"],
         ["mfm", "called", "resume_now"], ["mfm", "short", "resume_now"], ["mfm"], ["mfm", "short"], []]


def tamper(replay, how: int, where: int):
    """Break a replay in one of several ways, at one of its steps."""
    steps = list(replay.steps)
    if not steps or how == 0:
        return replay
    k = where % len(steps)
    s = steps[k]
    if how == 1:
        steps[k] = s.model_copy(update={"digest": "0" * 16})
    elif how == 2:
        steps[k] = s.model_copy(update={"forced": not s.forced})
    elif how == 3:
        steps[k] = s.model_copy(update={"choice": "nope"})
    elif how == 4:
        steps[k] = s.model_copy(update={"node": "terms" if s.node != "terms" else "votes"})
    elif how == 5:
        del steps[k]
    elif how == 6 and replay.final is not None:
        return replay.model_copy(update={"final": replay.final.model_copy(update={"scores": {"unity": 1.0}})})
    elif how == 7:
        return replay.model_copy(update={"scenario": replay.scenario.model_copy(update={"hash": "sha256:old"})})
    elif how == 8:
        return replay.model_copy(update={"perspective": "gone"})
    return replay.model_copy(update={"steps": steps})


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(range(len(LINES))), st.integers(0, 40), st.integers(0, 8),
                          st.integers(0, 5)), min_size=1, max_size=12))
def test_verifier_agrees_with_run_replay(games):
    verifier = Verifier(SC)
    for line, seed, how, where in games:
        replay = tamper(play(SC, LINES[line], seed=seed), how, where)
        shared, alone = verifier.walk(replay), walk_replay(SC, replay)
        assert shared.problem == alone.problem
        assert shared.warnings == alone.warnings
        assert shared.end == alone.end and shared.final == alone.final
        assert [w.step for w in shared.steps] == [w.step.model_copy(update={"note": None, "at": None})
                                                  for w in alone.steps]
        assert [w.chances for w in shared.steps] == [w.chances for w in alone.steps]
