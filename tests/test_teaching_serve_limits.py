"""`sim serve` on a laptop, driven by a real websocket client on 127.0.0.1: foreign pages are refused, the
terminal size is capped, games are counted and stopped when their browser leaves, and the log never holds
request headers or cookies."""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

from conftest import EXAMPLE, ROOT

START_TIMEOUT = 30
SECRETS = ("c2VtaW5hcjpodW50ZXIy", "SECRET123")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Served:
    """A `sim serve` process on a free port; its output is kept for the log checks."""

    def __init__(self, tmp_path: Path, *extra: str):
        self.port = free_port()
        self.log = tmp_path / "serve.log"
        self.origin = f"http://127.0.0.1:{self.port}"
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "sim", "serve", str(EXAMPLE), "--port",
                                          str(self.port), *extra], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, env={**os.environ, "SIM_DATA_DIR": str(tmp_path)})

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def ws(self, query: str = "", token: str | None = None) -> str:
        """The websocket of a browser's game (a new token, a new browser, unless one is given)."""
        return f"ws://127.0.0.1:{self.port}/ws/{token or secrets.token_hex(16)}{query}"

    async def up(self, session: aiohttp.ClientSession) -> None:
        end = time.monotonic() + START_TIMEOUT
        while True:
            try:
                async with session.get(self.url("/")) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            assert time.monotonic() < end, "sim serve did not start"
            await asyncio.sleep(0.2)

    def games(self) -> list[int]:
        """The process ids of the server's running games (its children)."""
        out = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == self.proc.pid:
                    out.append(int(entry.name))
        return out

    def stop(self) -> str:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        return self.log.read_text(errors="replace")


@pytest.fixture
def served(tmp_path):
    servers = []

    def start(*extra: str) -> Served:
        servers.append(Served(tmp_path, *extra))
        return servers[-1]

    yield start
    for s in servers:
        if s.proc.poll() is None:
            s.stop()


async def first_output(ws: aiohttp.ClientWebSocketResponse, seconds: float = START_TIMEOUT) -> int:
    """Bytes of screen the game sent before `seconds` passed, once it sent any."""
    end = time.monotonic() + seconds
    total = 0
    while time.monotonic() < end:
        try:
            message = await asyncio.wait_for(ws.receive(), 1)
        except TimeoutError:
            if total:
                return total
            continue
        if message.type == aiohttp.WSMsgType.BINARY:
            total += len(message.data)
        elif message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
            break
    return total


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode(errors="replace").split("=", 1) for item in raw if b"=" in item)


