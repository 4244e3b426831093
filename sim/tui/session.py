"""A game in play for the TUI: the engine's Game plus journaling, replay saving and read-only views.

Nothing here imports Textual, so every rule the screens rely on can be tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim import journal
from sim.engine import Game, Position, Step
from sim.model import Document
from sim.replay import from_game, save
from sim.runtime import CompiledScenario, EvaluationError, Move

Clock = Callable[[], dt.datetime]


def local_now() -> dt.datetime:
    return dt.datetime.now()


@dataclass(frozen=True)
class Preview:
    """What taking an option does at once: the changes it makes and the chance event it leads to."""

    changes: list[tuple[str, object, object]]
    next_node: str | None
    next_kind: str | None
    outcomes: list[tuple[str, str, float]]
    problem: str | None = None


@dataclass(frozen=True)
class LineRow:
    """One decision of the player's path beside the choice of each reference line there."""

    node: str
    title: str
    played: str
    references: dict[str, str | None]


class Session:
    """One scenario being played in the TUI, journaled after every move."""

    def __init__(self, scenario: CompiledScenario, path: Path, seed: int = 0, perspective: str | None = None,
                 blind: bool = False, game: Game | None = None, clock: Clock = local_now,
                 journaling: bool = True):
        self.scenario = scenario
        self.path = Path(path)
        self.game = game or Game(scenario, seed=seed, perspective=perspective)
        self.blind = blind
        self.clock = clock
        self.journaling = journaling
        self.unsaved = False
        self.saved_to: Path | None = None

    @classmethod
    def resume(cls, journal_file: Path, scenario: CompiledScenario, path: Path,
               clock: Clock = local_now) -> tuple[Session, list[str]]:
        """A session rebuilt from a journal file, with warnings about anything dropped."""
        saved = journal.read_journal(journal_file)
        game, warnings = journal.restore(saved, scenario)
        session = cls(scenario, path, game=game, blind=saved.blind, clock=clock)
        session.unsaved = saved.unsaved
        return session, warnings

    @property
    def model(self):
        return self.scenario.model

    @property
    def perspective(self) -> str:
        return self.game.perspective

    def set_perspective(self, perspective: str) -> None:
        self.game.perspective = perspective
        self._journal()

    def set_blind(self, blind: bool) -> None:
        self.blind = blind
        self._journal()

    def _journal(self) -> None:
        """Write the journal once the game has a move to keep (so merely looking replaces no old game)."""
        if self.journaling and self.game.root.children:
            journal.record(self.game, self.path, blind=self.blind, unsaved=self.unsaved)

    def _moved(self) -> None:
        self.unsaved = True
        self._journal()

    def choose(self, option_id: str) -> Step:
        step = self.game.choose(option_id)
        self._moved()
        return step

    def resolve(self) -> Step:
        step = self.game.resolve()
        self._moved()
        return step

    def undo(self) -> bool:
        moved = self.game.undo()
        if moved:
            self._journal()
        return moved

    def goto(self, position: Position) -> None:
        self.game.goto(position)
        self._journal()

    def default_replay_path(self) -> Path:
        stamp = self.clock().strftime("%Y%m%d-%H%M%S")
        return Path("replays") / f"{self.scenario.id}-{stamp}.json"

    def save_replay(self, path: Path | None = None) -> Path:
        """Save the current line as a replay file (the format `sim replay --verify` checks)."""
        target = Path(path) if path is not None else self.default_replay_path()
        save(from_game(self.game), target)
        self.saved_to = target
        self.unsaved = False
        self._journal()
        return target

    def preview(self, option_id: str) -> Preview:
        """The immediate effects of an option here and the chance outcomes that would follow."""
        move = self.game.node.move(option_id)
        s = self.game.position.state
        names = self.scenario.var_names
        try:
            new = move.apply(s)
            nxt = self.scenario.nodes[move.next_node(new)]
        except (ArithmeticError, EvaluationError) as exc:
            return Preview([], None, None, [], problem=str(exc))
        changes = [(names[i], s[i], new[i]) for i in range(len(s)) if s[i] != new[i]]
        outcomes = []
        if nxt.kind == "chance":
            outcomes = [(m.id, m.label, _probability(m, new)) for m in nxt.moves]
        return Preview(changes, nxt.id, nxt.kind, outcomes)

    def stakes(self) -> list[tuple[Move, float, list[tuple[str, object, object]]]]:
        """At a chance node: each outcome, its probability and the changes it would make."""
        s = self.game.position.state
        names = self.scenario.var_names
        out = []
        for move, (_, p) in zip(self.game.node.moves, self.game.chance_outcomes(), strict=True):
            try:
                new = move.apply(s)
                changes = [(names[i], s[i], new[i]) for i in range(len(s)) if s[i] != new[i]]
            except (ArithmeticError, EvaluationError):
                changes = []
            out.append((move, p, changes))
        return out

    def trajectory(self) -> dict[str, list[object]]:
        """Each variable's value at the start and after every move of the current line."""
        states = [p.state for p in self.game.position.path()]
        return {name: [s[i] for s in states] for i, name in enumerate(self.scenario.var_names)}

    def documents(self, until: dt.date | None = None) -> list[tuple[str, Document, Path]]:
        """The dossier's documents dated on or before `until` (all of them when None), oldest first."""
        docs = self.model.sources.documents
        rows = [(doc_id, doc, self.scenario.documents[doc_id]) for doc_id, doc in docs.items()
                if doc_id in self.scenario.documents and (until is None or doc.date <= until)]
        return sorted(rows, key=lambda r: r[1].date)

    def current_date(self) -> dt.date:
        return self.game.node.model.date

    def unlocked_until(self) -> dt.date | None:
        """Documents are unlocked up to the current node's date, and all of them at the end."""
        return None if self.game.is_over() else max(self.current_date(), self.model.start_date)

    def memo(self) -> str | None:
        """The primary document: the first dated on the start date, else the first already available."""
        docs = self.documents(self.model.start_date)
        on_start = [d for d in docs if d[1].date == self.model.start_date]
        chosen = on_start or docs
        return chosen[0][0] if chosen else None

    def compare_lines(self) -> list[LineRow]:
        """The decisions of the current line beside what each scenario line chose at them."""
        rows = []
        for step in self.game.history():
            if step.kind != "decision":
                continue
            node = self.scenario.node(step.node)
            refs = {}
            for line_id, line in self.model.lines.items():
                choice = line.choices.get(step.node)
                refs[line_id] = node.move(choice).label if choice and node.move(choice) else None
            rows.append(LineRow(step.node, node.model.title or step.node, step.label, refs))
        return rows

    def perspective_values(self) -> dict[str, float]:
        return {pid: self.game.value(pid) for pid in self.model.perspectives}


def _probability(move: Move, state: tuple) -> float:
    try:
        return float(move.probability(state))
    except (ArithmeticError, EvaluationError):
        return float("nan")
