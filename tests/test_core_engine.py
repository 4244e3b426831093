"""The engine and replay files: properties over random play, round trips, undo and branches."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.engine import Game, GameError, draw
from sim.replay import dumps, from_game, load_replay, parse_replay, run_replay, save

PLAY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def play_random(sc, seed: int, picks: list[int]) -> Game:
    """Play to the end, taking at each decision the open option picked by the next number."""
    game = Game(sc, seed=seed)
    i = 0
    while not game.is_over():
        if game.node.kind == "chance":
            game.resolve()
            continue
        open_ids = [o.id for o in game.legal_options() if o.legal]
        game.choose(open_ids[picks[i % len(picks)] % len(open_ids)])
        i += 1
    return game


@PLAY
@given(seed=st.integers(0, 10**9), picks=st.lists(st.integers(0, 50), min_size=1, max_size=8))
def test_random_legal_play_stays_in_every_domain(example, seed, picks):
    game = play_random(example, seed, picks)
    for pos in game.position.path():
        state = example.state_dict(pos.state)
        for name, var in example.model.variables.items():
            value = state[name]
            if var.type == "int":
                assert var.min <= value <= var.max
            elif var.type == "enum":
                assert value in var.values
            else:
                assert isinstance(value, bool)
        example.to_state(pos.state)


@PLAY
@given(seed=st.integers(0, 10**9), picks=st.lists(st.integers(0, 50), min_size=1, max_size=8))
def test_save_load_replay_gives_identical_states(example, tmp_path, seed, picks):
    game = play_random(example, seed, picks)
    path = tmp_path / "r.json"
    save(from_game(game), path)
    result = run_replay(load_replay(path), example)
    assert result.ok, result.problem
    assert [s.digest for s in result.applied] == [s.digest for s in game.history()]
    assert result.game.scores() == game.scores()


@PLAY
@given(seed=st.integers(0, 10**9), picks=st.lists(st.integers(0, 50), min_size=1, max_size=8))
def test_same_seed_and_choices_same_result(example, seed, picks):
    a, b = play_random(example, seed, picks), play_random(example, seed, picks)
    assert [s.model_dump() for s in a.history()] == [s.model_dump() for s in b.history()]


def test_draw_is_fixed_across_versions():
    assert draw(0, 1, "votes") == pytest.approx(draw(0, 1, "votes"))
    assert round(draw(42, 3, "votes"), 12) == round(int.from_bytes(
        __import__("hashlib").sha256(b"sim-draw:42:3:votes").digest()[:7], "big") / 2**56, 12)


def test_seeds_give_both_outcomes(example):
    outcomes = set()
    for seed in range(40):
        g = Game(example, seed=seed)
        g.choose("mfm")
        outcomes.add(g.resolve().choice)
    assert outcomes == {"called", "short"}


def test_locked_option_reports_failing_guard_with_values(example):
    g = Game(example, seed=0)
    g.choose("mfm")
    g.resolve("short")
    status = {o.id: o for o in g.legal_options()}
    assert not status["public_elections"].legal
    assert "junta_confidence <= 2" in status["public_elections"].reason
    assert "junta_confidence = 3" in status["public_elections"].reason
    with pytest.raises(GameError, match="locked"):
        g.choose("public_elections")


def test_history_names_the_cause_of_every_change(example):
    g = Game(example, seed=0)
    g.choose("mfm")
    g.resolve("short")
    changes = [c for s in g.history() for c in s.changes]
    assert {(c.variable, c.cause) for c in changes} == {
        ("forum", "mfm"), ("caracas_goodwill", "mfm"), ("junta_confidence", "short")}
    assert all(c.old != c.new for c in changes)


def test_undo_keeps_the_line_as_a_branch(example):
    g = Game(example, seed=3)
    g.play("mfm")
    first = g.position
    assert g.undo()
    assert g.node.id == "proposal" and g.position is g.root
    g.play("iapc")
    assert len(g.lines()) == 2
    g.goto(first)
    assert g.node.id == "terms" and g.history()[0].choice == "mfm"


def test_undo_at_start_does_nothing(example):
    g = Game(example)
    assert not g.undo()


def test_errors_for_wrong_moves(example):
    g = Game(example)
    with pytest.raises(GameError, match="no option"):
        g.choose("nope")
    with pytest.raises(GameError, match="not a chance"):
        g.resolve()
    g.choose("mfm")
    with pytest.raises(GameError, match="not a decision"):
        g.choose("iapc")
    with pytest.raises(GameError, match="no outcome"):
        g.resolve("nope")


def test_states_are_immutable_and_validated(example):
    from pydantic import ValidationError

    g = Game(example)
    with pytest.raises(ValidationError):
        g.state.model_copy(update={}).__class__(**{**g.state.model_dump(), "junta_confidence": 9})
    with pytest.raises(ValidationError):
        g.state.junta_confidence = 2


def test_forced_outcome_is_recorded_and_verifies(example):
    g = Game(example, seed=0)
    g.choose("mfm")
    natural = Game(example, seed=0)
    natural.choose("mfm")
    other = {"called": "short", "short": "called"}[natural.resolve().choice]
    step = g.resolve(other)
    assert step.forced
    replay = parse_replay(dumps(from_game(g)), "x")
    assert run_replay(replay, example).ok


def test_tampered_replay_names_the_first_mismatching_step(example):
    g = Game(example, seed=5)
    g.play("iapc")
    g.play("public_elections")
    data = json.loads(dumps(from_game(g)))
    data["steps"][1]["digest"] = "0" * 16
    result = run_replay(parse_replay(json.dumps(data), "x"), example)
    assert not result.ok and result.problem_step == 2 and "step 2" in result.problem


def test_replay_of_older_scenario_applies_what_still_applies(example, write_variant):
    from sim.loader import load_scenario

    g = Game(example, seed=5)
    g.play("iapc")
    g.play("resume_now")
    changed = load_scenario(write_variant("      resume_now:", "      resume_later:").__str__())
    result = run_replay(parse_replay(dumps(from_game(g)), "x"), changed)
    assert not result.ok and result.problem_step == 2
    assert "no option 'resume_now'" in result.problem
    assert result.warnings and "changed" in result.warnings[0]
    assert len(result.applied) == 1


def test_reference_line_forces_its_outcomes_and_records_notes(write_variant):
    from sim.lines import play_line
    from sim.loader import load_scenario

    path = write_variant("    choices: {proposal: iapc, terms: public_elections}\n    provenance:",
                         "    choices: {proposal: mfm, terms: resume_now}\n"
                         "    outcomes: {votes: short}\n"
                         "    provenance:\n"
                         "      votes: {basis: documented, note: 'd421: the votes were short',\n"
                         "              citations: [{doc: d421, quote: the necessary eleven votes}]}")
    sc = load_scenario(path)
    forced = []
    for seed in range(6):
        game = Game(sc, seed=seed)
        assert play_line(game, sc.model.lines["memo"]) is None
        steps = game.history()
        assert [s.choice for s in steps] == ["mfm", "short", "resume_now"]
        assert steps[1].note == "d421: the votes were short"
        replay = parse_replay(dumps(from_game(game, line="memo")), "x")
        assert [s.basis for s in replay.steps] == ["documented", "documented", "documented"]
        assert replay.steps[1].citations[0].quote == "the necessary eleven votes"
        result = run_replay(replay, sc)
        assert result.ok, result.problem
        forced.append(steps[1].forced)
        unnamed = run_replay(parse_replay(dumps(from_game(game)), "x"), sc)
        assert unnamed.ok and unnamed.forced == ([2] if steps[1].forced else [])
    assert any(forced) and not all(forced), "some seeds draw the line's outcome, others are forced to it"


def test_reference_line_stops_at_a_locked_option(write_variant):
    from sim.lines import play_line
    from sim.loader import load_scenario

    path = write_variant("    choices: {proposal: iapc, terms: public_elections}",
                         "    choices: {proposal: mfm, terms: public_elections}\n    outcomes: {votes: short}")
    game = Game(load_scenario(path))
    assert "locked" in play_line(game, game.scenario.model.lines["memo"])


@pytest.mark.parametrize("extra,code", [
    ("    outcomes: {terms: short}", "R005"),
    ("    outcomes: {votes: shrt}", "R005"),
    ("      vote: {basis: not_recorded}", "R001"),
    ("      votes: {basis: documented}", "R005"),
])
def test_bad_line_references_are_reported(write_variant, extra, code):
    from sim.diagnostics import SimError
    from sim.loader import load_scenario

    where = "    choices: {proposal: iapc, terms: public_elections}\n"
    if extra.startswith("      "):
        where += "    provenance:               # what each step of the line rests on\n"
    path = write_variant(where, where + extra + "\n")
    with pytest.raises(SimError) as info:
        load_scenario(path)
    assert [d.code for d in info.value.diagnostics] == [code]
    assert info.value.diagnostics[0].line == path.read_text().splitlines().index(extra) + 1


def test_game_can_start_at_any_position(example):
    g = Game(example, seed=0)
    g.choose("mfm")
    g.resolve("short")
    later = Game(example, seed=0, node=g.position.node, state=g.position.state)
    assert later.node.id == "terms" and later.history() == []
    assert [o.legal for o in later.legal_options()] == [o.legal for o in g.legal_options()]
