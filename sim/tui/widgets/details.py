"""What the highlighted option would do: its projection, immediate effects, the chance that follows, sources."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sim.tui import text
from sim.tui.annotations import Annotation
from sim.tui.projections import Projections
from sim.tui.session import Preview, Session

QUOTE_CHARS = 220


def effects_section(session: Session, preview: Preview) -> list[Content | str]:
    out: list[Content | str] = [text.heading("Immediate effects")]
    if preview.problem:
        return out + [Content.styled(f"cannot be applied here: {preview.problem}", "$text-error")]
    variables = session.model.variables
    out += [text.change(variables[n], n, old, new) for n, old, new in preview.changes]
    if not preview.changes:
        out.append(Content.styled("no immediate change to the state", "italic"))
    return out


def chance_section(session: Session, preview: Preview) -> list[Content | str]:
    if preview.next_kind != "chance":
        return []
    node = session.scenario.node(preview.next_node)
    out: list[Content | str] = ["", text.heading(f"Then, by chance: {node.model.title or node.id}")]
    if session.blind:
        out += [f"  {label}" for _, label, _ in preview.outcomes]
        return out + [Content.styled("  the model's odds are hidden: blind play", "italic")]
    for _, label, p in preview.outcomes:
        out.append(Content.assemble(f"{text.percent(p):>4} ", (text.bar(p, 8), "$accent"), f" {label}"))
    return out


def annotation_section(session: Session, annotation: Annotation) -> list[Content | str]:
    """What the player wrote for this option: the rationale and forecasts they will commit with it."""
    out: list[Content | str] = ["", text.heading("Your rationale and forecasts (r edits)")]
    if annotation.empty:
        return out + [Content.styled("none yet (optional)", "italic")]
    if annotation.rationale:
        out.append(Content.styled(f"“{annotation.rationale}”", "italic"))
    for key, p in annotation.forecasts.items():
        out.append(f"  {text.percent(p):>4} {session.forecast_label(key)}")
    return out


def projection_section(session: Session, option_id: str, found: Projections | None, policy: str,
                       line: tuple[str, Projections | None] | None = None) -> list[Content | str]:
    """The highlighted option's projection: expected scores, weighted value with its spread and the endings it
    leads to, under the continuation policy named in the heading; beside it, its value if the player keeps to
    the reference line they have followed so far, and the regret of the decision itself."""
    perspective = session.model.perspectives[session.perspective].label or session.perspective
    out: list[Content | str] = [text.heading(f"{text.PROJECTION_LABEL} (c changes the policy)"),
                                Content.styled(f"Under {perspective}, if the rest of the game "
                                               f"{text.policy_words(session, policy)}.", "italic")]
    if session.blind:
        why = "the class keeps them until the debrief" if session.blind_fixed else "p shows projections"
        return out + [Content.styled(f"hidden: blind play ({why})", "italic")]
    if found is None:
        return out + [Content.styled("computing…", "italic")]
    if found.error:
        return out + [Content.styled(found.error, "italic")]
    p = found.options.get(option_id)
    if p is None:
        return out + [Content.styled("no projection for this option", "italic")]
    objectives = session.model.objectives
    for oid, score in p.expected.items():
        label = objectives[oid].label if oid in objectives else oid
        out.append(f"  {label}: {text.number(score)} (expected)")
    out.append(Content.assemble(("  Weighted value: ", "bold"),
                                f"{text.number(p.value)} ± {text.number(p.stdev)}",
                                f"  (range {text.number(p.worst)} to {text.number(p.best)})"))
    out.append(f"  Regret of this decision against the best option: {text.number(p.regret or 0.0)}")
    if line is not None and line[0] != policy:
        out += line_value(session, option_id, *line)
    endings = sorted(p.endings.items(), key=lambda kv: -kv[1])
    for end_id, prob in endings[:4]:
        out.append(f"  {text.percent(prob):>4} ends in: {text.ending_in_play(session.scenario.node(end_id))}")
    return out


def line_value(session: Session, option_id: str, lid: str, found: Projections | None) -> list[Content | str]:
    """The option's value if the rest of the game follows the reference line the player has kept to."""
    label = session.model.lines[lid].label or lid
    followed = session.followed_line() == lid and any(s.kind == "decision" for s in session.game.history())
    whose = "the line you have followed so far" if followed else "a reference line"
    if found is None:
        return [Content.styled(f"  If you keep to “{label}” ({whose}): computing…", "italic")]
    p = found.options.get(option_id)
    if found.error or p is None or p.value is None:
        return []
    return [Content.assemble(("  If you keep to ", "bold"), f"“{label}” ({whose}): ",
                             (text.number(p.value), "bold"), f" (regret {text.number(p.regret or 0.0)})")]


def sources_section(session: Session, citations) -> list[Content | str]:
    """The passages an option cites, as the reader would show them now: a passage still withheld (or in a document
    the class keeps closed) stands as its notice."""
    if not citations:
        return []
    dossier, moment = session.dossier, session.moment()
    docs = session.model.sources.documents
    out: list[Content | str] = ["", text.heading("Sources (o opens the reader)")]
    for c in citations:
        doc = docs.get(c.doc)
        title = f"{c.doc}: {doc.title}" if doc else c.doc
        withheld = dossier.citation_withheld(c, moment)
        if withheld is not None:
            out.append(Content.assemble((title, "bold"), "\n", (withheld, "italic")))
            continue
        quote = c.quote if len(c.quote) <= QUOTE_CHARS else c.quote[:QUOTE_CHARS] + "…"
        out.append(Content.assemble((title, "bold"), "\n", (f"“{quote}”", "italic")))
    return out


class OptionDetails(VerticalScroll):
    """The highlighted option's effects, the chance after it, its projection and its sources."""

    def compose(self):
        yield Static(id="details-body")

    def show(self, session: Session, option_id: str | None, found: Projections | None, policy: str,
             line: tuple[str, Projections | None] | None = None) -> None:
        """Show an option; the panel starts at its top whenever the option or the decision changes."""
        body = self.query_one("#details-body", Static)
        where = (session.game.position, option_id)
        if where != getattr(self, "_showing", None):
            self._showing = where
            self.scroll_home(animate=False)
        if option_id is None:
            body.update(Content.styled("No option is open.", "italic"))
            return
        move = session.game.node.move(option_id)
        preview = session.preview(option_id)
        parts = projection_section(session, option_id, found, policy, line) + [""]
        parts += effects_section(session, preview)
        parts += chance_section(session, preview)
        parts += annotation_section(session, session.annotation(option_id))
        if move.model.description:
            parts += ["", move.model.description.strip()]
        parts += [Content.styled(f"(option id: {option_id}, as sim run --choose names it)", "$text-muted")]
        parts += sources_section(session, move.model.citations)
        body.update(text.lines(parts))
