"""Hostile files and arguments: every command answers with a diagnostic and exit status 0, 1 or 2, in bounded time
and memory; no file a scenario, replay or class file names is read unless it is theirs to name; nothing from a
file reaches the terminal as a control sequence."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from limits import run_sim, unprivileged

from conftest import EXAMPLE, SEEDS, example_text
from sim.cli import main
from sim.diagnostics import SimError
from sim.sources import find_spans, fold

SECRET = "api_key: sk-live-123: oops"
ESCAPES = "\x1b]0;pwned\x07\x1b[31mRED"


def cli(capsys, *args: str) -> tuple[int, str]:
    """Run the command line in this process: its exit status and everything it printed."""
    code = main(list(map(str, args)))
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return code, text


@pytest.fixture
def replay_file(tmp_path, capsys):
    """A finished replay of the example scenario, as JSON data, and a way to write edited copies."""
    path = tmp_path / "made.json"
    assert main(["run", str(EXAMPLE), "--choose", "mfm,resume_now", "-o", str(path)]) == 0
    capsys.readouterr()
    data = json.loads(path.read_text())

    def write(edit=None, name: str = "replay.json") -> Path:
        copy = json.loads(json.dumps(data))
        if edit is not None:
            edit(copy)
        out = tmp_path / name
        out.write_text(json.dumps(copy))
        return out

    return write


def set_id(value: str):
    def edit(data: dict) -> None:
        data["scenario"]["id"] = value
    return edit


# D1: a replay's scenario id is an id, looked up under scenarios/, never a path.

@pytest.mark.parametrize("named", ["/etc/passwd", "../../../../../../etc/passwd", "SECRET", "/dev/zero"])
def test_a_replay_naming_a_file_as_its_scenario_reads_nothing(replay_file, tmp_path, capsys, named):
    secret = tmp_path / "secret.yaml"
    secret.write_text(SECRET + "\n")
    replay = replay_file(set_id(str(secret) if named == "SECRET" else named))
    for command in (["replay", replay, "--verify"], ["replay", replay], ["debrief", replay], ["report", tmp_path]):
        code, text = cli(capsys, *command)
        assert code in (1, 2), (command, text)
        assert "sk-live" not in text and "root:" not in text, (command, text)
    code, text = cli(capsys, "play", "--replay", replay)
    assert code in (1, 2) and "sk-live" not in text and "root:" not in text


def test_scenario_ids_named_by_files_are_looked_up_not_opened(tmp_path):
    from sim.loader import scenario_by_id

    for named in ["/etc/passwd", "../peru-1962", "peru-1962/../peru-1962", "Peru-1962", ""]:
        with pytest.raises(SimError) as info:
            scenario_by_id(named, "r.json")
        assert info.value.usage and "not a scenario id" in info.value.diagnostics[0].message
    assert scenario_by_id("peru-1962", "r.json").parent.name == "peru-1962"


# D3, D4: numbers are checked where they enter; nothing check accepts crashes another command.

POWER_BOMB = 'guard: "((((((((((junta_confidence+1)**8)**8)**8)**8)**8)**8)**8)**8)**8)**8 > 0"'
HUGE = "*".join(["1e12"] * 26)


def test_nested_powers_are_refused_at_load(write_variant):
    path = write_variant('guard: "junta_confidence <= 2"', POWER_BOMB)
    run = run_sim("check", str(path))
    assert run.code == 1 and "error[X004]" in run.out and "power can exceed 10^15" in run.out


@pytest.mark.parametrize("old, new, command, code", [
    ("    value: 0.45\n    range: [0.2, 0.7]", "    value: .inf", ["check"], "S003"),
    ("    value: 0.45\n    range: [0.2, 0.7]", "    value: .nan", ["analyze"], "S003"),
    ("range: [0.2, 0.7]", "range: [-.inf, .inf]", ["analyze", "--sensitivity"], "S003"),
    ("parameters:\n", "parameters:\n  big: {value: 100000000000000000000, rationale: x}\n", ["analyze"], "S003"),
    ('score: "30 * caracas_goodwill + 10"', 'score: "30 * caracas_goodwill + 100000000000000000000"', ["analyze"],
     "X004"),
    ('guard: "junta_confidence <= 2"', f'guard: "round({HUGE} - {HUGE}) > 0"', ["check"], "C111"),
    ('score: "30 * caracas_goodwill + 10"', 'score: "100 / (caracas_goodwill - caracas_goodwill)"',
     ["run", "--choose", "iapc,resume_now"], "G002"),
    ('score: "30 * caracas_goodwill + 10"', f'score: "({HUGE}) * 0"', ["analyze"], "A003"),
    ('score: "30 * caracas_goodwill + 10"', f'score: "({HUGE}) * 0"', ["check"], "C111"),
    ('score: "30 * caracas_goodwill + 10"', f'score: "({HUGE}) * 0"', ["export", "--format", "efg"], "A003"),
])
def test_numbers_that_cannot_be_computed_are_diagnostics(write_variant, capsys, old, new, command, code):
    path = write_variant(old, new)
    status, text = cli(capsys, command[0], path, *command[1:])
    assert status in (1, 2) and f"[{code}" in text, text


def test_a_guard_that_cannot_be_computed_keeps_its_option_closed(write_variant, capsys):
    path = write_variant('guard: "junta_confidence <= 2"', f'guard: "round({HUGE} - {HUGE}) > 0"')
    status, text = cli(capsys, "analyze", path)
    assert status == 0 and re.search(r"public_elections +locked", text)
    status, text = cli(capsys, "run", path, "--choose", "iapc,public_elections")
    assert status == 1 and "error[G001]" in text and "is locked" in text


def test_a_huge_parameter_cannot_overflow_the_monte_carlo(write_variant, capsys):
    path = write_variant("    value: 0.45\n    range: [0.2, 0.7]", "    value: 1.0e+300")
    status, text = cli(capsys, "analyze", path, "--montecarlo", "10")
    assert status == 1 and "less than or equal to 1000000000000" in text


def test_a_debrief_of_an_ending_whose_score_fails_is_a_diagnostic(write_variant, replay_file, tmp_path, capsys):
    broken = write_variant('score: "30 * caracas_goodwill + 10"', 'score: "100 / (caracas_goodwill - caracas_goodwill)"',
                           name="broken.yaml")
    status, text = cli(capsys, "debrief", replay_file(), "--scenario", broken)
    assert status in (1, 2) and "division by zero" in text


# D8: only regular files are read, and never more than the limit.

def test_devices_and_pipes_are_refused_at_once(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for args in (["replay", "/dev/zero"], ["debrief", "/dev/zero"], ["replay", str(fifo)], ["debrief", str(fifo)],
                 ["check", str(fifo)], ["analyze", str(EXAMPLE), "--from", "/dev/zero"],
                 ["play", "--class", str(fifo)], ["replay", "/dev/urandom"]):
        run = run_sim(*args, cwd=tmp_path)
        assert run.code == 2 and "error[F001]" in run.text and "not a regular file" in run.text, (args, run.text)


def test_a_journal_that_is_a_pipe_does_not_hang_resume(tmp_path):
    folder = tmp_path / "data" / "journal"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "mini-peru.json")
    run = run_sim("play", "--resume", str(EXAMPLE), cwd=tmp_path,
                  env={**os.environ, "SIM_DATA_DIR": str(tmp_path / "data"), "TERM": "dumb"})
    assert run.code == 2 and "not a regular file" in run.err


def test_the_reader_refuses_folders_and_files_over_the_limit(tmp_path):
    from sim.files import read_text

    big = tmp_path / "big.json"
    with big.open("wb") as fh:
        fh.truncate(1024**3)
    for path, words in ((tmp_path, "is a folder"), (big, "larger than 4 MiB")):
        with pytest.raises(SimError) as info:
            read_text(path)
        assert info.value.usage and words in info.value.diagnostics[0].message


# D9: hostile JSON is refused before any model sees it.

def test_a_replay_with_a_5001_digit_seed_is_listed_not_fatal(replay_file, tmp_path, capsys):
    good = replay_file(name="good.json")
    bad = tmp_path / "bigint.json"
    bad.write_text(good.read_text().replace('"seed": 0', '"seed": 1' + "0" * 5000))
    status, text = cli(capsys, "replay", bad, "--scenario", EXAMPLE)
    assert status == 1 and "error[J005]" in text
    status, text = cli(capsys, "report", tmp_path, "--scenario", EXAMPLE)
    assert status == 0 and "bigint.json" in text and "J005" in text


def test_a_replay_of_millions_of_values_is_refused_early(tmp_path):
    path = tmp_path / "slow.json"
    ref = '{"id": "peru-1962", "version": "1.2", "hash": "x"}'
    path.write_text('{"format": "sim-replay", "version": 1, "scenario": ' + ref + ', "seed": 0, "steps": ['
                    + ",".join(["1"] * 1_800_000) + "]}")
    assert path.stat().st_size > 3_500_000
    run = run_sim("replay", str(path), cwd=tmp_path)
    assert run.code == 1 and "error[J005]" in run.err and "500,000 values" in run.err


@pytest.mark.parametrize("literal, words", [("NaN", "NaN"), ("Infinity", "Infinity"), ("1e999", "too large")])
def test_non_finite_numbers_in_a_replay_are_refused(replay_file, capsys, literal, words):
    path = replay_file()
    path.write_text(re.sub(r'"probability": [0-9.]+', f'"probability": {literal}', path.read_text(), count=1))
    status, text = cli(capsys, "replay", path, "--verify", "--scenario", EXAMPLE)
    assert status == 1 and "error[J005]" in text and words in text, text


def test_replay_errors_are_located_in_the_json(replay_file, capsys):
    path = replay_file(lambda d: d["steps"][1].update(forecasts={"x": 1.5}))
    status, text = cli(capsys, "replay", path, "--scenario", EXAMPLE)
    line = next(i for i, t in enumerate(path.read_text().splitlines(), 1) if '"forecasts"' in t)
    assert status == 1 and f"{path}:{line}:" in text and "less than or equal to 1" in text


# D10: a scenario of millions of values is refused before it is built.

def test_a_scenario_of_millions_of_values_is_refused_early(tmp_path):
    path = tmp_path / "slow.yaml"
    path.write_text("format: 1\nx: [" + ",".join(["1"] * 1_900_000) + "]\n")
    run = run_sim("check", str(path), cwd=tmp_path)
    assert run.code == 1 and "error[Y004]" in run.out
    assert max(len(line) for line in run.out.splitlines()) < 400, "a long line is shown as a window"


# D11: passages are matched in linear time.

WITHHELD = """    evil:
      file: big.txt
      date: 1962-07-27
      withheld_passages:
        - {quote: "QUOTE", until: 1962-08-18, reason: x}
