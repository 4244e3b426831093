"""A small document model that renders to both Markdown and self-contained HTML.

Text in blocks is plain (never markup): the renderers escape it, so untrusted text such as a
student's rationale cannot inject markup into either output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# A run of inline text: (text, style), style one of "", "b" (bold), "i" (italic), "code".
Span = tuple[str, str]
Inline = str | list[Span]
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean(text: str) -> str:
    """Text without control characters (other than tab and line breaks), which no reader should receive."""
    return _CONTROL.sub("", text)


def spans(inline: Inline) -> list[Span]:
    return [(inline, "")] if isinstance(inline, str) else list(inline)


@dataclass
class Heading:
    level: int
    text: str


@dataclass
class Para:
    """A paragraph; `kind` labels what it is: "" plain, "record" (the documents), "projection" (the model's)."""

    text: Inline
    kind: str = ""


@dataclass
class Quote:
    """A verbatim passage of a source, with where it comes from."""

    text: str
    source: str


@dataclass
class Item:
    text: Inline
    children: list[Item] = field(default_factory=list)


@dataclass
class Bullets:
    items: list[Item]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)


@dataclass
class Bar:
    label: str
    value: float
    note: str = ""
    highlight: bool = False


@dataclass
class BarChart:
    """Horizontal bars (counts or shares); `scale` is the value of a full bar (default: the largest)."""

    title: str
    bars: list[Bar]
    scale: float | None = None
    unit: str = ""


@dataclass
class Histogram:
    """Bins of values on [low, high], with an optional marked value (the player's own)."""

    title: str
    low: float
    high: float
    counts: list[float]
    mark: float | None = None
    mark_label: str = ""
    unit: str = ""


Block = Heading | Para | Quote | Bullets | Table | BarChart | Histogram


def histogram(title: str, values: list[float], low: float = 0.0, high: float = 100.0, bins: int = 10,
              weights: list[float] | None = None, **kw) -> Histogram:
    """Bin values (optionally weighted, e.g. by probability) into equal bins over [low, high]."""
    counts = [0.0] * bins
    width = (high - low) / bins or 1.0
    for k, v in enumerate(values):
        b = min(bins - 1, max(0, int((v - low) / width)))
        counts[b] += weights[k] if weights is not None else 1
    return Histogram(title, low, high, counts, **kw)
