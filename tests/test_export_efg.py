"""The .efg export parses as Gambit's extensive-form format and its payoffs match the analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_analysis_bruteforce import scenarios

from conftest import EXAMPLE
from sim.analysis import AnalysisError, analyze_position, perspective_weighting
from sim.cli import main
from sim.export import exact_probabilities, to_efg
from sim.loader import load_scenario

TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<num>-?\d+(?:\.\d+)?(?:/\d+)?(?:[eE][-+]?\d+)?)'
                   r'|(?P<brace>[{}])|(?P<word>[A-Za-z]+))')


def tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = TOKEN.match(text, pos)
        assert m and m.end() > pos, f"bad token at {text[pos:pos + 30]!r}"
        kind = m.lastgroup
        value = m.group(kind)
        out.append((kind, bytes(value[1:-1], "utf-8").decode("unicode_escape") if kind == "str" else value))
        pos = m.end()
    return out


@dataclass
class EfgNode:
    kind: str
    name: str
    actions: list[str] = field(default_factory=list)
    probs: list[Fraction] = field(default_factory=list)
    payoffs: list[Fraction] = field(default_factory=list)
    children: list[EfgNode] = field(default_factory=list)


class Parser:
    """A parser of the EFG 2 grammar: header, then nodes in prefix order (p, c and t records)."""

    def __init__(self, text: str):
        self.toks = tokens(text)
        self.i = 0
        self.infosets: dict[tuple[int, int], list] = {}
        self.outcomes: dict[int, list[Fraction]] = {}

    def take(self, kind: str, value: str | None = None) -> str:
        k, v = self.toks[self.i]
        assert k == kind and (value is None or v == value), f"expected {value or kind}, got {v!r} at token {self.i}"
        self.i += 1
        return v

    def peek(self) -> str | None:
        return self.toks[self.i][0] if self.i < len(self.toks) else None

    def number(self) -> Fraction:
        return Fraction(self.take("num"))

    def listing(self, item) -> list:
        self.take("brace", "{")
        out = []
        while self.toks[self.i] != ("brace", "}"):
            out.append(item())
        self.take("brace", "}")
        return out

    def header(self) -> list[str]:
        self.take("word", "EFG")
        assert self.take("num") == "2"
        assert self.take("word") in ("R", "D")
        self.take("str")
        players = self.listing(lambda: self.take("str"))
        if self.peek() == "str":
            self.take("str")
        return players

    def outcome(self, players: int) -> list[Fraction] | None:
        number = int(self.take("num"))
        if number == 0:
            return None
        if self.peek() == "str":
            self.take("str")
            payoffs = self.listing(self.number)
            assert len(payoffs) == players
            assert number not in self.outcomes, "outcome number defined twice"
            self.outcomes[number] = payoffs
        return self.outcomes[number]

    def node(self, players: int) -> EfgNode:
        kind = self.take("word")
        name = self.take("str")
        node = EfgNode(kind, name)
        if kind == "t":
            node.payoffs = self.outcome(players)
            assert node.payoffs is not None, "terminal node without payoffs"
            return node
        player = 0 if kind == "c" else int(self.take("num"))
        assert kind in ("p", "c") and (kind == "c" or 1 <= player <= players)
        infoset = (player, int(self.take("num")))
        if self.peek() == "str":
            self.take("str")
            if kind == "p":
                actions = self.listing(lambda: (self.take("str"), None))
            else:
                actions = self.listing(lambda: (self.take("str"), self.number()))
            assert infoset not in self.infosets, "information set defined twice"
            self.infosets[infoset] = actions
        actions = self.infosets[infoset]
        node.actions = [a for a, _ in actions]
        node.probs = [p for _, p in actions if p is not None]
        assert self.outcome(players) is None
        return node

    def parse(self) -> tuple[list[str], EfgNode]:
        players = self.header()
        root = self._subtree(len(players))
        assert self.i == len(self.toks), "tokens left after the tree"
        return players, root

    def _subtree(self, players: int) -> EfgNode:
        root = self.node(players)
        pending = [(root, 0)]
        while pending:
            parent, k = pending.pop()
            if k == len(parent.actions):
                continue
            pending.append((parent, k + 1))
            child = self.node(players)
            parent.children.append(child)
            pending.append((child, 0))
        return root


def solve_tree(node: EfgNode) -> float:
    """Best play for the one player, expectation at chance, computed on the parsed tree."""
    values: dict[int, float] = {}
    stack = [(node, False)]
    while stack:
        n, done = stack.pop()
        if n.kind == "t":
            values[id(n)] = float(n.payoffs[0])
        elif done:
            kids = [values[id(c)] for c in n.children]
            values[id(n)] = max(kids) if n.kind == "p" else sum(float(p) * v for p, v in zip(n.probs, kids, strict=True))
        else:
            stack.append((n, True))
            stack.extend((c, False) for c in n.children)
    return values[id(node)]


def walk(node: EfgNode):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children)


@pytest.mark.parametrize("perspective", ["state", "caracas"])
def test_example_exports_a_valid_game_with_the_analysis_value(example, perspective):
    text = to_efg(example, perspective_weighting(example, perspective))
    players, root = Parser(text).parse()
    assert text.startswith("EFG 2 R ") and len(players) == 1
    nodes = list(walk(root))
    assert {n.kind for n in nodes} == {"p", "c", "t"}
    for n in nodes:
        assert len(n.children) == len(n.actions)
        if n.kind == "c":
            assert sum(n.probs) == 1 and all(p > 0 for p in n.probs)
    assert sum(n.kind == "t" for n in nodes) == 5
    expected = analyze_position(example, example.start, example.initial, perspective).value
    assert solve_tree(root) == pytest.approx(expected, abs=1e-8)
    votes = next(n for n in nodes if n.kind == "c")
    p = example.model.parameters["p_votes"].value
    assert votes.probs == [Fraction(str(p)), 1 - Fraction(str(p))]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=scenarios(), perspective=st.sampled_from(["first", "second"]))
def test_generated_scenarios_export_games_worth_the_analysis_value(tmp_path_factory, text, perspective):
    path = tmp_path_factory.mktemp("efg") / "scenario.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    _, root = Parser(to_efg(sc, perspective_weighting(sc, perspective))).parse()
    assert solve_tree(root) == pytest.approx(analyze_position(sc, sc.start, sc.initial, perspective).value, abs=1e-8)


def test_names_with_quotes_are_escaped(write_variant):
    sc = load_scenario(write_variant('title: "The Venezuelan proposal (a two-decision sketch)"',
                                     'title: "The \\"Venezuelan\\" proposal \\\\ sketch"'))
    text = to_efg(sc, perspective_weighting(sc, "state"))
    Parser(text).parse()
    assert tokens(text)[3] == ("str", 'The "Venezuelan" proposal \\ sketch (State Department)')


def test_tree_size_limit_gives_a_clear_error(example):
    with pytest.raises(AnalysisError, match="the game tree would have 10 nodes, more than the limit of 5"):
        to_efg(example, perspective_weighting(example, "state"), limit=5)


@pytest.mark.parametrize("probs", [(0.45, 0.55), (0.1, 0.2, 0.7), (1 / 3, 1 / 3, 1 / 3), (0.3, 0.7 - 1e-12)])
def test_exact_probabilities_sum_to_one(probs):
    exact = exact_probabilities(probs)
    assert sum(exact) == 1
    assert [float(p) for p in exact] == pytest.approx(list(probs), abs=1e-8)


def test_cli_writes_the_file_atomically(tmp_path, capsys):
    out = tmp_path / "game.efg"
    assert main(["export", str(EXAMPLE), "--format", "efg", "--perspective", "caracas", "-o", str(out)]) == 0
    players, _ = Parser(out.read_text()).parse()
    assert players == ["Betancourt's Venezuela"]
    assert [p.name for p in tmp_path.iterdir()] == ["game.efg"]


def test_cli_unknown_perspective_is_a_usage_error(capsys):
    assert main(["export", str(EXAMPLE), "--format", "efg", "--perspective", "nobody"]) == 2
    assert "unknown perspective 'nobody'" in capsys.readouterr().err
