"""The class report: many students' replays of one scenario, side by side, for an instructor.

`collect_files` expands files and folders into replay files, `build_report` reads, verifies and
summarises them (replays that do not parse or verify are listed with the reason), and
`render_markdown` / `render_html` turn the summary into a document.
"""

from __future__ import annotations

import math
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sim.analysis.errors import AnalysisError
from sim.analysis.policy import perspective_weighting
from sim.classfile import ClassFile
from sim.diagnostics import Diagnostic, SimError
from sim.files import kind, read_text
from sim.forecast import ForecastSummary, score_played
from sim.loader import load_scenario, resolve_scenario, scenario_by_id
from sim.replay import Replay, parse_replay
from sim.reporting import html, markdown
from sim.reporting.attribution import attribute
from sim.reporting.history import History, historical_game, history
from sim.reporting.played import Played, Verifier, Walk, played, walk_key
from sim.reporting.report_blocks import blocks
from sim.reporting.tree import ChoiceTree, grow
from sim.runtime import CompiledScenario


@dataclass(frozen=True)
class Problem:
    path: str
    reason: str


@dataclass(frozen=True)
class Student:
    """One verified replay: who played it, the game, and their scored forecasts."""

    name: str
    path: str
    game: Played
    forecasts: ForecastSummary

    @property
    def forced(self) -> list[str]:
        """The chance steps whose outcome the student chose instead of drawing it ("step 6, The votes ...")."""
        return [f"step {ps.index}, {ps.step.label}" for ps in self.game.forced]


@dataclass(frozen=True)
class RosterRow:
    """One hand-in: who, how the game ended, its value under the class's perspective, what the decisions cost
    against best play (judgment) and what chance did (luck), the forecasts' mean Brier score, and flags."""

    name: str
    path: str
    ending: str
    value: float | None = None
    judgment: float | None = None
    luck: float | None = None
    brier: float | None = None
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class OptionCount:
    option: str
    label: str
    count: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class NodeSplit:
    """How many reached a decision and took each option; `spread` is 0 when all agreed, 1 for an even split."""

    node: str
    title: str
    reached: int
    options: tuple[OptionCount, ...]

    @property
    def spread(self) -> float:
        counts = [o.count for o in self.options if o.count]
        if len(counts) < 2:
            return 0.0
        total = sum(counts)
        entropy = -sum(c / total * math.log(c / total) for c in counts)
        return entropy / math.log(len(self.options))


@dataclass(frozen=True)
class EndingCount:
    node: str
    title: str
    historical: bool
    count: int


@dataclass
class ClassReport:
    scenario: CompiledScenario
    students: list[Student] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    splits: list[NodeSplit] = field(default_factory=list)
    tree: ChoiceTree | None = None
    endings: list[EndingCount] = field(default_factory=list)
    values: dict[str, list[float]] = field(default_factory=dict)
    files: int = 0
    history: History | None = None
    roster: list[RosterRow] = field(default_factory=list)
    perspective: str = ""

    @property
    def finished(self) -> list[Student]:
        return [s for s in self.students if s.game.over]


def collect_files(args: list[str]) -> tuple[list[Path], list[Problem]]:
    """Replay files named directly, or found (*.json, in any sub-folder) in named folders, sorted, each once;
    and what was skipped on the way, with the reason (a folder that cannot be read, a *.json that is not a
    regular file)."""
    out: list[Path] = []
    skipped: list[Problem] = []
    for a in args:
        p = Path(a)
        what = kind(p)
        if what == "folder":
            _search(p, out, skipped, set())
        elif what == "missing":
            raise SimError([Diagnostic("F001", "no such file or folder", a)], usage=True)
        else:
            out.append(p)
    seen: set[Path] = set()
    return [p for p in out if not (p.resolve() in seen or seen.add(p.resolve()))], skipped


def _search(folder: Path, out: list[Path], skipped: list[Problem], visited: set[str]) -> None:
    """Add the *.json files under a folder (following links to folders once each) to `out`."""
    real = os.path.realpath(folder)
    if real in visited:
        return
    visited.add(real)
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append(Problem(str(folder), f"folder cannot be read: {exc.strerror or exc} [F001]"))
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            what = kind(path)
        except SimError as exc:
            if entry.name.endswith(".json") or entry.is_dir(follow_symlinks=False):
                skipped.append(Problem(str(path), f"{exc.diagnostics[0].message} [F001]"))
            continue
        if what == "folder":
            _search(path, out, skipped, visited)
        elif not entry.name.endswith(".json"):
            continue
        elif what == "file":
            out.append(path)
        elif what == "missing":
            skipped.append(Problem(str(path), "a link to nothing [F001]"))
        else:
            skipped.append(Problem(str(path), "not a regular file (a device, pipe or socket) [F001]"))


def _read(files: list[Path]) -> tuple[list[tuple[Path, Replay]], list[Problem]]:
    good, bad = [], []
    for f in files:
        try:
            good.append((f, parse_replay(read_text(f), str(f))))
        except SimError as exc:
            d = exc.diagnostics[0]
            where = f"line {d.line}, column {d.col}: " if d.line else ""
            more = f" (and {len(exc.diagnostics) - 1} more)" if len(exc.diagnostics) > 1 else ""
            bad.append(Problem(str(f), f"{where}{d.message} [{d.code}]{more}"))
    return good, bad


