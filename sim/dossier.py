"""What the dossier shows at a point of the game: the documents open there, and which of their footnotes and
passages are still withheld, by date and by path.

A document opens on its `opens` date (default: its own date); a withheld footnote or passage on its `until`
date. Either may also carry a `when` condition on the state: then it opens only once the condition has held at
some point of the game, since it reports what happened in the record and the player's game may have gone
another way. Everything is open once the game is over. The reader, the option details, the continuation
policies offered in play, `sim check` and the debrief all ask here, so a part is withheld everywhere or
nowhere.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sim.footnotes import Shown, footnotes, shown_text
from sim.model import Citation
from sim.runtime import CompiledScenario, StateTuple
from sim.sources import find_span, find_spans, read_document

LATER = "later"
PATH = "path"
HIDDEN = "hidden"


def notice(subject: str) -> str:
    """What the reader shows in place of a withheld part ("Footnote 4", "A passage"), naming no date."""
    return (f"({subject} is withheld: it reports what came after this point of the game. It opens later in the "
            "game, or when the game ends.)")


@dataclass(frozen=True)
class Moment:
    """A point of the game as the dossier sees it: its date (None once the game is over: everything is open) and
    the `when` conditions that have held at some point of the game so far."""

    date: dt.date | None
    held: frozenset = frozenset()

    @property
    def over(self) -> bool:
        return self.date is None


OVER = Moment(None)


def held_conditions(sc: CompiledScenario, states: Iterable[StateTuple],
                    already: frozenset = frozenset()) -> frozenset:
    """The dossier's conditions that hold in at least one of the states (added to those `already` held)."""
    held = set(already)
    states = list(states)
    for key, fn in sc.conditions.items():
        if key in held:
            continue
        for s in states:
            try:
                if fn(s):
                    held.add(key)
                    break
            except ArithmeticError:
                continue
    return frozenset(held)


def moment_of(sc: CompiledScenario, date: dt.date | None, states: Iterable[StateTuple]) -> Moment:
    """The moment of a game at `date` that has passed through `states` (None: the game is over)."""
    if date is None:
        return OVER
    return Moment(max(date, sc.model.start_date), held_conditions(sc, states))


@dataclass(frozen=True)
class Withheld:
    """Why a part is withheld now, as the reader says it: the notice or the scenario's `instead` text."""

    text: str


class Dossier:
    """The documents of one scenario as they stand at a moment of play; `hidden` are those a class keeps closed
    until the debrief."""

    def __init__(self, sc: CompiledScenario, hidden: Iterable[str] = ()):
        self.sc = sc
        self.hidden = frozenset(hidden)
        self._keys: dict[str, tuple] = {}
        for key in sc.conditions:
            self._keys[key[1]] = (*self._keys.get(key[1], ()), key)
        self._answers: dict[tuple, str | None] = {}

    def _held(self, key: tuple, moment: Moment) -> bool:
        return key not in self.sc.conditions or key in moment.held

    def document_state(self, doc_id: str, moment: Moment) -> str | None:
        """None if the document is open at the moment; else why not: LATER (its date has not come), PATH (it
        reports what the game has not followed) or HIDDEN (the class keeps it until the debrief)."""
        if moment.over:
            return None
        doc = self.sc.model.sources.documents[doc_id]
        if doc_id in self.hidden:
            return HIDDEN
        if moment.date < doc.opening:
            return LATER
        if not self._held(("document", doc_id), moment):
            return PATH
        return None

    def is_open(self, doc_id: str, moment: Moment) -> bool:
        return self.document_state(doc_id, moment) is None

    def listed(self, doc_id: str, moment: Moment) -> bool:
        """Whether the reader lists the document: open, or closed on this path with text to show instead."""
        state = self.document_state(doc_id, moment)
        return state is None or (state == PATH and self.sc.model.sources.documents[doc_id].instead is not None)

    def _part(self, key: tuple, until: dt.date, instead: str | None, subject: str,
              moment: Moment) -> Withheld | None:
        if moment.over:
            return None
        if moment.date < until:
            return Withheld(notice(subject))
        if not self._held(key, moment):
            return Withheld(instead.strip() if instead else notice(subject))
        return None

    def withheld_footnotes(self, doc_id: str, moment: Moment) -> dict[int, str]:
        """Footnote number -> the text shown in its place, for the footnotes of a document withheld now."""
        doc = self.sc.model.sources.documents[doc_id]
        out = {}
        for n, w in doc.withheld_footnotes.items():
            part = self._part(("footnote", doc_id, int(n)), w.until, w.instead, f"Footnote {n}", moment)
            if part is not None:
                out[int(n)] = part.text
        return out

    def withheld_passages(self, doc_id: str, moment: Moment) -> list[tuple[str, str]]:
        """(quote, the text shown in its place) for the passages of a document withheld now."""
        doc = self.sc.model.sources.documents[doc_id]
        out = []
        for k, p in enumerate(doc.withheld_passages):
            part = self._part(("passage", doc_id, k), p.until, p.instead, "A passage", moment)
            if part is not None:
                out.append((p.quote, part.text))
        return out

    def text(self, doc_id: str) -> str | None:
        path = self.sc.documents.get(doc_id)
        return read_document(path) if path is not None else None

    def shown(self, doc_id: str, moment: Moment) -> tuple[str, Shown] | None:
        """A document's full text and the text the reader shows at the moment; None if it cannot be read."""
        body = self.text(doc_id)
        if body is None:
            return None
        return body, shown_text(body, self.withheld_footnotes(doc_id, moment), self.withheld_passages(doc_id, moment))

    def instead(self, doc_id: str) -> str:
        """What the reader shows in place of a document closed on this path."""
        doc = self.sc.model.sources.documents[doc_id]
        return (doc.instead or notice("This document")).strip()

    def citation_withheld(self, citation: Citation, moment: Moment) -> str | None:
        """None if the cited passage can be read at the moment; else what stands in its place."""
        held = None if moment.over else tuple(k in moment.held for k in self._keys.get(citation.doc, ()))
        key = (citation.doc, citation.quote, moment.date, held)
        if key not in self._answers:
            self._answers[key] = self._citation_withheld(citation, moment)
        return self._answers[key]

    def _citation_withheld(self, citation: Citation, moment: Moment) -> str | None:
        state = self.document_state(citation.doc, moment) if citation.doc in self.sc.model.sources.documents else None
        if state is not None:
            return notice("The document") if state != PATH else self.instead(citation.doc)
        if moment.over:
            return None
        texts = self.shown(citation.doc, moment)
        if texts is None:
            return None
        body, shown = texts
        if not shown.hidden:
            return None
        span = find_span(body, citation.quote)
        if span is None:
            return None
        over = shown.notice_over(*span)
        return shown.text[over[0]:over[1]] if over is not None else None

    def unlocked(self, doc_id: str, moment: Moment) -> tuple[tuple[int, ...], int]:
        """Of a document open at the moment: the numbers of its footnotes and how many of its passages were still
        withheld then."""
        notes = tuple(sorted(self.withheld_footnotes(doc_id, moment)))
        return notes, len(self.withheld_passages(doc_id, moment))


