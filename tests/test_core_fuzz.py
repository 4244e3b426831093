"""Arbitrary input to the scenario and replay loaders raises nothing but SimError."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import example_text
from sim.diagnostics import SimError
from sim.loader import parse_scenario
from sim.replay import parse_replay

FUZZ = settings(max_examples=150, deadline=None)
PATH = Path("fuzz.yaml")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5),
    max_leaves=30,
)


def only_sim_errors(fn, *args) -> None:
    try:
        fn(*args)
    except SimError as exc:
        assert exc.diagnostics, "a SimError must carry at least one diagnostic"
        for d in exc.diagnostics:
            assert d.format()


@FUZZ
@given(st.binary(max_size=400))
def test_scenario_loader_bytes(data):
    only_sim_errors(parse_scenario, data.decode("utf-8", errors="replace"), PATH)


@FUZZ
@given(json_values)
def test_scenario_loader_yaml_structures(value):
    only_sim_errors(parse_scenario, yaml.safe_dump(value), PATH)


@FUZZ
@given(st.data())
def test_scenario_loader_mutated_example(data):
    lines = example_text().splitlines()
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        action = data.draw(st.sampled_from(["drop", "dup", "edit", "indent"]))
        if action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "indent":
            lines[i] = "  " + lines[i]
        else:
            lines[i] = lines[i][: len(lines[i]) // 2] + data.draw(st.text(max_size=8))
    only_sim_errors(parse_scenario, "\n".join(lines), PATH)


@FUZZ
@given(st.binary(max_size=300))
def test_replay_loader_bytes(data):
    only_sim_errors(parse_replay, data.decode("utf-8", errors="replace"), "r.json")


@FUZZ
@given(json_values)
def test_replay_loader_json_structures(value):
    only_sim_errors(parse_replay, json.dumps(value), "r.json")


@FUZZ
@given(st.dictionaries(st.sampled_from(["scenario", "seed", "steps", "final", "perspective", "x"]), json_values))
def test_replay_loader_near_miss(fields):
    only_sim_errors(parse_replay, json.dumps({"format": "sim-replay", "version": 1, **fields}), "r.json")


def test_alias_bomb_is_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    try:
        parse_scenario(bomb, PATH)
    except SimError as exc:
        assert exc.diagnostics[0].code == "Y004"
    else:
        raise AssertionError("alias bomb accepted")


def test_deep_nesting_is_refused():
    for text in ["[" * 5000 + "]" * 5000, "a:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 300))]:
        try:
            parse_scenario(text, PATH)
        except SimError as exc:
            assert exc.diagnostics[0].code in ("Y004", "S003")
        else:
            raise AssertionError("deep nesting accepted")


def test_python_tags_are_not_constructed():
    try:
        parse_scenario("id: !!python/object/apply:os.system ['echo hi']\n", PATH)
    except SimError as exc:
        assert exc.diagnostics[0].code in ("Y001", "Y003")
    else:
        raise AssertionError("python tag accepted")
