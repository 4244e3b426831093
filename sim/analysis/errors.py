"""The one error type of the analysis package."""

from __future__ import annotations


class AnalysisError(Exception):
    """The scenario cannot be analysed from here (a cycle, a dead end, too many states, bad input)."""

    def __init__(self, message: str, code: str = "A001", hint: str | None = None):
        super().__init__(message)
        self.message, self.code, self.hint = message, code, hint
