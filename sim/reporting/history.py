"""The documentary side of a debrief: cited passages, the historical line and endings, documents unlocked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sim.diagnostics import SimError
from sim.footnotes import passages_withheld_at, withheld_at
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
class History:
    """What the documents record: the historical line's steps and the historical endings."""

    source: str
    steps: tuple[PathStep, ...]
    endings: tuple[Ending, ...]
    warnings: tuple[str, ...] = ()
    note: str = ""


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


def history(sc: CompiledScenario, reference: Played | None, warnings: list[str]) -> History:
    """The historical line: the historical replay's steps if there is one, else the line's choices by date."""
    endings = [ending(sc, n.id) for n in sc.nodes if n.kind == "end" and n.model.historical]
    line = sc.model.lines.get(HISTORICAL)
    note = line.description.strip() if line is not None else ""
    if reference is not None:
        steps = tuple(path_step(sc, ps) for ps in reference.steps)
        if reference.over and sc.nodes[reference.walk.end].model.historical:
            endings = [ending(sc, sc.nodes[reference.walk.end].id)]
        source = f"the scenario's historical replay ({historical_replay_path(sc).name})"
        return History(source, steps, tuple(endings), tuple(warnings), note)
    if line is None:
        return History("", (), tuple(endings), tuple(warnings))
    order = sorted(line.choices.items(), key=lambda kv: (sc.node(kv[0]).model.date, sc.node_index[kv[0]]))
    steps = []
    for k, (nid, oid) in enumerate(order, start=1):
        node = sc.node(nid)
        move = node.move(oid)
        steps.append(PathStep(k, nid, node.model.title or nid, node.model.date, "decision", oid, move.label, None,
                              False, sources(sc, move.model.citations)))
    return History(f"the scenario's '{HISTORICAL}' line (decisions only)", tuple(steps), tuple(endings),
                   tuple(warnings), note)


def unlocked(sc: CompiledScenario, last: dt.date, hidden: set[str] | None = None) -> list[DocumentRef]:
    """Documents dated after the game's last node (and any a class kept hidden), and those with footnotes or
    passages still withheld at it, by date."""
    hidden = hidden or set()
    out = []
    for d, doc in sc.model.sources.documents.items():
        if doc.date > last or d in hidden:
            out.append(DocumentRef(d, doc.title or d, doc.date))
            continue
        notes, passages = withheld_at(doc, last), passages_withheld_at(doc, last)
        if notes or passages:
            out.append(DocumentRef(d, doc.title or d, doc.date, tuple(sorted(notes)), len(passages)))
    return sorted(out, key=lambda r: (r.date, r.id))
