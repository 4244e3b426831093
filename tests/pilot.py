"""Helpers for tests that drive the Textual app with its pilot."""

from __future__ import annotations

import asyncio
import functools


def pilot_test(fn):
    """Run an async pilot test in its own event loop (no async plugin needed)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        asyncio.run(fn(*args, **kwargs))

    return run


async def settle(pilot) -> None:
    """Let background workers finish and the screen catch up."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
