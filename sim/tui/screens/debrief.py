"""The debrief: how the game ended, the scores, the path beside the reference lines, what moved each objective,
luck, forecasts, what actually happened and the documents now unlocked."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, LoadingIndicator, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from sim.diagnostics import SimError
from sim.reporting.history import ending
from sim.tui import debrief_text, text
from sim.tui.session import Session


class SectionText(Static, can_focus=True):
    """A section of the debrief: the digit keys focus it, and the arrow and page keys scroll past it."""


def contents_line(titles: list[str]) -> Content:
    """The keys that jump to each section."""
    keys = [Content.assemble((str(i), "bold reverse"), f" {t}") for i, t in enumerate(titles, start=1)]
    return Content("  ").join(keys)


class DebriefScreen(Screen):
    """Shown when the game reaches an end; the model's figures are worked out in a worker thread."""

    HELP = """\
**Debrief.** How the game ended, its epilogue labelled either as the historical record or as the
model's projection. Then, section by section (the digit keys jump to them): the final scores and
the value under every perspective, with your line against the best for your perspective; your
path with your rationales; where it left the reference lines (the memo's, history's); what moved
each objective; judgment and luck; your forecasts, scored; what actually happened, dated and
cited; and the documents now unlocked (Enter opens one). Every figure the model computes is
labelled as its projection.

`e` exports the debrief (as Markdown and as a web page; in a browser, the page), `s` saves the
replay. `u` undoes your last decision, `b`
goes back to the tree of lines to try another branch.
"""

    BINDINGS = [
        Binding("e", "export", "Export"),
        Binding("s", "save", "Save replay"),
        Binding("n", "app.player_name", "Your name", show=False),
        Binding("o", "sources", "Sources"),
        Binding("u", "undo", "Undo"),
        Binding("b", "branch", "Branch"),
        *[Binding(str(i), f"jump({i})", f"Section {i}", show=False) for i in range(1, 10)],
    ]

    def __init__(self, session: Session):
        super().__init__()
        self.session = session
        self.debrief = None
        self.sections: list[str] = []

    def compose(self):
        yield Header()
        with VerticalScroll(id="debrief"):
            yield Static(id="debrief-ending")
            yield LoadingIndicator(id="debrief-loading")
            yield Static(Content.styled("Working out the debrief: the model's figures take a moment.", "italic"),
                         id="debrief-status")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Debrief"
        node = self.session.game.node
        parts = [text.heading("1  How it ended"), *debrief_text.ending_parts(ending(self.session.scenario, node.id))]
        self.query_one("#debrief-ending", Static).update(text.lines(parts))
        self.query_one("#debrief", VerticalScroll).focus()
        replay, session = self.session.replay(), self.session
        self.run_worker(lambda: session.debrief(replay), thread=True, group="debrief", name="debrief",
                        exit_on_error=False)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "debrief" or not event.worker.is_finished or event.state == WorkerState.CANCELLED:
            return
        if not self.is_attached:
            return
        self.query_one("#debrief-loading").remove()
        status = self.query_one("#debrief-status", Static)
        if event.state == WorkerState.SUCCESS:
            self.show(event.worker.result)
            status.remove()
            return
        error = event.worker.error
        message = error.diagnostics[0].message if isinstance(error, SimError) else str(error) or type(error).__name__
        status.update(Content.styled(f"The debrief could not be worked out: {message}", "$text-error"))

    def show(self, debrief) -> None:
        self.debrief = debrief
        found = debrief_text.sections(debrief)
        self.sections = [s.id for s in found]
        scroll = self.query_one("#debrief", VerticalScroll)
        head = [Static(contents_line(["Ending", *[s.short for s in found]]), id="debrief-contents")]
        head += [Static(text.lines(debrief_text.warnings(debrief)))] if debrief.warnings else []
        scroll.mount_all(head, before="#debrief-ending")
        body = []
        for i, section in enumerate(found, start=2):
            heading = text.heading(f"{i}  {section.title}")
            body.append(SectionText(text.lines([heading, *section.parts]), id=f"section-{section.id}",
                                    classes="debrief-section"))
        if debrief.unlocked:
            body.append(OptionList(*[Option(Content.assemble((r.id, "bold"), f"  {text.date(r.date)}  {r.described}"),
                                            id=r.id) for r in debrief.unlocked], id="unlocked-list"))
        scroll.mount_all(body)

    def action_jump(self, number: int) -> None:
        """Scroll to a section and focus it (the list of documents, for the documents' section, so that Enter
        opens the one highlighted)."""
        scroll = self.query_one("#debrief", VerticalScroll)
        if number == 1:
            target = self.query_one("#debrief-ending")
            scroll.focus()
        elif 2 <= number <= len(self.sections) + 1:
            target = self.query_one(f"#section-{self.sections[number - 2]}")
            documents = self.sections[number - 2] == "documents" and self.query("#unlocked-list")
            (documents.first() if documents else target).focus()
        else:
            return
        scroll.scroll_to_widget(target, top=True, animate=False)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.open_reader(None, doc=event.option.id)

    def action_export(self) -> None:
        if self.debrief is None:
            self.notify("The debrief is still being worked out; try again in a moment.", severity="warning")
            return
        from sim.debrief import render_html, render_markdown

        debrief = replace(self.debrief, player=self.session.player)
        self.app.export_debrief(render_markdown(debrief), render_html(debrief))

    def action_undo(self) -> None:
        self.session.undo()
        self.dismiss("undo")

    def action_branch(self) -> None:
        self.session.undo()
        self.dismiss("branch")

    def action_save(self) -> None:
        self.app.save_replay()

    def action_sources(self) -> None:
        first = self.debrief.unlocked[0].id if self.debrief is not None and self.debrief.unlocked else None
        self.app.open_reader(None, doc=first)
