"""Text from scenario and replay files, made safe to print: control characters and the Unicode controls that
reorder text are shown as escapes (`\\u001b`), so a file cannot move the cursor, retitle the window or hide text.

`printable` escapes one string; `SafeStream` wraps standard output or error so everything a command prints
goes through it. Escapes are written `\\uXXXX`, which is also what they mean inside JSON strings, so JSON
output stays valid and unchanged in meaning.
"""

from __future__ import annotations

import re

UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Control characters (all but newline and tab) and the Unicode controls that reorder or hide text."""


def _escape(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def replaced(text: str) -> str:
    """`text` with every control character except newline and tab replaced by U+FFFD (same length, so spans into
    it still hold)."""
    return UNSAFE.sub("\ufffd", text)


def printable(text: str) -> str:
    """`text` with every control character except newline and tab written as an escape."""
    return UNSAFE.sub(_escape, text)


class SafeStream:
    """A text stream that escapes control characters in everything written to it."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(printable(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)
