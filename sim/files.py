"""Reading a user's file safely: regular files only, never more than a size limit, with a clear error.

Every file sim reads (scenarios, replays, journals, class files, source documents) goes through
`read_bytes`: it opens without blocking (so a FIFO cannot hang it), refuses anything that is not a
regular file (a folder, a device such as /dev/zero, a pipe or a socket), and reads at most the
limit plus one byte, whatever the file's size claims to be.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from sim.diagnostics import Diagnostic, SimError

MAX_BYTES = 4 * 1024 * 1024
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def _refuse(code: str, message: str, path: Path, hint: str | None = None) -> SimError:
    return SimError([Diagnostic(code, message, str(path), hint=hint)], usage=True)


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit:,} bytes"


def read_bytes(path: Path, limit: int = MAX_BYTES) -> bytes:
    """The bytes of a regular file of at most `limit` bytes, or a usage SimError saying why not."""
    try:
        fd = os.open(path, _FLAGS)
    except FileNotFoundError:
        raise _refuse("F001", "no such file", path) from None
    except IsADirectoryError:
        raise _refuse("F001", "is a folder, not a file", path) from None
    except OSError as exc:
        raise _refuse("F001", f"cannot read file: {exc.strerror or exc}", path) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise _refuse("F001", "is a folder, not a file", path)
        if not stat.S_ISREG(info.st_mode):
            raise _refuse("F001", "is not a regular file (a device, pipe or socket)", path,
                          "give the path of an ordinary file")
        if info.st_size > limit:
            raise _refuse("F003", f"file is larger than {_size(limit)}", path)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1024 * 1024, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise _refuse("F003", f"file is larger than {_size(limit)}", path)
        return b"".join(chunks)
    except BlockingIOError:
        raise _refuse("F001", "is not a regular file (a device, pipe or socket)", path) from None
    except OSError as exc:
        raise _refuse("F001", f"cannot read file: {exc.strerror or exc}", path) from None
    finally:
        os.close(fd)


def decode(data: bytes, path: Path) -> str:
    """UTF-8 text, or a SimError with the line and column of the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SimError([Diagnostic("F002", "file is not valid UTF-8 text", str(path), line, col,
                                   "save the file as UTF-8")]) from None


def read_text(path: Path, limit: int = MAX_BYTES) -> str:
    """Read a user's file as UTF-8 (see `read_bytes`), or raise SimError saying why it cannot be read."""
    path = Path(path)
    return decode(read_bytes(path, limit), path)


def kind(path: Path) -> str:
    """'file', 'folder', 'missing' or 'other' for a path; a usage SimError when it cannot be looked at."""
    try:
        info = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return "missing"
    except OSError as exc:
        raise _refuse("F001", f"cannot look at it: {exc.strerror or exc}", path) from None
    if stat.S_ISDIR(info.st_mode):
        return "folder"
    return "file" if stat.S_ISREG(info.st_mode) else "other"
