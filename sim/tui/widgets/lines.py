"""The tree of explored lines, like a game record's variations; the current position is marked."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Tree

from sim.engine import Position
from sim.tui.session import Session

LABEL_CHARS = 40


def short_date(d) -> str:
    return f"{d.day} {d:%b}"


def position_label(session: Session, position: Position, on_path: bool, current: bool, branch: bool = False) -> Text:
    """A position of the tree: its date and move, cut to fit; the first position of a branch says which decision
    it left the line at."""
    step = position.step
    if step is None:
        label = "Start"
    else:
        node = session.scenario.node(step.node)
        what = f"chance: {step.label}" if step.kind == "chance" else step.label
        if len(what) > LABEL_CHARS:
            what = what[:LABEL_CHARS - 1] + "…"
        label = f"{short_date(node.model.date)} · {what}"
        if branch:
            label = f"↳ at {node.model.title or node.id}: {label}"
    if current:
        return Text(f"▶ {label}", style="bold reverse")
    return Text(label, style="bold" if on_path else "dim")


class LinesTree(Tree[Position]):
    """Selecting a position jumps there; choosing another option from it starts a new branch."""

    BINDINGS = [("enter", "select_cursor", "Jump here")]

    def __init__(self, session: Session, **kwargs):
        super().__init__("Lines", **kwargs)
        self.session = session
        self.show_root = False
        self.auto_expand = False

    def on_mount(self) -> None:
        self.rebuild()

    def rebuild(self) -> None:
        """Redraw the tree from the game's positions and put the cursor on the current one."""
        self.clear()
        self._path = set(map(id, self.session.game.position.path()))
        self._current = None
        self._add_line(self.root, self.session.game.root)
        if self._current is not None:
            self.move_cursor(self._current)

    def _add_line(self, parent, position: Position | None, branch: bool = False) -> None:
        """A line continues at its own level, its moves in the order explored; other moves tried at a position
        are nested under it, each naming the decision where it left the line."""
        game = self.session.game
        while position is not None:
            children = list(position.children.values())
            label = position_label(self.session, position, id(position) in self._path, position is game.position,
                                   branch)
            branch = False
            node = parent.add(label, data=position, expand=True, allow_expand=len(children) > 1)
            if position is game.position:
                self._current = node
            for other in children[1:]:
                self._add_line(node, other, branch=True)
            position = children[0] if children else None
