"""Generated scenarios: whatever `sim check` calls clean, every other command handles without crashing.

The scenarios are small and well formed (every option cited, every ending reachable, effects clamped into
their ranges) but their expressions are arbitrary arithmetic over the variables, the parameters and numbers up
to 10^12: powers, divisions, rounding, huge products. `sim check` may find problems in them (a division by
zero, say); those that it calls clean go through analyze, export, run, replay, debrief and report, and the TUI
plays some of them to the end.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pilot import settle

from conftest import SEEDS
from sim.cli import main

CITE = '[{doc: d421, quote: "the necessary eleven votes"}]'
INTS = ("x", "y")
RUNS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


def numbers():
    """Numbers as a scenario writes them (decimals with a point and a signed exponent, which YAML reads)."""
    return st.one_of(st.integers(0, 10).map(str), st.integers(-10**12, 10**12).map(str),
                     st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False).map(lambda f: f"{f:.6e}"),
                     st.sampled_from(["1.0e+12", "0.5", "0", "1"]))


def parameter_values():
    """A parameter's value as a file may write it, including what a scenario may not hold (inf, NaN, 10^20)."""
    return st.one_of(numbers(), numbers(), numbers(),
                     st.sampled_from([".inf", "-.inf", ".nan", "100000000000000000000", "1.0e+300"]))


def expressions():
    leaves = st.one_of(st.sampled_from([*INTS, "p", "q"]), numbers(), st.just("1.0e+12"))

    def combine(children):
        two = st.tuples(children, children)
        return st.one_of(
            two.map(lambda t: f"({t[0]} + {t[1]})"), two.map(lambda t: f"({t[0]} - {t[1]})"),
            two.map(lambda t: f"({t[0]} * {t[1]})"), two.map(lambda t: f"({t[0]} / {t[1]})"),
            two.map(lambda t: f"({t[0]} // {t[1]})"), two.map(lambda t: f"({t[0]} % {t[1]})"),
            st.tuples(children, st.sampled_from([0, 1, 2, 2, 3, 8])).map(lambda t: f"({t[0]} ** {t[1]})"),
            two.map(lambda t: f"min({t[0]}, {t[1]})"), two.map(lambda t: f"max({t[0]}, {t[1]})"),
            children.map(lambda c: f"abs({c})"), children.map(lambda c: f"round({c})"),
            st.tuples(children, children, children).map(lambda t: f"({t[0]} if {t[1]} > {t[2]} else {t[2]})"),
            children.map(lambda c: f"({c} if flag else 0)"),
        )

    return st.recursive(leaves, combine, max_leaves=16)


@st.composite
def scenarios(draw) -> str:
    e = lambda: draw(expressions())  # noqa: E731 - a fresh expression at each use
    low_x, high_x = draw(st.integers(-5, 0)), draw(st.integers(1, 5))
    p_value, q_value = draw(parameter_values()), draw(numbers())
    low, high = sorted([float(q_value), 0.0])
    chance = e()
    uses = "0 * (x + y + p + q) + (1 if flag else 0)"
    return f"""format: 1
id: generated
title: "Generated"
version: "1"
start_date: 1962-07-27
sources:
  root: {SEEDS}
  documents:
    d421: {{file: d421.txt, date: 1962-07-27, title: "Ball"}}
variables:
  x: {{type: int, min: {low_x}, max: {high_x}, initial: 0}}
  y: {{type: int, min: -3, max: 3, initial: {draw(st.integers(-3, 3))}}}
  flag: {{type: bool, initial: {draw(st.sampled_from(["true", "false"]))}}}
parameters:
  p: {{value: {p_value}, rationale: "generated"}}
  q: {{value: {q_value}, range: [{low:.17e}, {high:.17e}], rationale: "generated"}}
objectives:
  a: {{score: "clamp({e()}, 0, 100)"}}
  b: {{score: "clamp({e()} + {uses}, 0, 100)"}}
perspectives:
  one: {{weights: {{a: 1, b: 2}}}}
  two: {{weights: {{a: 1}}}}
start: d0
nodes:
  d0:
    type: decision
    date: 1962-07-27
    options:
      go: {{next: c0, effects: {{x: "clamp(round({e()}), {low_x}, {high_x})"}}, citations: {CITE}}}
      stay: {{next: d1, guard: "({e()}) > 0 or true", effects: {{flag: "({e()}) > 0"}}, citations: {CITE}}}
  c0:
    type: chance
    date: 1962-07-28
    outcomes:
      up: {{probability: "clamp({chance}, 0.1, 0.9)", next: d1, effects: {{y: "clamp(round({e()}), -3, 3)"}},
           citations: {CITE}}}
      down: {{probability: "1 - clamp({chance}, 0.1, 0.9)", next: d1, citations: {CITE}}}
  d1:
    type: decision
    date: 1962-07-29
    options:
      left: {{next: e1, citations: {CITE}}}
      right: {{next: e2, effects: {{x: "clamp(x + round({e()}), {low_x}, {high_x})"}}, citations: {CITE}}}
      either: {{next: [{{when: "({e()}) > 0", goto: e1}}, {{goto: e2}}], citations: {CITE}}}
  e1: {{type: end, date: 1962-07-30, title: "One"}}
  e2: {{type: end, date: 1962-07-30, title: "Two", historical: true}}
"""


