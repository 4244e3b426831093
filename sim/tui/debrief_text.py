"""The sections of the debrief screen, as display text built from a `sim.debrief.Debrief`.

Every figure the model computes is labelled as its projection; what the documents record is labelled
as the record, with the passages it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content

from sim.reporting.debrief_blocks import forced_words
from sim.reporting.history import Ending, Source, partly_withheld
from sim.tui import text

if TYPE_CHECKING:
    from sim.debrief import Debrief

RECORD = "From the record"
PROJECTION = "The model's projection"
BIN_WIDTH = 10


@dataclass(frozen=True)
class Section:
    id: str
    short: str
    title: str
    parts: list[Content | str]


def label(kind: str) -> Content:
    """The mark that says whether what follows is documented or computed."""
    if kind == "record":
        return Content.styled(RECORD, "bold reverse")
    return Content.styled(PROJECTION, "bold $text-warning")


def quotes(citations: tuple[Source, ...]) -> list[Content | str]:
    out: list[Content | str] = []
    for c in citations:
        when = f", {text.date(c.date)}" if c.date else ""
        out.append(Content.assemble(("  “", "italic"), (c.quote, "italic"), ("”", "italic")))
        out.append(Content.styled(f"    {c.doc}: {c.title}{when}", "$text-muted"))
    return out


def ending_parts(e: Ending) -> list[Content | str]:
    """The ending with its epilogue, labelled record or projection, and the passages it cites."""
    parts: list[Content | str] = [
        Content.assemble((text.date(e.date), "bold"), "  ", (e.title, "bold $accent")),
        label("record") if e.historical else Content.assemble(label("projection"), " (not the historical record)"),
    ]
    if e.epilogue:
        parts.append(e.epilogue)
    if e.citations:
        parts += ["", "The ending rests on:" if e.historical else "Passages the ending draws on:"]
        parts += quotes(e.citations)
    return parts


def _scores(d: Debrief) -> list[Content | str]:
    s = d.standing
    if s is None:
        return [Content.styled("The game is unfinished: no final scores.", "italic")]
    parts: list[Content | str] = [label("projection"), text.heading("Final score on each objective (0 to 100)")]
    for oid, score in s.scores.items():
        parts.append(Content.assemble(f"  {score:5.1f} ", (text.bar(score / 100, 10), "$accent"),
                                      f" {s.objective_labels[oid]}"))
    parts += ["", text.heading("Weighted value under every perspective")]
    for pid, value in s.values.items():
        mine = ("  ◀ yours", "bold") if pid == d.perspective else ""
        parts.append(Content.assemble(f"  {value:5.1f} ", (text.bar(value / 100, 10), "$accent"),
                                      f" {s.perspective_labels[pid]}", mine))
    return parts + [""] + _against_best(d)


def _against_best(d: Debrief) -> list[Content | str]:
    """Expected value from the start of the player's choices, the reference lines and best play."""
    k = d.luck
    parts: list[Content | str] = [text.heading(f"Your line against the best for {d.perspective_label}")]
    if k is None:
        return parts + [Content.styled("Not computed (see the warnings above).", "italic")]
    rows = [("your choices", k.expected)] + [(c.label, c.expected) for c in d.lines if c.expected is not None]
    if k.best_expected is not None:
        rows.append(("best play", k.best_expected))
    parts.append(Content.styled("Expected value from the start (what each line gives on average):", "italic"))
    for name, value in rows:
        parts.append(Content.assemble(f"  {value:5.1f} ", (text.bar(value / 100, 10), "$accent"), f" {name}"))
    if k.best_expected is None:
        parts.append(Content.styled(f"  best play not computed: {k.best_note}", "italic"))
    else:
        gap = k.best_expected - k.expected
        parts.append(Content.assemble("  Your choices: ", (f"{gap:.1f} below best play" if gap > 0.05
                                                            else "as good as best play", "bold")))
    parts.append(f"  Your actual outcome: {k.actual:.1f}")
    return parts


def _path(d: Debrief) -> list[Content | str]:
    parts: list[Content | str] = []
    if d.forced:
        parts.append(Content.styled(f"You chose {len(d.forced)} chance outcome(s) yourself instead of letting the "
                                    "seed draw them: they are not counted as luck.", "bold $text-warning"))
    for p in d.path:
        if p.kind == "chance":
            odds = f" (p = {text.percent(p.probability)})" if p.probability is not None else ""
            marks = forced_words(d, p.index) if p.forced else ""
            what = Content.assemble(("chance: ", "italic"), p.label, odds, (f"; {marks}" if marks else "", "bold"))
        else:
            what = Content.assemble(("you chose: ", "italic"), p.label)
        parts.append(Content.assemble((f"{p.index:>2}. ", "bold"), (text.date(p.date), "bold"), f" {p.title}: ", what))
        if p.rationale:
            parts.append(Content.styled(f"    Your rationale: “{p.rationale}”", "$text-success"))
        if p.note:
            parts.append(Content.styled(f"    Note: {p.note}", "$text-muted"))
    return parts or [Content.styled("No step was played.", "italic")]


