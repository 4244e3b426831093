"""Argument types shared by the subcommands: argparse turns a bad value into a usage error (exit status 2)."""

from __future__ import annotations

import argparse

MAX_SEED = 2**63


def seed(text: str) -> int:
    """A seed for chance events: a whole number from 0 to 2^63 (what a replay file can record)."""
    try:
        value = int(text) if len(text) <= 20 else None
    except ValueError:
        value = None
    if value is None or not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"must be a whole number from 0 to 2^63 ({MAX_SEED}), not {text[:30]!r}")
    return value
