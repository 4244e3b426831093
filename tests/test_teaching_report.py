"""The class report: a class of 30 replays, where it split, outcomes, forecast scores, rationales, bad files."""

from __future__ import annotations

import random
import re
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from test_teaching_games import play

from conftest import EXAMPLE, ROOT
from sim.diagnostics import SimError
from sim.replay import save
from sim.report import build_report, collect_files, render_html, render_markdown
from sim.reporting.played import Verifier

CLASS_SIZE = 30


def write_class(sc, folder, size: int = CLASS_SIZE, seed: int = 5) -> dict[str, list[str]]:
    """`size` students with seeded random choices, one seed for the class, rationales and some forecasts.
    Returns each student's moves."""
    rng = random.Random(seed)
    moves = {}
    for i in range(size):
        first = rng.choice(["iapc", "mfm"])
        path = [first]
        extra = {0: {"rationale": f"student {i} on {first}"}}
        if first == "mfm":
            path.append(rng.choice(["called", "short"]))
            extra[0]["forecasts"] = {"votes.called": 0.5}
        if path[-1] != "short":
            path.append(rng.choice(["public_elections", "resume_now"]))
        else:
            path.append("resume_now")
        name = f"Student {i:02d}"
        save(play(sc, path, seed=7, player=name, extra=extra), folder / f"s{i:02d}.json")
        moves[name] = path
    return moves


@pytest.fixture
def klass(example, tmp_path):
    folder = tmp_path / "class"
    moves = write_class(example, folder)
    (folder / "junk.json").write_text("{not json")
    (folder / "late").mkdir()
    tampered = play(example, ["iapc", "public_elections"], player="Tampered")
    tampered = tampered.model_copy(update={"final": tampered.final.model_copy(update={"scores": {"democracy": 99.0}})})
    save(tampered, folder / "late" / "tampered.json")
    other = play(example, ["iapc", "public_elections"])
    save(other.model_copy(update={"scenario": other.scenario.model_copy(update={"id": "other"})}),
         folder / "other.json")
    return folder, moves


def test_the_split_at_each_decision_counts_every_student(example, klass):
    folder, moves = klass
    r = build_report(collect_files([str(folder)])[0], str(EXAMPLE))
    assert len(r.students) == CLASS_SIZE and r.files == CLASS_SIZE + 3
    splits = {s.node: {o.option: o.count for o in s.options} for s in r.splits}
    assert splits["proposal"] == {
        "iapc": sum(m[0] == "iapc" for m in moves.values()), "mfm": sum(m[0] == "mfm" for m in moves.values())}
    assert splits["terms"]["resume_now"] == sum(m[-1] == "resume_now" for m in moves.values())
    assert sum(splits["proposal"].values()) == CLASS_SIZE
    memo_mark = {o.option: o.lines for o in r.splits[0].options}
    assert memo_mark == {"iapc": ("memo",), "mfm": ()}


def test_bad_files_are_listed_with_the_reason_not_fatal(example, klass):
    folder, _ = klass
    r = build_report(collect_files([str(folder)])[0], str(EXAMPLE))
    reasons = {p.path.rsplit("/", 1)[-1]: p.reason for p in r.problems}
    assert set(reasons) == {"junk.json", "tampered.json", "other.json"}
    assert "replay is of scenario 'other', not 'mini-peru'" in reasons["other.json"]
    assert "JSON syntax error" in reasons["junk.json"] and "line 1, column 2" in reasons["junk.json"]
    assert "does not verify" in reasons["tampered.json"] and "democracy" in reasons["tampered.json"]


def test_outcomes_and_values_under_every_perspective(example, klass):
    folder, moves = klass
    r = build_report(collect_files([str(folder)])[0], str(EXAMPLE))
    assert sum(e.count for e in r.endings) == CLASS_SIZE
    assert {e.node: e.count for e in r.endings}.get("lapse_end", 0) == sum(
        m[-1] == "resume_now" for m in moves.values())
    assert set(r.values) == {"state", "caracas"} and all(len(v) == CLASS_SIZE for v in r.values.values())