"""


def test_a_pathological_withheld_passage_checks_at_once(tmp_path):
    (tmp_path / "big.txt").write_text("a " * 1_000_000)
    quote = " ".join(["a"] * 1990) + " b"
    text = example_text().replace(f"root: {SEEDS}", "root: .", 1)
    text = re.sub(r"file: (d42\d\.txt)", lambda m: f"file: {SEEDS / m.group(1)}", text)
    text = text.replace("  documents:\n", "  documents:\n" + WITHHELD.replace("QUOTE", quote), 1)
    path = tmp_path / "scenario.yaml"
    path.write_text(text)
    run = run_sim("check", str(path), cwd=tmp_path, timeout=15)
    assert "error[C115]" in run.out and run.out.count("error[") == 1, run.out


@settings(max_examples=300, deadline=None)
@given(st.text("ab \n\t", max_size=40), st.text("ab \n\t", min_size=1, max_size=10))
def test_passage_spans_match_whitespace_loosely(text, quote):
    words = fold(quote).split(" ")
    pattern = r"\s+".join(re.escape(w) for w in words)
    expected = [m.span() for m in re.finditer(pattern, text)] if words[0] else []
    assert find_spans(text, quote) == expected


# D12, D13: output paths and unreadable folders are F-code errors; sim report names what it skipped.

def test_output_to_a_folder_or_an_unwritable_place_is_f004(replay_file, tmp_path, capsys):
    replay = replay_file()
    for command in (["run", EXAMPLE, "--choose", "iapc", "-o", tmp_path],
                    ["run", EXAMPLE, "--choose", "iapc", "-o", "/proc/sim-replay.json"],
                    ["debrief", replay, "-o", tmp_path],
                    ["debrief", replay, "--scenario", EXAMPLE, "-o", "/proc/x.md"],
                    ["report", replay, "--scenario", EXAMPLE, "-o", "/proc/x.html"],
                    ["export", EXAMPLE, "--format", "dot", "-o", tmp_path]):
        status, text = cli(capsys, *command)
        assert status == 2 and "error[F004]" in text, (command, text)


def test_a_read_only_folder_is_f004(replay_file, tmp_path):
    replay = replay_file()
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        run = run_sim("debrief", str(replay), "--scenario", str(EXAMPLE), "-o", str(locked / "x.md"),
                      prefix=unprivileged())
        assert run.code == 2 and "error[F004]" in run.err and "Permission denied" in run.err
    finally:
        locked.chmod(0o755)


def test_an_unreadable_scenario_folder_is_f001(tmp_path):
    locked = tmp_path / "course" / "locked"
    locked.mkdir(parents=True)
    (locked / "scenario.yaml").write_text(example_text())
    locked.chmod(0)
    try:
        for args in (["check", str(locked)], ["run", str(locked)], ["check", str(tmp_path / "course")],
                     ["serve", str(locked)]):
            run = run_sim(*args, prefix=unprivileged())
            assert run.code == 2 and "error[F001]" in run.text and "Permission denied" in run.text, args
    finally:
        locked.chmod(0o755)


def test_report_lists_every_folder_and_file_it_skipped(replay_file, tmp_path):
    folder = tmp_path / "class"
    (folder / "locked").mkdir(parents=True)
    replay_file(name="class/ann.json")
    replay_file(name="class/locked/bo.json")
    os.mkfifo(folder / "pipe.json")
    (folder / "zero.json").symlink_to("/dev/zero")
    (folder / "nowhere.json").symlink_to(folder / "gone.json")
    (folder / "loop.json").symlink_to(folder / "loop.json")
    (folder / "locked").chmod(0)
    try:
        run = run_sim("report", str(folder), "--scenario", str(EXAMPLE), prefix=unprivileged())
    finally:
        (folder / "locked").chmod(0o755)
    assert run.code == 0
    listed = {name: line for line in run.out.splitlines() for name in
              ("locked", "pipe.json", "zero.json", "nowhere.json", "loop.json") if f"/{name} |" in line}
    assert set(listed) == {"locked", "pipe.json", "zero.json", "nowhere.json", "loop.json"}, run.out
    assert "Permission denied" in listed["locked"] and "not a regular file" in listed["pipe.json"]
    assert "6 replay files read: 1 verified" in run.out


# D14: control characters from files are escaped in every output.

def test_escape_sequences_in_scenario_text_are_refused(write_variant, capsys):
    path = write_variant('title: "The Venezuelan proposal (a two-decision sketch)"', 'title: "\\e]0;pwned\\a\\e[31mRED"')
    for command in (["analyze", path], ["run", path, "--choose", "iapc"], ["check", path],
                    ["export", path, "--format", "mermaid"]):
        status, text = cli(capsys, *command)
        assert status == 1 and "error[S003]" in text and "control characters" in text, command
        assert "\x1b" not in text and "\x07" not in text, command


def test_escape_sequences_in_documents_and_replays_are_replaced_when_read(tmp_path):
    from sim.replay import parse_replay
    from sim.sources import read_document

    doc = tmp_path / "d.txt"
    doc.write_text(f"before {ESCAPES} after")
    assert read_document(doc) == "before \ufffd]0;pwned\ufffd\ufffd[31mRED after"
    text = json.dumps({"format": "sim-replay", "version": 1, "seed": 0, "player": ESCAPES,
                       "scenario": {"id": "mini-peru", "version": "1", "hash": "x"},
                       "steps": [{"node": "proposal", "kind": "decision", "choice": "iapc", "digest": "d",
                                  "note": ESCAPES, "rationale": ESCAPES}]})
    replay = parse_replay(text, "r.json")
    assert not any("\x1b" in t or "\x07" in t
                   for t in (replay.player, replay.steps[0].note, replay.steps[0].rationale))


def test_escape_sequences_in_a_replay_never_reach_the_terminal(replay_file, tmp_path, capsys):
    noted = replay_file(lambda d: d["steps"][0].update(note=ESCAPES), name="note.json")
    chosen = replay_file(lambda d: d["steps"][0].update(choice=ESCAPES + "x"), name="choice.json")
    named = replay_file(lambda d: d.update(player=ESCAPES), name="player.json")
    for command in (["replay", noted], ["replay", chosen, "--verify"], ["debrief", noted], ["replay", noted, "--json"],
                    ["report", tmp_path], ["debrief", named]):
        status, text = cli(capsys, *command, "--scenario", EXAMPLE)
        assert status in (0, 1) and "\x1b" not in text and "\x07" not in text, command
    assert "\\u001b]0;pwned" in cli(capsys, "replay", chosen, "--verify", "--scenario", EXAMPLE)[1]
    status, text = cli(capsys, "replay", noted, "--json", "--scenario", EXAMPLE)
    assert json.loads(text)["steps"][0]["note"].endswith("[31mRED"), "JSON output stays valid JSON"


# D17: play never spins for ever; absurd seeds are usage errors.

CHANCE_LOOP = """format: 1
id: loop
title: "T"
version: "1"
start_date: 1962-07-27
sources:
  root: SEEDS
  documents:
    d421: {file: d421.txt, date: 1962-07-27, title: "Ball"}
