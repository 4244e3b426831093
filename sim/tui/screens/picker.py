"""The pickers: of scenarios, when several are found or named; of journaled games, when several can resume."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from sim.diagnostics import SimError


class PickerScreen(Screen):
    """Arrows choose a scenario, Enter opens it; a scenario that fails to load says why."""

    HELP = """\
**Scenarios.** Every scenario found under scenarios/ (or named on the command line). Arrows
choose, Enter opens its briefing. If a scenario cannot be loaded, its problems are listed
here (`sim check` gives the same report).
"""

    BINDINGS = [Binding("enter", "open", "Open scenario", show=False)]

    def __init__(self, paths: list[Path]):
        super().__init__()
        self.paths = paths

    def compose(self):
        yield Header()
        with Vertical(id="picker"):
            yield Static(Content.styled("Choose a scenario", "bold $accent"))
            yield OptionList(*[Option(Content.assemble((p.parent.name, "bold"), f"\n  {p}"), id=str(i))
                               for i, p in enumerate(self.paths)], id="scenario-list")
            yield Static(id="picker-error")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Scenarios"
        self.query_one("#scenario-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        path = self.paths[int(event.option.id)]
        try:
            self.app.open_scenario(path)
        except SimError as exc:
            self.query_one("#picker-error", Static).update(Content.styled(str(exc), "$text-error"))


class JournalPickerScreen(Screen):
    """Arrows choose a journaled game, Enter resumes it; a game that cannot resume says why."""

    HELP = """\
**Games to resume.** Every journaled game that no other `sim play` has open, the most recent
first. Arrows choose, Enter continues it where it was left.
"""

    BINDINGS = [Binding("enter", "open", "Resume game", show=False)]

    def __init__(self, paths: list[Path]):
        super().__init__()
        self.paths = paths

    def compose(self):
        from sim.journal import describe

        yield Header()
        with Vertical(id="picker"):
            yield Static(Content.styled("Choose a game to resume", "bold $accent"))
            yield OptionList(*[Option(Content.assemble((describe(p), "bold"), f"\n  {p}"), id=str(i))
                               for i, p in enumerate(self.paths)], id="journal-list")
            yield Static(id="picker-error")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Resume"
        self.query_one("#journal-list", OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        path = self.paths[int(event.option.id)]
        try:
            self.app.open_journal(path)
        except SimError as exc:
            self.query_one("#picker-error", Static).update(Content.styled(str(exc), "$text-error"))
