"""Nothing lost: a game killed mid-play (SIGKILL, or an abandoned app) resumes from the journal."""

from __future__ import annotations

import asyncio
import fcntl
import os
import pty
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

from sim import journal
from sim.commands.play import resume_launch
from sim.loader import load_scenario
from sim.tui.app import Launch, SimApp
from sim.tui.screens.play import PlayScreen
from sim.tui.session import Session

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "docs" / "examples" / "mini.yaml"
SIM = Path(sys.executable).parent / "sim"


def resume_args(scenarios=()):
    return type("Args", (), {"scenarios": list(scenarios)})


async def resumed_node() -> tuple[str, str]:
    app = SimApp(resume_launch(resume_args()))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        return type(app.screen).__name__, app.session.game.node.id


def wait_for(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_an_abandoned_app_resumes_at_the_last_decision(data_dir):
    mini = load_scenario(MINI)

    async def play_then_abandon():
        app = SimApp(Launch(session=Session(mini, MINI)))
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.press("enter", "enter")
            await pilot.pause()
            assert app.session.game.node.id == "terms"

    asyncio.run(play_then_abandon())
    assert asyncio.run(resumed_node()) == ("PlayScreen", "terms")


def test_a_game_killed_with_sigkill_resumes_from_the_journal(data_dir, tmp_path):
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "TERM": "xterm-256color", journal.DATA_DIR_ENV: str(data_dir)}
    proc = subprocess.Popen([str(SIM), "play", str(MINI)], stdin=slave, stdout=slave, stderr=slave,
                            env=env, cwd=tmp_path, start_new_session=True)
    os.close(slave)
    screen = bytearray()

    def drain():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert wait_for(lambda: b"Begin" in screen, 30), "the briefing did not appear"
        os.write(master, b"\r")
        assert wait_for(lambda: b"Take" in screen and b"Compare" in screen, 30), "the play screen did not appear"
        os.write(master, b"\r")
        path = journal.journal_path("mini-peru")
        assert wait_for(path.is_file, 30), "no journal was written after the decision"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        os.close(master)
    assert proc.returncode == -signal.SIGKILL
    screen_name, node = asyncio.run(resumed_node())
    assert (screen_name, node) == (PlayScreen.__name__, "terms")
