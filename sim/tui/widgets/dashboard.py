"""The state variables, grouped: each with its label in full, its value now in words and, for a number, its
history along the line as a sparkline (scaled from the lowest to the highest value the variable can take)."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sim.model import IntVariable
from sim.tui import text
from sim.tui.session import Session


def level(var: IntVariable, v: int) -> float:
    """A number placed between its variable's lowest (0) and highest (1) values."""
    return (v - var.min) / (var.max - var.min) if var.max > var.min else 0.0


def row(var, name: str, values: list[object]) -> Content:
    """One variable: its label, its value in words (highlighted when the last move changed it), and a sparkline
    of its history when it is a number."""
    moved = len(values) > 1 and values[-1] != values[-2]
    shown = Content.styled(text.value(var, values[-1]), "bold $text-warning" if moved else "bold")
    parts = [Content(f"{var.label or name}: "), shown]
    if isinstance(var, IntVariable) and var.max > var.min:
        history = text.sparkline([level(var, v) for v in values]).strip()
        parts += [" ", Content.styled(history, "$accent")]
    return Content.assemble(*parts)


class Dashboard(VerticalScroll):
    """One row per variable under its group's heading; a row's tooltip gives the variable's description."""

    def __init__(self, session: Session, **kwargs):
        super().__init__(**kwargs)
        self.session = session

    def compose(self):
        groups: dict[str, list[str]] = {}
        for name, var in self.session.model.variables.items():
            groups.setdefault(var.group, []).append(name)
        for group, names in groups.items():
            yield Static(text.heading(group), classes="group")
            for name in names:
                var = self.session.model.variables[name]
                widget = Static(id=f"var-{name}", classes="var-row")
                widget.tooltip = Content((var.description or var.label or name).strip())
                yield widget

    def on_mount(self) -> None:
        self.refresh_values()

    def refresh_values(self) -> None:
        variables = self.session.model.variables
        for name, values in self.session.trajectory().items():
            self.query_one(f"#var-{name}", Static).update(row(variables[name], name, values))