def test_forecast_scores_are_in_the_report(example, klass):
    folder, moves = klass
    r = build_report(collect_files([str(folder)])[0], str(EXAMPLE))
    forecasters = [s for s in r.students if s.forecasts.scores]
    assert len(forecasters) == sum(m[0] == "mfm" for m in moves.values())
    assert all(s.forecasts.mean == pytest.approx(0.5) for s in forecasters)
    text = render_markdown(r)
    assert "## Forecasts" in text and "| Eleven votes? |" in text and "0.500" in text


def test_markdown_shows_splits_tree_rationales_and_problems(example, klass):
    folder, moves = klass
    text = render_markdown(build_report(collect_files([str(folder)])[0], str(EXAMPLE)))
    n_iapc = sum(m[0] == "iapc" for m in moves.values())
    assert "## Where the class split" in text
    assert re.search(rf"\| Steer it to the Inter-American Peace Committee (◀ )?\| {n_iapc} \|", text)
    assert f"- **{n_iapc}** · The Venezuelan proposal: Steer it to the Inter-American Peace Committee" in text
    assert "## Rationales, by option" in text and "**Student 00**: student 0 on" in text
    assert "## Replays left out" in text and "junk.json" in text


def test_verification_runs_once_per_distinct_sequence(example, klass, monkeypatch):
    folder, moves = klass
    calls = []
    real = Verifier.walk
    monkeypatch.setattr(Verifier, "walk", lambda self, replay: calls.append(1) or real(self, replay))
    build_report(collect_files([str(folder)])[0], str(EXAMPLE))
    assert len(calls) == len({tuple(m) for m in moves.values()}) + 2


def test_the_scenario_comes_from_the_replays_when_not_given(tmp_path):
    from sim.loader import load_scenario

    folder = tmp_path / "peru-like" / "scenarios" / "mini-peru"
    folder.mkdir(parents=True)
    (folder / "scenario.yaml").write_text(EXAMPLE.read_text().replace(
        "root: ../../seeds/frus1961-63v12-peru", f"root: {ROOT / 'seeds' / 'frus1961-63v12-peru'}"))
    sc = load_scenario(folder / "scenario.yaml")
    save(play(sc, ["iapc", "public_elections"]), tmp_path / "a.json")
    proc = subprocess.run([sys.executable, "-m", "sim", "report", str(tmp_path / "a.json")], capture_output=True,
                          text=True, cwd=tmp_path / "peru-like")
    assert proc.returncode == 0, proc.stderr
    assert "1 replay file read: 1 verified on mini-peru" in proc.stdout


def test_no_readable_replay_and_no_scenario_is_a_usage_error(tmp_path):
    (tmp_path / "junk.json").write_text("[]")
    with pytest.raises(SimError) as info:
        build_report(collect_files([str(tmp_path)])[0])
    assert info.value.usage and "give it with --scenario" in info.value.diagnostics[-1].hint
    assert info.value.diagnostics[0].path == str(tmp_path / "junk.json")


def test_missing_path_is_a_usage_error(tmp_path):
    with pytest.raises(SimError) as info:
        collect_files([str(tmp_path / "nope")])
    assert info.value.usage and info.value.diagnostics[0].code == "F001"


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.urls = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]


def test_html_is_self_contained_with_charts_and_escapes_students(example, tmp_path):
    folder = tmp_path / "class"
    write_class(example, folder, size=3)
    evil = '<img src="http://evil.example/x.png" onerror="alert(1)"><script>alert(2)</script>'
    save(play(example, ["iapc", "public_elections"], player=evil, extra={0: {"rationale": evil}}),
         folder / "evil.json")
    page = render_html(build_report(collect_files([str(folder)])[0], str(EXAMPLE)))
    parsed = _Elements()
    parsed.feed(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and parsed.urls == []
    assert "svg" in parsed.tags and "rect" in parsed.tags
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page
    assert "<link" not in page and "@import" not in page


def test_cli_writes_html(example, klass, tmp_path):
    folder, _ = klass
    out = tmp_path / "report.html"
    proc = subprocess.run([sys.executable, "-m", "sim", "report", str(folder), "--scenario", str(EXAMPLE), "-o",
                           str(out)], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "Where the class split" in out.read_text()

