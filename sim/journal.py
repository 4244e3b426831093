"""The journal of a game in progress, written atomically after every move so play survives a crash.

A journal holds the current line as a replay (with the player's name), every other explored line (with
the player's rationales and forecasts on their steps), the class file the game was started with, and
whether the play since the last saved replay is unsaved. `sim play --resume` rebuilds the game from it.

Each running game holds its journal with a lock (`claim`), so two games of one scenario at once write two
journals (`peru-1962.json`, `peru-1962.2.json`, ...), and `--resume` offers each.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sim.atomic import write_atomic
from sim.diagnostics import Diagnostic, SimError
from sim.engine import Game, GameError, Position
from sim.files import read_text
from sim.handin import TAG_PATTERN
from sim.jsonsource import parse_json
from sim.replay import Replay, ReplayStep, from_game, run_replay
from sim.runtime import CompiledScenario

try:
    import fcntl
except ImportError:  # not on Windows
    fcntl = None
try:
    import msvcrt
except ImportError:  # only on Windows
    msvcrt = None

JOURNAL_FORMAT = "sim-journal"
DATA_DIR_ENV = "SIM_DATA_DIR"


class Journal(BaseModel):
    """A journal file: enough to rebuild a game and its tree of explored lines."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    format: Literal["sim-journal"] = JOURNAL_FORMAT
    version: Literal[1] = 1
    scenario_path: str = Field(max_length=4000)
    current: Replay
    lines: list[list[ReplayStep]] = Field(default_factory=list, max_length=10_000)
    blind: bool = False
    unsaved: bool = True
    class_file: str | None = Field(None, max_length=4000)
    updated: dt.datetime | None = None
    over: bool = False
    """Whether the current line has reached an end (so a list of games can say who has finished)."""
    hand_in_tag: str | None = Field(None, pattern=TAG_PATTERN)
    """The tag of the game's hand-in file (`sim.handin`), when it is handed in to a class folder."""


def data_dir() -> Path:
    """Where sim keeps its data: $SIM_DATA_DIR, or the platform's user data folder."""
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_data_dir("sim", appauthor=False))


def journal_dir() -> Path:
    return data_dir() / "journal"


def journal_path(scenario_id: str, slot: int = 1) -> Path:
    """The journal file of a game of a scenario: the first slot, or a later one while other games run."""
    return journal_dir() / (f"{scenario_id}.json" if slot == 1 else f"{scenario_id}.{slot}.json")


MAX_SLOTS = 100


@dataclass
class Claim:
    """A journal file this process writes, locked while the game runs so no other game writes it too."""

    path: Path
    handle: IO | None

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None


