"""The chance reveal: what is at stake, the probabilities, then what happened."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sim.engine import GameError, Step
from sim.tui import text
from sim.tui.session import Session


def stakes_text(session: Session) -> Content:
    node = session.game.node
    model = node.model
    variables = session.model.variables
    parts: list[Content | str] = [
        Content.assemble((text.date(model.date), "bold"), "  ", (f"Chance: {model.title or node.id}", "bold $accent")),
    ]
    if model.prompt:
        parts.append(model.prompt.strip())
    parts += ["", text.heading("What is at stake")]
    for move, p, changes in session.stakes():
        parts.append(Content.assemble(f"{text.percent(p):>4} ", (text.bar(p), "$accent"), " ", (move.label, "bold")))
        for name, old, new in changes:
            parts.append(Content.assemble("       ", text.change(variables[name], name, old, new)))
        if not changes:
            parts.append(Content.styled("       no change to the state", "italic"))
    return text.lines(parts)


def result_text(session: Session, step: Step) -> Content:
    variables = session.model.variables
    odds = text.percent(step.probability) if step.probability is not None else "?"
    parts: list[Content | str] = [
        "", text.heading("What happened"),
        Content.assemble((step.label, "bold $text-success"), f"  (it had a {odds} chance)"),
    ]
    parts += [Content.assemble("  ", text.change(variables[c.variable], c.variable, c.old, c.new))
              for c in step.changes]
    parts += ["", Content.styled("Enter continues.", "italic")]
    return text.lines(parts)


class ChanceScreen(Screen):
    """Enter draws the outcome (by the game's seed), then Enter again goes on."""

    HELP = """\
**Chance.** The event that now decides what happens, every outcome with its probability in
the present state and what it would change. Enter draws the outcome with the game's seed
(the same seed always gives the same draw, so a replay verifies); Enter again continues.
`u` undoes the decision that led here.
"""

    BINDINGS = [
        Binding("enter", "advance", "Draw / continue"),
        Binding("u", "undo", "Undo"),
        Binding("o", "sources", "Sources"),
        Binding("s", "save", "Save replay"),
        Binding("n", "app.player_name", "Your name", show=False),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.drawn: Step | None = None

    def compose(self):
        yield Header()
        with VerticalScroll(id="chance"):
            yield Static(id="stakes")
            yield Static(id="result")
        yield Footer()

    def on_mount(self) -> None:
        self.show_stakes()

    def show_stakes(self) -> None:
        self.drawn = None
        self.sub_title = "Chance"
        try:
            stakes = stakes_text(self.session)
        except GameError as exc:
            stakes = Content.styled(str(exc), "bold $text-error")
        self.query_one("#stakes", Static).update(stakes)
        self.query_one("#result", Static).update(Content.styled("\nEnter draws the outcome.", "italic"))

    def action_advance(self) -> None:
        if self.drawn is None:
            try:
                self.drawn = self.session.resolve()
            except GameError as exc:
                self.query_one("#result", Static).update(Content.styled(
                    f"\n{exc}\n(u goes back to your last decision)", "bold $text-error"))
                return
            self.query_one("#result", Static).update(result_text(self.session, self.drawn))
            self.query_one("#chance", VerticalScroll).scroll_end(animate=False)
        elif self.session.game.node.kind == "chance":
            self.show_stakes()
        else:
            self.dismiss()

    def action_undo(self) -> None:
        self.session.undo()
        self.dismiss()

    def action_sources(self) -> None:
        self.app.open_reader(None)

    def action_save(self) -> None:
        self.app.save_replay()
