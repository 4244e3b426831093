"""The `sim play` application: picks the first screen, moves between screens, saves and quits."""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.events import DeliveryComplete, DeliveryFailed
from textual.markup import escape
from textual.screen import Screen

from sim.loader import load_scenario
from sim.model import Citation
from sim.replay import ReplayResult, dumps
from sim.tui.projections import ProjectionCache
from sim.tui.screens.briefing import BriefingScreen
from sim.tui.screens.chance import ChanceScreen
from sim.tui.screens.debrief import DebriefScreen
from sim.tui.screens.dialogs import NameScreen, QuitScreen, TooSmallScreen
from sim.tui.screens.play import PlayScreen
from sim.tui.session import Clock, Session, local_now

# The help, reader, picker and replay screens import heavier widgets (Markdown, TextArea); they are
# imported when first shown, to keep the cold start short.

MIN_WIDTH, MIN_HEIGHT = 80, 24
NAME_HINT = "(Press n to put your name in your replays.)"


@dataclass
class Launch:
    """What `sim play` was asked to open."""

    scenarios: list[Path] = field(default_factory=list)
    session: Session | None = None
    resumed: bool = False
    replay: ReplayResult | None = None
    recorded: list = field(default_factory=list)
    seed: int = 0
    perspective: str | None = None
    blind: bool = False
    player: str | None = None
    clock: Clock = local_now
    notices: list[str] = field(default_factory=list)
    journal_notice: str | None = None
    journals: list[Path] = field(default_factory=list)
    resume: Callable[[Path], tuple[Session, list[str]]] | None = None
    """With several journaled games: the picker lists `journals`, and `resume` opens the one chosen."""


