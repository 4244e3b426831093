"""Handing a finished game in to a class folder: its replay, with the student's name, written atomically under a
name no other game uses.

A game handed in has a tag (random, kept in its journal), so its file is `<name>-<tag>.json`: two students
with one name never overwrite each other, and a student who renames or finishes again replaces only their own
file. `sim report FOLDER` reads the folder.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sim.replay import Replay, save

TAG_PATTERN = r"^[0-9a-f]{12}$"
NO_NAME = "no-name"


def new_tag() -> str:
    """A tag for a game's hand-in file: 48 random bits, so a class's files never collide."""
    return secrets.token_hex(6)


def slug(player: str | None) -> str:
    """The student's name as a file name part: ASCII letters, digits and dashes, at most 40 characters."""
    if not player:
        return NO_NAME
    ascii_name = unicodedata.normalize("NFKD", player).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9]+", "-", ascii_name).strip("-").lower()
    return words[:40].rstrip("-") or NO_NAME


@dataclass
class HandIn:
    """Where a game's replay goes when it is finished, and the last file it went to."""

    folder: Path
    tag: str
    handed_in: Path | None = None

    def target(self, player: str | None) -> Path:
        return self.folder / f"{slug(player)}-{self.tag}.json"

    def submit(self, replay: Replay) -> Path:
        """Write the replay into the folder atomically; remove this game's earlier file if its name changed.
        OSError when the folder cannot be written."""
        target = self.target(replay.player)
        save(replay, target)
        before, self.handed_in = self.handed_in, target
        if before is not None and before != target:
            try:
                before.unlink()
            except OSError:
                pass
        return target
