"""Play a scenario's reference line (the memo's, history's) as far as it goes."""

from __future__ import annotations

from sim.engine import Game
from sim.model import Line


def play_line(game: Game, line: Line) -> str | None:
    """Follow `line` from the game's position: its option at each decision, its recorded outcome at
    each chance event (the seeded draw where it records none), with its notes. Returns why it stopped
    short of an end, or None if the game is over."""
    while not game.is_over():
        node = game.node
        note = line.notes.get(node.id)
        if node.kind == "chance":
            game.resolve(line.outcomes.get(node.id), note=note)
            continue
        option = line.choices.get(node.id)
        if option is None:
            return f"the line has no choice at decision '{node.id}'"
        status = {o.id: o for o in game.legal_options()}
        if not status[option].legal:
            return f"the line's option '{option}' at '{node.id}' is locked: {status[option].reason}"
        game.choose(option, note=note)
    return None
