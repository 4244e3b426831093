"""The options of the current decision: open ones ranked by projected value, locked ones dimmed with the reason."""

from __future__ import annotations

from textual import events
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from sim.engine import OptionStatus
from sim.tui.projections import Projections


def option_prompt(status: OptionStatus, found: Projections | None) -> Content:
    """One option's line: its label, and its projected rank and value unless projections are hidden."""
    if not status.legal:
        return Content.assemble((status.label, "strike"), "\n", (f"  locked: {status.reason}", "italic"))
    rank = found.rank(status.id) if found is not None else None
    if rank is None:
        return Content(status.label)
    projected = found.options[status.id]
    return Content.assemble((f"#{rank} {projected.value:5.1f} ", "bold $text-accent"), status.label)


class OptionsList(OptionList):
    """Arrows move, Enter takes the highlighted option. A click only highlights an option, so that its projection
    can be read before taking it; a double click takes it."""

    BINDINGS = [("enter", "select", "Take")]

    async def _on_click(self, event: events.Click) -> None:
        event.prevent_default()
        clicked = event.style.meta.get("option")
        if clicked is None or self._options[clicked].disabled:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()

    def show(self, statuses: list[OptionStatus], found: Projections | None, prefer: str | None = None) -> None:
        """Fill the list; highlight the same option as before if it is still here, else `prefer`,
        else the first open one."""
        keep = self.highlighted_option.id if self.highlighted_option is not None else None
        open_ids = [s.id for s in statuses if s.legal]
        ids = [s.id for s in statuses]
        self.set_options([Option(option_prompt(s, found), id=s.id, disabled=not s.legal) for s in statuses])
        wanted = next((i for i in (keep, prefer) if i in open_ids), open_ids[0] if open_ids else None)
        self.highlighted = ids.index(wanted) if wanted is not None else None

    @property
    def highlighted_id(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None
