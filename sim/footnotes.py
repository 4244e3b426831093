"""Editorial footnotes of a source document, and the text a reader shows with some footnotes and passages
replaced (which ones, and by what, is `sim.dossier`'s to say).

A seed document ends with a line of dashes, the heading "Footnotes" and one paragraph per note,
each starting with its number in brackets: `[4] Ball approved all four recommendations.`
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sim.sources import find_spans

_SECTION = re.compile(r"^-{3,}[ \t]*\r?\n(?:[ \t]*\r?\n)*Footnotes[ \t]*$", re.MULTILINE)
_NOTE = re.compile(r"^\[([0-9]{1,4})\][ \t]", re.MULTILINE)


@dataclass(frozen=True)
class Footnote:
    """One footnote: its number and the span of its text (after the `[N] ` marker) in the document."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class Hidden:
    """A withheld part of a document: its span in the full text, and the span of the notice shown in its place."""

    start: int
    end: int
    notice: tuple[int, int]


@dataclass(frozen=True)
class Shown:
    """A document as the reader shows it: the text, where each withheld footnote's notice stands in it, and every
    withheld part with its notice."""

    text: str
    notices: dict[int, tuple[int, int]]
    hidden: tuple[Hidden, ...] = ()

    def notice_over(self, start: int, end: int) -> tuple[int, int] | None:
        """The notice of the first withheld part that a span of the full text reaches into, if any."""
        for part in self.hidden:
            if start < part.end and part.start < end:
                return part.notice
        return None


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


@dataclass(frozen=True)
class _Part:
    """A withheld footnote or passage: its span in the full text, how its notice names it, and when it opens."""

    start: int
    end: int
    notice: str
    number: int | None = None


def _parts(text: str, withheld: dict[int, str], passages: Sequence[tuple[str, str]]) -> list[_Part]:
    """The withheld parts of a text, by where they start (the longest first)."""
    parts = [_Part(n.start, n.end, withheld[n.number], n.number)
             for n in footnotes(text) if n.number in withheld] if withheld else []
    parts += [_Part(start, end, shown) for quote, shown in passages for start, end in find_spans(text, quote)]
    return sorted(parts, key=lambda p: (p.start, -p.end))


def shown_text(text: str, withheld: dict[int, str], passages: Sequence[tuple[str, str]] = ()) -> Shown:
    """The text with each withheld footnote (number -> what stands in its place) and passage (quote, what stands
    in its place) replaced; the footnote markers in the body stay. Overlapping parts give way to the first's."""
    groups: list[list[_Part]] = []
    for part in _parts(text, withheld, passages):
        if groups and part.start < max(p.end for p in groups[-1]):
            groups[-1].append(part)
        else:
            groups.append([part])
    if not groups:
        return Shown(text, {})
    out: list[str] = []
    notices: dict[int, tuple[int, int]] = {}
    hidden: list[Hidden] = []
    at = length = 0
    for group in groups:
        start, end = group[0].start, max(p.end for p in group)
        out.append(text[at:start])
        length += start - at
        line = group[0].notice
        span = (length, length + len(line))
        hidden.append(Hidden(start, end, span))
        for part in group:
            if part.number is not None:
                notices.setdefault(part.number, span)
        out.append(line)
        length += len(line)
        at = end
    out.append(text[at:])
    return Shown("".join(out), notices, tuple(hidden))
