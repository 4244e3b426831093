"""The debrief: the ending and its epilogue, final scores under every perspective, the path beside the reference lines."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sim.tui import text
from sim.tui.session import Session


def ending_text(session: Session) -> list[Content | str]:
    node = session.game.node
    model = node.model
    source = "Historical record" if model.historical else f"{text.PROJECTION_LABEL} (not the historical record)"
    parts: list[Content | str] = [
        Content.assemble((text.date(model.date), "bold"), "  ", (f"The end: {model.title or node.id}", "bold $accent")),
        Content.styled(source, "bold reverse" if model.historical else "bold $text-warning"),
    ]
    if model.epilogue:
        parts.append(model.epilogue.strip())
    return parts


def scores_text(session: Session) -> list[Content | str]:
    parts: list[Content | str] = ["", text.heading("Final scores (0 to 100)")]
    objectives = session.model.objectives
    for oid, score in session.game.scores().items():
        parts.append(f"  {objectives[oid].label or oid}: {text.number(score)}")
    parts += ["", text.heading("Weighted value under every perspective")]
    for pid, value in session.perspective_values().items():
        label = session.model.perspectives[pid].label or pid
        mine = "  (yours)" if pid == session.perspective else ""
        parts.append(Content.assemble(f"  {label}: ", (text.number(value), "bold"), mine))
    return parts


def path_text(session: Session) -> list[Content | str]:
    lines = session.model.lines
    parts: list[Content | str] = ["", text.heading("Your path beside the reference lines")]
    for row in session.compare_lines():
        parts.append(Content.styled(row.title, "bold"))
        parts.append(f"  You: {row.played}")
        for line_id, choice in row.references.items():
            label = lines[line_id].label or line_id
            if choice is None:
                parts.append(Content.styled(f"  {label}: (no choice recorded here)", "italic"))
            else:
                same = " ✓ same" if choice == row.played else ""
                parts.append(Content.assemble(f"  {label}: {choice}", (same, "$text-success")))
    if not lines:
        parts.append(Content.styled("This scenario records no reference lines.", "italic"))
    return parts


class DebriefScreen(Screen):
    """Shown when the game reaches an end."""

    HELP = """\
**Debrief.** The ending reached, with its epilogue clearly labelled either as the historical
record or as the model's projection. The final score on each objective, the weighted value
under every perspective, and your decisions beside the scenario's reference lines (the memo's
recommendations, what history did). Every document of the dossier is now unlocked: `o`.
`u` undoes your last decision, `b` goes back to the tree of lines to try another branch.
"""

    BINDINGS = [
        Binding("u", "undo", "Undo"),
        Binding("b", "branch", "Branch"),
        Binding("s", "save", "Save replay"),
        Binding("o", "sources", "Sources"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self):
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(id="debrief-body")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Debrief"
        self.show()

    def on_screen_resume(self) -> None:
        self.show()

    def show(self) -> None:
        parts = ending_text(self.session) + scores_text(self.session) + path_text(self.session)
        self.query_one("#debrief-body", Static).update(text.lines(parts))

    def action_undo(self) -> None:
        self.session.undo()
        self.dismiss("undo")

    def action_branch(self) -> None:
        self.session.undo()
        self.dismiss("branch")

    def action_save(self) -> None:
        self.app.save_replay()

    def action_sources(self) -> None:
        self.app.open_reader(None)