variables:
  x: {type: int, min: 0, max: 1, initial: 0}
objectives:
  o: {score: "x * 100"}
perspectives:
  p: {weights: {o: 1}}
start: a
nodes:
  a:
    type: decision
    date: 1962-07-27
    options:
      go: {next: c, citations: [{doc: d421, quote: "the necessary eleven votes"}]}
  c:
    type: chance
    date: 1962-07-27
    outcomes:
      loop: {probability: 1, next: c, citations: [{doc: d421, quote: "the necessary eleven votes"}]}
      out: {probability: 0, next: e, citations: [{doc: d421, quote: "the necessary eleven votes"}]}
  e: {type: end, date: 1962-07-27}
"""


def test_a_chance_loop_without_a_way_out_is_an_error_and_run_stops(tmp_path, capsys):
    path = tmp_path / "loop.yaml"
    path.write_text(CHANCE_LOOP.replace("SEEDS", str(SEEDS)))
    status, text = cli(capsys, "check", path)
    assert status == 1 and "error[C106]" in text and "c -> c" in text
    run = run_sim("run", str(path), "--choose", "go", cwd=tmp_path)
    assert run.code == 1 and "error[G002]" in run.err and "10,000 steps" in run.err


@pytest.mark.parametrize("seed", ["100000000000000000000000", "-1", "1" + "0" * 5000, "9223372036854775809", "x"],
                         ids=["1e23", "negative", "5001 digits", "2^63+1", "not a number"])
@pytest.mark.parametrize("command", [["run", str(EXAMPLE), "--choose", "iapc"], ["analyze", str(EXAMPLE)],
                                     ["play", str(EXAMPLE)]])
def test_absurd_seeds_are_usage_errors(capsys, command, seed):
    with pytest.raises(SystemExit) as info:
        main([*command, "--seed", seed])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "--seed" in err and "from 0 to 2^63" in err