class SimApp(App[int]):
    """Play a scenario, see each option's projected outcome before choosing, explore and replay lines."""

    CSS_PATH = "sim.tcss"
    TITLE = "sim"
    BINDINGS = [
        Binding("f1", "help", "Help"),
        Binding("q", "request_quit", "Quit"),
        Binding("g", "glossary", "Glossary", show=False),
    ]

    def __init__(self, launch: Launch):
        super().__init__()
        self.launch = launch
        self.session = launch.session
        self.cache = ProjectionCache()
        self.deliveries: dict[str, tuple[str, str]] = {}
        self.exit_after_delivery = False

    def on_mount(self) -> None:
        launch = self.launch
        if self.session is not None:
            self.session.on_journal_problem = self.journal_problem
            self.session.on_hand_in = self.handed_in
        if self.is_web and self.session is not None and self.session.journal_to is None:
            self.session.journaling = False
        elif launch.journal_notice:
            self.notify(launch.journal_notice, severity="warning", timeout=10)
        if launch.replay is not None:
            from sim.tui.screens.replay_viewer import ReplayScreen

            self.title = launch.session.model.title
            self.push_screen(ReplayScreen(launch.session, launch.replay, launch.recorded))
        elif self.session is not None:
            self.title = self.session.model.title
            self.push_screen(PlayScreen(self.session, self.cache) if launch.resumed else BriefingScreen(self.session))
        elif launch.journals:
            from sim.tui.screens.picker import JournalPickerScreen

            self.push_screen(JournalPickerScreen(launch.journals))
        else:
            from sim.tui.screens.picker import PickerScreen

            self.push_screen(PickerScreen(launch.scenarios))
        for notice in launch.notices:
            self.notify(notice, severity="warning", timeout=10)
        if self.session is not None and self.session.hand_in is not None and not self.session.player \
                and launch.replay is None:
            self.push_screen(NameScreen(None, hand_in=True), self._after_name)
        self.terminal = _terminal_fd() if not (self.is_headless or self.is_web) else None
        self.call_after_refresh(self.check_size)
        self.set_interval(0.25, self.check_size)

    def check_size(self) -> None:
        if self.terminal is not None and _hung_up(self.terminal):
            kept = self.session is not None and self.session.journaling
            self.exit(return_code=1, message="The terminal closed." + (
                " The game in progress is in the journal: `sim play --resume` continues it." if kept else ""))
            return
        if not self.screen_stack:  # shutting down: the screens are gone before the timer
            return
        small = self.size.width < MIN_WIDTH or self.size.height < MIN_HEIGHT
        covered = isinstance(self.screen, TooSmallScreen)
        if small and not covered:
            self.push_screen(TooSmallScreen(MIN_WIDTH, MIN_HEIGHT))
        elif covered and not small:
            self.pop_screen()

    def open_scenario(self, path: Path) -> None:
        """Load a scenario chosen in the picker (raises SimError) and show its briefing."""
        launch = self.launch
        scenario = load_scenario(path)
        self.session = Session(scenario, path, seed=launch.seed, blind=launch.blind, clock=launch.clock,
                               perspective=launch.perspective if launch.perspective in scenario.model.perspectives
                               else None, journaling=not self.is_web, player=launch.player)
        self.session.on_journal_problem = self.journal_problem
        self.title = scenario.model.title
        self.switch_screen(BriefingScreen(self.session))

    def open_journal(self, path: Path) -> None:
        """Resume a journaled game chosen in the picker (raises SimError) on the play screen."""
        session, notices = self.launch.resume(path)
        self.session = session
        session.on_journal_problem = self.journal_problem
        self.title = session.model.title
        self.switch_screen(PlayScreen(session, self.cache))
        for notice in notices:
            self.notify(notice, severity="warning", timeout=10)

    def journal_problem(self, problem: str | None) -> None:
        """Say that the journal cannot be written (play goes on), or that it can again."""
        if problem is None:
            self.notify("The journal is written again: the game is safe from a crash.", timeout=10)
        else:
            self.notify(problem, severity="error", timeout=20)

    def handed_in(self, path: Path | None, problem: str | None) -> None:
        """Say that the finished game went to the class folder, or why it could not."""
        if path is None:
            self.notify(problem or "The game could not be handed in.", severity="error", timeout=20)
            return
        who = f" as {self.session.player}" if self.session is not None and self.session.player else \
            " without a name (n sets it, and hands it in again)"
        self.notify(f"Handed in to your class{who}: {path.name}", timeout=10)

    def on_unmount(self) -> None:
        if self.session is not None:
            self.session.close()

    def begin_play(self) -> None:
        self.switch_screen(PlayScreen(self.session, self.cache))

    def show_chance(self) -> None:
        if not isinstance(self.screen, ChanceScreen):
            self.push_screen(ChanceScreen(self.session))

    def show_debrief(self) -> None:
        if not isinstance(self.screen, DebriefScreen):
            self.push_screen(DebriefScreen(self.session), self._after_debrief)

    def _after_debrief(self, result: str | None) -> None:
        if result == "branch" and isinstance(self.screen, PlayScreen):
            self.screen.action_branch()

    def open_reader(self, citation: Citation | None, doc: str | None = None) -> None:
        from sim.tui.screens.reader import ReaderScreen

        if self.session is None:
            return
        if citation is None and doc is not None:
            citation = Citation.model_construct(doc=doc, quote="")
        self.push_screen(ReaderScreen(self.session, citation, self.session.moment()))

    def save_replay(self, then_exit: bool = False) -> bool:
        """Save the current line as a replay (in a browser: download it) and say where it went."""
        if self.session is None:
            return False
        if self.is_web:
            name = self.session.default_replay_path().name
            self.deliver(dumps(self.session.replay()), name, "application/json", "replay", then_exit)
            return True
        try:
            path = self.session.save_replay()
        except OSError as exc:
            self.notify(f"Could not save the replay: {exc}", severity="error", timeout=10)
            return False
        self.notify(f"Replay saved to {path} (check it with: sim replay --verify {path}){self.name_hint()}",
                    timeout=10)
        if then_exit:
            self.exit(0)
        return True

    def name_hint(self) -> str:
        """What a save notification adds while the replays carry no name."""
        return "" if self.session is None or self.session.player else f" {NAME_HINT}"

    def export_debrief(self, markdown: str, html: str) -> None:
        """Write the debrief beside the replays, as Markdown and as a page (in a browser: download the page, the
        same self-contained HTML as `sim debrief -o FILE.html`)."""
        if self.session is None:
            return
        if self.is_web:
            name = self.session.default_debrief_path().with_suffix(".html").name
            self.deliver(html, name, "text/html", "debrief")
            return
        try:
            path, page = self.session.export_debrief(markdown, html)
        except OSError as exc:
            self.notify(f"Could not write the debrief: {exc}", severity="error", timeout=10)
            return
        self.notify(f"Debrief written to {path} and {page}", timeout=10)

    def deliver(self, content: str, filename: str, mime_type: str, kind: str, then_exit: bool = False) -> None:
        """Send a file to the browser; the outcome arrives as DeliveryComplete or DeliveryFailed."""
        key = self.deliver_text(io.StringIO(content), save_filename=filename, mime_type=mime_type, name=kind)
        if key is None:
            self.notify(f"Could not send {filename} to the browser.", severity="error", timeout=10)
            return
        self.deliveries[key] = (kind, filename)
        self.exit_after_delivery = self.exit_after_delivery or then_exit
        self.notify(f"Sending {filename} to your browser…")

    def on_delivery_complete(self, event: DeliveryComplete) -> None:
        kind, filename = self.deliveries.pop(event.key, (None, None))
        if kind is None:
            return
        if kind == "replay" and self.session is not None:
            self.session.mark_saved()
        hint = self.name_hint() if kind == "replay" else ""
        self.notify(f"Downloaded: {filename} (see your browser's downloads){hint}", timeout=10)
        if self.exit_after_delivery and not self.deliveries:
            self.exit(0)

    def on_delivery_failed(self, event: DeliveryFailed) -> None:
        kind, filename = self.deliveries.pop(event.key, (None, None))
        if kind is None:
            return
        self.exit_after_delivery = False
        self.notify(f"The download of {filename} failed: {event.exception}", severity="error", timeout=10)

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = True) -> None:
        """Show a notification in place of the one before it, so they never stack over the screen; its text is
        always shown as written (never read as markup: it may quote the scenario)."""
        self.clear_notifications()
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def action_glossary(self) -> None:
        from sim.tui.screens.glossary import GlossaryScreen

        if self.session is not None and not isinstance(self.screen, GlossaryScreen | TooSmallScreen):
            self.push_screen(GlossaryScreen(self.session))

    def action_help(self) -> None:
        from sim.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen | TooSmallScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_player_name(self) -> None:
        """Ask for the name the replays carry (the play, chance and debrief screens bind it to n)."""
        if self.session is not None and not isinstance(self.screen, NameScreen):
            self.push_screen(NameScreen(self.session.player), self._after_name)

    def _after_name(self, name: str | None) -> None:
        if name is None or self.session is None:
            return
        player = self.session.set_player(name)
        if player:
            self.notify(f"Your replays will carry the name {player}.", markup=False)
        else:
            self.notify("Your replays will carry no name.")

    async def action_quit(self) -> None:
        """ctrl+q and the command palette's Quit: the same question as q when play is unsaved."""
        self.action_request_quit()

    def action_request_quit(self) -> None:
        if self.session is None or not self.session.unsaved or self.launch.replay is not None:
            self.exit(0)
            return
        if not isinstance(self.screen, QuitScreen):
            kept = self.session.journaling and (not self.is_web or self.session.journal_to is not None)
            self.push_screen(QuitScreen(web=self.is_web, journaled=kept), self._after_quit_question)

    def _after_quit_question(self, choice: str | None) -> None:
        if choice == "save":
            self.save_replay(then_exit=True)
        elif choice == "quit":
            self.exit(0)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        if self.session is None or self.launch.replay is not None:
            return
        for pid, perspective in self.session.model.perspectives.items():
            if isinstance(screen, PlayScreen) and not self.session.perspective_fixed:
                yield SystemCommand(f"Perspective: {escape(perspective.label or pid)}",
                                    "Score and rank the options under this perspective",
                                    lambda pid=pid: screen.set_perspective(pid))
        for doc_id, doc, _ in self.session.documents(self.session.moment()):
            yield SystemCommand(f"Read {doc_id}: {escape(doc.title)}", "Open this document in the source reader",
                                lambda doc_id=doc_id: self.open_reader(None, doc=doc_id))
        disabled = getattr(screen, "class_disabled", set())
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.description and active.node is screen and binding.action not in disabled | seen:
                seen.add(binding.action)
                yield SystemCommand(binding.description, f"Same as the key {self.get_key_display(binding)}",
                                    lambda action=binding.action: screen.run_action(action))


def _terminal_fd() -> int | None:
    """The descriptor of the terminal the app draws on, if it draws on one."""
    try:
        fd = sys.__stdout__.fileno()
    except (AttributeError, OSError, ValueError):
        return None
    return fd if os.isatty(fd) else None


def _hung_up(fd: int) -> bool:
    """Whether the terminal has gone away: asking its size then fails with an I/O error."""
    try:
        os.get_terminal_size(fd)
    except OSError as exc:
        return exc.errno in (errno.EIO, errno.ENXIO, errno.EBADF, errno.ENOTTY)
    return False
