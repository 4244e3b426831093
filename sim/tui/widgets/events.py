"""The event log: every move of the current line and each change it made, naming its cause."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from sim.tui import text
from sim.tui.session import Session


def event_lines(session: Session) -> list[Content | str]:
    """One entry per move, then one line per change with the move that caused it."""
    out: list[Content | str] = []
    variables = session.model.variables
    for step in session.game.history():
        node = session.scenario.node(step.node)
        when = text.date(node.model.date)
        if step.kind == "decision":
            head = Content.assemble((when, "bold"), f" you chose: {step.label}")
        else:
            odds = f" (p = {text.percent(step.probability)})" if step.probability is not None else ""
            head = Content.assemble((when, "bold"), f" chance: {step.label}{odds}")
        out.append(head)
        for c in step.changes:
            cause = session.scenario.node(c.node).move(c.cause)
            because = cause.label if cause is not None else c.cause
            out.append(Content.assemble("  ", text.change(variables[c.variable], c.variable, c.old, c.new), (f"  (cause: {because})", "italic")))
    return out or [Content.styled("Nothing has happened yet.", "italic")]


class EventLog(Static):
    """Rebuilt from the game's history, so undo and jumping between lines are reflected."""

    def __init__(self, session: Session, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def on_mount(self) -> None:
        self.refresh_events()

    def refresh_events(self) -> None:
        self.update(text.lines(event_lines(self.session)))
