"""Small modal screens: the quit confirmation and the too-small-terminal message."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class QuitScreen(ModalScreen[str | None]):
    """Asks before quitting with unsaved play; dismisses with 'save', 'quit' or None."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save replay and quit"),
        Binding("q", "choose('quit')", "Quit without saving"),
        Binding("escape", "choose(None)", "Keep playing"),
    ]

    def __init__(self, web: bool = False):
        super().__init__()
        self.web = web

    def compose(self):
        kept = ("In the browser nothing else keeps it: save (download) a replay to keep it." if self.web else
                "The journal keeps it: 'sim play --resume' continues from your last decision.")
        with Vertical(id="dialog"):
            yield Static(Content.assemble(
                ("Quit with unsaved play?", "bold $accent"), "\n\n",
                f"Your play since the last saved replay is not in a replay file. {kept}\n\n",
                ("s", "bold"), " save a replay and quit   ", ("q", "bold"), " quit   ",
                ("Escape", "bold"), " keep playing"))
        yield Footer()

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class TooSmallScreen(ModalScreen[None]):
    """Covers everything while the terminal is smaller than the layout needs."""

    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def __init__(self, width: int, height: int):
        super().__init__()
        self.need = (width, height)

    def compose(self):
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.show_size()
        self.set_interval(0.25, self.show_size)

    def show_size(self) -> None:
        w, h = self.need
        size = self.app.size
        self.query_one("#too-small", Static).update(
            f"This terminal is {size.width}x{size.height}; sim needs at least {w}x{h}.\n"
            "Enlarge the window (or make the font smaller) and play continues where it was.\nq quits.")
