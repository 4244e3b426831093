"""The debrief of one game: reference lines, scores, causal trace, history, unlocked documents, luck, forecasts."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_teaching_games import historical_scenario, play

from conftest import EXAMPLE, ROOT
from sim.debrief import build_debrief, render_html, render_markdown, verdict
from sim.diagnostics import SimError
from sim.engine import Game
from sim.replay import save


def state_value(democracy: float, unity: float, venezuela: float) -> float:
    return (3 * democracy + 2 * unity + venezuela) / 6


@pytest.fixture
def mfm_game(example):
    """Back the meeting, the votes are found, public terms: the public ending."""
    return play(example, ["mfm", "called", "public_elections"], player="Ana",
                extra={0: {"rationale": "Betancourt needs us", "forecasts": {"votes.called": 0.3}}})


def test_path_and_first_divergence_from_the_memo(example, mfm_game):
    d = build_debrief(example, mfm_game)
    assert [(p.node, p.choice) for p in d.path] == [("proposal", "mfm"), ("votes", "called"),
                                                    ("terms", "public_elections")]
    assert d.path[0].rationale == "Betancourt needs us"
    (memo,) = d.lines
    assert memo.id == "memo" and memo.diverged is not None
    assert (memo.diverged.node, memo.diverged.player, memo.diverged.line) == ("proposal", "mfm", "iapc")
    assert (memo.agreed, memo.compared) == (1, 2)


def test_following_the_memo_never_diverges(example):
    d = build_debrief(example, play(example, ["iapc", "public_elections"]))
    assert d.lines[0].diverged is None and d.lines[0].agreed == 2


def test_final_scores_and_values_under_every_perspective(example, mfm_game):
    s = build_debrief(example, mfm_game).standing
    assert s.scores == {"democracy": 70.0, "unity": 60.0, "venezuela": 100.0}
    assert s.values["state"] == pytest.approx(state_value(70, 60, 100))
    assert s.values["caracas"] == pytest.approx((3 * 100 + 70) / 4)


def test_causal_trace_attributes_each_change_to_its_step(example, mfm_game):
    trace = {t.objective: t for t in build_debrief(example, mfm_game).trace}
    (ven,) = trace["venezuela"].entries
    assert (ven.step, ven.choice, ven.before, ven.after, ven.delta) == (1, "mfm", 40.0, 100.0, 60.0)
    (dem,) = trace["democracy"].entries
    assert (dem.step, dem.choice, dem.delta) == (3, "public_elections", 40.0)
    assert trace["unity"].entries == () and trace["unity"].start == trace["unity"].final == 60.0
    for t in trace.values():
        assert t.start + sum(e.delta for e in t.entries) == pytest.approx(t.final)


def test_trace_shows_a_chance_outcome_as_a_cause(example):
    trace = {t.objective: t for t in build_debrief(example, play(example, ["mfm", "short", "resume_now"])).trace}
    (unity,) = trace["unity"].entries
    assert (unity.kind, unity.choice, unity.before, unity.after) == ("chance", "short", 60.0, 20.0)


def test_luck_against_the_players_own_policy_by_hand(example, mfm_game):
    luck = build_debrief(example, mfm_game).luck
    p = example.model.parameters["p_votes"].value
    public, lapse_after_short = state_value(70, 60, 100), state_value(30, 20, 100)
    assert [v for v, _ in luck.distribution] == pytest.approx([lapse_after_short, public])
    assert [q for _, q in luck.distribution] == pytest.approx([1 - p, p])
    assert luck.expected == pytest.approx(p * public + (1 - p) * lapse_after_short)
    assert luck.actual == pytest.approx(public)
    assert luck.percentile == pytest.approx(100 * ((1 - p) + p / 2))
    assert luck.best_expected == pytest.approx(state_value(70, 60, 70))
    assert luck.assumed_best == ("terms",)
    assert "Luck was with you" in luck.verdict and "below best play" in luck.verdict


def test_bad_luck_is_named(write_variant):
    from sim.loader import load_scenario

    sc = load_scenario(write_variant("value: 0.45\n    range: [0.2, 0.7]", "value: 0.8\n    range: [0.2, 0.9]"))
    luck = build_debrief(sc, play(sc, ["mfm", "short", "resume_now"])).luck
    assert luck.percentile == pytest.approx(10) and "Luck was against you" in luck.verdict


def test_verdict_separates_judgment_from_luck():
    assert "as good as best play" in verdict(66.0, 66.5, 50, False)
    assert "10.0 below best play" in verdict(56.0, 66.0, 50, False)
    assert "only one outcome was possible" in verdict(66.0, 66.0, 50, True)
    assert "the best of the reference lines, memo, 70.0" in verdict(60.0, None, 50, False, ("memo", 70.0))


def test_best_play_too_large_is_said_not_hidden(example, mfm_game):
    luck = build_debrief(example, mfm_game, best_limit=2).luck
    assert luck.best_expected is None and "more than 2" in luck.best_note
    assert "Best play from the start was not computed" in render_markdown(build_debrief(example, mfm_game,
                                                                                        best_limit=2))


def test_forecasts_are_scored_in_the_debrief(example, mfm_game):
    f = build_debrief(example, mfm_game).forecasts
    assert f.mean == pytest.approx(0.98) and f.model_mean == pytest.approx(0.605)
    assert "0.980" in render_markdown(build_debrief(example, mfm_game))


def test_documents_dated_after_the_last_node_are_unlocked(example):
    unfinished = play(example, ["iapc"])
    d = build_debrief(example, unfinished)
    assert not d.finished and d.standing is None and d.luck is None
    assert [(r.id, str(r.date)) for r in d.unlocked] == []
    d = build_debrief(example, unfinished, hidden_documents={"d423"})
    assert [r.id for r in d.unlocked] == ["d423"]


def test_unlocked_documents_from_a_game_stopped_before_their_date(write_variant):
    from sim.loader import load_scenario

    sc = load_scenario(write_variant("d423: {file: d423.txt, date: 1962-07-30",
                                     "d423: {file: d423.txt, date: 1962-09-30"))
    d = build_debrief(sc, play(sc, ["iapc", "public_elections"]))
    assert [(r.id, str(r.date), r.title) for r in d.unlocked] == [
        ("d423", "1962-09-30", "Instructions to the Embassy in Peru")]
    assert "Documents now unlocked" in render_markdown(d) and "September 30, 1962" in render_markdown(d)


def test_history_lists_the_lines_documented_steps_dated_and_cited(tmp_path):
    sc = historical_scenario(tmp_path)
    d = build_debrief(sc, play(sc, ["mfm", "called", "resume_now"]))
    h = d.history
    assert "'historical' line" in h.source
    assert [(s.node, s.label, str(s.date)) for s in h.documented] == [
        ("proposal", "Steer it to the Inter-American Peace Committee", "1962-07-27"),
        ("terms", "Require a public reaffirmation of free elections", "1962-07-30")]
    assert all(s.citations for s in h.documented) and h.inferred == ()
    (end,) = h.endings
    assert end.node == "quiet_end" and end.historical and end.citations[0].doc == "d421"
    text = render_markdown(d)
    section = text[text.index("## What actually happened"):]
    assert "From the record" in section
    assert "it would be within the terms of reference of the Inter-American Peace Committee (IAPC)" in section
    assert "d421, Ball to Kennedy: Relations with Peru (July 27, 1962)" in section
    assert "The record shows that a quiet OAS forum" in section


def test_the_historical_line_compares_the_outcomes_it_fixes_not_the_replays_draws(tmp_path):
    sc = historical_scenario(tmp_path)
    save(play(sc, ["mfm", "short", "resume_now"]), tmp_path / "replays" / "historical.json")
    d = build_debrief(sc, play(sc, ["mfm", "called", "resume_now"]))
    hist = next(c for c in d.lines if c.id == "historical")
    assert hist.diverged.node == "proposal"
    assert not any(r.node == "votes" for r in hist.rows), "a draw of the replay is not the line's"
    fixed = historical_scenario(tmp_path / "fixed", outcomes="    outcomes: {votes: short}\n")
    d = build_debrief(fixed, play(fixed, ["mfm", "called", "resume_now"]))
    hist = next(c for c in d.lines if c.id == "historical")
    assert any(r.node == "votes" and r.player == "called" and r.line == "short" for r in hist.rows)


def test_history_without_a_replay_comes_from_the_line(tmp_path):
    sc = historical_scenario(tmp_path, with_replay=False)
    h = build_debrief(sc, play(sc, ["iapc", "public_elections"])).history
    assert [s.node for s in h.documented] == ["proposal", "terms"] and h.drawn == () and h.drawn_in == ""


def test_ending_is_labelled_record_or_projection(tmp_path):
    sc = historical_scenario(tmp_path)
    record = render_markdown(build_debrief(sc, play(sc, ["iapc", "public_elections"])))
    ending = record[record.index("## How it ended"):record.index("## Your path")]
    assert "**From the record.**" in ending and "projection." not in ending.split("\n\n")[1]
    projected = render_markdown(build_debrief(sc, play(sc, ["mfm", "called", "resume_now"])))
    ending = projected[projected.index("## How it ended"):projected.index("## Your path")]
    assert "**The model's projection.** Relations without terms" in ending
    assert "This ending is not what happened" in ending


def test_a_scenario_without_history_says_so(example, mfm_game):
    assert "This scenario records no historical line." in render_markdown(build_debrief(example, mfm_game))


def test_debrief_of_a_game_object(example):
    game = Game(example)
    game.choose("iapc")
    game.choose("public_elections")
    d = build_debrief(example, game, extra={1: {"rationale": "elections first"}})
    assert d.finished and d.path[1].rationale == "elections first"


def test_a_replay_that_does_not_verify_is_refused(example, mfm_game):
    bad = mfm_game.model_copy(update={"steps": [mfm_game.steps[0].model_copy(update={"digest": "0" * 16}),
                                                *mfm_game.steps[1:]]})
    with pytest.raises(SimError) as info:
        build_debrief(example, bad, shown="ana.json")
    d = info.value.diagnostics[0]
    assert d.code == "P002" and d.path == "ana.json" and "state differs" in d.message


def test_html_escapes_untrusted_text(example):
    evil = "<script>alert('x')</script>"
    replay = play(example, ["iapc", "public_elections"], player=evil, extra={0: {"rationale": evil, "note": evil}})
    page = render_html(build_debrief(example, replay))
    assert "<script" not in page and "&lt;script&gt;" in page
    assert "Content-Security-Policy" in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")


def sim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sim", *args], capture_output=True, text=True, cwd=ROOT)


def test_cli_writes_markdown_and_html(example, mfm_game, tmp_path):
    path = tmp_path / "ana.json"
    save(mfm_game, path)
    proc = sim("debrief", str(path), "--scenario", str(EXAMPLE))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("# Debrief: The Venezuelan proposal")
    out = tmp_path / "ana.html"
    proc = sim("debrief", str(path), "--scenario", str(EXAMPLE), "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    assert out.read_text().startswith("<!DOCTYPE html>") and "<svg" in out.read_text()


def test_cli_refuses_an_unknown_output_format(mfm_game, tmp_path):
    path = tmp_path / "ana.json"
    save(mfm_game, path)
    proc = sim("debrief", str(path), "--scenario", str(EXAMPLE), "-o", str(tmp_path / "out.pdf"))
    assert proc.returncode == 2 and "must end in .md or .html" in proc.stderr and "Traceback" not in proc.stderr


def test_cli_bad_replay_is_located_not_a_traceback(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text('{"format": "sim-replay",\n "seed": "x"}')
    proc = sim("debrief", str(path), "--scenario", str(EXAMPLE))
    assert proc.returncode == 1 and f"{path}:" in proc.stderr and "Traceback" not in proc.stderr