def _lines(d: Debrief) -> list[Content | str]:
    if not d.lines:
        return [Content.styled("This scenario records no reference lines.", "italic")]
    parts: list[Content | str] = []
    for c in d.lines:
        parts += [Content.styled(c.label, "bold $accent")]
        r = c.diverged
        if r is None:
            parts.append(Content.assemble(("Your path never left this line", "bold"),
                                          f" ({c.agreed} of {c.compared} points in common)."))
        else:
            what = "chance gave" if r.kind == "chance" else "you chose"
            parts.append(Content.assemble(("First divergence: ", "bold $text-warning"),
                                          f"step {r.step}, {r.title}: {what} “{r.player_label}”, "
                                          f"the line “{r.line_label}”. {c.agreed} of {c.compared} points in common."))
        for row in c.rows:
            if row.same is True:
                parts.append(Content.assemble(("  ✓ ", "$text-success"), f"{row.title}: {row.player_label}"))
            elif row.same is False:
                parts.append(Content.assemble(("  ✗ ", "$text-error"),
                                              f"{row.title}: you “{row.player_label}”, the line “{row.line_label}”"))
            elif row.player is None:
                parts.append(Content.styled(f"  · {row.title}: not reached (the line: {row.line_label})", "$text-muted"))
        if c.expected is not None:
            parts.append(Content.assemble("  ", label("projection"),
                                          f": this line's expected value under your perspective, {c.expected:.1f}"))
        parts.append("")
    return parts


def _trace(d: Debrief) -> list[Content | str]:
    parts: list[Content | str] = [Content.assemble(label("projection"), ": each objective's score before and after "
                                                   "every step; the change is put down to that step.")]
    for t in d.trace:
        parts.append(Content.styled(f"{t.label}: {text.number(t.start or 0)} → {text.number(t.final or 0)}", "bold"))
        if not t.entries:
            parts.append(Content.styled("  nothing you did or met moved it", "italic"))
        for e in t.entries:
            cause = f"chance: {e.label}" if e.kind == "chance" else e.label
            style = "$text-success" if e.delta > 0 else "$text-error"
            parts.append(Content.assemble((f"  {e.delta:+6.1f} ", style), f"step {e.step}, {e.title}: {cause}"))
    return parts