def wait_until(predicate, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return predicate()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the games' processes from /proc")
def test_only_the_servers_own_page_starts_games_and_sizes_are_capped(served):
    server = served()

    async def drive() -> None:
        async with aiohttp.ClientSession() as session:
            await server.up(session)
            for headers in ({"Origin": "https://evil.example"}, {}, {"Origin": "null"},
                            {"Origin": f"http://127.0.0.1:{server.port + 1}"}):
                with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                    await session.ws_connect(server.ws(), headers=headers)
                assert info.value.status == 403, headers
            assert server.games() == [], "a refused page starts no game"
            async with session.ws_connect(server.ws("?width=10000&height=10000"),
                                          headers={"Origin": server.origin}) as ws:
                assert await first_output(ws) > 0, "the server's own page gets the game"
                (game,) = server.games()
                env = environ(game)
                assert (int(env["COLUMNS"]), int(env["ROWS"])) == (300, 120)
                await ws.send_json(["resize", {"width": 100000, "height": -5}])
                await ws.send_str("not json")
                await ws.send_json(["resize", {"width": "x"}])
                await ws.send_json(["stdin", "\r"])
                assert await first_output(ws, 5) >= 0
                assert server.games() == [game], "malformed messages do not kill the game"
            assert wait_until(lambda: server.games() == [], 25), "the game of a browser that left is stopped"

    asyncio.run(drive())
    server.stop()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the games' processes from /proc")
def test_games_are_capped_and_a_left_game_frees_its_place(served):
    server = served("--max-games", "1")

    async def drive() -> None:
        async with aiohttp.ClientSession() as session:
            await server.up(session)
            ws = await session.ws_connect(server.ws(), headers={"Origin": server.origin})
            assert await first_output(ws) > 0
            with pytest.raises(aiohttp.WSServerHandshakeError) as info:
                await session.ws_connect(server.ws(), headers={"Origin": server.origin})
            assert info.value.status == 503
            await ws.close()
            assert wait_until(lambda: server.games() == [], 25)
            async with session.ws_connect(server.ws(), headers={"Origin": server.origin}) as again:
                assert await first_output(again) > 0, "the place is free again"

    asyncio.run(drive())
    server.stop()


def test_the_log_never_holds_headers_or_cookies(served):
    server = served()
    secret = {"Authorization": "Basic c2VtaW5hcjpodW50ZXIy", "Cookie": "session=SECRET123"}

    async def drive() -> None:
        async with aiohttp.ClientSession() as session:
            await server.up(session)
            for headers in (secret, {**secret, "Origin": server.origin}):
                async with session.get(server.url("/ws"), headers=headers) as response:
                    assert response.status in (400, 403)
            with pytest.raises(aiohttp.WSServerHandshakeError):
                await session.ws_connect(server.ws(), headers={**secret, "Origin": "https://evil.example"})
            async with session.ws_connect(server.ws(), headers={**secret, "Origin": server.origin}) as ws:
                assert await first_output(ws) > 0
                await ws.send_str('["resize", {"width": "x"}]')

    asyncio.run(drive())
    log = server.stop()
    assert "Serving sim" in log
    assert not any(s in log for s in SECRETS), log
    assert "Traceback" not in log and "Authorization" not in log


def test_max_games_is_checked(capsys):
    from sim.cli import main

    assert main(["serve", str(EXAMPLE), "--max-games", "0"]) == 2
    assert "--max-games must be between 1 and 1000" in capsys.readouterr().err


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the games' processes from /proc")
def test_a_browsers_token_names_one_game_which_a_second_page_takes_over(served, tmp_path):
    server = served()
    token = secrets.token_hex(16)

    async def drive() -> None:
        async with aiohttp.ClientSession() as session:
            await server.up(session)
            for bad in ("", "/not-a-token", f"/{token.upper()}", f"/{token}0"):
                async with session.get(server.url(f"/ws{bad}"), headers={"Origin": server.origin}) as response:
                    assert response.status in (400, 404), bad
            first = await session.ws_connect(server.ws(token=token), headers={"Origin": server.origin})
            assert await first_output(first) > 0
            (game,) = server.games()
            second = await session.ws_connect(server.ws(token=token), headers={"Origin": server.origin})
            assert await first_output(second) > 0
            end = time.monotonic() + 10
            while not first.closed and time.monotonic() < end:
                await first.receive(timeout=10)
            assert first.closed, "the first page is closed: its game opened elsewhere"
            assert wait_until(lambda: len(server.games()) == 1 and game not in server.games(), 25), \
                "one game per token: the first page's process is stopped"
            assert list((tmp_path / "served").glob(f"*/{token}.json")) == [], "no move, no journal yet"
            await second.close()

    asyncio.run(drive())
    server.stop()


def test_the_instructors_page_needs_the_printed_key_and_the_log_never_shows_it(served):
    server = served()

    async def drive() -> str:
        async with aiohttp.ClientSession() as session:
            await server.up(session)
            log = server.log.read_text()
            url = next(x for x in log.splitlines() if x.startswith("Instructor's page: ")).split(": ", 1)[1]
            for wrong in ("", "?key=", "?key=guess", "?key=" + url.rsplit("=", 1)[1][:-1]):
                async with session.get(server.url("/class" + wrong)) as response:
                    assert response.status == 403, wrong
            async with session.get(url) as response:
                assert response.status == 200
                assert response.headers["Referrer-Policy"] == "no-referrer"
                assert "Your class" in await response.text()
            return url.rsplit("=", 1)[1]

    key = asyncio.run(drive())
    log = server.stop()
    assert log.count(key) == 1, "only the line printed at start names the key"
    assert "Traceback" not in log
