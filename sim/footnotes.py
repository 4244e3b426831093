"""Editorial footnotes of a source document, and withholding those that report what came later.

A seed document ends with a line of dashes, the heading "Footnotes" and one paragraph per note,
each starting with its number in brackets: `[4] Ball approved all four recommendations.`
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sim.model import Document

_SECTION = re.compile(r"^-{3,}[ \t]*\r?\n(?:[ \t]*\r?\n)*Footnotes[ \t]*$", re.MULTILINE)
_NOTE = re.compile(r"^\[([0-9]{1,4})\][ \t]", re.MULTILINE)


@dataclass(frozen=True)
class Footnote:
    """One footnote: its number and the span of its text (after the `[N] ` marker) in the document."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Shown:
    """A document as the reader shows it: the text, and where each withheld footnote's notice stands in it."""

    text: str
    notices: dict[int, tuple[int, int]]


def footnotes(text: str) -> list[Footnote]:
    """The footnotes of a document, in order (none if it has no "Footnotes" section)."""
    sections = list(_SECTION.finditer(text))
    if not sections:
        return []
    starts = list(_NOTE.finditer(text, sections[-1].end()))
    out = []
    for k, m in enumerate(starts):
        end = starts[k + 1].start() if k + 1 < len(starts) else len(text)
        body = text[m.end():end].rstrip()
        out.append(Footnote(int(m.group(1)), m.end(), m.end() + len(body)))
    return out


def withheld_at(document: Document, on: dt.date | None) -> dict[int, dt.date]:
    """The footnotes of a document still withheld on a date, with the date each opens (none when `on` is None:
    the game is over)."""
    if on is None:
        return {}
    return {int(n): w.until for n, w in document.withheld_footnotes.items() if on < w.until}


def notice(number: int, until: dt.date) -> str:
    """What the reader shows in place of a withheld footnote."""
    return (f"(Footnote {number} is withheld until {until.day} {until:%B %Y}: it reports what came after this point "
            "of the game. It opens on that date, and when the game ends.)")


def shown_text(text: str, withheld: dict[int, dt.date]) -> Shown:
    """The text with each withheld footnote replaced by a notice; the markers in the body stay."""
    if not withheld:
        return Shown(text, {})
    parts: list[str] = []
    notices: dict[int, tuple[int, int]] = {}
    at = 0
    length = 0
    for note in footnotes(text):
        if note.number not in withheld:
            continue
        parts.append(text[at:note.start])
        length += note.start - at
        line = notice(note.number, withheld[note.number])
        notices.setdefault(note.number, (length, length + len(line)))
        parts.append(line)
        length += len(line)
        at = note.end
    parts.append(text[at:])
    return Shown("".join(parts), notices)


def footnote_at(text: str, offset: int) -> int | None:
    """The number of the footnote whose text holds a character offset, if any."""
    for note in footnotes(text):
        if note.start <= offset < note.end:
            return note.number
    return None
