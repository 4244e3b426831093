"""The debrief as document blocks, section by section."""

from __future__ import annotations

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
from sim.reporting.history import History, partly_withheld
from sim.reporting.text import date, number, odds, plural, quotes, signed

if TYPE_CHECKING:
    from sim.debrief import Debrief

def _header(d: Debrief) -> list[Block]:
    who = f"Player: {d.player}. " if d.player else ""
    state = (f"The game ended at “{d.ending.title}”." if d.finished and d.ending
             else f"The game is unfinished: {len(d.path)} steps played.")
    out: list[Block] = [Heading(1, f"Debrief: {d.title}"),
                        Para(f"{who}Perspective: {d.perspective_label}. Seed {d.seed}. {state}")]
    if d.line is not None:
        out.append(Para(f"This replay follows the scenario's reference line '{d.line}': its choices, the chance "
                        "outcomes the line fixes, and the seed's draws elsewhere."))
    if d.forced:
        steps = ", ".join(map(str, d.forced))
        out.append(Para([("Chosen, not drawn: ", "b"), (f"you chose the chance outcome at step{'s' if len(d.forced) > 1 else ''} "
                         f"{steps} instead of letting the seed draw it. It is not counted as luck.", "")]))
    if d.warnings:
        out.append(Bullets([Item(f"Warning: {w}") for w in d.warnings]))
    return out


def _ending(d: Debrief) -> list[Block]:
    if not d.finished or d.ending is None or d.standing is None:
        return []
    e, s = d.ending, d.standing
    out: list[Block] = [Heading(2, "How it ended")]
    kind = "record" if e.historical else "projection"
    text = f"{e.title} ({date(e.date)}). {e.epilogue}".strip()
    if not e.historical:
        text += " This ending is not what happened; see “What actually happened” below."
    out.append(Para(text, kind))
    if e.citations:
        out.append(Para("The ending rests on:" if e.historical else "Passages the ending draws on:"))
        out.extend(quotes(e.citations))
    out.append(Para("Final scores are the model's, from 0 to 100.", "projection"))
    out.append(Table(["objective", "score"], [[s.objective_labels[k], number(v)] for k, v in s.scores.items()], {1}))
    rows = [[s.perspective_labels[k] + (" (yours)" if k == d.perspective else ""), number(v)]
            for k, v in s.values.items()]
    out.append(Table(["weighted value under", "value"], rows, {1}))
    return out


def forced_words(d: Debrief, index: int) -> str:
    """How a chance step that was not drawn by the seed is named."""
    if d.line is not None:
        return f"fixed by the line '{d.line}', not drawn"
    return "you chose this outcome; it was not drawn" if index in d.forced else ""


def _path(d: Debrief) -> list[Block]:
    rows = []
    for p in d.path:
        extra = ""
        if p.kind == "chance":
            marks = forced_words(d, p.index) if p.forced else ""
            extra = f"p = {p.probability:.2f}" + (f"; {marks}" if marks else "")
        words = " ".join(x for x in (f"Rationale: {p.rationale}" if p.rationale else "",
                                     f"Note: {p.note}" if p.note else "") if x)
        rows.append([str(p.index), date(p.date), p.title, p.kind, p.label, extra, words])
    if not rows:
        return [Heading(2, "Your path"), Para("No step was played.")]
    return [Heading(2, "Your path"), Table(["#", "date", "where", "kind", "what", "chance", "your words"], rows, {0})]


def _lines(d: Debrief) -> list[Block]:
    if not d.lines:
        return []
    out: list[Block] = [Heading(2, "Beside the reference lines")]
    for c in d.lines:
        out.append(Heading(3, c.label))
        if c.description:
            out.append(Para(c.description))
        r = c.diverged
        if r is None:
            out.append(Para([("Your path never left this line", "b"),
                             (f" ({c.agreed} of {c.compared} points in common).", "")]))
        else:
            what = "chance gave" if r.kind == "chance" else "you chose"
            out.append(Para([("First divergence: ", "b"),
                             (f"step {r.step}, {r.title}: {what} “{r.player_label}”, the line “{r.line_label}”. "
                              f"{c.agreed} of {c.compared} points in common.", "")]))
        rows = [[r.title, r.player_label or "(not reached)", r.line_label or "(not on the line)",
                 {True: "same", False: "differs", None: ""}[r.same]] for r in c.rows]
        out.append(Table(["where", "you", c.label, ""], rows))
        if c.expected is not None:
            out.append(Para(f"Expected value of this line under your perspective: {c.expected:.1f}.", "projection"))
    return out


