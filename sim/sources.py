"""The scenario's source documents: where they are, reading them safely, finding quoted passages."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sim.diagnostics import SimError
from sim.files import read_bytes
from sim.terminal import replaced

MAX_DOCUMENT_BYTES = 2 * 1024 * 1024
_WS = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold every run of whitespace to one space, for whitespace-insensitive quote matching."""
    return _WS.sub(" ", text).strip()


def allowed_document(path: Path, scenario_dir: Path) -> bool:
    """Documents must lie under the scenario's folder or under a folder named `seeds`.

    This keeps an untrusted scenario from pointing the source reader at arbitrary files.
    """
    resolved = path.resolve()
    if resolved.is_relative_to(scenario_dir.resolve()):
        return True
    return "seeds" in resolved.parent.parts


def resolve_documents(scenario, scenario_path: Path, reporter=None) -> dict[str, Path]:
    """Map each declared document id to its file path (existence is checked by `sim check`)."""
    base = scenario_path.parent
    root = base / scenario.sources.root
    out = {}
    for doc_id, doc in scenario.sources.documents.items():
        path = root / doc.file
        if not allowed_document(path, base):
            if reporter is not None:
                reporter.error("D002", f"document '{doc_id}' lies outside the scenario folder and any 'seeds' folder",
                               ("sources", "documents", doc_id, "file"),
                               "keep sources under seeds/ or beside the scenario")
            continue
        out[doc_id] = path
    return out


@lru_cache(maxsize=256)
def _read(path: str, mtime: float) -> str | None:
    try:
        return replaced(read_bytes(Path(path), MAX_DOCUMENT_BYTES).decode("utf-8", errors="replace"))
    except SimError:
        return None


def read_document(path: Path) -> str | None:
    """The text of a document, or None if it is missing, unreadable or too large."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _read(str(path), mtime)


@lru_cache(maxsize=256)
def _folded(path: str, mtime: float) -> str | None:
    text = _read(path, mtime)
    return fold(text) if text is not None else None


def quote_found(path: Path, quote: str) -> bool | None:
    """Whether the quote appears verbatim (whitespace-insensitive) in the document; None if unreadable."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    text = _folded(str(path), mtime)
    if text is None:
        return None
    return fold(quote) in text


def opening(quote: str, width: int = 40) -> str:
    """The opening words of a quote, in quotation marks, to name it in a message."""
    text = fold(quote)
    return f'"{text}"' if len(text) <= width else f'"{text[:width].rstrip()}..."'


_SHIFTS = re.compile(r"\A\s+|\s{2,}")


@lru_cache(maxsize=8)
def _folded_text(text: str) -> str:
    return fold(text)


def _matches(text: str, quote: str):
    """The spans of the occurrences of a quote in a document's original text, matching whitespace loosely, in
    order. Linear in the text's length: the quote is found in the folded text with `str.find`, and each match is
    mapped back by walking the whitespace runs that folding shortened, once, left to right."""
    needle = fold(quote)
    if not needle:
        return
    folded = _folded_text(text)
    runs = _SHIFTS.finditer(text)
    shift = 0
    pending = next(runs, None)

    def original(at: int) -> int:
        nonlocal shift, pending
        while pending is not None:
            start, end = pending.span()
            if start == 0:
                where = -1
            else:
                where = start - shift
            if where >= at:
                break
            shift += (end - start) - (0 if start == 0 else 1)
            pending = next(runs, None)
        return at + shift

    at = folded.find(needle)
    while at >= 0:
        end = at + len(needle)
        first = original(at)
        last = original(end - 1)
        yield first, last + 1
        at = folded.find(needle, end)


def find_spans(text: str, quote: str) -> list[tuple[int, int]]:
    """Character spans of every occurrence of a quote in a document's original text."""
    return list(_matches(text, quote))


def find_span(text: str, quote: str) -> tuple[int, int] | None:
    """Character span of the first occurrence of a quote in a document's original text."""
    return next(_matches(text, quote), None)
