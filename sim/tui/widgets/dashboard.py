"""The state variables, grouped, each with its value now and its history along the line as a sparkline
(scaled from the lowest to the highest value the variable can take)."""

from __future__ import annotations

from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from sim.model import EnumVariable, IntVariable
from sim.tui import text
from sim.tui.session import Session


def level(var, v: object) -> float:
    """A variable's value placed between its lowest (0) and highest (1) possible values."""
    if isinstance(v, bool):
        return float(v)
    if isinstance(var, EnumVariable):
        return var.values.index(v) / max(1, len(var.values) - 1)
    if isinstance(var, IntVariable) and var.max > var.min:
        return (v - var.min) / (var.max - var.min)
    return 0.0


class Dashboard(VerticalScroll):
    """One row per variable under its group's heading."""

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
                with Horizontal(classes="var-row"):
                    yield Static(Content(self.session.model.variables[name].label or name), classes="var-label")
                    yield Static(id=f"var-{name}", classes="var-value")
                    yield Static(id=f"spark-{name}", classes="var-spark")

    def on_mount(self) -> None:
        self.refresh_values()

    def refresh_values(self) -> None:
        variables = self.session.model.variables
        for name, values in self.session.trajectory().items():
            var = variables[name]
            moved = len(values) > 1 and values[-1] != values[-2]
            style = "bold $text-warning" if moved else "bold"
            self.query_one(f"#var-{name}", Static).update(Content.styled(text.value(values[-1]), style))
            self.query_one(f"#spark-{name}", Static).update(
                Content.styled(text.sparkline([level(var, v) for v in values]), "$accent"))
