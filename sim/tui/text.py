"""Small helpers that turn scenario values into display text (`Content`, so scenario text is never markup)."""

from __future__ import annotations

import datetime as dt

from textual.content import Content

from sim.model import value_label

PROJECTION_LABEL = "Model projection"


def date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def value(var, v: object) -> str:
    """A variable's value in words, as the scenario names it (numbers keep their number)."""
    return value_label(var, v)


def number(v: float) -> str:
    return f"{v:.1f}"


def change(var, name: str, old: object, new: object) -> Content:
    """A variable's change, with its label and its values in words."""
    return Content.assemble((var.label or name, "bold"), f": {value(var, old)} → {value(var, new)}")


def heading(title: str) -> Content:
    return Content.styled(title, "bold $accent")


def lines(parts: list[Content | str]) -> Content:
    return Content("\n").join(parts)


def closed_documents(later: int, hidden: int) -> str:
    """What the player cannot read yet, and when it opens."""
    parts = []
    if later:
        parts.append(f"{later} more document(s) open later in the game, or when it ends.")
    if hidden:
        parts.append(f"{hidden} document(s) stay closed by the class until the debrief.")
    return " ".join(parts)


def percent(p: float) -> str:
    return "?" if p != p else f"{p:.0%}"


def bar(p: float, width: int = 10) -> str:
    if p != p:
        return " " * width
    filled = round(max(0.0, min(1.0, p)) * width)
    return "█" * filled + "░" * (width - filled)


SPARK = "▁▂▃▄▅▆▇█"


def sparkline(levels: list[float], width: int = 8) -> str:
    """The last `width` levels (each from 0 to 1) as a row of block characters."""
    cells = [SPARK[round(max(0.0, min(1.0, v)) * (len(SPARK) - 1))] for v in levels[-width:]]
    return "".join(cells).rjust(width)


def ending_in_play(node) -> str:
    """How an ending is named before the debrief: its neutral title for play, else its title."""
    return node.model.play_title or node.model.title or node.id


def policy_words(session, policy: str) -> str:
    """What a continuation policy assumes about the rest of the game, in words."""
    lines = session.model.lines
    if policy in lines:
        return f"follows the line “{lines[policy].label or policy}” (best play where it is silent)"
    if policy == "random":
        return "is played at random, every open option alike"
    return "is played as well as the model can (best play)"
