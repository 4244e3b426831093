"""The options side by side (x): every open option against every objective, with the perspective's weights, how
far each lies from the best option, and what it trades for what."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from sim.tui import text
from sim.tui.comparison import Comparison
from sim.tui.session import Session

LABEL_CHARS = 20


def legend(comparison: Comparison) -> Content:
    parts: list[Content | str] = []
    for k, c in enumerate(comparison.columns):
        parts.append(Content.assemble((f"#{c.rank} ", "bold $text-accent"), (c.label, "bold"),
                                      f"  {text.number(c.value)}"))
        parts.append(Content.styled(f"    {comparison.trade(k)}", "italic"))
    return text.lines(parts)


def cell(score: float, difference: float, best: bool) -> Content:
    """A score, and (but for the best option's) its difference from the best option's score on the objective."""
    if best:
        return Content.styled(f"{score:3.0f}", "bold")
    style = "$text-error" if difference < -0.05 else "$text-success" if difference > 0.05 else "$text-muted"
    return Content.assemble(f"{score:3.0f} ", (f"{difference:+.1f}", style))


class CompareScreen(Screen):
    """Escape or x goes back; arrows move in the table."""

    HELP = """\
**Options side by side.** Every open option of this decision against every objective: the
expected final score (the model's projection, 0 to 100) if you take it and play continues as the
continuation policy says, and how far it lies from the best option's score on that objective. The weight column is your perspective's share for each objective; the weighted value
and the regret (how much less than the best option it is projected to give) close the table.
Above it, what each option gains and gives up against the best one. Escape goes back.
"""

    BINDINGS = [Binding("escape,x", "back", "Back")]

    def __init__(self, session: Session, comparison: Comparison, policy: str):
        super().__init__()
        self.session = session
        self.comparison = comparison
        self.policy = policy

    def compose(self):
        yield Header()
        with VerticalScroll(id="compare"):
            yield Static(id="compare-head")
            yield DataTable(id="compare-table", zebra_stripes=True, cursor_type="row")
            yield Static(id="compare-trades")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Options side by side"
        session, c = self.session, self.comparison
        node = session.game.node
        perspective = session.model.perspectives[session.perspective].label or session.perspective
        head = [Content.assemble((text.date(node.model.date), "bold"), "  ", (node.model.title or node.id,
                                                                             "bold $accent")),
                Content.styled(f"{text.PROJECTION_LABEL}, under {perspective}; the rest of the game "
                               f"{text.policy_words(session, self.policy)}. Each cell: the expected final score "
                               "(0-100) and its difference from the best option's (#1); share: the objective's weight.", "italic")]
        self.query_one("#compare-head", Static).update(text.lines(head))
        self.query_one("#compare-trades", Static).update(text.lines(["", text.heading("What each option trades"),
                                                                     legend(c)]))
        table = self.query_one("#compare-table", DataTable)
        table.add_column("objective", key="objective")
        table.add_column("share", key="weight", width=5)
        for col in c.columns:
            table.add_column(f"#{col.rank}", key=col.option, width=9)
        for row in c.rows:
            label = row.label if len(row.label) <= LABEL_CHARS else row.label[:LABEL_CHARS - 1] + "…"
            table.add_row(label, f"{row.weight:.0%}", *[cell(s, d, k == 0) for k, (s, d) in
                                                       enumerate(zip(row.scores, row.differences, strict=True))],
                          key=row.objective)
        table.add_row(Content.styled("Weighted value", "bold"), "100%",
                      *[Content.styled(text.number(col.value), "bold") for col in c.columns], key="value")
        table.add_row(Content.styled("Regret", "bold"), "",
                      *[text.number(col.regret) for col in c.columns], key="regret")
        table.focus()

    def action_back(self) -> None:
        self.dismiss()
