"""The class report as document blocks: splits, the tree of choices, outcomes, forecasts, rationales, problems."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from sim.reporting.blocks import (
    Bar,
    BarChart,
    Block,
    Bullets,
    Heading,
    Item,
    Para,
    Table,
    histogram,
)
from sim.reporting.debrief_blocks import history_blocks
from sim.reporting.text import number, plural, share
from sim.reporting.tree import ChoiceTree

if TYPE_CHECKING:
    from sim.report import ClassReport

SMALL_BRANCH = 0.02
TOP_SPLITS = 3


def _summary(r: ClassReport) -> list[Block]:
    sc = r.scenario
    unfinished = len(r.students) - len(r.finished)
    text = (f"{plural(r.files, 'replay file')} read: {len(r.students)} verified on {sc.id} "
            f"(version {sc.model.version}), {len(r.finished)} of them finished")
    text += f", {unfinished} unfinished" if unfinished else ""
    text += f"; {plural(len(r.problems), 'file')} left out (listed at the end)." if r.problems else "."
    return [Heading(1, f"Class report: {sc.model.title}"), Para(text)]


def _splits(r: ClassReport) -> list[Block]:
    out: list[Block] = [Heading(2, "Where the class split")]
    if not r.splits:
        return out + [Para("No decision was taken in any verified replay.")]
    out.append(Para("In each chart the highlighted bar (orange in the web page) is the option most students took; "
                    "the others are blue."))
    lines = r.scenario.model.lines
    divided = sorted((s for s in r.splits if s.spread > 0), key=lambda s: -s.spread)[:TOP_SPLITS]
    if divided:
        out.append(Para("Most divided: " + "; ".join(
            f"{s.title} ({', '.join(f'{o.count} {o.label}' for o in s.options if o.count)})" for s in divided) + "."))
    for s in r.splits:
        top = max(o.count for o in s.options)
        bars = [Bar(o.label, o.count, note=" · ".join([share(o.count, s.reached)] +
                                                       [lines[lid].label or lid for lid in o.lines]),
                    highlight=o.count == top) for o in s.options]
        out.append(BarChart(f"{s.title}: {plural(s.reached, 'student')} decided here (share; reference lines)",
                            bars))
    return out


def _chain(t: ChoiceTree) -> tuple[str, ChoiceTree]:
    """Follow a branch while nobody leaves it, joining its steps into one line of text."""
    parts = [_step(t)]
    while len(t.children) == 1 and not t.stopped:
        (child,) = t.children.values()
        if child.count != t.count:
            break
        t = child
        parts.append(_step(t))
    return " → ".join(parts), t


def _step(t: ChoiceTree) -> str:
    return f"{t.title}: " + (f"chance, {t.label}" if t.kind == "chance" else t.label)


def _branches(t: ChoiceTree, floor: int) -> list[Item]:
    items, small, hidden = [], 0, 0
    for child in sorted(t.children.values(), key=lambda c: -c.count):
        if child.count < floor:
            small, hidden = small + 1, hidden + child.count
            continue
        text, last = _chain(child)
        stop = f"; {last.stopped} stopped here" if last.stopped and last.children else ""
        items.append(Item([(f"{child.count}", "b"), (f" · {text}{stop}", "")], _branches(last, floor)))
    if small:
        items.append(Item(f"… {plural(hidden, 'more game')} in {plural(small, 'smaller branch')}"))
    return items


def _tree(r: ClassReport) -> list[Block]:
    if r.tree is None or not r.tree.children:
        return []
    floor = max(1, round(SMALL_BRANCH * r.tree.count))
    note = f" Branches taken by fewer than {floor} are summed up." if floor > 1 else ""
    return [Heading(2, "The tree of choices"),
            Para("Every distinct line of play, merged where students agreed; each entry gives how many followed it. "
                 "A line continues until somebody leaves it." + note),
            Bullets(_branches(r.tree, floor))]


def _outcomes(r: ClassReport) -> list[Block]:
    out: list[Block] = [Heading(2, "Outcomes")]
    if not r.finished:
        return out + [Para("No verified replay reached an ending.")]
    n = len(r.finished)
    out.append(Table(["ending", "status", "students", "share"],
                     [[e.title, "historical record" if e.historical else "model's projection", str(e.count),
                       share(e.count, n)] for e in r.endings], {2, 3}))
    out.append(Para("Weighted values are the model's scores of each final state under each perspective, 0 to 100.",
                    "projection"))
    labels = {k: p.label or k for k, p in r.scenario.model.perspectives.items()}
    rows = []
    for pid, values in r.values.items():
        out.append(histogram(f"Weighted value under {labels[pid]} (students)", values))
        rows.append([labels[pid], number(statistics.fmean(values)), number(statistics.median(values)),
                     number(min(values)), number(max(values))])
    out.append(Table(["perspective", "mean", "median", "lowest", "highest"], rows, {1, 2, 3, 4}))
    return out


def _forecasts(r: ClassReport) -> list[Block]:
    out: list[Block] = [Heading(2, "Forecasts")]
    scored = [(s, f) for s in r.students for f in s.forecasts.scores]
    if not scored:
        return out + [Para("No student's forecast could be scored.")]
    out.append(Para("Brier scores (0 perfect, 2 worst): each forecast against what happened, beside the model's own "
                    "probabilities scored the same way on the same events. Lower is better."))
    events: dict[str, list] = {}
    for _, f in scored:
        events.setdefault(f.title, []).append(f)
    rows = [[title, str(len(fs)), number(sum(f.brier for f in fs) / len(fs), 3),
             number(sum(f.model_brier for f in fs) / len(fs), 3),
             share(sum(1 for f in fs if f.brier < f.model_brier), len(fs))] for title, fs in events.items()]
    out.append(Table(["event", "forecasts", "class mean Brier", "model's mean Brier", "beat the model"], rows,
                     {1, 2, 3, 4}))
    people = sorted((s for s in r.students if s.forecasts.scores), key=lambda s: s.forecasts.mean)
    out.append(Table(["student", "file", "forecasts", "mean Brier", "model's mean Brier"],
                     [[s.name, s.path, str(len(s.forecasts.scores)), number(s.forecasts.mean, 3),
                       number(s.forecasts.model_mean, 3)] for s in people], {2, 3, 4}))
    unscored = sum(len(s.forecasts.unscored) for s in r.students)
    if unscored:
        out.append(Para(f"{plural(unscored, 'forecast')} could not be scored (the event did not follow, or the "
                        "numbers did not add up); each student's debrief names them."))
    return out


def _rationales(r: ClassReport) -> list[Block]:
    out: list[Block] = [Heading(2, "Rationales, by option")]
    grouped: dict[str, dict[str, list[Item]]] = {}
    for s in r.students:
        for ps in s.game.steps:
            if ps.step.kind == "decision" and ps.recorded.rationale:
                node = grouped.setdefault(ps.step.node, {})
                node.setdefault(ps.step.choice, []).append(Item([(s.name, "b"), (": " + ps.recorded.rationale, "")]))
    if not grouped:
        return out + [Para("No student wrote a rationale.")]
    sc = r.scenario
    for nid in sorted(grouped, key=lambda n: (sc.node(n).model.date, sc.node_index[n])):
        node = sc.node(nid)
        out.append(Heading(3, node.model.title or nid))
        out.append(Bullets([Item([(m.label, "b"), (f" ({len(grouped[nid][m.id])})", "")], grouped[nid][m.id])
                            for m in node.moves if m.id in grouped[nid]]))
    return out


def _roster(r: ClassReport) -> list[Block]:
    if not r.roster:
        return []
    label = r.scenario.model.perspectives[r.perspective].label or r.perspective
    rows = [[row.name, row.ending, number(row.value), signed_or_blank(row.judgment), signed_or_blank(row.luck),
             number(row.brier, 3), "; ".join(row.flags)] for row in r.roster]
    return [Heading(2, "Roster"),
            Para(f"One row per hand-in, under {label}. Value: the final weighted value (0-100). Judgment: what the "
                 "decisions cost against best play, decision by decision (0 is best play). Luck: what chance did "
                 "against its expectation. Value = best play from the start + judgment + luck. Brier: the mean "
                 "score of the forecasts (0 perfect, 2 worst).", "projection"),
            Table(["student", "ending", "value", "judgment", "luck", "Brier", "flags"], rows, {2, 3, 4, 5}),
            Para("Flags: chance chosen, not drawn (the replay verifies, but its outcomes say nothing of luck; "
                 "sim run can force them, so no luck is given); the scenario's line (a replay of a reference line, sim run --line, "
                 "not a student's choices); another seed than the class's; not counted (the replay does not "
                 "read or verify, with the reason).")]


def signed_or_blank(x: float | None) -> str:
    return "" if x is None else f"{x:+.1f}"


def _problems(r: ClassReport) -> list[Block]:
    if not r.problems:
        return []
    return [Heading(2, "Replays left out"),
            Table(["file", "reason"], [[p.path, p.reason] for p in r.problems])]


def blocks(r: ClassReport) -> list[Block]:
    """Every section of the class report, in reading order."""
    record = history_blocks(r.history) if r.history is not None and r.history.steps else []
    return [*_summary(r), *_roster(r), *_splits(r), *_tree(r), *_outcomes(r), *_forecasts(r), *_rationales(r),
            *record, *_problems(r)]