def _lock(path: Path) -> IO | None:
    """An open, locked lock file beside a journal; None when another running game holds it (OSError when the
    folder cannot be written)."""
    lock = path.with_name(f".{path.name}.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    handle = open(lock, "a")  # noqa: SIM115 - held open for the game's life: the lock is the open file
    try:
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        elif msvcrt is not None:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
    except OSError:
        handle.close()
        return None
    return handle


def claim_file(path: Path) -> Claim | None:
    """Hold a given journal (to resume its game); None if another running game holds it."""
    handle = _lock(path)
    return Claim(path, handle) if handle is not None else None


def claim(scenario_id: str) -> Claim:
    """Hold the first journal slot of a scenario that no running game holds (its old journal, if any, is the
    one the new game replaces)."""
    for slot in range(1, MAX_SLOTS + 1):
        found = claim_file(journal_path(scenario_id, slot))
        if found is not None:
            return found
    raise OSError(f"{MAX_SLOTS} games of '{scenario_id}' are already running")


def in_play(path: Path) -> bool:
    """Whether a running game holds this journal."""
    try:
        held = claim_file(path)
    except OSError:
        return False
    if held is None:
        return True
    held.release()
    return False


def replaced_by_new_game(scenario_id: str) -> bool:
    """Whether a new game of the scenario would replace a journaled game (the first journal no running game
    holds exists)."""
    for slot in range(1, MAX_SLOTS + 1):
        path = journal_path(scenario_id, slot)
        if not in_play(path):
            try:
                return path.exists()
            except OSError:
                return False
    return False


Notes = dict[Position, dict]
"""What the player wrote at a decision, by the position the decision led to: {"rationale": ..., "forecasts": ...}."""


def _line(leaf: Position, notes: Notes) -> list[ReplayStep]:
    return [ReplayStep(node=p.step.node, kind=p.step.kind, choice=p.step.choice, digest=p.step.digest,
                       probability=p.step.probability, forced=p.step.forced, note=p.step.note, **notes.get(p, {}))
            for p in leaf.path() if p.step is not None]


def extra(game: Game, notes: Notes) -> dict[int, dict]:
    """The notes of the game's current line by step index, as `sim.replay.from_game` takes them."""
    steps = [p for p in game.position.path() if p.step is not None]
    return {i: notes[p] for i, p in enumerate(steps) if p in notes}


def snapshot(game: Game, scenario_path: Path, blind: bool = False, unsaved: bool = True,
             notes: Notes | None = None, class_file: Path | None = None, player: str | None = None,
             hand_in_tag: str | None = None) -> Journal:
    """The journal of a game as it stands; the player's name goes into the current line's replay."""
    notes = notes or {}
    current = from_game(game, player=player, extra=extra(game, notes))
    return Journal(scenario_path=str(Path(scenario_path).resolve()), current=current,
                   lines=[_line(leaf, notes) for leaf in game.lines()], blind=blind, unsaved=unsaved,
                   class_file=str(Path(class_file).resolve()) if class_file is not None else None,
                   updated=dt.datetime.now(dt.UTC).replace(microsecond=0), over=game.is_over(),
                   hand_in_tag=hand_in_tag)


def record(game: Game, scenario_path: Path, blind: bool = False, unsaved: bool = True,
           notes: Notes | None = None, class_file: Path | None = None, player: str | None = None,
           path: Path | None = None, hand_in_tag: str | None = None) -> Path:
    """Write the game's journal atomically (to `path`, by default the scenario's first slot); return where it
    went. OSError when it cannot be written (a full disk, a folder that cannot be written)."""
    path = path if path is not None else journal_path(game.scenario.id)
    journal = snapshot(game, scenario_path, blind, unsaved, notes, class_file, player, hand_in_tag)
    write_atomic(path, json.dumps(journal.model_dump(mode="json", exclude_none=True), indent=1) + "\n")
    return path


def read_journal(path: Path) -> Journal:
    """Parse a journal file, or raise SimError saying why it cannot be used."""
    text = read_text(path)
    data = parse_json(text, str(path), "start a new game with 'sim play SCENARIO'")
    try:
        return Journal.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"]) or "file"
        raise SimError([Diagnostic("J003", f"not a usable journal ({where}: {first['msg']})", str(path),
                                   hint="start a new game with 'sim play SCENARIO'")]) from None


def _scenario_of(path: Path) -> str:
    return path.name.split(".", 1)[0]


def journals(scenario_id: str | None = None) -> list[Path]:
    """The journal files, of one scenario or of all, the most recently written first."""
    folder = journal_dir()
    try:
        found = [p for p in folder.glob("*.json") if not p.is_dir()
                 and (scenario_id is None or _scenario_of(p) == scenario_id)]
        return sorted(found, key=lambda p: (-p.stat().st_mtime, p.name))
    except OSError:
        return []


def latest(scenario_id: str | None = None) -> Path | None:
    """The most recently written journal, of one scenario or of any."""
    found = journals(scenario_id)
    return found[0] if found else None


def describe(path: Path) -> str:
    """One line about a journaled game: scenario, player, moves and when it was last written."""
    try:
        saved = read_journal(path)
    except SimError as exc:
        return f"cannot be resumed: {exc.diagnostics[0].message}"
    steps = len(saved.current.steps)
    who = f"{saved.current.player}, " if saved.current.player else ""
    when = f", {saved.updated.astimezone():%Y-%m-%d %H:%M}" if saved.updated else ""
    return f"{saved.current.scenario.id}: {who}{steps} move(s){when}"


def _follow(game: Game, steps: list[ReplayStep]) -> Position:
    """Walk from the start along recorded steps, adding moves the tree does not have yet."""
    game.goto(game.root)
    for rs in steps:
        child = game.position.children.get(rs.choice)
        if child is not None:
            game.goto(child)
        elif rs.kind == "decision":
            game.choose(rs.choice, note=rs.note)
        else:
            game.resolve(rs.choice)
    return game.position


def restore(journal: Journal, scenario: CompiledScenario) -> tuple[Game, list[str]]:
    """Rebuild the journaled game on its scenario, as far as its moves still apply if the scenario has
    changed since; also return warnings about what was left out."""
    if journal.current.scenario.id != scenario.id:
        raise SimError([Diagnostic("J004", f"the journal is of scenario '{journal.current.scenario.id}', "
                                   f"not '{scenario.id}'", journal.scenario_path)])
    result = run_replay(journal.current, scenario, verify=False)
    game = result.game
    current = game.position
    warnings = list(result.warnings)
    if result.problem:
        warnings.append(f"resumed before {result.problem}")
    for i, steps in enumerate(journal.lines, start=1):
        try:
            _follow(game, steps)
        except GameError as exc:
            warnings.append(f"explored line {i} dropped: {exc}")
    _explored_order(game.root, journal.lines)
    game.goto(current)
    return game, warnings


def _explored_order(root: Position, lines: list[list[ReplayStep]]) -> None:
    """Put every position's branches back in the order they were explored (the order of the journal's lines),
    so that the tree of lines reads the same after a resume."""
    order: dict[int, list[str]] = {}
    for steps in lines:
        position = root
        for rs in steps:
            seen = order.setdefault(id(position), [])
            if rs.choice not in seen:
                seen.append(rs.choice)
            position = position.children.get(rs.choice)
            if position is None:
                break
    stack = [root]
    while stack:
        position = stack.pop()
        wanted = order.get(id(position), [])
        if wanted:
            kids = position.children
            position.children = {k: kids[k] for k in [*wanted, *kids] if k in kids}
        stack.extend(position.children.values())


def notes(journal: Journal, game: Game) -> Notes:
    """The rationales and forecasts a journal recorded, on the positions of the restored game they belong to."""
    out: Notes = {}
    for steps in [journal.current.steps, *journal.lines]:
        position = game.root
        for rs in steps:
            position = position.children.get(rs.choice)
            if position is None:
                break
            if rs.rationale or rs.forecasts:
                out[position] = {"rationale": rs.rationale, "forecasts": dict(rs.forecasts)}
    return out
