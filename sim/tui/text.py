"""Small helpers that turn scenario values into display text (`Content`, so scenario text is never markup)."""

from __future__ import annotations

import datetime as dt

from textual.content import Content

PROJECTION_LABEL = "Model projection"


def date(d: dt.date) -> str:
    return f"{d.day} {d:%B %Y}"


def value(v: object) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def number(v: float) -> str:
    return f"{v:.1f}"


def change(label: str, old: object, new: object) -> Content:
    return Content.assemble((label, "bold"), f": {value(old)} → {value(new)}")


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