def _trace(d: Debrief) -> list[Block]:
    out: list[Block] = [Heading(2, "What moved each objective"),
                        Para("Each objective's score function applied to the state before and after every step; "
                             "the change is put down to that step's option or outcome.", "projection")]
    for t in d.trace:
        out.append(Heading(3, f"{t.label}: {number(t.start)} → {number(t.final)}"))
        if not t.entries:
            out.append(Para("Nothing you did or met moved it."))
            continue
        rows = [[str(e.step), e.title, ("chance: " if e.kind == "chance" else "") + e.label, number(e.before),
                 number(e.after), signed(e.delta)] for e in t.entries]
        out.append(Table(["#", "where", "cause", "before", "after", "change"], rows, {0, 3, 4, 5}))
    return out


def _luck(d: Debrief) -> list[Block]:
    if d.luck is None:
        return []
    k = d.luck
    out: list[Block] = [Heading(2, "Judgment and luck"), Para(k.verdict, "projection")]
    values = [v for v, _ in k.distribution]
    out.append(histogram(f"What your choices could have given (value under {d.perspective_label}, probability)",
                         values, weights=[p for _, p in k.distribution], mark=k.actual, mark_label="you"))
    bars = [Bar("your choices", round(k.expected, 1), highlight=True)]
    bars += [Bar(c.label, round(c.expected, 1)) for c in d.lines if c.expected is not None]
    if k.best_expected is not None:
        bars.append(Bar("best play", round(k.best_expected, 1)))
    out.append(BarChart("Expected value of each line from the start", bars, scale=100))
    if k.best_note:
        out.append(Para(f"Best play from the start was not computed: {k.best_note}."))
    out += _losses(d)
    out += _attribution(d)
    if k.assumed_best:
        out.append(Para("Where chance would have taken you to a decision you never faced (or your option was "
                        f"locked), best play stands in for you: {', '.join(k.assumed_best)}. The distribution is "
                        "computed exactly over every position your choices could reach."))
    return out


def _losses(d: Debrief) -> list[Block]:
    k = d.luck
    if k is None or k.best_expected is None:
        return []
    if not k.losses:
        return [Para("No decision of your line loses anything against best play, whatever chance does.",
                     "projection")]
    total = sum(v for _, v in k.losses)
    rows = [[title, number(v, 2)] for title, v in k.losses]
    return [Heading(3, "Where the expected shortfall comes from"),
            Para(f"Over every way the game could have gone with your choices, each decision's expected loss against "
                 f"the best option at that point. They add up to {total:.1f}: best play's {k.best_expected:.1f} "
                 f"less your choices' {k.expected:.1f}.", "projection"),
            Table(["decision", "expected loss"], rows, {1})]


def _attribution(d: Debrief) -> list[Block]:
    a = d.attribution
    if a is None:
        return []
    rows = [[str(t.index), t.title, ("chance: " if t.kind == "chance" else "") + t.label, number(t.before),
             number(t.after), signed(t.change), "luck" if t.kind == "chance" else "judgment"] for t in a.terms]
    return [Heading(3, "Step by step"),
            Para(f"Best play from the start was projected to give {a.start:.1f}. At each decision, the change is that "
                 "decision's expected loss against the best option there (judgment); at each chance event, what the "
                 f"draw did against its expectation (luck). Your decisions cost {-a.judgment:.1f}; chance "
                 f"{'added' if a.luck >= 0 else 'took'} {abs(a.luck):.1f}; your outcome: {a.final:.1f}.",
                 "projection"),
            Table(["#", "where", "what", "best play before", "after", "change", "kind"], rows, {0, 3, 4, 5})]


