"""Small text helpers shared by the debrief and the class report."""

from __future__ import annotations

import datetime as dt

from sim.reporting.blocks import Quote
from sim.reporting.history import Source


def date(d: dt.date | None) -> str:
    return f"{d:%B} {d.day}, {d.year}" if d is not None else "undated"


def number(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x:.{digits}f}"


def signed(x: float) -> str:
    return f"{x:+.1f}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def share(n: int, total: int) -> str:
    return f"{100 * n / total:.0f}%" if total else "–"


def quotes(cites: tuple[Source, ...]) -> list[Quote]:
    """Each cited passage as a quotation with its document, title and date."""
    return [Quote(c.quote, f"{c.doc}, {c.title} ({date(c.date)})") for c in cites]


def odds(forecast: dict[str, float], labels: dict[str, str] | None = None) -> str:
    """Probabilities of outcomes, by label where known: "Votes found 0.30; Short 0.70"."""
    labels = labels or {}
    return "; ".join(f"{labels.get(k, k)} {v:.2f}" for k, v in forecast.items())
