"""Problems found in a user's file, reported as `path:line:col: error[CODE]: message`."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.terminal import printable

WINDOW = 200


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
    caret: int | None = None
    """The caret's column in `source_line` when that is a window of a long line (else `col`)."""

    def format(self) -> str:
        """Render as a compiler-style message with the offending line and a caret; control characters of the
        file's text are shown escaped, never sent to the terminal."""
        where = f"{self.path}:{self.line}:{self.col}" if self.line else self.path
        out = [printable(f"{where}: {self.severity}[{self.code}]: {self.message}")]
        if self.source_line is not None and self.line:
            text = self.source_line.rstrip("\n")
            shown = printable(text)
            out.append(f"  {self.line:>4} | {shown}")
            col = self.caret if self.caret is not None else self.col
            if col and col <= len(text) + 1:
                out.append("       | " + " " * len(printable(text[: col - 1])) + "^")
        if self.hint:
            out.append(printable(f"  hint: {self.hint}"))
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
    wanted = {d.line for d in diags if d.line and d.source_line is None}
    lines = {}
    last = max(wanted, default=0)
    for number, line in enumerate(text.splitlines(), start=1):
        if number > last:
            break
        if number in wanted:
            lines[number] = line
    out = []
    for d in diags:
        line = lines.get(d.line) if d.source_line is None else None
        if line is not None:
            start = max(0, min(d.col - 1 - WINDOW // 2, len(line) - WINDOW)) if len(line) > WINDOW else 0
            shown = line[start:start + WINDOW]
            caret = d.col - start if d.col else None
            if start:
                shown, caret = "…" + shown, (caret + 1 if caret else None)
            if start + WINDOW < len(line):
                shown += "…"
            d = Diagnostic(**{**d.__dict__, "source_line": shown, "caret": caret})
        out.append(d)
    return out
