"""The journal: a game written after every move can be rebuilt, branches and all."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim import journal
from sim.diagnostics import SimError
from sim.engine import Game

MINI = Path(__file__).resolve().parent.parent / "docs" / "examples" / "mini.yaml"


def test_data_dir_follows_the_environment(data_dir):
    assert journal.data_dir() == data_dir
    assert journal.journal_path("mini-peru").parent == data_dir / "journal"


def test_a_recorded_game_is_restored_at_the_same_position(data_dir, mini):
    game = Game(mini, seed=3, perspective="caracas")
    game.choose("iapc")
    path = journal.record(game, MINI)
    assert path.is_file()
    restored, warnings = journal.restore(journal.read_journal(path), mini)
    assert warnings == []
    assert restored.node.id == "terms"
    assert restored.perspective == "caracas"
    assert restored.seed == 3
    assert [s.choice for s in restored.history()] == ["iapc"]


def test_branches_survive_a_restore(data_dir, mini):
    game = Game(mini, seed=0)
    game.play("mfm")
    game.undo()
    game.choose("iapc")
    game.choose("public_elections")
    journal.record(game, MINI, blind=True, unsaved=False)
    saved = journal.read_journal(journal.latest())
    assert saved.blind and not saved.unsaved
    restored, _ = journal.restore(saved, mini)
    assert restored.node.id == "quiet_end"
    firsts = sorted(leaf.path()[1].step.choice for leaf in restored.lines())
    assert firsts == ["iapc", "mfm"]


def test_latest_is_none_without_journals(data_dir):
    assert journal.latest() is None
    assert journal.latest("mini-peru") is None


def test_a_damaged_journal_is_a_sim_error(data_dir, mini):
    path = journal.journal_path("mini-peru")
    path.parent.mkdir(parents=True)
    path.write_text('{"format": "sim-journal", "version": 1}')
    with pytest.raises(SimError) as err:
        journal.read_journal(path)
    assert "J003" in str(err.value)


def test_a_journal_resumes_as_far_as_its_moves_still_apply(data_dir, mini):
    game = Game(mini)
    game.choose("iapc")
    game.choose("public_elections")
    saved = journal.snapshot(game, MINI)
    steps = list(saved.current.steps)
    steps[1] = steps[1].model_copy(update={"choice": "withdrawn"})
    changed = saved.model_copy(update={"current": saved.current.model_copy(update={"steps": steps, "final": None})})
    restored, warnings = journal.restore(changed, mini)
    assert restored.node.id == "terms"
    assert any("withdrawn" in w for w in warnings)


def test_a_journal_of_another_scenario_is_a_sim_error(data_dir, mini):
    saved = journal.snapshot(Game(mini), MINI)
    other = saved.current.scenario.model_copy(update={"id": "elsewhere"})
    wrong = saved.model_copy(update={"current": saved.current.model_copy(update={"scenario": other})})
    with pytest.raises(SimError) as err:
        journal.restore(wrong, mini)
    assert "J004" in str(err.value)


def test_rationales_forecasts_and_the_class_file_survive_a_restore(data_dir, mini, tmp_path):
    game = Game(mini, seed=0)
    game.choose("mfm")
    first = game.position
    game.resolve()
    game.undo()
    game.choose("iapc")
    branch = game.position
    notes = {first: {"rationale": "Answer Betancourt", "forecasts": {"votes.called": 0.4, "votes.short": 0.6}},
             branch: {"rationale": "Keep it quiet", "forecasts": {}}}
    journal.record(game, MINI, notes=notes, class_file=tmp_path / "class.yaml")
    saved = journal.read_journal(journal.latest())
    assert saved.class_file == str((tmp_path / "class.yaml").resolve())
    assert saved.current.steps[0].rationale == "Keep it quiet"
    restored, _ = journal.restore(saved, mini)
    found = {p.step.choice: n for p, n in journal.notes(saved, restored).items()}
    assert found == {"mfm": notes[first], "iapc": notes[branch]}
    assert journal.extra(restored, journal.notes(saved, restored)) == {0: notes[branch]}


def test_the_tree_of_lines_keeps_its_order_after_a_restore(example):
    from sim.journal import restore, snapshot

    game = Game(example, seed=0)
    game.play("iapc")
    game.undo()
    game.play("mfm")
    order = [[p.step.choice for p in leaf.path()[1:]] for leaf in game.lines()]
    assert order[0][0] == "iapc" and game.position.path()[1].step.choice == "mfm", "the current line came second"
    restored, warnings = restore(snapshot(game, example.path), example)
    assert not warnings
    assert [[p.step.choice for p in leaf.path()[1:]] for leaf in restored.lines()] == order
    assert restored.position.path()[1].step.choice == "mfm"
