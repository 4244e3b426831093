"""The app notices when its terminal goes away (instead of reading end-of-file forever)."""

from __future__ import annotations

import os

from sim.tui.app import _hung_up


def test_a_live_terminal_is_not_hung_up_and_a_closed_one_is():
    master, slave = os.openpty()
    try:
        assert not _hung_up(slave)
        os.close(master)
        master = None
        assert _hung_up(slave)
    finally:
        os.close(slave)
        if master is not None:
            os.close(master)


def test_a_file_that_is_not_a_terminal_counts_as_gone(tmp_path):
    with open(tmp_path / "plain", "w") as f:
        assert _hung_up(f.fileno())
