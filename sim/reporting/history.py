"""The documentary side of a debrief: cited passages, the historical line and endings, documents unlocked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sim.diagnostics import SimError
from sim.dossier import Dossier, Moment
from sim.model import Citation
from sim.replay import load_replay
from sim.reporting.played import Played, PlayedStep, played
from sim.runtime import CompiledScenario

HISTORICAL = "historical"


@dataclass(frozen=True)
class Source:
    """A verbatim passage of a dated document."""

    doc: str
    title: str
    date: dt.date | None
    quote: str


@dataclass(frozen=True)
class DocumentRef:
    """A document closed during play; if only parts of it were, which footnotes and how many passages."""

    id: str
    title: str
    date: dt.date
    footnotes: tuple[int, ...] = ()
    passages: int = 0

    @property
    def described(self) -> str:
        """The title, saying which footnotes and how many passages were withheld when the document itself was
        open."""
        parts = []
        if self.footnotes:
            numbers = ", ".join(map(str, self.footnotes))
            parts.append(f"footnote{'s' if len(self.footnotes) > 1 else ''} {numbers}")
        if self.passages:
            parts.append("a passage" if self.passages == 1 else f"{self.passages} passages")
        return f"{self.title} ({' and '.join(parts)} withheld)" if parts else self.title


def partly_withheld(refs: list[DocumentRef]) -> str:
    """What the unlocked documents name as withheld in part: "footnotes", "passages", both, or ""."""
    kinds = [kind for kind, named in (("footnotes", any(r.footnotes for r in refs)),
                                      ("passages", any(r.passages for r in refs))) if named]
    return " or ".join(kinds)


@dataclass(frozen=True)
class PathStep:
    """One step of a line of play, dated by its node, with the passages its option or outcome cites."""

    index: int
    node: str
    title: str
    date: dt.date
    kind: str
    choice: str
    label: str
    probability: float | None
    forced: bool
    citations: tuple[Source, ...]
    rationale: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Ending:
    node: str
    title: str
    date: dt.date
    epilogue: str
    historical: bool
    citations: tuple[Source, ...]


@dataclass(frozen=True)
class RecordStep:
    """One step of the historical line as the scenario defines it, dated by its node: what it takes or fixes (or,
    for a draw, what was drawn), and what it rests on."""

    node: str
    title: str
    date: dt.date
    kind: str
    label: str
    basis: str
    citations: tuple[Source, ...]
    note: str = ""


@dataclass(frozen=True)
class History:
    """What the documents record, apart from what is read into them and what the model drew: the historical line's
    documented steps, its inferred steps, its not-recorded steps (with the draws of `drawn_in`), and the
    historical endings."""

    source: str
    documented: tuple[RecordStep, ...]
    inferred: tuple[RecordStep, ...]
    drawn: tuple[RecordStep, ...]
    endings: tuple[Ending, ...]
    warnings: tuple[str, ...] = ()
    note: str = ""
    drawn_in: str = ""

    @property
    def steps(self) -> tuple[RecordStep, ...]:
        return self.documented + self.inferred + self.drawn


def sources(sc: CompiledScenario, citations: list[Citation]) -> tuple[Source, ...]:
    docs = sc.model.sources.documents
    return tuple(Source(c.doc, docs[c.doc].title if c.doc in docs else c.doc,
                        docs[c.doc].date if c.doc in docs else None, c.quote) for c in citations)


def path_step(sc: CompiledScenario, ps: PlayedStep) -> PathStep:
    node = sc.node(ps.step.node)
    move = node.move(ps.step.choice)
    cites = sources(sc, getattr(move.model, "citations", [])) if move is not None else ()
    return PathStep(ps.index, node.id, node.model.title or node.id, node.model.date, ps.step.kind, ps.step.choice,
                    ps.step.label, ps.step.probability, ps.step.forced, cites, ps.recorded.rationale,
                    ps.recorded.note)


def ending(sc: CompiledScenario, node_id: str) -> Ending:
    model = sc.node(node_id).model
    return Ending(node_id, model.title or node_id, model.date, model.epilogue.strip(), model.historical,
                  sources(sc, model.citations))


def historical_replay_path(sc: CompiledScenario) -> Path:
    """Where a scenario keeps the replay of what happened: replays/historical.json beside it."""
    return sc.path.parent / "replays" / "historical.json"


def historical_game(sc: CompiledScenario) -> tuple[Played | None, list[str]]:
    """The historical replay re-run, if the scenario has one; with any problem found as a warning."""
    path = historical_replay_path(sc)
    try:
        if not path.is_file():
            return None, []
    except OSError as exc:
        return None, [f"{path.name} cannot be read: {exc.strerror or exc}"]
    try:
        game = played(sc, load_replay(path))
    except SimError as exc:
        return None, [f"{path.name} cannot be read: {exc.diagnostics[0].message}"]
    warnings = list(game.walk.warnings)
    if not game.ok:
        warnings.append(f"{path.name} does not verify ({game.walk.problem}); its steps up to there are used")
    return game, warnings


def history(sc: CompiledScenario, reference: Played | None, warnings: list[str],
            game: Played | None = None) -> History:
    """The historical line split by what its steps rest on. Documented and inferred steps come from the line's
    definition, so they are the same whatever the seed; not-recorded chance steps show the draws of `game` when it
    follows the line, else those of the scenario's historical replay."""
    endings = [ending(sc, n.id) for n in sc.nodes if n.kind == "end" and n.model.historical]
    line = sc.model.lines.get(HISTORICAL)
    if line is None:
        return History("", (), (), (), tuple(endings), tuple(warnings))
    drawn_by = game if game is not None and game.replay.line == HISTORICAL else reference
    if reference is not None and reference.over and sc.nodes[reference.walk.end].model.historical:
        endings = [ending(sc, sc.nodes[reference.walk.end].id)]
    played_order = [ps.step.node for ps in drawn_by.steps] if drawn_by is not None else []
    draws = {ps.step.node: ps.step.label for ps in drawn_by.steps if ps.step.kind == "chance"} if drawn_by else {}
    nodes = dict.fromkeys([*played_order, *line.choices, *line.outcomes, *line.provenance])
    steps = []
    for nid in nodes:
        if nid not in sc.node_index or sc.node(nid).kind == "end":
            continue
        node = sc.node(nid)
        taken = line.choices.get(nid) or line.outcomes.get(nid)
        basis = line.basis_at(nid)
        if taken is not None:
            label = node.move(taken).label
        elif node.kind == "chance" and nid in draws:
            label = draws[nid]
        elif nid in line.provenance and node.kind == "chance":
            label = "(not reached)"
        else:
            continue
        steps.append(RecordStep(nid, node.model.title or nid, node.model.date, node.kind, label, basis.basis,
                                sources(sc, basis.citations), basis.note.strip()))
    rank = {nid: k for k, nid in enumerate(played_order)}
    steps.sort(key=lambda r: (r.date, rank.get(r.node, len(rank) + sc.node_index[r.node])))
    by = {kind: tuple(r for r in steps if r.basis == kind) for kind in ("documented", "inferred", "not_recorded")}
    if drawn_by is None:
        drawn_in = ""
    elif drawn_by is game:
        drawn_in = f"this game (seed {game.replay.seed})"
    else:
        drawn_in = f"the scenario's historical replay ({historical_replay_path(sc).name}, seed {reference.replay.seed})"
    return History(f"the scenario's '{HISTORICAL}' line", by["documented"], by["inferred"], by["not_recorded"],
                   tuple(endings), tuple(warnings), line.description.strip(), drawn_in)


def unlocked(sc: CompiledScenario, last: Moment, hidden: set[str] | None = None) -> list[DocumentRef]:
    """Documents closed at the game's last point (dated later, kept hidden by a class, or reporting what the game
    did not follow), and those with footnotes or passages still withheld there, by date."""
    dossier = Dossier(sc, hidden or set())
    out = []
    for d, doc in sc.model.sources.documents.items():
        if not dossier.is_open(d, last):
            out.append(DocumentRef(d, doc.title or d, doc.date))
            continue
        notes, passages = dossier.unlocked(d, last)
        if notes or passages:
            out.append(DocumentRef(d, doc.title or d, doc.date, notes, passages))
    return sorted(out, key=lambda r: (r.date, r.id))
