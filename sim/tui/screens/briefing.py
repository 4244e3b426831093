"""The briefing: the situation on the start date, the perspective to play, the documents, the memo."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from sim.tui import text
from sim.tui.session import Session


def situation_text(session: Session) -> Content:
    model = session.model
    parts: list[Content | str] = [
        Content.styled(model.title, "bold $accent"),
        Content.assemble(("Start date: ", "bold"), text.date(model.start_date)),
    ]
    if session.classroom is not None:
        parts.append(Content.assemble(("Class: ", "bold"), class_summary(session)))
    if model.summary:
        parts += ["", model.summary.strip()]
    parts += ["", text.heading("Documents available now")]
    for doc_id, doc, _ in session.documents(session.start_moment()):
        parts.append(f"  {doc_id}  {text.date(doc.date)}  {doc.title}")
    memo = session.memo()
    if memo is not None:
        title = model.sources.documents[memo].title
        parts += ["", Content.assemble(("The memo: ", "bold"), f"{memo} {title}", ("  (o reads it)", "italic"))]
    closed = text.closed_documents(*session.closed(session.start_moment()))
    if closed:
        parts.append(Content.styled(closed, "italic"))
    return text.lines(parts)


def class_summary(session: Session) -> str:
    settings = session.classroom.settings
    blind = "; projections hidden until the debrief" if settings.blind else ""
    title = f"{settings.title}: " if settings.title else ""
    return f"{title}seed {settings.seed}{blind}"


def perspective_text(session: Session, pid: str) -> Content:
    perspective = session.model.perspectives[pid]
    weights = session.scenario.weights(pid)
    parts: list[Content | str] = [Content.styled(perspective.label or pid, "bold")]
    if perspective.description:
        parts.append(perspective.description.strip())
    parts.append(text.heading("Weights (bars against the heaviest)"))
    top = max(weights.values(), default=0) or 1.0
    for oid, w in weights.items():
        label = session.model.objectives[oid].label or oid
        parts.append(Content.assemble(f"{w:>4.0%} ", (text.bar(w / top, 8), "$accent"), f" {label}"))
    return text.lines(parts)


class BriefingScreen(Screen):
    """Choose a perspective with the arrows; Enter begins."""

    HELP = """\
**Briefing.** Left: the situation on the start date, the documents already available and the
memo the scenario starts from (`o` opens it in the source reader). Right: the perspective you
play: whose weighting of the objectives scores your game and ranks the projected options.
Arrows choose a perspective, Enter begins; Tab moves to the situation and the perspective's
weights, and the arrow and page keys scroll them. You can switch perspective during play with
`v` (unless a class file fixes it). `g` opens the glossary of terms (IAPC, MFM, APRA...).
"""

    BINDINGS = [
        Binding("enter", "begin", "Begin", priority=True),
        Binding("o", "memo", "Read the memo"),
        Binding("g", "app.glossary", "Glossary"),
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session

    def compose(self):
        yield Header()
        with Horizontal(id="briefing"):
            with VerticalScroll(id="situation"):
                yield Static(situation_text(self.session))
            with VerticalScroll(id="perspectives"):
                yield Static(text.heading("Your perspective"))
                fixed = self.session.perspective_fixed
                yield OptionList(*[Option(Content(p.label or pid), id=pid, disabled=fixed and pid != self.session.perspective)
                                   for pid, p in self.session.model.perspectives.items()], id="perspective-list")
                if fixed:
                    yield Static(Content.styled("The class file fixes your perspective.", "italic"))
                yield Static(id="perspective-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Briefing"
        listing = self.query_one("#perspective-list", OptionList)
        listing.highlighted = list(self.session.model.perspectives).index(self.session.perspective)
        listing.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.session.game.perspective = event.option.id
        self.query_one("#perspective-detail", Static).update(perspective_text(self.session, event.option.id))

    def action_begin(self) -> None:
        self.session.set_perspective(self.session.perspective)
        self.app.begin_play()

    def action_memo(self) -> None:
        memo = self.session.memo()
        if memo is None:
            self.notify("This scenario names no documents.", severity="warning")
            return
        self.app.open_reader(None, doc=memo)