def _scenario(replays: list[tuple[Path, Replay]], scenario: str | None,
              problems: list[Problem]) -> CompiledScenario:
    if scenario is None:
        if not replays:
            unreadable = [Diagnostic("F001", p.reason, p.path) for p in problems]
            raise SimError(unreadable + [Diagnostic("F001", "no replay could be read, so the scenario is unknown",
                                                    "sim report", hint="give it with --scenario")], usage=True)
        scenario_id, _ = Counter(r.scenario.id for _, r in replays).most_common(1)[0]
        named_in = next(str(f) for f, r in replays if r.scenario.id == scenario_id)
        return load_scenario(scenario_by_id(scenario_id, named_in))
    return load_scenario(resolve_scenario(scenario))


def _splits(sc: CompiledScenario, students: list[Student]) -> list[NodeSplit]:
    taken: dict[str, Counter] = {}
    for s in students:
        seen = set()
        for ps in s.game.steps:
            if ps.step.kind == "decision" and ps.step.node not in seen:
                seen.add(ps.step.node)
                taken.setdefault(ps.step.node, Counter())[ps.step.choice] += 1
    out = []
    for nid in sorted(taken, key=lambda n: (sc.node(n).model.date, sc.node_index[n])):
        node = sc.node(nid)
        options = tuple(OptionCount(m.id, m.label, taken[nid][m.id],
                                    tuple(lid for lid, line in sc.model.lines.items() if line.choices.get(nid) == m.id))
                        for m in node.moves)
        out.append(NodeSplit(nid, node.model.title or nid, sum(taken[nid].values()), options))
    return out


def build_report(files: list[Path], scenario: str | None = None, skipped: list[Problem] = (),
                 classroom: ClassFile | None = None) -> ClassReport:
    """Read, verify and summarise replays (`skipped`: what `collect_files` could not read, listed with the
    problems), of the class's scenario and under its rules when a class file is given. Each distinct recorded
    sequence is verified once, and sequences share the steps they have in common."""
    replays, problems = _read(files)
    problems = [*skipped, *problems]
    sc = classroom.scenario if classroom is not None else _scenario(replays, scenario, problems)
    report = ClassReport(sc, problems=problems, files=len(files) + len(skipped))
    cache: dict[tuple, Walk] = {}
    verifier = Verifier(sc)
    for f, replay in replays:
        key = walk_key(replay)
        walk = cache.get(key)
        if walk is None:
            walk = cache[key] = verifier.walk(replay)
        if not walk.ok:
            report.problems.append(Problem(str(f), f"does not verify: {walk.problem}"))
            continue
        game = played(sc, replay, walk)
        student = Student(replay.player or f.stem, str(f), game, score_played(sc, game))
        if student.forced and classroom is not None and classroom.settings.forced_outcomes == "refuse":
            report.problems.append(Problem(str(f), "refused: chance outcomes chosen, not drawn "
                                           f"({'; '.join(student.forced)}); the class file does not allow it"))
            continue
        report.students.append(student)
    report.splits = _splits(sc, report.students)
    report.tree = grow(sc, [s.game for s in report.students])
    ends = Counter(sc.nodes[s.game.walk.end].id for s in report.finished)
    report.endings = [EndingCount(n.id, n.model.title or n.id, n.model.historical, ends[n.id])
                      for n in sc.nodes if n.kind == "end" and ends[n.id]]
    report.endings.sort(key=lambda e: -e.count)
    finals = [sc.scores(s.game.walk.final) for s in report.finished]
    report.values = {pid: [sc.value(x, pid) for x in finals] for pid in sc.model.perspectives}
    reference, warnings = historical_game(sc)
    report.history = history(sc, reference, warnings)
    report.perspective = classroom.perspective if classroom is not None else next(iter(sc.model.perspectives))
    report.roster = roster(report, classroom)
    return report


def roster(report: ClassReport, classroom: ClassFile | None) -> list[RosterRow]:
    """A row per hand-in, students first in the order read, then the files left out with why."""
    sc = report.scenario
    weighting = perspective_weighting(sc, report.perspective)
    out = []
    for s in report.students:
        game = s.game
        flags = [f"chance chosen, not drawn ({'; '.join(s.forced)})"] if s.forced else []
        if game.replay.line is not None:
            flags.append(f"the scenario's line '{game.replay.line}'")
        if classroom is not None and game.replay.seed != classroom.settings.seed:
            flags.append(f"seed {game.replay.seed}, not the class's {classroom.settings.seed}")
        if not game.over:
            out.append(RosterRow(s.name, s.path, "unfinished", brier=s.forecasts.mean, flags=tuple(flags)))
            continue
        ending = sc.nodes[game.walk.end].model.title or sc.nodes[game.walk.end].id
        try:
            a = attribute(sc, game, weighting)
            judged = (a.final, a.judgment, None if s.forced else a.luck)
        except AnalysisError as exc:
            judged = (sc.value(sc.scores(game.walk.final), report.perspective), None, None)
            flags.append(f"judgment not computed: {exc}")
        out.append(RosterRow(s.name, s.path, ending, *judged, s.forecasts.mean, tuple(flags)))
    for p in report.problems:
        out.append(RosterRow(Path(p.path).stem, p.path, "not counted", flags=(p.reason,)))
    return out


def render_markdown(report: ClassReport) -> str:
    return markdown.render(blocks(report))


def render_html(report: ClassReport) -> str:
    return html.render(blocks(report), f"Class report: {report.scenario.model.title}")
