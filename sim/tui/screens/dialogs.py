"""Small modal screens: the quit confirmation, the player's name and the too-small-terminal message."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from sim.replay import NAME_CHARS


class QuitScreen(ModalScreen[str | None]):
    """Asks before quitting with unsaved play; dismisses with 'save', 'quit' or None."""

    BINDINGS = [
        Binding("s", "choose('save')", "Save replay and quit"),
        Binding("q", "choose('quit')", "Quit without saving"),
        Binding("escape", "choose(None)", "Keep playing"),
    ]

    def __init__(self, web: bool = False, journaled: bool = True):
        super().__init__()
        self.web = web
        self.journaled = journaled

    def compose(self):
        if self.web and self.journaled:
            kept = "The server keeps it: open this page again and the game continues from your last decision."
        elif self.web:
            kept = "In the browser nothing else keeps it: save (download) a replay to keep it."
        elif self.journaled:
            kept = "The journal keeps it: 'sim play --resume' continues from your last decision."
        else:
            kept = "Nothing else keeps it: save a replay to keep it."
        with Vertical(id="dialog"):
            yield Static(Content.assemble(
                ("Quit with unsaved play?", "bold $accent"), "\n\n",
                f"Your play since the last saved replay is not in a replay file. {kept}\n\n",
                ("s", "bold"), " save a replay and quit   ", ("q", "bold"), " quit   ",
                ("Escape", "bold"), " keep playing"))
        yield Footer()

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


class NameScreen(ModalScreen[str | None]):
    """Asks for the name the replays carry; dismisses with what was typed (Enter) or None (Escape)."""

    HELP = """\
**Your name.** It goes into every replay you save from now on, so that your instructor's
`sim report` names you instead of showing a file name. Leave it empty to save replays without
a name.
"""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, name: str | None, hand_in: bool = False):
        super().__init__()
        self.current = name
        self.hand_in = hand_in

    def compose(self):
        why = ("This game is handed in to your class when you finish it; your instructor sees it under this "
               "name. (n changes it later.)\n" if self.hand_in else
               "The replays you save carry it, so a class report can tell you apart.\n")
        with Vertical(id="dialog"):
            yield Static(Content.assemble(("Your name", "bold $accent"), "\n\n", why))
            yield Input(self.current or "", placeholder="your name", id="player-name", max_length=NAME_CHARS)
            yield Static(Content.assemble("\n", ("Enter", "bold"), " keep   ", ("Escape", "bold"), " cancel"))
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#player-name", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


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
        self.query_one("#too-small", Static).update(Content(
            f"This terminal is {size.width}x{size.height}; sim needs at least {w}x{h}.\n"
            "Enlarge the window (or make the font smaller) and play continues where it was.\nq quits."))
