"""No hindsight in play: nothing shown at a Peru decision quotes or paraphrases a part of the dossier that some
point of that decision keeps closed (a document not open yet or not on this path, a withheld footnote or
passage), in blind and in open play. The dossier's own closures are the oracle."""

from __future__ import annotations

import re

import pytest

from conftest import ROOT
from sim.dossier import Dossier, footnote_of
from sim.engine import Game
from sim.footnotes import footnotes
from sim.hindsight import closures, play_graph
from sim.loader import load_scenario
from sim.sources import find_spans
from sim.tui import text
from sim.tui.projections import Key, compute, policies
from sim.tui.session import Session
from sim.tui.widgets.details import (
    chance_section,
    effects_section,
    projection_section,
    sources_section,
)

PERU = ROOT / "scenarios" / "peru-1962" / "scenario.yaml"
WORDS = 6


def shingles(text_: str) -> set[tuple[str, ...]]:
    """Every run of WORDS words within a sentence."""
    out = set()
    for sentence in re.split(r"[.;:!?()\n]+", text_):
        words = re.findall(r"[a-z0-9]+", sentence.lower())
        out |= {tuple(words[i:i + WORDS]) for i in range(len(words) - WORDS + 1)}
    return out


@pytest.fixture(scope="module")
def peru():
    return load_scenario(PERU)


@pytest.fixture(scope="module")
def closed(peru):
    return closures(peru, play_graph(peru))


def part_text(dossier: Dossier, key: tuple) -> str:
    kind, doc, *rest = key
    body = dossier.text(doc) or ""
    if kind == "document":
        return body
    if kind == "footnote":
        note = next(n for n in footnotes(body) if n.number == rest[0])
        return body[note.start:note.end]
    quote = dossier.sc.model.sources.documents[doc].withheld_passages[rest[0]].quote
    return " ".join(body[a:b] for a, b in find_spans(body, quote))


def open_text(dossier: Dossier, closed_here: set[tuple]) -> str:
    """What of the dossier is open at every point of a node: the documents it never closes, less their parts
    that some point closes."""
    out = []
    for doc in dossier.sc.model.sources.documents:
        if ("document", doc) in closed_here:
            continue
        body = dossier.text(doc) or ""
        for key in closed_here:
            if key[1] == doc:
                body = body.replace(part_text(dossier, key), " ")
        out.append(body)
    return "\n".join(out)


def shown_at(peru, node: int, state: tuple, blind: bool) -> str:
    """Everything the play screen shows at a decision, as text: the node, each option and its details panel
    (projection, effects, the chance that follows, sources), the names of the endings, the policies offered."""
    session = Session(peru, PERU, game=Game(peru, node=node, state=state), journaling=False, blind=blind)
    game = session.game
    model = game.node.model
    parts = [model.title, model.prompt, model.briefing, peru.model.title, peru.model.summary]
    offered = policies(peru, session.lines_in_play())
    parts += [peru.model.lines[p].label if p in peru.model.lines else p for p in offered]
    found = None if blind else compute(peru, Key(node, state, session.perspective, offered[0]))
    for status in game.legal_options():
        move = game.node.move(status.id)
        parts += [status.label, status.reason or "", move.model.description]
        preview = session.preview(status.id)
        content = (projection_section(session, status.id, found, offered[0]) + effects_section(session, preview)
                   + chance_section(session, preview) + sources_section(session, move.model.citations))
        parts.append(text.lines(content).plain)
    parts += [text.ending_in_play(n) for n in peru.nodes if n.kind == "end"]
    return "\n".join(p for p in parts if p)


def decision_points(peru, graph) -> dict[int, tuple]:
    """One reachable state for each decision node (the first the breadth-first walk meets)."""
    out = {}
    for node, state in graph.keys:
        if peru.nodes[node].kind == "decision":
            out.setdefault(node, state)
    return out


@pytest.mark.parametrize("blind", [False, True], ids=["open play", "blind play"])
def test_nothing_shown_at_a_decision_quotes_what_is_closed_there(peru, closed, blind):
    dossier = Dossier(peru)
    points = decision_points(peru, closed.graph)
    assert len(points) == sum(1 for n in peru.nodes if n.kind == "decision")
    leaks = []
    for node, state in points.items():
        closed_here = {part.key for part, nodes in closed.at.items() if node in nodes}
        assert closed_here, "every decision has something still closed"
        hidden = set().union(*(shingles(part_text(dossier, key)) for key in closed_here))
        hidden -= shingles(open_text(dossier, closed_here))
        shown = shingles(shown_at(peru, node, state, blind))
        leaks += [(peru.nodes[node].id, " ".join(s)) for s in sorted(shown & hidden)]
    assert not leaks, leaks[:60]


def test_the_oracle_finds_a_leak(peru, closed):
    """The check can fail: a briefing quoting the instructions of July 30 at the decision they answer."""
    dossier = Dossier(peru)
    node = peru.node_index["election_terms"]
    closed_here = {part.key for part, nodes in closed.at.items() if node in nodes}
    assert ("document", "d423") in closed_here
    hidden = set().union(*(shingles(part_text(dossier, key)) for key in closed_here))
    hidden -= shingles(open_text(dossier, closed_here))
    leaked = "The instructions ask for elections preferably before June 9 but at no later date."
    assert shingles(leaked) & hidden


def test_the_record_line_is_never_a_continuation_policy_in_play(peru, closed):
    for node, state in decision_points(peru, closed.graph).items():
        session = Session(peru, PERU, game=Game(peru, node=node, state=state), journaling=False)
        assert "historical" not in policies(peru, session.lines_in_play()), peru.nodes[node].id
        assert "memo" in policies(peru, session.lines_in_play())


def test_endings_are_named_neutrally_in_play(peru):
    for node in peru.nodes:
        if node.kind == "end" and node.model.historical:
            assert node.model.play_title and node.model.play_title != node.model.title
            assert "record" not in node.model.play_title.lower() and "Belaúnde" not in node.model.play_title


def test_a_footnote_is_found_from_a_span(peru):
    body = Dossier(peru).text("d427")
    at = body.index("Ball approved all four")
    assert footnote_of(body, at, at + 10) == 4 and footnote_of(body, 0, 10) is None
