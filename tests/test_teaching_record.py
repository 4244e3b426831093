"""The debrief's record is the record: only documented steps, dated and cited, the same whatever the seed; inferred
steps and the model's draws apart and labelled; chance outcomes chosen rather than drawn named as such, flagged in
the class report and refused where a class file says so."""

from __future__ import annotations

import re

import pytest
from test_teaching_games import play

from conftest import ROOT
from sim.classfile import load_class
from sim.commands.run import play_choices
from sim.debrief import build_debrief, render_html, render_markdown
from sim.engine import Game
from sim.lines import play_line
from sim.loader import load_scenario
from sim.replay import dumps, from_game, parse_replay, run_replay, save
from sim.report import build_report
from sim.report import render_markdown as report_markdown
from sim.tui import text
from sim.tui.session import Session
from sim.tui.widgets.details import sources_section

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


def historical_replay(peru, seed: int):
    game = Game(peru, seed=seed)
    assert play_line(game, peru.model.lines["historical"]) is None
    return parse_replay(dumps(from_game(game, line="historical")), "historical")


def section(markdown: str, heading: str) -> str:
    start = markdown.index(heading)
    rest = markdown[start + len(heading):]
    end = re.search(r"\n##+ ", rest)
    return rest[:end.start()] if end else rest


def test_the_record_section_is_the_same_for_every_seed_and_only_documented(peru):
    records = []
    for seed in range(10):
        debrief = build_debrief(peru, historical_replay(peru, seed))
        records.append(section(render_markdown(debrief), "### From the record"))
    assert all(r == records[0] for r in records), "the record does not change with the seed"
    line = peru.model.lines["historical"]
    documented = {n for n, p in line.provenance.items() if p.basis == "documented"}
    record = records[0]
    for nid in documented:
        node = peru.node(nid)
        label = node.move(line.choices.get(nid) or line.outcomes[nid]).label
        assert label in record, nid
    for nid, p in line.provenance.items():
        if p.basis != "documented" and nid not in documented:
            assert f", {peru.node(nid).model.title}:" not in record, f"{nid} ({p.basis}) shown as the record"
    assert "Recognitions" not in record and "The APRA unions" not in record and "The warning to plotters" not in record
    assert "August 2, 1962, The Venezuelan Foreign Minister:" in record


def test_inferred_steps_and_draws_are_apart_and_say_which_varied(peru):
    drawn = {}
    for seed in range(10):
        md = render_markdown(build_debrief(peru, historical_replay(peru, seed)))
        inferred = section(md, "### Read from the record (inferred)")
        assert "Recognitions:** chance: Argentina, Chile and others recognise the junta" in inferred
        assert "Reasoning: The dates of the recognitions are not recorded" in inferred
        draws = section(md, "### Not recorded: the model's draws")
        assert f"drawn in this game (seed {seed})" in draws and "another seed may draw them otherwise" in draws
        drawn[seed] = draws
    assert len(set(drawn.values())) > 1, "the draws do vary with the seed"


def test_the_shipped_historical_replay_is_the_lines_and_its_debrief_separates_the_record(peru):
    from sim.replay import load_replay

    replay = load_replay(PERU.parent / "replays" / "historical.json")
    debrief = build_debrief(peru, replay)
    assert debrief.line == "historical" and debrief.forced == ()
    md = render_markdown(debrief)
    assert "fixed by the line 'historical', not drawn" in md or not any(s.forced for s in replay.steps)
    html = render_html(debrief)
    assert "From the record" in html and "Not recorded: the model&#x27;s draws" in html


def forced_replay(peru):
    """A line that forces an outcome the seed does not draw."""
    choices = ["earlier_elections", "wish", "deliberate_signals", "receive", "iapc", "venezuela_insists",
               "resume_and_recommend", "most_economic", "hold_line", "keep_restrictions"]
    for seed in range(50):
        game = Game(peru, seed=seed)
        assert play_choices(game, choices) == []
        if any(s.forced for s in game.history()):
            return parse_replay(dumps(from_game(game, player="Lucky")), "forced")
    raise AssertionError("no seed forces the outcome")


def test_a_forced_outcome_verifies_as_forced_and_is_no_luck(peru):
    replay = forced_replay(peru)
    result = run_replay(replay, peru)
    assert result.ok and len(result.forced) == 1
    debrief = build_debrief(peru, replay)
    step = result.forced[0]
    assert debrief.forced == (step,)
    md = render_markdown(debrief)
    assert "you chose this outcome; it was not drawn" in md
    assert "Luck is not measured" in debrief.luck.verdict and "Luck was" not in debrief.luck.verdict


