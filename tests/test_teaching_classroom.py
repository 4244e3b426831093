"""The classroom's hand-in and instructor's page, without a browser: finished games go into the class folder
under names that never collide, a game keeps its journal where `--journal` says, and the instructor's page lists
who plays, who finished and the report."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE
from sim import instructor, journal
from sim.cli import build_parser
from sim.commands.play import journal_launch
from sim.handin import HandIn, slug
from sim.replay import load_replay
from sim.tui.session import Session


def finish(session: Session, choices=("mfm",)) -> None:
    """Play to an end: the given choices first, then each decision's first option, chance drawn."""
    wanted = list(choices)
    while not session.game.is_over():
        if session.game.node.kind == "chance":
            session.resolve()
        else:
            ids = [o.id for o in session.game.legal_options() if o.legal]
            session.choose(wanted.pop(0) if wanted and wanted[0] in ids else ids[0])


def test_names_become_file_names_and_two_students_of_one_name_never_collide(tmp_path, mini):
    assert slug("Ana María O'Neill") == "ana-maria-o-neill"
    assert slug(None) == slug("  ") == slug("../..") == "no-name"
    assert slug("名前") == "no-name"
    paths = []
    for tag in ("aaaaaaaaaaaa", "bbbbbbbbbbbb"):
        s = Session(mini, EXAMPLE, player="Ana")
        s.hand_in = HandIn(tmp_path, tag)
        finish(s)
        paths.append(s.hand_in.handed_in)
    assert paths[0] != paths[1] and all(p.exists() for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ana-aaaaaaaaaaaa.json", "ana-bbbbbbbbbbbb.json"]


def test_a_game_is_handed_in_when_it_ends_and_again_under_a_new_name(tmp_path, data_dir, mini):
    s = Session(mini, EXAMPLE, player="Ana")
    told = []
    s.on_hand_in = lambda path, problem: told.append((path, problem))
    s.collect_into(tmp_path / "class")
    s.choose("mfm")
    assert not (tmp_path / "class").exists() or not list((tmp_path / "class").iterdir()), "not before the end"
    finish(s)
    (first,) = (tmp_path / "class").iterdir()
    assert first.name.startswith("ana-") and told == [(first, None)]
    assert load_replay(first).player == "Ana" and not s.unsaved
    s.set_player("Ana B.")
    (second,) = (tmp_path / "class").iterdir()
    assert second.name.startswith("ana-b-") and second.name[-17:] == first.name[-17:], "the same game's tag"
    assert load_replay(second).player == "Ana B."
    assert len(told) == 2, "handed in again only because something changed"
    s.set_player("Ana B.")
    assert len(told) == 2


def test_a_folder_that_cannot_be_written_is_said_and_tried_again(tmp_path, data_dir, mini):
    blocked = tmp_path / "class"
    blocked.write_text("a file, not a folder")
    s = Session(mini, EXAMPLE, player="Ana")
    told = []
    s.on_hand_in = lambda path, problem: told.append((path, problem))
    s.collect_into(blocked)
    finish(s)
    assert told and told[-1][0] is None and "could not be handed in" in told[-1][1]
    assert s.unsaved, "play not handed in is still unsaved"


def play_args(*extra: str):
    return build_parser().parse_args(["play", str(EXAMPLE), *extra])


def test_journal_flag_starts_a_game_there_and_continues_it_later(tmp_path, data_dir):
    target = tmp_path / "browser" / "token.json"
    launch = journal_launch(play_args("--journal", str(target), "--player", "Ana"))
    session = launch.session
    assert session.journal_to == target and not launch.resumed
    session.set_player("Ana")
    assert target.exists(), "a fixed journal is written before the first move (the name is kept)"
    session.choose("mfm")
    session.close()
    again = journal_launch(play_args("--journal", str(target)))
    assert again.resumed and [s.choice for s in again.session.game.history()] == ["mfm"]
    assert again.session.player == "Ana" and again.session.journal_to == target
    game = again.session.game
    if game.node.kind == "decision":
        again.session.choose(next(o.id for o in game.legal_options() if o.legal))
    else:
        again.session.resolve()
    assert len(journal.read_journal(target).current.steps) == 2, "the continued game journals on"
    again.session.close()
    assert list(journal.journal_dir().glob("*.json")) == [], "nothing goes to the usual journal slots"


def test_an_unreadable_journal_is_kept_aside_and_a_new_game_starts(tmp_path, data_dir):
    target = tmp_path / "token.json"
    target.write_text('{"format": "sim-journal", "version": 1}')
    launch = journal_launch(play_args("--journal", str(target)))
    assert not launch.resumed and launch.session.journal_to == target
    assert (tmp_path / "token.json.unreadable").exists()
    assert any("could not be resumed" in n for n in launch.notices)


def test_a_resumed_game_is_handed_in_under_the_same_file(tmp_path, data_dir, mini):
    target = tmp_path / "token.json"
    folder = tmp_path / "class"
    s = Session(mini, EXAMPLE, player="Ana", journal_to=target)
    s.collect_into(folder)
    finish(s)
    s.close()
    (handed,) = folder.iterdir()
    resumed, _ = Session.resume(target, mini, EXAMPLE)
    resumed.collect_into(folder)
    resumed.set_player("Ana C.")
    assert [p.name[-17:] for p in folder.iterdir()] == [handed.name[-17:]], "one file per game, renamed"


def test_the_instructors_page_lists_the_games_and_reports_the_hand_ins(tmp_path, data_dir, mini):
    games, folder = tmp_path / "games", tmp_path / "class"
    empty = instructor.page(games, folder, None, set(), EXAMPLE)
    assert "0 games started" in empty and "No game has been handed in yet" in empty
    done = Session(mini, EXAMPLE, player="<b>Ana</b>", journal_to=games / "a.json")
    done.collect_into(folder)
    finish(done)
    playing = Session(mini, EXAMPLE, player="Ben", journal_to=games / "b.json")
    playing.choose("iapc")
    away = Session(mini, EXAMPLE, journal_to=games / "c.json")
    away.choose("mfm")
    rows = {r.player: r for r in instructor.game_rows(games, folder, {"b"})}
    assert rows["<b>Ana</b>"].state == "finished" and rows["<b>Ana</b>"].handed_in.endswith(".json")
    assert rows["Ben"].state == "playing now" and rows["Ben"].steps == 1
    assert rows["(no name yet)"].state == "away"
    page = instructor.page(games, folder, None, {"b"}, EXAMPLE)
    assert "&lt;b&gt;Ana&lt;/b&gt;" in page and "<b>Ana</b>" not in page, "names are shown as text"
    assert "3 games started in a browser: 1 playing now, 1 finished, 1 handed in" in page
    assert "Roster" in page and 'http-equiv="refresh"' in page


def test_a_journal_from_before_hand_ins_still_reads(tmp_path, data_dir, mini):
    s = Session(mini, EXAMPLE, journal_to=tmp_path / "old.json")
    s.choose("mfm")
    data = json.loads((tmp_path / "old.json").read_text())
    for key in ("over", "hand_in_tag"):
        data.pop(key, None)
    (tmp_path / "old.json").write_text(json.dumps(data))
    saved = journal.read_journal(tmp_path / "old.json")
    assert saved.over is False and saved.hand_in_tag is None


@pytest.mark.parametrize("tag", ["../../etc", "ABCDEF123456", "short"])
def test_a_journal_cannot_name_a_hand_in_file_outside_its_pattern(tmp_path, data_dir, mini, tag):
    s = Session(mini, EXAMPLE, journal_to=tmp_path / "j.json")
    s.choose("mfm")
    data = json.loads((tmp_path / "j.json").read_text())
    data["hand_in_tag"] = tag
    (tmp_path / "j.json").write_text(json.dumps(data))
    with pytest.raises(Exception) as info:
        journal.read_journal(tmp_path / "j.json")
    assert "J003" in str(info.value)
