"""Play a scenario's reference line (the memo's, history's) as far as it goes."""

from __future__ import annotations

from sim.engine import Game
from sim.model import Line


def play_line(game: Game, line: Line) -> str | None:
    """Follow `line` from the game's position: its option at each decision, the outcome it fixes at each chance
    event (the seeded draw where it fixes none), with the note of what each step rests on. Returns why it stopped
    short of an end, or None if the game is over."""
    while not game.is_over():
        node = game.node
        step = line.provenance.get(node.id)
        note = step.note.strip() or None if step is not None else None
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
