"""A game in play for the TUI: the engine's Game plus journaling, the player's name, rationales and forecasts,
what a class file fixes, replay saving and read-only views.

Nothing here imports Textual, so every rule the screens rely on can be tested without a terminal.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sim import journal
from sim.atomic import write_atomic
from sim.classfile import ClassFile
from sim.dossier import OVER, Dossier, Moment, moment_of
from sim.engine import Game, Position, Step
from sim.footnotes import Shown
from sim.forecast import ChanceEvent, events_for, split_key
from sim.handin import HandIn, new_tag
from sim.model import Document
from sim.provenance import offered_in_play
from sim.replay import Replay, clean_player, from_game, save
from sim.runtime import CompiledScenario, EvaluationError, Move
from sim.tui.annotations import Annotation

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


class Refused(Exception):
    """Something the rules of this game do not allow (a class file fixes it); the message says why."""


class Busy(Exception):
    """The journaled game is open in another `sim play`."""


class Session:
    """One scenario being played in the TUI, journaled after every move."""

    def __init__(self, scenario: CompiledScenario, path: Path, seed: int = 0, perspective: str | None = None,
                 blind: bool = False, game: Game | None = None, clock: Clock = local_now,
                 journaling: bool = True, classroom: ClassFile | None = None, player: str | None = None,
                 journal_to: Path | None = None):
        self.scenario = scenario
        self.player = clean_player(player)
        self.path = Path(path)
        self.classroom = classroom
        if classroom is not None and game is None:
            seed, perspective, blind = classroom.settings.seed, classroom.perspective, classroom.settings.blind
        self.game = game or Game(scenario, seed=seed, perspective=perspective)
        if classroom is not None:
            self.game.perspective = classroom.perspective
            blind = blind or classroom.settings.blind
        self.blind = blind
        self.clock = clock
        self.journaling = journaling
        self.unsaved = False
        self.saved_to: Path | None = None
        self.notes: dict[Position, Annotation] = {}
        self.drafts: dict[tuple[Position, str], Annotation] = {}
        self.claim: journal.Claim | None = None
        self.journal_to = Path(journal_to) if journal_to is not None else None
        """The journal file this game keeps (`sim play --journal`); by default, a slot of the scenario's."""
        self.journal_problem: str | None = None
        self.on_journal_problem: Callable[[str | None], None] | None = None
        """Called with a message when the journal cannot be written, and with None when it can again."""
        self.hand_in: HandIn | None = None
        self.resumed_tag: str | None = None
        self._handed: tuple | None = None
        self.on_hand_in: Callable[[Path | None, str | None], None] | None = None
        """Called with the file a finished game was handed in to, or with None and why it could not be."""

    @classmethod
    def resume(cls, journal_file: Path, scenario: CompiledScenario, path: Path, clock: Clock = local_now,
               classroom: ClassFile | None = None) -> tuple[Session, list[str]]:
        """A session rebuilt from a journal file, with warnings about anything dropped."""
        saved = journal.read_journal(journal_file)
        game, warnings = journal.restore(saved, scenario)
        try:
            claim = journal.claim_file(journal_file)
        except OSError:  # the journal folder cannot be written: play on, and the first write says so
            claim = journal.Claim(journal_file, None)
        if claim is None:
            raise Busy(f"that game is open in another 'sim play' ({journal_file})")
        session = cls(scenario, path, game=game, blind=saved.blind, clock=clock, classroom=classroom,
                      player=saved.current.player)
        session.claim = claim
        session.notes = {p: Annotation.from_extra(n) for p, n in journal.notes(saved, game).items()}
        session.unsaved = saved.unsaved
        session.resumed_tag = saved.hand_in_tag
        return session, warnings

    def collect_into(self, folder: Path) -> None:
        """Hand the game in to a class folder whenever it is finished (keeping a resumed game's file name)."""
        self.hand_in = HandIn(Path(folder), self.resumed_tag or new_tag())
        if self.resumed_tag is not None:
            self.hand_in.handed_in = next(Path(folder).glob(f"*-{self.resumed_tag}.json"), None)
        self._journal()

    @property
    def model(self):
        return self.scenario.model

    @property
    def perspective(self) -> str:
        return self.game.perspective

    @property
    def perspective_fixed(self) -> bool:
        return self.classroom is not None

    @property
    def blind_fixed(self) -> bool:
        return self.classroom is not None and self.classroom.settings.blind

    @property
    def forecast_odds(self) -> bool:
        """Whether the forecast dialog shows the model's odds beside the player's inputs: only where a class file
        allows it, and never in blind play, so that a forecast is the player's own."""
        return self.classroom is not None and self.classroom.settings.forecast_odds and not self.blind

    @property
    def hidden_documents(self) -> set[str]:
        """Documents the class keeps closed until the debrief."""
        return self.classroom.hidden_documents if self.classroom is not None else set()

    def set_perspective(self, perspective: str) -> None:
        """Play under another perspective; Refused when a class file fixes it."""
        if self.perspective_fixed and perspective != self.classroom.perspective:
            label = self.model.perspectives[self.classroom.perspective].label or self.classroom.perspective
            raise Refused(f"The class file fixes the perspective: {label}.")
        self.game.perspective = perspective
        self._journal()

    def set_blind(self, blind: bool) -> None:
        """Hide or show projections; Refused when a class file keeps them hidden until the debrief."""
        if self.blind_fixed and not blind:
            raise Refused("The class file keeps projections hidden until the debrief.")
        self.blind = blind
        self._journal()

    def set_player(self, name: str | None) -> str | None:
        """Put the player's name (cleaned; empty means none) in the journal and every replay saved from now on."""
        self.player = clean_player(name)
        self._journal()
        return self.player

    def _journal(self) -> None:
        """Write the journal once the game has a move to keep (so merely looking replaces no old game). When it
        cannot be written (a full disk, a folder that cannot be written) play goes on, the player is told once,
        and every later move tries again."""
        self._submit()
        if not self.journaling or (self.journal_to is None and not self.game.root.children):
            return
        try:
            if self.claim is None:
                self.claim = self._claim()
            journal.record(self.game, self.path, blind=self.blind, unsaved=self.unsaved, notes=self._notes(),
                           class_file=self.classroom.path if self.classroom is not None else None,
                           player=self.player, path=self.claim.path,
                           hand_in_tag=self.hand_in.tag if self.hand_in is not None else None)
        except OSError as exc:
            problem = (f"The journal cannot be written ({exc.strerror or exc}). Play goes on and every move "
                       "tries again; save a replay (s) to keep this game.")
            if self.journal_problem is None and self.on_journal_problem is not None:
                self.on_journal_problem(problem)
            self.journal_problem = problem
            return
        if self.journal_problem is not None:
            self.journal_problem = None
            if self.on_journal_problem is not None:
                self.on_journal_problem(None)

    def _claim(self) -> journal.Claim:
        if self.journal_to is None:
            return journal.claim(self.scenario.id)
        found = journal.claim_file(self.journal_to)
        if found is None:
            raise OSError(f"another game holds {self.journal_to}")
        return found

    def _submit(self) -> None:
        """Hand the game in when it is over and its line or name changed since it last was."""
        if self.hand_in is None or not self.game.is_over():
            return
        replay = self.replay()
        key = (replay.player, tuple(s.digest for s in replay.steps),
               tuple((s.rationale, s.forecasts) for s in replay.steps))
        if key == self._handed:
            return
        try:
            target = self.hand_in.submit(replay)
        except OSError as exc:
            if self.on_hand_in is not None:
                self.on_hand_in(None, f"The game could not be handed in to {self.hand_in.folder} "
                                f"({exc.strerror or exc}); every later change tries again, and s saves a replay.")
            return
        self._handed = key
        self.unsaved = False
        if self.on_hand_in is not None:
            self.on_hand_in(target, None)

    @property
    def journal_file(self) -> Path | None:
        """The journal this game writes, once it has written one."""
        return self.claim.path if self.claim is not None else None

    def close(self) -> None:
        """Let go of the journal (another `sim play --resume` may continue the game)."""
        if self.claim is not None:
            self.claim.release()

    def _notes(self) -> journal.Notes:
        return {p: a.extra() for p, a in self.notes.items() if not a.empty}

    def _moved(self) -> None:
        self.unsaved = True
        self._journal()

    def choose(self, option_id: str) -> Step:
        """Take an option; what the player wrote for it here goes with the decision."""
        before = self.game.position
        step = self.game.choose(option_id)
        draft = self.drafts.pop((before, option_id), None)
        if draft is not None:
            self.notes[self.game.position] = draft
        self._moved()
        return step

    def events(self, option_id: str) -> list[ChanceEvent]:
        """The chance events an option of the current decision leads to (ForecastError if they cannot be found)."""
        return events_for(self.game, option_id)

    def annotation(self, option_id: str) -> Annotation:
        """What the player has written for an option of the current decision (before or after taking it)."""
        position = self.game.position
        draft = self.drafts.get((position, option_id))
        if draft is not None:
            return draft
        child = position.children.get(option_id)
        return self.notes.get(child, Annotation()) if child is not None else Annotation()

    def annotate(self, option_id: str, annotation: Annotation) -> None:
        """Keep a rationale and forecasts for an option of the current decision until it is taken."""
        self.drafts[(self.game.position, option_id)] = annotation

    def forecast_label(self, key: str) -> str:
        """A forecast key "chance_node.outcome" as the outcome's label and the event's title."""
        node_id, outcome = split_key(key)
        node = self.scenario.node(node_id) if node_id in self.scenario.node_index else None
        move = node.move(outcome) if node is not None else None
        return f"{move.label} ({node.model.title or node_id})" if move is not None else key

    def extra(self) -> dict[int, dict]:
        """The rationales and forecasts of the current line by step index."""
        return journal.extra(self.game, self._notes())

    def replay(self) -> Replay:
        """The current line as a replay, with the player's name, rationales and forecasts."""
        return from_game(self.game, player=self.player, extra=self.extra())

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
        save(self.replay(), target)
        self.mark_saved(target)
        return target

    def debrief(self, replay: Replay):
        """The teaching debrief (`sim.debrief.Debrief`) of a replay of this game: slow, so run it off the UI thread
        with a replay taken on it. Raises SimError if the replay does not verify."""
        from sim.debrief import build_debrief

        return build_debrief(self.scenario, replay, hidden_documents=self.hidden_documents)

    def mark_saved(self, target: Path | None = None) -> None:
        """Note that the current line is saved (written to `target`, or delivered to a browser)."""
        self.saved_to = target
        self.unsaved = False
        self._journal()

    def default_debrief_path(self) -> Path:
        """Beside the replay of this line when it was just saved, else a new name in replays/."""
        if self.saved_to is not None and not self.unsaved:
            return self.saved_to.with_suffix(".md")
        return self.default_replay_path().with_suffix(".md")

    def export_debrief(self, markdown: str, html: str, path: Path | None = None) -> tuple[Path, Path]:
        """Write a debrief as Markdown and as a self-contained HTML page beside it, atomically; return where they
        went."""
        target = Path(path) if path is not None else self.default_debrief_path()
        page = target.with_suffix(".html")
        write_atomic(target, markdown)
        write_atomic(page, html)
        return target, page

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

    @property
    def dossier(self) -> Dossier:
        return Dossier(self.scenario, self.hidden_documents)

    def moment(self) -> Moment:
        """The current point of the game as the dossier sees it (everything open once the game is over)."""
        if self.game.is_over():
            return OVER
        states = [p.state for p in self.game.position.path()]
        return moment_of(self.scenario, self.current_date(), states)

    def documents(self, moment: Moment | None = None) -> list[tuple[str, Document, Path]]:
        """The dossier's documents the reader lists at a moment (all of them when None), oldest first."""
        docs = self.model.sources.documents
        dossier = self.dossier
        rows = [(doc_id, doc, self.scenario.documents[doc_id]) for doc_id, doc in docs.items()
                if doc_id in self.scenario.documents and (moment is None or dossier.listed(doc_id, moment))]
        return sorted(rows, key=lambda r: r[1].date)

    def document_text(self, doc_id: str, moment: Moment | None = None) -> tuple[str, Shown] | None:
        """A document's full text and the text the reader shows at a moment, its footnotes and passages that report
        what came later (or what this game has not followed) withheld; all of it when None. None if it cannot be
        read."""
        dossier = self.dossier
        moment = OVER if moment is None else moment
        if not dossier.is_open(doc_id, moment):
            body = dossier.text(doc_id)
            return None if body is None else (body, Shown(dossier.instead(doc_id), {}))
        return dossier.shown(doc_id, moment)

    def closed(self, moment: Moment | None) -> tuple[int, int]:
        """How many documents are still closed at a moment: (opening later or on another path, kept closed by the
        class)."""
        if moment is None or moment.over:
            return 0, 0
        dossier = self.dossier
        states = [dossier.document_state(d, moment) for d in self.model.sources.documents]
        later = sum(1 for d, state in zip(self.model.sources.documents, states, strict=True)
                    if state is not None and state != "hidden" and not dossier.listed(d, moment))
        return later, sum(1 for state in states if state == "hidden")

    def current_date(self) -> dt.date:
        return self.game.node.model.date

    def lines_in_play(self) -> list[str]:
        """The reference lines the player may take as the continuation of the game here: none whose record is
        still closed at this point (every line once the game is over)."""
        return offered_in_play(self.scenario, self.dossier, self.moment())

    def followed_line(self) -> str | None:
        """The reference line the player has followed so far (the first, among those open in play, whose choice
        they took at every decision met), else the first line open in play; None if there is none."""
        offered = self.lines_in_play()
        taken = [s for s in self.game.history() if s.kind == "decision"]
        lines = self.model.lines
        for lid in offered:
            if all(lines[lid].choices.get(s.node) == s.choice for s in taken):
                return lid
        return offered[0] if offered else None

    def start_moment(self) -> Moment:
        """The dossier on the scenario's start date, before the first decision."""
        return moment_of(self.scenario, self.model.start_date, [self.scenario.initial])

    def memo(self) -> str | None:
        """The primary document: the first dated on the start date, else the first already available."""
        docs = self.documents(self.start_moment())
        on_start = [d for d in docs if d[1].date == self.model.start_date]
        chosen = on_start or docs
        return chosen[0][0] if chosen else None


def _probability(move: Move, state: tuple) -> float:
    try:
        return float(move.probability(state))
    except (ArithmeticError, EvaluationError):
        return float("nan")
