"""DOT and Mermaid exports: every node and route appears, labels are escaped, best play is marked."""

from __future__ import annotations

import re

from conftest import EXAMPLE
from sim.analysis import perspective_weighting
from sim.cli import main
from sim.export import to_dot, to_mermaid
from sim.loader import load_scenario

DOT_STRING = r'"((?:[^"\\]|\\.)*)"'
DOT_EDGE = re.compile(rf"^  {DOT_STRING} -> {DOT_STRING} \[label={DOT_STRING}(, penwidth=2.5)?\];$")
MERMAID_EDGE = re.compile(r'^  n_(\w+) (-->|==>)\|"([^"|]*)"\| n_(\w+)$')


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text)


def _routes(sc) -> set[tuple[str, str]]:
    out = set()
    for node in sc.nodes:
        for m in node.moves:
            for _, target in m.routes:
                out.add((node.id, sc.nodes[target].id))
    return out


def test_dot_has_every_node_and_route(example):
    text = to_dot(example, perspective_weighting(example, "state"))
    assert text.startswith('digraph "mini-peru" {') and text.rstrip().endswith("}")
    edges = [DOT_EDGE.match(line) for line in text.splitlines() if " -> " in line]
    assert all(edges)
    assert {(m.group(1), m.group(2)) for m in edges} == _routes(example)
    for node in example.nodes:
        assert f'  "{node.id}" [shape=' in text
    bold = {(m.group(1), m.group(2)) for m in edges if m.group(4)}
    assert bold == {("proposal", "terms"), ("terms", "quiet_end")}


def test_best_play_marking_follows_the_perspective(example):
    text = to_mermaid(example, perspective_weighting(example, "caracas"))
    thick = {(m.group(1), m.group(4)) for m in map(MERMAID_EDGE.match, text.splitlines()) if m and m.group(2) == "==>"}
    assert thick == {("proposal", "votes"), ("votes", "terms"), ("terms", "public_end"), ("terms", "lapse_end")}


def test_labels_with_quotes_pipes_and_backslashes_are_escaped(write_variant):
    nasty = 'Steer "it" | to \\\\ the IAPC'
    sc = load_scenario(write_variant("label: Steer it to the Inter-American Peace Committee", f"label: '{nasty}'"))
    dot = to_dot(sc)
    labels = [_unescape(m.group(3)) for m in map(DOT_EDGE.match, dot.splitlines()) if m]
    assert 'Steer "it" | to \\\\ the IAPC' in labels
    mermaid = to_mermaid(sc)
    edges = [MERMAID_EDGE.match(line) for line in mermaid.splitlines() if "|" in line and "-->" in line or "==>" in line]
    assert all(edges)
    assert any(m.group(3) == "Steer #quot;it#quot; #124; to \\\\ the IAPC" for m in edges)


def test_mermaid_node_ids_never_clash_with_keywords(tmp_path, example):
    text = to_mermaid(example)
    assert text.splitlines()[0] == "flowchart LR"
    declared = re.findall(r"^  (n_\w+)[\[{(]", text, flags=re.M)
    assert sorted(declared) == sorted(f"n_{n.id}" for n in example.nodes)


def test_cli_prints_to_stdout(capsys):
    assert main(["export", str(EXAMPLE), "--format", "dot"]) == 0
    assert capsys.readouterr().out.startswith("digraph")
