"""Where a command writes: standard output, or a file written atomically; a file that cannot be written is an
F004 error naming it, never a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

from sim.atomic import write_atomic
from sim.diagnostics import Diagnostic, SimError
from sim.files import kind


def _refused(path: str, message: str, hint: str | None = None) -> SimError:
    return SimError([Diagnostic("F004", message, path, hint=hint)], usage=True)


def check_output(path: str) -> None:
    """Refuse at once an output path that can only fail (a folder, or one whose folder cannot be looked at)."""
    try:
        what = kind(Path(path))
    except SimError as exc:
        raise _refused(path, f"cannot write file: {exc.diagnostics[0].message}") from None
    if what == "folder":
        raise _refused(path, "is a folder, not a file", "give a file name, e.g. out/replay.json")


def write_output(path: str, text: str) -> None:
    """Write a command's output file atomically, or raise F004 saying why it cannot be written."""
    check_output(path)
    try:
        write_atomic(path, text)
    except OSError as exc:
        raise _refused(path, f"cannot write file: {exc.strerror or exc}",
                       "write to a folder you can write to (check that it exists and its permissions)") from None


def output_format(path: str | None, command: str) -> str:
    """'md' or 'html' from an output file name; a usage error for anything else."""
    if path is None or path.lower().endswith(".md"):
        return "md"
    if path.lower().endswith((".html", ".htm")):
        return "html"
    raise SimError([Diagnostic("U001", "the output file must end in .md or .html", path,
                               hint=f"for example: sim {command} ... -o out.html")], usage=True)


def emit(text: str, path: str | None) -> None:
    """Print a document, or write it to `path` and say so on standard error."""
    if path is None:
        sys.stdout.write(text)
    else:
        write_output(path, text)
        print(f"written to {path}", file=sys.stderr)
