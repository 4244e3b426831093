"""The rationale and forecast dialog for one option, opened with `r` before taking it."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from sim.forecast import ChanceEvent, ForecastError
from sim.tui import text
from sim.tui.annotations import RATIONALE_CHARS, Annotation, build

FORECAST_HELP = ("A probability from 0 to 1, or a percentage (30%). Outcomes left blank share what is left of 1, "
                 "so for a yes/no event one number is enough. Blank everywhere: no forecast.")


def typed(p: float | None) -> str:
    return "" if p is None else f"{round(p, 3):g}"


class AnnotateScreen(ModalScreen[Annotation | None]):
    """Enter keeps what was written (after checking the forecasts), Escape leaves it as it was."""

    HELP = """\
**Rationale and forecasts.** Optional, for the option highlighted when you pressed `r`: why you
would take it, and for each chance event it leads to before your next decision, how likely you
think each outcome is (0 to 1, or a percentage). They are kept with your decision when you take
the option, saved in the replay and scored in the debrief (Brier score, beside the model's).
"""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "keep", "Keep"),
    ]

    def __init__(self, option_label: str, events: list[ChanceEvent], annotation: Annotation, show_odds: bool):
        super().__init__()
        self.option_label = option_label
        self.events = events
        self.annotation = annotation
        self.show_odds = show_odds
        self.fields: dict[str, str] = {}

    def compose(self):
        with VerticalScroll(id="annotate"):
            yield Static(Content.assemble(("Your rationale and forecasts", "bold $accent"), " (optional)\n",
                                          ("Option: ", "bold"), self.option_label))
            yield Static(text.heading("Why this option?"))
            yield Input(self.annotation.rationale or "", placeholder="a sentence or two", id="rationale",
                        max_length=RATIONALE_CHARS)
            if not self.events:
                yield Static(Content.styled("This option leads to no chance event before the next decision: "
                                            "nothing to forecast.", "italic"))
            else:
                shown = ("\nThe class shows the model's odds beside your inputs." if self.show_odds else "")
                yield Static(Content.assemble(text.heading("What will chance bring?"), "\n",
                                              (FORECAST_HELP + shown, "italic")))
            for i, event in enumerate(self.events):
                yield Static(self.event_title(event), classes="event-title")
                for j, outcome in enumerate(event.outcomes):
                    key = event.key(outcome.id)
                    self.fields[f"forecast-{i}-{j}"] = key
                    with Horizontal(classes="forecast-row"):
                        yield Static(Content(f"  {outcome.label}"), classes="outcome-label")
                        yield Input(typed(self.annotation.forecasts.get(key)), placeholder="0 to 1",
                                    id=f"forecast-{i}-{j}", classes="forecast")
                        odds = f"model {text.percent(outcome.probability)}" if self.show_odds else ""
                        yield Static(Content(odds), classes="model-odds")
            yield Static(id="annotate-error")
            yield Static(Content.styled("Enter keeps, Tab moves between fields, Escape cancels.", "italic"))
        yield Footer()

    def event_title(self, event: ChanceEvent) -> Content:
        reach = ""
        if self.show_odds and event.reach < 0.995:
            reach = f"  (happens at all: {text.percent(event.reach)}, the model's odds)"
        return Content.assemble((event.title, "bold"), (reach, "italic"))

    def on_mount(self) -> None:
        self.query_one("#rationale", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_keep()

    def action_keep(self) -> None:
        rationale = self.query_one("#rationale", Input).value
        values = {key: self.query_one(f"#{field}", Input).value for field, key in self.fields.items()}
        try:
            annotation = build(self.events, rationale, values)
        except ForecastError as exc:
            error = self.query_one("#annotate-error", Static)
            error.update(Content.styled(str(exc), "bold $text-error"))
            error.scroll_visible(animate=False)
            return
        self.dismiss(annotation)

    def action_cancel(self) -> None:
        self.dismiss(None)
