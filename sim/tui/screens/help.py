"""Help (F1): what the screen shows, and the keys of the focused part and of the screen."""

from __future__ import annotations

import re

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

from sim.tui import text

GENERAL = """\
Keyboard first, mouse everywhere: click an option, a tab or a tree node as you would press Enter
on it. `ctrl+p` opens the command palette (perspectives, documents, themes, every action).
"""


def help_text(source: str) -> Content:
    """A screen's help as display text: paragraphs joined, **bold** and `keys` marked (the only markup the help
    texts use)."""
    paragraphs = [" ".join(p.split()) for p in source.strip().split("\n\n")]
    out = []
    for paragraph in paragraphs:
        parts: list[Content | str] = []
        for k, chunk in enumerate(re.split(r"(\*\*[^*]+\*\*|`[^`]+`)", paragraph)):
            if k % 2 == 0:
                parts.append(chunk)
            elif chunk.startswith("**"):
                parts.append(Content.styled(chunk[2:-2], "bold"))
            else:
                parts.append(Content.styled(chunk[1:-1], "bold $accent"))
        out.append(Content.assemble(*parts))
    return Content("\n\n").join(out)


def key_rows(screen: Screen) -> list[Content | str]:
    """The active keys of a screen, grouped by the part of the screen they belong to."""
    groups: dict[str, list[tuple[str, str]]] = {}
    disabled = getattr(screen, "class_disabled", set())
    for active in screen.active_bindings.values():
        binding = active.binding
        if not binding.description or binding.action in disabled:
            continue
        node = active.node
        owner = "Everywhere" if node is screen.app else ("This screen" if node is screen
                                                         else f"Focused: {type(node).__name__}")
        groups.setdefault(owner, []).append((screen.app.get_key_display(binding), binding.description))
    parts: list[Content | str] = []
    for owner in sorted(groups, key=lambda o: ("Focused" not in o, o == "Everywhere")):
        parts.append(text.heading(owner))
        parts += [Content.assemble((f"  {k:<10}", "bold"), d) for k, d in groups[owner]]
    return parts


class HelpScreen(ModalScreen[None]):
    """Escape or F1 closes it."""

    BINDINGS = [Binding("escape,f1", "close", "Close help")]

    def __init__(self, under: Screen):
        super().__init__()
        self.under = under

    def compose(self):
        with VerticalScroll(id="help"):
            yield Static(help_text(getattr(self.under, "HELP", "") + "\n\n" + GENERAL), id="help-text")
            yield Static(text.lines(key_rows(self.under)), id="help-keys")
        yield Footer()

    def action_close(self) -> None:
        self.dismiss()
