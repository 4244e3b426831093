"""Problems found in a user's file, reported as `path:line:col: error[CODE]: message`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Diagnostic:
    """One problem, located in a file (line and column count from 1; 0 means unknown)."""

    code: str
    message: str
    path: str = "<input>"
    line: int = 0
    col: int = 0
    hint: str | None = None
    source_line: str | None = None
    severity: str = "error"

    def format(self) -> str:
        """Render as a compiler-style message with the offending line and a caret."""
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        out = [f"{where}: {self.severity}[{self.code}]: {self.message}"]
        if self.source_line is not None and self.line:
            text = self.source_line.rstrip("\n")
            out.append(f"  {self.line:>4} | {text}")
            if self.col:
                out.append("       | " + " " * (self.col - 1) + "^")
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "hint": self.hint,
        }


@dataclass
class SimError(Exception):
    """The one error type the loaders raise: a list of diagnostics.

    `usage` is true when the problem is with how the command was called or the file could
    not be read at all (exit status 2), rather than with its contents (exit status 1).
    """

    diagnostics: list[Diagnostic] = field(default_factory=list)
    usage: bool = False

    def __str__(self) -> str:
        return "\n".join(d.format() for d in self.diagnostics)


def attach_source(diags: list[Diagnostic], text: str) -> list[Diagnostic]:
    """Fill in the offending source line of each diagnostic from the file's text."""
    lines = text.splitlines()
    out = []
    for d in diags:
        if d.line and d.source_line is None and d.line <= len(lines):
            line = lines[d.line - 1]
            d = Diagnostic(**{**d.__dict__, "source_line": line[:240]})
        out.append(d)
    return out