def _forecasts(d: Debrief) -> list[Block]:
    f = d.forecasts
    out: list[Block] = [Heading(2, "Your forecasts")]
    if not f.scores and not f.unscored:
        return out + [Para("You made no probability forecasts.")]
    out.append(Para("Brier score: the sum over an event's outcomes of (forecast − result)², result 1 for what "
                    "happened and 0 otherwise; 0 is perfect, 2 the worst. The model's own probabilities are scored "
                    "the same way beside yours."))
    rows = [[str(s.step), s.title, s.happened_label, odds(s.forecast, s.labels), odds(s.model, s.labels),
             number(s.brier, 3), number(s.model_brier, 3), number(s.distance, 3)] for s in f.scores]
    if rows:
        out.append(Table(["#", "event", "happened", "your forecast", "model", "your Brier", "model's Brier",
                          "distance from model"], rows, {0, 5, 6, 7}))
        out.append(Para(f"Mean Brier score: yours {number(f.mean, 3)}, the model's {number(f.model_mean, 3)} "
                        f"over the same {plural(len(f.scores), 'event')}."))
    if f.unscored:
        out.append(Bullets([Item(f"Not scored: {u}") for u in f.unscored]))
    return out


def _history(d: Debrief) -> list[Block]:
    return history_blocks(d.history)


def history_blocks(h: History) -> list[Block]:
    """What actually happened: the record (documented steps and historical endings), then, apart, the steps read
    from the record and the model's draws."""
    out: list[Block] = [Heading(2, "What actually happened")]
    for w in h.warnings:
        out.append(Para(f"Warning: {w}"))
    if not h.steps and not h.endings:
        return out + [Para("This scenario records no historical line.")]
    if h.note:
        out.append(Para([("The scenario's note on this line: ", "i"), (h.note, "")]))
    out.append(Heading(3, "From the record"))
    if h.documented:
        out.append(Para(f"The documented steps of {h.source}, dated by the scenario's nodes, each with the passage "
                        "that records it.", "record"))
    else:
        out.append(Para("No step of the line is documented."))
    for s in h.documented:
        out.append(Para([(f"{date(s.date)}, {s.title}: ", "b"), (_what(s), "")]))
        out.extend(quotes(s.citations))
    for e in h.endings:
        out.append(Para([(f"{e.title} ({date(e.date)}). ", "b"), (e.epilogue, "")]))
        out.extend(quotes(e.citations) or [Para("The scenario cites no passage for this ending.")])
    if h.inferred:
        out.append(Heading(3, "Read from the record (inferred)"))
        out.append(Para("These steps are the scenario's reading of the record, not what a document records; the "
                        "reasoning and the passages it draws on follow each."))
        for s in h.inferred:
            out.append(Para([(f"{date(s.date)}, {s.title}: ", "b"), (_what(s), ""), (f" Reasoning: {s.note}", "i")]))
            out.extend(quotes(s.citations))
    if h.drawn:
        out.append(Heading(3, "Not recorded: the model's draws"))
        where = f" The outcomes below are those drawn in {h.drawn_in}." if h.drawn_in else ""
        out.append(Para("The record is silent on these steps, so the model draws them, and another seed may draw "
                        f"them otherwise.{where}", "projection"))
        out.append(Bullets([Item(f"{date(s.date)}, {s.title}: {_what(s)}" + (f" ({s.note})" if s.note else ""))
                            for s in h.drawn]))
    return out


def _what(s) -> str:
    return f"chance: {s.label}" if s.kind == "chance" else s.label


def _unlocked(d: Debrief) -> list[Block]:
    out: list[Block] = [Heading(2, "Documents now unlocked")]
    if not d.unlocked:
        return out + [Para("Every document was open to you during the game.")]
    kinds = partly_withheld(d.unlocked)
    partly = f" (where {kinds} are named, only those, which report what came later)" if kinds else ""
    out.append(Para(f"Dated after your game's last point, these were closed to you while you played{partly}:"))
    out.append(Table(["date", "document", "title"], [[date(r.date), r.id, r.described] for r in d.unlocked]))
    return out


def blocks(d: Debrief) -> list[Block]:
    """Every section of the debrief, in reading order."""
    return [*_header(d), *_ending(d), *_path(d), *_lines(d), *_trace(d), *_luck(d), *_forecasts(d), *_history(d),
            *_unlocked(d)]