def sim(capsys, *args) -> tuple[int, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    assert code in (0, 1, 2), (args, captured.err)
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out + captured.err


def clean(capsys, path) -> bool:
    code, text = sim(capsys, "check", path)
    return code == 0


@RUNS
@given(scenarios())
def test_every_command_handles_what_check_calls_clean(tmp_path_factory, capsys, text):
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "scenario.yaml"
    path.write_text(text)
    if not clean(capsys, path):
        return
    replay = folder / "replays" / "r.json"
    sim(capsys, "check", path, "--json")
    for extra in ([], ["--sensitivity", "--frontier", "--montecarlo", "5"], ["--policy", "random"],
                  ["--perspective", "two", "--json"], ["--weights", "a=1,b=0"]):
        sim(capsys, "analyze", path, *extra)
    for fmt in ("efg", "dot", "mermaid"):
        sim(capsys, "export", path, "--format", fmt)
    for choices in ("go,left", "stay,right", "go,either", "stay,either"):
        code, _ = sim(capsys, "run", path, "--choose", choices, "--seed", "7", "-o", replay)
        if code:
            continue
        assert json.loads(replay.read_text())["final"]
        sim(capsys, "replay", replay, "--verify", "--scenario", path)
        sim(capsys, "replay", replay, "--json", "--scenario", path)
        sim(capsys, "analyze", path, "--from", replay)
        sim(capsys, "debrief", replay, "--scenario", path)
        sim(capsys, "debrief", replay, "--scenario", path, "-o", folder / "d.html")
    sim(capsys, "report", folder / "replays", "--scenario", path)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 3))
def test_the_tui_plays_what_check_calls_clean_to_the_end(tmp_path_factory, capsys, monkeypatch, text, route):
    import asyncio

    from sim.journal import DATA_DIR_ENV
    from sim.loader import load_scenario
    from sim.tui.app import Launch, SimApp
    from sim.tui.screens.debrief import DebriefScreen
    from sim.tui.session import Session

    folder = tmp_path_factory.mktemp("played")
    monkeypatch.setenv(DATA_DIR_ENV, str(folder / "data"))
    monkeypatch.chdir(folder)
    path = folder / "scenario.yaml"
    path.write_text(text)
    if not clean(capsys, path):
        return
    scenario = load_scenario(path)

    async def play() -> None:
        app = SimApp(Launch(session=Session(scenario, path)))
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            for _ in range(8):
                await settle(pilot)
                if isinstance(app.screen, DebriefScreen):
                    break
                await pilot.press(*(["down"] * route), "enter")
            await settle(pilot)
            assert isinstance(app.screen, DebriefScreen) or app.session.game.is_over() or route
        assert app.return_code in (None, 0)

    asyncio.run(play())
