"""The Peru 1962 scenario: clean, grounded, rich enough to teach, and its reference replays verify."""

from __future__ import annotations

import pytest

from conftest import ROOT
from sim.analysis import project_options
from sim.check import check_scenario
from sim.loader import load_scenario
from sim.replay import load_replay, run_replay

FOLDER = ROOT / "scenarios" / "peru-1962"


@pytest.fixture(scope="module")
def peru():
    return load_scenario(FOLDER / "scenario.yaml")


def test_check_is_clean(peru):
    result = check_scenario(peru)
    assert result.complete and result.findings == [], [d.format() for d in result.findings]


@pytest.mark.parametrize("name", ["memo", "historical"])
def test_reference_replays_verify(peru, name):
    result = run_replay(load_replay(FOLDER / "replays" / f"{name}.json"), peru)
    assert result.ok, result.problem
    assert result.game.is_over() and not result.warnings


def test_historical_replay_follows_the_historical_line_to_the_historical_ending(peru):
    replay = load_replay(FOLDER / "replays" / "historical.json")
    line = peru.model.lines["historical"]
    assert replay.line == "historical"
    for step in replay.steps:
        if step.kind == "decision":
            assert line.choices[step.node] == step.choice
        elif step.node in line.outcomes:
            assert line.outcomes[step.node] == step.choice
        else:
            assert step.basis == "not_recorded", step.node
        assert step.basis == line.basis_at(step.node).basis, step.node
        if step.basis != "not_recorded":
            assert step.citations, f"step at {step.node} cites nothing"
        if step.basis != "documented":
            assert step.note, f"step at {step.node} says nothing of why"
    assert replay.final.node == "end_historical"
    assert peru.model.nodes["end_historical"].historical


def test_size(peru):
    kinds = [n.kind for n in peru.nodes]
    assert kinds.count("decision") >= 6
    assert kinds.count("chance") >= 5
    assert kinds.count("end") >= 8
    assert len(peru.model.perspectives) >= 4
    assert {"memo", "historical"} <= set(peru.model.lines)


def test_every_move_and_assumption_is_grounded(peru):
    for node in peru.nodes:
        for move in node.moves:
            assert move.model.citations, f"{node.id}.{move.id} cites nothing"
    for name, param in peru.model.parameters.items():
        assert param.rationale.strip(), name
        assert param.citations, f"parameter {name} cites nothing"


def test_only_documented_endings_claim_to_be_historical(peru):
    for nid, node in peru.model.nodes.items():
        if node.type == "end":
            assert node.citations, f"ending {nid} cites nothing"
            if not node.historical:
                assert "projection" in node.epilogue.lower() or "model" in node.epilogue.lower(), nid


def test_citations_at_a_node_use_documents_available_there(peru):
    docs = peru.model.sources.documents
    for nid, node in peru.model.nodes.items():
        moves = getattr(node, "options", None) or getattr(node, "outcomes", None) or {}
        for mid, move in moves.items():
            for c in move.citations:
                assert docs[c.doc].date <= node.date, f"{nid}.{mid} cites {c.doc} dated {docs[c.doc].date}"


def test_at_least_three_perspectives_prefer_different_policies(peru):
    """Enumerate the first decision's options, each followed by best play, under every perspective;
    a perspective's best policy must score worse under another perspective than that one's own."""
    best = {}
    for pid in peru.model.perspectives:
        options = [p for p in project_options(peru, peru.start, peru.initial, pid, "best") if p.legal]
        top = max(options, key=lambda p: p.value)
        best[pid] = (top.option, top.value, top.expected)
    first_choices = {choice for choice, _, _ in best.values()}
    assert len(first_choices) >= 3, best
    for a, (_, _, expected_a) in best.items():
        for b, (choice_b, value_b, _) in best.items():
            if best[a][0] != choice_b:
                weights = peru.weights(b)
                a_under_b = sum(weights[k] * v for k, v in expected_a.items())
                assert a_under_b < value_b - 1e-9, (a, b)


def test_the_model_card_states_every_parameter_variable_and_ending_as_the_scenario_does(peru):
    card = (FOLDER / "README.md").read_text()
    for name, p in peru.model.parameters.items():
        lo, hi = p.range
        assert f"| `{name}` | {p.value} | {lo} to {hi} |" in card, name
    for name in peru.model.variables:
        assert f"`{name}`" in card, name
    for node in peru.nodes:
        assert f"`{node.id}`" in card, node.id
    line = peru.model.lines["historical"]
    for nid, step in line.provenance.items():
        label = {"not_recorded": "not recorded"}.get(step.basis, step.basis)
        assert f"| `{nid}` |" in card and label in card, nid