def test_a_forged_provenance_or_line_does_not_verify(peru):
    replay = forced_replay(peru)
    claimed = replay.model_copy(update={"line": "historical"})
    assert "the line 'historical' takes" in run_replay(claimed, peru).problem
    step = replay.steps[0].model_copy(update={"basis": "documented"})
    forged = replay.model_copy(update={"steps": [step, *replay.steps[1:]]})
    assert "provenance" in run_replay(forged, peru).problem


def test_the_class_report_flags_forced_outcomes_and_a_class_file_refuses_them(peru, tmp_path):
    save(forced_replay(peru), tmp_path / "lucky.json")
    save(play(peru, ["earlier_elections", "wish", "deliberate"], player="Honest"), tmp_path / "honest.json")
    report = build_report([tmp_path / "lucky.json", tmp_path / "honest.json"])
    assert [s.name for s in report.students if s.forced] == ["Lucky"]
    text = report_markdown(report)
    assert "## Roster" in text and "chance chosen, not drawn (step" in text
    (tmp_path / "class.yaml").write_text("format: 1\nscenario: peru-1962\nforced_outcomes: refuse\n")
    refused = build_report([tmp_path / "lucky.json", tmp_path / "honest.json"],
                           classroom=load_class(tmp_path / "class.yaml"))
    assert [s.name for s in refused.students] == ["Honest"]
    assert "refused: chance outcomes chosen, not drawn" in refused.problems[0].reason


def test_the_details_panel_shows_a_withheld_citation_as_its_notice(peru):
    game = Game(peru)
    for option in ("june9_package", "wish", "expedite", "receive", "oppose"):
        game.play(option)
    while game.node.id != "october_crisis":
        node = game.node
        game.play({"resumption": "resume", "aid": "most_economic", "autumn_military_aid": "gradual"}[node.id])
    session = Session(peru, PERU, game=game, journaling=False)
    cited = [peru.model.lines["historical"].provenance["october_crisis"].citations[0]]
    shown = text.lines(sources_section(session, cited)).plain
    assert "removed effective immediately" not in shown and "Footnote 6 is withheld" in shown


def test_the_class_report_shows_the_same_record_as_the_debrief(peru, tmp_path):
    save(historical_replay(peru, 3), tmp_path / "h.json")
    report = report_markdown(build_report([tmp_path / "h.json"]))
    debrief = render_markdown(build_debrief(peru, historical_replay(peru, 3)))
    assert section(report, "### From the record") == section(debrief, "### From the record")


def test_the_roster_has_a_row_per_hand_in_with_judgment_luck_and_flags(peru, tmp_path):
    from sim.analysis.policy import perspective_weighting
    from sim.reporting.attribution import best_value

    honest = play(peru, ["earlier_elections", "wish", "deliberate", "receive", "iapc", "resume", "most_economic",
                         "gradual", "keep_restrictions"], player="Honest", seed=5)
    save(honest, tmp_path / "honest.json")
    save(forced_replay(peru), tmp_path / "lucky.json")
    save(historical_replay(peru, 1), tmp_path / "line.json")
    broken = honest.model_copy(update={"steps": honest.steps[:3] + [honest.steps[3].model_copy(
        update={"digest": "0" * 16})] + honest.steps[4:]})
    save(broken, tmp_path / "broken.json")
    (tmp_path / "class.yaml").write_text("format: 1\nscenario: peru-1962\nseed: 5\n")
    report = build_report(sorted(tmp_path.glob("*.json")), classroom=load_class(tmp_path / "class.yaml"))
    rows = {row.name: row for row in report.roster}
    assert set(rows) == {"Honest", "Lucky", "historical", "broken"} or "broken" in rows
    row = rows["Honest"]
    assert row.flags == () and row.judgment <= 0
    start = best_value(peru, peru.start, peru.initial, perspective_weighting(peru, report.perspective))
    assert row.value == pytest.approx(start + row.judgment + row.luck)
    assert any("chance chosen, not drawn" in f for f in rows["Lucky"].flags) and rows["Lucky"].luck is None
    assert any("seed" in f for f in rows["Lucky"].flags)
    line = next(r for r in report.roster if any("line 'historical'" in f for f in r.flags))
    assert line.ending.startswith("Belaúnde")
    assert rows["broken"].ending == "not counted" and "does not verify" in rows["broken"].flags[0]
