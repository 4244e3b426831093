"""The glossary (g, from any screen): the scenario's terms, each defined, with the passages that define it as the
reader would show them now."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from sim.tui import text
from sim.tui.session import Session


def glossary_text(session: Session) -> Content:
    glossary = session.model.glossary
    if not glossary:
        return Content.styled("This scenario defines no terms.", "italic")
    dossier, moment = session.dossier, session.moment()
    parts: list[Content | str] = [text.heading("Glossary")]
    for term in sorted(glossary.values(), key=lambda t: t.term.lower()):
        parts += ["", Content.styled(term.term, "bold $accent"), term.definition.strip()]
        for c in term.citations:
            withheld = dossier.citation_withheld(c, moment)
            quote = withheld if withheld is not None else f"“{c.quote}”"
            parts.append(Content.assemble(("  ", ""), (quote, "italic"), (f"  ({c.doc})", "$text-muted")))
    return text.lines(parts)


class GlossaryScreen(ModalScreen[None]):
    """Escape or g closes it; the arrow and page keys scroll."""

    BINDINGS = [Binding("escape,g", "close", "Close")]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self):
        with VerticalScroll(id="glossary"):
            yield Static(glossary_text(self.session))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#glossary").focus()

    def action_close(self) -> None:
        self.dismiss()
