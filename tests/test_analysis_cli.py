"""`sim analyze` as a user meets it: the memo, the JSON document, replays, and clear errors."""

from __future__ import annotations

import json

import pytest

from conftest import EXAMPLE
from sim.analysis import analyze_position
from sim.analysis.graph import expand
from sim.cli import main
from sim.engine import Game
from sim.replay import from_game, save

TOP_KEYS = {"format", "version", "note", "scenario", "position", "weighting", "policy", "value", "root", "line",
            "decisions", "fallbacks", "size", "warnings", "sensitivity", "frontier", "montecarlo"}


def analyze_json(capsys, *args: str) -> dict:
    assert main(["analyze", str(EXAMPLE), "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_json_document_has_the_documented_shape(capsys, example):
    doc = analyze_json(capsys)
    assert set(doc) == TOP_KEYS
    assert doc["format"] == "sim-analysis" and doc["version"] == 1
    assert doc["weighting"]["name"] == next(iter(example.model.perspectives))
    expected = analyze_position(example, example.start, example.initial, doc["weighting"]["name"])
    assert doc["value"] == pytest.approx(expected.value)
    assert [d["node"] for d in doc["decisions"]] == ["proposal", "terms"]
    proposal = doc["decisions"][0]
    assert proposal["best_option"] == expected.recommended
    assert {o["option"] for o in proposal["options"]} == {"iapc", "mfm"}
    assert doc["size"]["paths"] == 5 and "projection" in doc["note"]


def test_perspective_and_weights_change_the_value(capsys, example):
    state = analyze_json(capsys, "--perspective", "state")["value"]
    caracas = analyze_json(capsys, "--perspective", "caracas")["value"]
    custom = analyze_json(capsys, "--weights", "venezuela=3,democracy=1")
    assert state != caracas
    assert custom["value"] == pytest.approx(caracas)
    assert custom["weighting"]["weights"] == pytest.approx({"democracy": 0.25, "unity": 0.0, "venezuela": 0.75})


def test_studies_appear_only_when_asked(capsys):
    plain = analyze_json(capsys)
    assert plain["sensitivity"] is None and plain["frontier"] is None and plain["montecarlo"] is None
    full = analyze_json(capsys, "--sensitivity", "--frontier", "--montecarlo", "200", "--policy", "random")
    assert full["sensitivity"]["tornado"] and full["frontier"]["policies"]
    assert full["montecarlo"]["runs"] == 200 and full["policy"] == "random"


def test_text_memo_reads_as_a_projection(capsys):
    assert main(["analyze", str(EXAMPLE), "--perspective", "state"]) == 0
    out = capsys.readouterr().out
    assert "projection" in out and "not a forecast" in out
    assert "Recommended: iapc" in out and "Why: over mfm" in out
    assert "1. The Venezuelan proposal" in out and "2. Terms for resuming relations" in out


def test_from_replay_analyses_its_last_position(capsys, tmp_path, example):
    game = Game(example, seed=1)
    game.choose("mfm")
    game.resolve("short")
    path = tmp_path / "r.json"
    save(from_game(game), path)
    doc = analyze_json(capsys, "--from", str(path))
    assert doc["position"] == {"node": "terms", "state": example.state_dict(game.position.state),
                               "replay": str(path), "steps": 2}
    only = doc["decisions"][0]
    assert only["node"] == "terms" and only["best_option"] == "resume_now"
    assert next(o for o in only["options"] if o["option"] == "public_elections")["value"] is None
    alone = expand(example, game.position.node, game.position.state)
    assert doc["size"] == {"positions": len(alone), "paths": alone.count_paths()}
    assert doc["size"]["positions"] < len(expand(example))


def test_from_a_finished_replay_reports_the_final_value(capsys, tmp_path, example):
    game = Game(example)
    game.choose("iapc")
    game.choose("resume_now")
    path = tmp_path / "done.json"
    save(from_game(game), path)
    doc = analyze_json(capsys, "--from", str(path), "--perspective", "caracas", "--sensitivity", "--frontier")
    assert doc["decisions"] == [] and doc["value"] == pytest.approx(game.value("caracas"))
    assert doc["root"]["endings"] == {"lapse_end": 1.0}


@pytest.mark.parametrize(("args", "message"), [
    (["--perspective", "nobody"], "unknown perspective 'nobody'"),
    (["--weights", "democracy"], "is not OBJECTIVE=NUMBER"),
    (["--weights", "nation=2"], "unknown objective 'nation'"),
    (["--weights", "democracy=0"], "at least one weight must be positive"),
    (["--weights", "democracy=-1"], "non-negative"),
    (["--policy", "whim"], "unknown policy 'whim'"),
    (["--montecarlo", "-5"], "--montecarlo must be"),
    (["--from", "no-such-replay.json"], "no such file"),
])
def test_bad_input_is_a_usage_error(capsys, args, message):
    assert main(["analyze", str(EXAMPLE), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_unanalysable_scenario_exits_1(capsys, write_variant):
    path = write_variant("        next: lapse_end\n", "        next: votes\n")
    assert main(["analyze", str(path)]) == 1
    err = capsys.readouterr().err
    assert "error[A005]" in err and "votes" in err


def test_memo_names_where_the_line_departs_from_the_best_option(capsys):
    doc = analyze_json(capsys, "--perspective", "caracas", "--policy", "memo")
    proposal = doc["decisions"][0]
    assert proposal["line_choice"] == "iapc" and proposal["best_option"] == "mfm"
    assert doc["line"][0] == {"node": "proposal", "choice": "iapc", "probability": None}
    assert main(["analyze", str(EXAMPLE), "--perspective", "caracas", "--policy", "memo"]) == 0
    assert "The line takes iapc instead" in capsys.readouterr().out