@dataclass(frozen=True)
class Part:
    """A part of the dossier that opens on its own terms: a document (key ("document", id)), or one of its
    withheld footnotes (("footnote", id, number)) or passages (("passage", id, index)); `opens` is its date."""

    key: tuple
    opens: dt.date

    def describe(self) -> str:
        kind, doc, *rest = self.key
        what = {"document": f"the document {doc}", "footnote": f"footnote {rest[0] if rest else ''} of {doc}",
                "passage": f"a withheld passage of {doc}"}[kind]
        return f"{what}, open from {self.opens} where its conditions hold"


def parts_of(sc: CompiledScenario, citation: Citation | None = None) -> list[Part]:
    """Every part of the dossier; or, for a citation, the parts its passage needs open: its document, and any
    withheld footnote or passage the quote falls in."""
    docs = sc.model.sources.documents
    if citation is None:
        out = []
        for doc_id, doc in docs.items():
            out.append(Part(("document", doc_id), doc.opening))
            out += [Part(("footnote", doc_id, int(n)), w.until) for n, w in doc.withheld_footnotes.items()]
            out += [Part(("passage", doc_id, k), p.until) for k, p in enumerate(doc.withheld_passages)]
        return out
    doc = docs.get(citation.doc)
    if doc is None:
        return []
    out = [Part(("document", citation.doc), doc.opening)]
    body = read_document(sc.documents[citation.doc]) if citation.doc in sc.documents else None
    span = find_span(body, citation.quote) if body is not None else None
    if span is None:
        return out
    number = footnote_of(body, *span)
    if number is not None and str(number) in doc.withheld_footnotes:
        out.append(Part(("footnote", citation.doc, number), doc.withheld_footnotes[str(number)].until))
    for k, p in enumerate(doc.withheld_passages):
        if any(start < span[1] and span[0] < end for start, end in find_spans(body, p.quote)):
            out.append(Part(("passage", citation.doc, k), p.until))
    return out


def footnote_of(text: str, start: int, end: int) -> int | None:
    """The number of the footnote a span of a document's text lies in, if any."""
    for note in footnotes(text):
        if note.start <= start and end <= note.end:
            return note.number
    return None


def citation_date(sc: CompiledScenario, citation: Citation) -> dt.date | None:
    """The date of what a cited passage reports: that of the withheld footnote or passage it lies in when that
    part is `dated`, else its document's date (None for an unknown document)."""
    doc = sc.model.sources.documents.get(citation.doc)
    if doc is None:
        return None
    body = read_document(sc.documents[citation.doc]) if citation.doc in sc.documents else None
    span = find_span(body, citation.quote) if body is not None else None
    if span is None:
        return doc.date
    dates = [doc.date]
    number = footnote_of(body, *span)
    if number is not None:
        w = doc.withheld_footnotes.get(str(number))
        if w is not None and w.dated is not None:
            dates.append(w.dated)
    for p in doc.withheld_passages:
        if p.dated is not None:
            for start, end in find_spans(body, p.quote):
                if start < span[1] and span[0] < end:
                    dates.append(p.dated)
    return max(dates)

