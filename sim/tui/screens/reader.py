"""The source reader: the documents of the dossier available so far, with a cited passage highlighted."""

from __future__ import annotations

import datetime as dt

from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.geometry import Region
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.widgets.text_area import Selection

from sim.footnotes import Shown
from sim.model import Citation
from sim.sources import find_span
from sim.tui import text
from sim.tui.session import Session


def location(doc: str, offset: int) -> tuple[int, int]:
    """The (row, column) of a character offset in a text."""
    row = doc.count("\n", 0, offset)
    return row, offset - (doc.rfind("\n", 0, offset) + 1)


def cited_span(body: str, shown: Shown, quote: str) -> tuple[int, int] | None:
    """Where a cited passage stands in the shown text: the passage itself, or the notice of the withheld footnote
    or passage it reaches into."""
    span = find_span(shown.text, quote)
    if span is not None or not shown.hidden:
        return span
    full = find_span(body, quote)
    return shown.notice_over(*full) if full is not None else None


class ReaderScreen(Screen):
    """Documents dated on or before the current node; later ones unlock as the game advances."""

    HELP = """\
**Source reader.** Left: the documents of the dossier dated on or before the current point of
the game (later ones unlock as you advance; all of them in the debrief). Right: the selected
document; a cited passage is highlighted and scrolled into view. An editorial footnote that
reports what came after this point is withheld until its date (all open in the debrief); its
number stays in the text. So is a passage of the text that reports it. Escape goes back.
"""

    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("tab", "app.focus_next", "Next pane", show=False),
    ]

    def __init__(self, session: Session, citation: Citation | None = None, until: dt.date | None = None):
        super().__init__()
        self.session = session
        self.citation = citation
        self.until = until
        self.docs = session.documents(until)
        self.closed = text.closed_documents(*session.closed(until))

    def compose(self):
        yield Header()
        with Horizontal(id="reader"):
            with Vertical(id="doc-list-pane"):
                yield OptionList(*[Option(Content.assemble((doc_id, "bold"), f" {text.date(doc.date)}\n{doc.title}"),
                                          id=doc_id) for doc_id, doc, _ in self.docs], id="doc-list")
                if self.closed:
                    yield Static(Content.styled(self.closed, "italic"), id="doc-later")
            yield TextArea("", read_only=True, show_cursor=False, soft_wrap=True, id="doc-text")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Sources"
        self.query_one("#doc-text", TextArea).cursor_blink = False
        ids = [d[0] for d in self.docs]
        wanted = self.citation.doc if self.citation is not None and self.citation.doc in ids else None
        listing = self.query_one("#doc-list", OptionList)
        if wanted is not None:
            listing.highlighted = ids.index(wanted)
        elif ids:
            listing.highlighted = len(ids) - 1
        listing.focus()
        if not ids:
            self.query_one("#doc-text", TextArea).text = "No document of the dossier is available yet."

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_document(event.option.id)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.query_one("#doc-text", TextArea).focus()

    def show_document(self, doc_id: str) -> None:
        area = self.query_one("#doc-text", TextArea)
        texts = self.session.document_text(doc_id, self.until)
        if texts is None:
            area.text = f"The document {doc_id} cannot be read ({self.session.scenario.documents.get(doc_id)})."
            return
        body, shown = texts
        area.text = shown.text
        quote = self.citation.quote if self.citation is not None and self.citation.doc == doc_id else None
        span = cited_span(body, shown, quote) if quote else None
        if span is None:
            area.selection = Selection((0, 0), (0, 0))
            area.scroll_home(animate=False)
            return
        start = location(shown.text, span[0])
        area.selection = Selection(start, location(shown.text, span[1]))
        self.call_after_refresh(self.scroll_to, area, start)

    @staticmethod
    def scroll_to(area: TextArea, where: tuple[int, int]) -> None:
        """Centre a place of the text in view (the reader has no cursor for the TextArea to follow)."""
        y = area.wrapped_document.location_to_offset(where).y
        area.scroll_to_region(Region(0, y, 1, 1), center=True, animate=False, force=True)

    def action_back(self) -> None:
        self.dismiss()
