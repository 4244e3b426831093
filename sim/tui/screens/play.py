"""The play screen: the decision, its options and what each is projected to do, the state, the lines, the log."""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, TabbedContent, TabPane, Tree
from textual.worker import Worker, WorkerState

from sim.engine import GameError
from sim.forecast import ForecastError
from sim.tui import projections, text
from sim.tui.annotations import Annotation
from sim.tui.projections import Key, ProjectionCache, Projections
from sim.tui.screens.annotate import AnnotateScreen
from sim.tui.session import Refused, Session
from sim.tui.widgets.dashboard import Dashboard
from sim.tui.widgets.decision import DecisionHeader
from sim.tui.widgets.details import OptionDetails
from sim.tui.widgets.events import EventLog
from sim.tui.widgets.lines import LinesTree
from sim.tui.widgets.options import OptionsList


class PlayScreen(Screen):
    """One decision at a time; the highlighted option's effects and projection update as the cursor moves."""

    HELP = """\
**Play.** Top left: the date, the decision and its briefing (`i` opens the whole briefing; Tab
moves between the briefing, the options, the details and the side panel, and the arrow and page
keys scroll the one in focus). Below it, the options: locked ones are struck through with the
reason. Unless projections are hidden, each open option shows its rank and projected value under
the chosen perspective.

The panel below the options describes the highlighted option: first the **model's projection**
(expected final score on each objective, the spread, the endings it leads to: a projection, not
a fact), under the continuation policy its heading names: best play for the rest of the game
unless `c` changes it. Beside it, the option's value if you keep to the reference line you have
followed so far, and the regret of this decision (how much less than the best option it is
projected to give). Then what it changes at once, the chance event it leads to with the
probabilities, and the passages of the sources it rests on.

`x` sets the options side by side against every objective, with your perspective's weights and
what each option trades for what.

`r` lets you write, for the highlighted option and before you take it, why you would take it
and, for the chance events it leads to, your probability forecast. Both are optional; they are
kept with your decision, saved in the replay, and scored in the debrief.

`n` sets your name: the replays you save carry it, so a class report can tell you apart. `g`
opens the glossary.

On the right: **State** (every variable in words, numbers with their history as a sparkline),
**Lines** (the tree of explored lines; Enter jumps to a position, and choosing differently
there starts a branch; Escape goes back to the options) and **Log** (every change, naming its
cause).
"""

    BINDINGS = [
        Binding("f1", "app.help", "Help"),
        Binding("x", "compare", "Compare"),
        Binding("c", "next_policy", "Policy"),
        Binding("r", "annotate", "Why"),
        Binding("u", "undo", "Undo"),
        Binding("s", "save", "Save"),
        Binding("o", "sources", "Docs"),
        Binding("i", "briefing", "Briefing"),
        Binding("b", "branch", "Branch", show=False),
        Binding("p", "toggle_projections", "Projections on or off", show=False),
        Binding("v", "next_perspective", "Next perspective", show=False),
        Binding("n", "app.player_name", "Your name", show=False),
        Binding("escape", "back_to_options", "Back to the options", show=False),
        Binding("pagedown", "scroll_details(1)", "Scroll down", show=False, priority=True),
        Binding("pageup", "scroll_details(-1)", "Scroll up", show=False, priority=True),
        Binding("1", "side('state')", "State tab", show=False),
        Binding("2", "side('lines')", "Lines tab", show=False),
        Binding("3", "side('log')", "Log tab", show=False),
    ]

    def __init__(self, session: Session, cache: ProjectionCache | None = None):
        super().__init__()
        self.session = session
        self.cache = cache or ProjectionCache()
        self.policy = projections.policies(session.scenario)[0]
        self.computing: tuple[Key, ...] = ()

    def compose(self):
        yield Header()
        with Horizontal(id="play"):
            with Vertical(id="left"):
                with VerticalScroll(id="decision-scroll"):
                    yield DecisionHeader(id="decision")
                yield OptionsList(id="options")
                yield OptionDetails(id="details")
            with TabbedContent(id="side", initial="state"):
                with TabPane("State", id="state"):
                    yield Dashboard(self.session, id="dashboard")
                with TabPane("Lines", id="lines"):
                    yield LinesTree(self.session, id="lines-tree")
                with TabPane("Log", id="log"):
                    with VerticalScroll(id="log-scroll"):
                        yield EventLog(self.session, id="events")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_all()
        self.query_one(OptionsList).focus()

    def on_screen_resume(self) -> None:
        self.refresh_all()

    @property
    def class_disabled(self) -> set[str]:
        """Actions a class file fixes (the perspective, blind play): the help and the palette do not offer them,
        and their keys only say why."""
        out = set()
        if self.session.blind_fixed:
            out.add("toggle_projections")
        if self.session.perspective_fixed:
            out.add("next_perspective")
        return out

    def key_for(self, policy: str) -> Key:
        game = self.session.game
        return Key(game.position.node, game.position.state, self.session.perspective, policy)

    @property
    def key(self) -> Key:
        return self.key_for(self.policy)

    @property
    def line(self) -> str | None:
        """The reference line whose continuation the details show beside the policy's."""
        return self.session.followed_line()

    def projections(self) -> Projections | None:
        if self.session.blind:
            return None
        return self.cache.get(self.key)

    def line_projections(self) -> tuple[str, Projections | None] | None:
        line = self.line
        if self.session.blind or line is None:
            return None
        return line, self.cache.get(self.key_for(line))

    def update_subtitle(self) -> None:
        model = self.session.model
        label = model.perspectives[self.session.perspective].label or self.session.perspective
        if self.session.blind_fixed:
            shown = "projections hidden until the debrief"
        else:
            shown = "projections hidden" if self.session.blind else f"policy: {self.policy}"
        self.sub_title = f"{label} · {shown}"

    def refresh_all(self) -> None:
        """Redraw everything from the session; hand off to the chance or debrief screen when due."""
        game = self.session.game
        if game.is_over():
            self.app.show_debrief()
            return
        if game.node.kind == "chance":
            self.app.show_chance()
            return
        self.update_subtitle()
        self.query_one(DecisionHeader).show(game.node)
        self.query_one("#decision-scroll", VerticalScroll).scroll_home(animate=False)
        explored = list(game.position.children)
        self.query_one(OptionsList).show(game.legal_options(), self.projections(), explored[-1] if explored else None)
        self.show_details()
        self.query_one(Dashboard).refresh_values()
        self.query_one(LinesTree).rebuild()
        self.query_one(EventLog).refresh_events()
        self.query_one("#log-scroll").scroll_end(animate=False)
        self.request_projections()

    def show_details(self) -> None:
        option_id = self.query_one(OptionsList).highlighted_id
        self.query_one(OptionDetails).show(self.session, option_id, self.projections(), self.policy,
                                           self.line_projections())

    def request_projections(self) -> None:
        """Compute this position's projections (under the policy, and under the line followed so far) in a worker
        thread, one batch at a time, unless cached or hidden."""
        if self.session.blind or self.session.game.node.kind != "decision" or self.computing:
            return
        wanted = [self.key] + ([self.key_for(self.line)] if self.line not in (None, self.policy) else [])
        keys = tuple(k for k in wanted if self.cache.get(k) is None)
        if not keys:
            return
        scenario = self.session.scenario
        self.computing = keys
        self.run_worker(lambda: [projections.compute(scenario, k) for k in keys], thread=True,
                        group="projections", name="projections")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "projections" or not event.worker.is_finished:
            return
        self.computing = ()
        if event.state == WorkerState.SUCCESS:
            for found in event.worker.result:
                self.cache.put(found)
        if self.session.game.node.kind == "decision" and not self.session.game.is_over():
            if event.state == WorkerState.SUCCESS:
                self.request_projections()
            self.query_one(OptionsList).show(self.session.game.legal_options(), self.projections())
            self.show_details()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_details()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        try:
            self.session.choose(event.option.id)
        except GameError as exc:
            self.notify(str(exc), severity="error")
            return
        self.refresh_all()

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        if event.node.data is None:
            return
        self.session.goto(event.node.data)
        self.refresh_all()
        if not self.session.game.is_over():
            self.query_one(OptionsList).focus()

    def action_undo(self) -> None:
        if self.session.undo():
            self.notify("Back to before your last decision; the line you left stays in the Lines tab.")
            self.refresh_all()
        else:
            self.notify("Nothing to undo: this is the start.", severity="warning")

    def action_branch(self) -> None:
        self.query_one(TabbedContent).active = "lines"
        self.query_one(LinesTree).focus()
        self.notify("Pick a position in the tree and press Enter; a different choice there starts a new line.")

    def action_scroll_details(self, direction: int) -> None:
        """Page through the panel in focus (the details when the options have it)."""
        focused = self.focused
        target = focused if isinstance(focused, VerticalScroll) else self.query_one(OptionDetails)
        target.scroll_page_down(animate=False) if direction > 0 else target.scroll_page_up(animate=False)

    def action_briefing(self) -> None:
        """Give the whole left side to the decision's briefing, or give the options back."""
        left = self.query_one("#left")
        expanded = not left.has_class("-briefing")
        left.set_class(expanded, "-briefing")
        if expanded:
            self.query_one("#decision-scroll").focus()
        else:
            self.query_one(OptionsList).focus()

    def action_back_to_options(self) -> None:
        self.query_one("#left").remove_class("-briefing")
        self.query_one(OptionsList).focus()

    def action_compare(self) -> None:
        from sim.tui.comparison import compare
        from sim.tui.screens.compare import CompareScreen

        if self.session.blind:
            self.notify("The comparison is a projection: hidden in blind play.", severity="warning")
            return
        found = self.projections()
        if found is None or found.error or not found.options:
            self.notify(found.error if found is not None and found.error else
                        "The projections are still being computed; try again in a moment.", severity="warning")
            return
        comparison = compare(self.session.scenario, found, self.session.perspective)
        self.app.push_screen(CompareScreen(self.session, comparison, self.policy))

    def action_side(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    def action_annotate(self) -> None:
        option_id = self.query_one(OptionsList).highlighted_id
        if option_id is None:
            self.notify("No open option to write about here.", severity="warning")
            return
        try:
            events = self.session.events(option_id)
        except ForecastError as exc:
            self.notify(f"No forecast possible for this option: {exc}", severity="warning")
            events = []
        label = self.session.game.node.move(option_id).label
        dialog = AnnotateScreen(label, events, self.session.annotation(option_id), show_odds=self.session.forecast_odds)
        self.app.push_screen(dialog, lambda result: self.annotated(option_id, result))

    def annotated(self, option_id: str, result: Annotation | None) -> None:
        if result is None:
            return
        self.session.annotate(option_id, result)
        if not result.empty:
            self.notify("Kept: it goes with this option when you take it (Enter).")
        self.show_details()

    def action_toggle_projections(self) -> None:
        try:
            self.session.set_blind(not self.session.blind)
        except Refused as exc:
            self.notify(str(exc), severity="warning")
            return
        self.notify("Projections hidden: blind play." if self.session.blind else "Projections shown.")
        self.refresh_all()

    def action_next_perspective(self) -> None:
        ids = list(self.session.model.perspectives)
        self.set_perspective(ids[(ids.index(self.session.perspective) + 1) % len(ids)])

    def set_perspective(self, perspective: str) -> None:
        try:
            self.session.set_perspective(perspective)
        except Refused as exc:
            self.notify(str(exc), severity="warning")
            return
        label = self.session.model.perspectives[perspective].label or perspective
        self.notify(f"Perspective: {label}. Options re-ranked under its weights.")
        self.refresh_all()

    @property
    def policies(self) -> tuple[str, ...]:
        """The continuation policies open here: best play, the reference lines whose record is open, random."""
        return projections.policies(self.session.scenario, self.session.lines_in_play())

    def action_next_policy(self) -> None:
        policies = self.policies
        if len(policies) < 2:
            self.notify(f"The analysis offers one continuation policy: {self.policy}.")
            return
        at = policies.index(self.policy) if self.policy in policies else -1
        self.policy = policies[(at + 1) % len(policies)]
        self.notify(f"Projections now assume that the rest of the game "
                    f"{text.policy_words(self.session, self.policy)}.")
        self.refresh_all()

    def action_save(self) -> None:
        self.app.save_replay()

    def action_sources(self) -> None:
        option_id = self.query_one(OptionsList).highlighted_id
        citation = None
        if option_id is not None:
            citations = self.session.game.node.move(option_id).model.citations
            citation = citations[0] if citations else None
        self.app.open_reader(citation)
