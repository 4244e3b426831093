"""The replay viewer: step forward and back through a replay file, with the state and the log at each step."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from sim.replay import ReplayResult
from sim.tui import text
from sim.tui.session import Session
from sim.tui.widgets.dashboard import Dashboard
from sim.tui.widgets.events import EventLog


def status_text(session: Session, result: ReplayResult, index: int, total: int,
                recorded: list | None = None) -> Content:
    """Where the replay stands: the step, the seed and the player; what the player wrote with the step just
    taken (rationale, forecasts); and the node reached."""
    game = session.game
    who = f"  ·  {session.player}" if session.player else ""
    parts: list[Content | str] = [Content.assemble(("Replay ", "bold $accent"),
                                                   f"step {index} of {total}  ·  seed {game.seed}{who}")]
    step = recorded[index - 1] if recorded and 0 < index <= len(recorded) else None
    if step is not None and step.rationale:
        parts.append(Content.assemble(("Rationale: ", "bold"), (f"“{step.rationale}”", "italic $text-success")))
    if step is not None and step.forecasts:
        parts.append(Content.assemble(("Forecasts: ", "bold"), "; ".join(
            f"{session.forecast_label(k)} {text.percent(p)}" for k, p in step.forecasts.items())))
    parts += [Content.styled(f"warning: {w}", "$text-warning") for w in result.warnings]
    if result.problem:
        parts.append(Content.styled(f"stopped early: {result.problem}", "$text-error"))
    node = game.node
    parts.append(Content.assemble((text.date(node.model.date), "bold"), f"  {node.model.title or node.id}"))
    if game.is_over():
        scores = ", ".join(f"{session.model.objectives[k].label or k} {text.number(v)}" for k, v in game.scores().items())
        parts.append(Content.assemble(("Final scores: ", "bold"), scores))
    return text.lines(parts)


class ReplayScreen(Screen):
    """Left and right step through the recorded moves; Home and End jump to the start and the end."""

    HELP = """\
**Replay.** A replay file re-run on its scenario. Left and right step back and forward through
the recorded moves; Home and End go to the start and the end. The top line names the player and
shows what they wrote with the step just taken (their rationale and forecasts). The log lists
every move up to this step with each change and its cause; the state panel shows the variables
then.
A replay that no longer matches the scenario stops at the first step that differs, and says so.
"""

    BINDINGS = [
        Binding("left", "step(-1)", "Back", priority=True),
        Binding("right", "step(1)", "Forward", priority=True),
        Binding("home", "jump(0)", "Start", priority=True),
        Binding("end", "jump(-1)", "End", priority=True),
    ]

    def __init__(self, session: Session, result: ReplayResult, recorded: list | None = None):
        super().__init__()
        self.session = session
        self.result = result
        self.recorded = recorded or []
        self.positions = session.game.position.path()
        self.index = 0

    def compose(self):
        yield Header()
        yield Static(id="replay-status")
        with Horizontal(id="replay"):
            with VerticalScroll(id="replay-log"):
                yield EventLog(self.session, id="events")
            with Vertical(id="replay-side"):
                yield Dashboard(self.session, id="dashboard")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Replay"
        self.show()

    def show(self) -> None:
        self.session.game.goto(self.positions[self.index])
        total = len(self.positions) - 1
        self.query_one("#replay-status", Static).update(status_text(self.session, self.result, self.index, total,
                                                                    self.recorded))
        self.query_one(EventLog).refresh_events()
        self.query_one(Dashboard).refresh_values()
        self.query_one("#replay-log", VerticalScroll).scroll_end(animate=False)

    def action_step(self, delta: int) -> None:
        self.index = max(0, min(len(self.positions) - 1, self.index + delta))
        self.show()

    def action_jump(self, where: int) -> None:
        self.index = where % len(self.positions)
        self.show()