def bins(distribution: tuple[tuple[float, float], ...]) -> list[tuple[int, float]]:
    """Probabilities of the final value summed over bins of BIN_WIDTH points, by each bin's lower end."""
    out: dict[int, float] = {}
    for value, p in distribution:
        low = min(100 - BIN_WIDTH, int(value // BIN_WIDTH) * BIN_WIDTH)
        out[low] = out.get(low, 0.0) + p
    return sorted(out.items())


def _luck(d: Debrief) -> list[Content | str]:
    k = d.luck
    if k is None:
        return [Content.styled("Not computed (see the warnings above).", "italic")]
    parts: list[Content | str] = [label("projection"), k.verdict, "",
                                  Content.styled(f"What your choices could have given (value under "
                                                 f"{d.perspective_label}, probability):", "italic")]
    here = min(100 - BIN_WIDTH, int(k.actual // BIN_WIDTH) * BIN_WIDTH)
    top = max((p for _, p in bins(k.distribution)), default=1.0) or 1.0
    for low, p in bins(k.distribution):
        mark = ("  ◀ you", "bold") if low == here else ""
        parts.append(Content.assemble(f"  {low:>3}–{low + BIN_WIDTH:<3} {text.percent(p):>4} ",
                                      (text.bar(p / top, 20), "$accent"), mark))
    if k.losses:
        total = sum(v for _, v in k.losses)
        parts += ["", text.heading("Where the expected shortfall comes from"), Content.styled(
            f"Over every way the game could have gone with your choices, each decision's expected loss against the "
            f"best option there; they add up to {total:.1f} (best play {k.best_expected:.1f}, your choices "
            f"{k.expected:.1f}).", "italic")]
        parts += [f"  {v:6.2f}  {title}" for title, v in k.losses]
    a = d.attribution
    if a is not None:
        parts += ["", text.heading("Step by step"), Content.styled(
            f"Best play from the start: {a.start:.1f}. A decision's change is its expected loss against the best "
            f"option there (judgment); a draw's, what chance did (luck). Decisions cost {-a.judgment:.1f}; chance "
            f"{'added' if a.luck >= 0 else 'took'} {abs(a.luck):.1f}; your outcome: {a.final:.1f}.", "italic")]
        for t in a.terms:
            kind = ("luck", "$text-warning") if t.kind == "chance" else ("judgment", "$text-accent")
            what = f"chance: {t.label}" if t.kind == "chance" else t.label
            parts.append(Content.assemble(f"  {t.change:+6.1f} ", kind, f"  step {t.index}, {t.title}: {what}"))
    if k.assumed_best:
        parts.append(Content.styled(f"Best play stands in for you at decisions you never faced or where your "
                                    f"option was locked: {', '.join(k.assumed_best)}.", "italic"))
    return parts


def _forecasts(d: Debrief) -> list[Content | str]:
    f = d.forecasts
    if not f.scores and not f.unscored:
        return [Content.styled("You made no probability forecasts (r at a decision writes one).", "italic")]
    parts: list[Content | str] = [Content.styled(
        "Brier score: the sum over an event's outcomes of (forecast − result)²; 0 is perfect, 2 the worst. "
        "The model's own probabilities are scored the same way.", "italic")]
    for s in f.scores:
        parts += ["", Content.styled(f"step {s.step}, {s.title}", "bold"), Content.styled("   you model", "italic")]
        for outcome, p in s.forecast.items():
            happened = ("  ◀ happened", "bold $text-success") if outcome == s.happened else ""
            parts.append(Content.assemble(f"  {text.percent(p):>4} {text.percent(s.model.get(outcome, 0.0)):>5}  "
                                          f"{s.labels.get(outcome, outcome)}", happened))
        parts.append(Content.assemble("  Brier: ", (f"yours {s.brier:.3f}", "bold"), f", the model's {s.model_brier:.3f}"
                                      f" (distance from the model {s.distance:.3f})"))
    if f.scores:
        parts += ["", Content.assemble(("Mean Brier score: ", "bold"), f"yours {f.mean:.3f}, the model's "
                                       f"{f.model_mean:.3f} over the same {len(f.scores)} event(s).")]
    parts += [Content.styled(f"Not scored: {u}", "$text-muted") for u in f.unscored]
    return parts


def _history(d: Debrief) -> list[Content | str]:
    h = d.history
    parts: list[Content | str] = [Content.styled(f"Warning: {w}", "$text-warning") for w in h.warnings]
    if not h.steps and not h.endings:
        return parts + [Content.styled("This scenario records no historical line.", "italic")]
    if h.note:
        parts.append(Content.styled(h.note, "italic"))
    parts += ["", Content.assemble(label("record"), f": the documented steps of {h.source}, each with the passage "
                                   "that records it.")]
    if not h.documented:
        parts.append(Content.styled("  No step of the line is documented.", "italic"))
    for s in h.documented:
        parts += ["", Content.assemble((text.date(s.date), "bold"), f" {s.title}: ", (_what(s), "bold"))]
        parts += quotes(s.citations)
    for e in h.endings:
        parts += ["", Content.assemble(("How it ended: ", "bold"), (e.title, "bold $accent"), f" ({text.date(e.date)})")]
        if e.epilogue:
            parts.append(e.epilogue)
        parts += quotes(e.citations)
    if h.inferred:
        parts += ["", Content.styled("Read from the record (inferred): the scenario's reading, not what a document "
                                     "records; the reasoning follows each step.", "bold")]
        for s in h.inferred:
            parts += ["", Content.assemble((text.date(s.date), "bold"), f" {s.title}: ", (_what(s), "bold"))]
            parts.append(Content.styled(f"  Reasoning: {s.note}", "italic"))
            parts += quotes(s.citations)
    if h.drawn:
        where = f", as drawn in {h.drawn_in}" if h.drawn_in else ""
        parts += ["", Content.assemble(label("projection"), ": not recorded, so the model draws these steps; another "
                                       f"seed may draw them otherwise{where}.")]
        for s in h.drawn:
            parts.append(Content.assemble(f"  {text.date(s.date)} {s.title}: ", (_what(s), "bold")))
            if s.note:
                parts.append(Content.styled(f"    {s.note}", "$text-muted"))
    return parts


def _what(s) -> str:
    return f"chance: {s.label}" if s.kind == "chance" else s.label


def _unlocked(d: Debrief) -> list[Content | str]:
    if not d.unlocked:
        return [Content.styled("Every document was open to you during the game; o opens the sources.", "italic")]
    kinds = partly_withheld(d.unlocked)
    partly = f" (where {kinds} are named, only those)" if kinds else ""
    return [f"{len(d.unlocked)} document(s) were closed to you while you played{partly}. "
            "Enter on one opens it in the source reader:"]


def sections(d: Debrief) -> list[Section]:
    """The debrief screen's sections, in reading order (the ending is shown on its own, first)."""
    return [
        Section("scores", "Scores", "Scores", _scores(d)),
        Section("path", "Path", "Your path", _path(d)),
        Section("lines", "Lines", "Beside the reference lines", _lines(d)),
        Section("trace", "Causes", "What moved each objective", _trace(d)),
        Section("luck", "Luck", "Judgment and luck", _luck(d)),
        Section("forecasts", "Forecasts", "Your forecasts", _forecasts(d)),
        Section("history", "History", "What actually happened", _history(d)),
        Section("documents", "Documents", "Documents now unlocked", _unlocked(d)),
    ]


def warnings(d: Debrief) -> list[Content | str]:
    return [Content.styled(f"Warning: {w}", "$text-warning") for w in d.warnings]
