"""The instructor's page of `sim serve`: who is playing, who has finished and handed in, and the live class report.

The page is built from the server's journals of browser games (one per browser, `sim play --journal`) and the
class folder the finished games are handed in to; `sim serve` builds it in a worker process, so that reading and
verifying the hand-ins never holds up the games.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sim.classfile import load_class
from sim.diagnostics import SimError
from sim.journal import read_journal
from sim.reporting import html
from sim.reporting.blocks import Block, Heading, Para, Table
from sim.reporting.text import plural

REFRESH_SECONDS = 30
MAX_LISTED = 500


@dataclass(frozen=True)
class GameRow:
    """One browser's game as the instructor sees it."""

    player: str
    state: str
    steps: int
    updated: dt.datetime | None
    handed_in: str


def _handed_in(collect: Path | None, tag: str | None) -> str:
    if collect is None or tag is None:
        return ""
    found = sorted(collect.glob(f"*-{tag}.json"))
    return found[0].name if found else ""


def game_rows(journal_dir: Path, collect: Path | None, live: set[str]) -> list[GameRow]:
    """The games of the server's journals, the most recently played first (`live`: the journals' names, without
    `.json`, of the games a browser is connected to)."""
    try:
        files = sorted(journal_dir.glob("*.json"), key=lambda p: -p.stat().st_mtime)[:MAX_LISTED]
    except OSError:
        return []
    rows = []
    for f in files:
        try:
            saved = read_journal(f)
        except (SimError, OSError):
            rows.append(GameRow("(a journal that cannot be read)", "cannot be resumed", 0, None, ""))
            continue
        state = "finished" if saved.over else "playing now" if f.stem in live else "away"
        rows.append(GameRow(saved.current.player or "(no name yet)", state, len(saved.current.steps), saved.updated,
                            _handed_in(collect, saved.hand_in_tag)))
    return rows


def _when(t: dt.datetime | None) -> str:
    return f"{t.astimezone():%H:%M:%S}" if t is not None else ""


def status_blocks(rows: list[GameRow], collect: Path | None, title: str = "") -> list[Block]:
    finished = sum(r.state == "finished" for r in rows)
    playing = sum(r.state == "playing now" for r in rows)
    handed = sum(bool(r.handed_in) for r in rows)
    where = f" to {collect}" if collect is not None else " (no class folder: start sim serve with --collect)"
    out: list[Block] = [
        Heading(1, f"Your class: {title}" if title else "Your class"),
        Para(f"{plural(len(rows), 'game')} started in a browser: {playing} playing now, {finished} finished, "
             f"{handed} handed in{where}. This page refreshes every {REFRESH_SECONDS} seconds."),
    ]
    if rows:
        out.append(Table(["student", "state", "steps", "last step", "handed in as"],
                         [[r.player, r.state, str(r.steps), _when(r.updated), r.handed_in] for r in rows], {2}))
    out.append(Para("Playing now: a browser is connected. Away: the tab is closed or the connection dropped; the "
                    "game waits on the server and continues when the student opens the page again. Finished: the "
                    "game reached an end (and was handed in, where a class folder is set)."))
    return out


def _title(class_file: Path | None) -> str:
    if class_file is None:
        return ""
    try:
        return load_class(class_file).settings.title
    except SimError:
        return ""


_reports: dict[tuple, list[Block]] = {}


def _signature(collect: Path) -> tuple:
    try:
        return tuple(sorted((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in collect.glob("*.json")))
    except OSError:
        return ()


def report_blocks(collect: Path | None, class_file: Path | None, scenario: Path | None = None) -> list[Block]:
    """The class report of the handed-in games (rebuilt only when the folder changed)."""
    from sim.report import build_report, collect_files
    from sim.reporting.report_blocks import blocks

    if collect is None:
        return []
    signature = (str(collect), str(class_file), str(scenario), _signature(collect))
    if signature in _reports:
        return _reports[signature]
    if not signature[3]:
        made: list[Block] = [Heading(1, "Class report"), Para("No game has been handed in yet.")]
    else:
        try:
            classroom = load_class(class_file) if class_file is not None else None
            files, skipped = collect_files([str(collect)])
            named = str(scenario) if scenario is not None and classroom is None else None
            made = blocks(build_report(files, named, skipped, classroom))
        except SimError as exc:
            made = [Heading(1, "Class report"), Para(f"The class report cannot be made: {exc.diagnostics[0].message}")]
    _reports.clear()
    _reports[signature] = made
    return made


def page(journal_dir: Path, collect: Path | None, class_file: Path | None, live: set[str],
         scenario: Path | None = None) -> str:
    """The instructor's page as a self-contained HTML document (`scenario`: the served one, without a class
    file)."""
    rows = game_rows(journal_dir, collect, live)
    return html.render([*status_blocks(rows, collect, _title(class_file)),
                        *report_blocks(collect, class_file, scenario)],
                       "sim: your class",
                       refresh=REFRESH_SECONDS)
