"""The command line as a user meets it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE, ROOT
from sim.cli import main


def sim(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=cwd)


def test_check_clean_example_exits_0():
    proc = sim("check", str(EXAMPLE))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "clean" in proc.stdout and "states explored" in proc.stdout


def test_check_broken_file_exits_1_with_location_and_no_traceback(write_variant):
    path = write_variant('guard: "junta_confidence <= 2"', 'guard: "junta_confidnce <= 2"')
    proc = sim("check", str(path))
    assert proc.returncode == 1
    out = proc.stdout + proc.stderr
    assert f"{path}:" in out and "error[X002]" in out and "did you mean 'junta_confidence'" in out
    assert "Traceback" not in out


@pytest.mark.parametrize("content", [b"\xff\xfe\x00bad", b"", b"- a\n- b\n", b"format: [", b"{}"])
def test_check_garbage_never_tracebacks(tmp_path, content):
    path = tmp_path / "bad.yaml"
    path.write_bytes(content)
    proc = sim("check", str(path))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stdout + proc.stderr
    assert str(path) in proc.stdout + proc.stderr


def test_missing_file_is_a_usage_error():
    proc = sim("check", "no/such/scenario.yaml")
    assert proc.returncode == 2 and "no such scenario" in proc.stderr and "Traceback" not in proc.stderr


def test_check_json(write_variant):
    path = write_variant('quote: "the necessary eleven votes"', 'quote: "the necessary twelve votes"')
    assert main(["check", "--json", str(path)]) == 1


def test_check_json_output_shape(write_variant, capsys):
    path = write_variant('quote: "the necessary eleven votes"', 'quote: "the necessary twelve votes"')
    main(["check", "--json", str(path)])
    data = json.loads(capsys.readouterr().out)
    finding = data["scenarios"][0]["findings"][0]
    assert data["ok"] is False and finding["code"] == "C107" and finding["line"] > 0
    assert data["scenarios"][0]["states"] > 0


def test_run_then_replay_verify_round_trips(tmp_path):
    out = tmp_path / "r.json"
    proc = sim("run", str(EXAMPLE), "--choose", "mfm,called,public_elections", "--seed", "7", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert "end: public_end" in proc.stdout
    data = json.loads(out.read_text())
    assert data["format"] == "sim-replay" and data["steps"][1]["choice"] == "called"
    proc = sim("replay", str(out), "--scenario", str(EXAMPLE), "--verify")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verified: 3 steps match" in proc.stdout


def test_replay_verify_fails_on_tampered_file(tmp_path):
    out = tmp_path / "r.json"
    assert sim("run", str(EXAMPLE), "--choose", "iapc,resume_now", "-o", str(out)).returncode == 0
    data = json.loads(out.read_text())
    data["final"]["scores"]["unity"] = 1.0
    out.write_text(json.dumps(data))
    proc = sim("replay", str(out), "--scenario", str(EXAMPLE), "--verify")
    assert proc.returncode == 1 and "unity" in proc.stdout + proc.stderr


def test_run_with_a_locked_option_explains(tmp_path):
    proc = sim("run", str(EXAMPLE), "--choose", "mfm,short,public_elections")
    assert proc.returncode == 1 and "locked" in proc.stderr and "Traceback" not in proc.stderr


def test_bad_replay_is_located(tmp_path):
    out = tmp_path / "r.json"
    out.write_text('{"format": "sim-replay",\n "version": 1,\n "seed": "x"}')
    proc = sim("replay", str(out), "--scenario", str(EXAMPLE))
    assert proc.returncode == 1
    assert f"{out}:3:" in proc.stderr and "Traceback" not in proc.stderr


def test_scenario_argument_forms(tmp_path):
    folder = tmp_path / "scenarios" / "mini"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(EXAMPLE.read_text().replace(
        "root: ../../seeds/frus1961-63v12-peru", f"root: {ROOT / 'seeds' / 'frus1961-63v12-peru'}"))
    for arg in (str(folder / "scenario.yaml"), str(folder), "mini"):
        proc = sim("check", arg, cwd=tmp_path)
        assert proc.returncode == 0, (arg, proc.stdout, proc.stderr)


def test_schema_is_json_schema_and_matches_committed_copy():
    proc = sim("schema")
    schema = json.loads(proc.stdout)
    assert schema["title"] == "sim scenario" and "nodes" in schema["properties"]
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text())
    assert committed == schema, "docs/scenario.schema.json is stale: run 'sim schema > docs/scenario.schema.json'"
