"""A class of browsers on one machine: `sim serve` with N games of Peru 1962 at once, driven by websocket clients
as textual.js drives them; memory per game and the latency of a key press at the last game.

    python -m benchmarks.serve_bench [GAMES]

Memory is read from /proc: PSS (each page shared by the games counted once, in shares) and RSS (every page
each game touches), per game process. Latency is from sending a key to the first screen update it causes.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
GAMES = 40
KEYS = 30
DOWN, UP = "\x1b[B", "\x1b[A"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.append(int(entry.name))
    return out


def cpu_ticks(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total


async def settle(pids: list[int], seconds: float = 1.0) -> None:
    """Wait until the games together use under a tenth of a core (their start-up and projections done)."""
    hz = os.sysconf("SC_CLK_TCK")
    before = cpu_ticks(pids)
    while True:
        await asyncio.sleep(seconds)
        now = cpu_ticks(pids)
        if now - before < 0.1 * hz * seconds:
            return
        before = now


def memory_mb(pid: int) -> tuple[float, float]:
    """(PSS, RSS) of a process in MB."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("Pss", "Rss"):
            values[name] = int(rest.split()[0]) / 1024
    return values["Pss"], values["Rss"]


class Browser:
    """One browser's websocket, read all the time (as a browser does, so the server's heartbeats are answered)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse):
        self.ws = ws
        self.received = 0
        self.last = time.perf_counter()
        self.update = asyncio.Event()
        self.task = asyncio.create_task(self.read())

    async def read(self) -> None:
        async for message in self.ws:
            if message.type == aiohttp.WSMsgType.BINARY:
                self.received += len(message.data)
                self.last = time.perf_counter()
                self.update.set()

    async def quiet(self, seconds: float) -> None:
        """Wait until no screen update has come for `seconds`."""
        while time.perf_counter() - self.last < seconds:
            await asyncio.sleep(0.05)

    async def key(self, key: str) -> float:
        """Seconds from sending a key to the first screen update."""
        self.update.clear()
        start = time.perf_counter()
        await self.ws.send_json(["stdin", key])
        await asyncio.wait_for(self.update.wait(), 30)
        return time.perf_counter() - start


async def presses(browser: Browser) -> list[float]:
    out = []
    for i in range(KEYS):
        out.append(await browser.key(DOWN if i % 2 == 0 else UP))
        await browser.quiet(0.3)
    return out


async def student(browser: Browser, seat: int) -> None:
    """Another student thinking: a move through the options every 2 seconds."""
    await asyncio.sleep(seat % 20 / 10)
    while True:
        await browser.ws.send_json(["stdin", DOWN if seat % 2 else UP])
        await asyncio.sleep(2.0)


async def run(games: int) -> dict:
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    data = tempfile.mkdtemp(prefix="sim-serve-bench-")
    class_file = Path(data) / "class.yaml"
    class_file.write_text(f"scenario: {ROOT / 'scenarios' / 'peru-1962' / 'scenario.yaml'}\nseed: 1\n")
    server = subprocess.Popen([sys.executable, "-m", "sim", "serve", "--class", str(class_file), "--collect",
                               str(Path(data) / "class"), "--port", str(port), "--max-games", str(games + 5)],
                              cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              env={**os.environ, "SIM_DATA_DIR": data})
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                try:
                    async with session.get(origin + "/") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            browsers = []
            started = time.perf_counter()
            for _ in range(games):
                url = f"ws://127.0.0.1:{port}/ws/{secrets.token_hex(16)}?width=120&height=40"
                browsers.append(Browser(await session.ws_connect(url, headers={"Origin": origin},
                                                                 max_msg_size=0)))
            while any(b.received == 0 for b in browsers):
                await asyncio.sleep(0.1)
            await asyncio.gather(*(b.quiet(2.0) for b in browsers))
            ready = time.perf_counter() - started
            running = len(children(server.pid))
            for key in ("\x1b", "\r"):  # every student: no name in the dialog, then begin the briefing
                await asyncio.gather(*(b.key(key) for b in browsers))
            await settle(children(server.pid))
            playing = time.perf_counter() - started
            last = browsers[-1]
            idle = await presses(last)
            others = [asyncio.create_task(student(b, i)) for i, b in enumerate(browsers[:-1])]
            busy = await presses(last)
            for task in others:
                task.cancel()
            pids = children(server.pid)
            memory = [memory_mb(p) for p in pids]
            server_memory = memory_mb(server.pid)
            for b in browsers:
                await b.ws.close()
        return {"games": running, "at_end": len(pids), "ready_s": ready, "playing_s": playing, "idle": idle, "busy": busy,
                "pss": [m[0] for m in memory], "rss": [m[1] for m in memory], "server": server_memory}
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def quantiles(values: list[float]) -> str:
    v = sorted(values)
    p95 = v[max(0, round(0.95 * len(v)) - 1)]
    return (f"median {statistics.median(v) * 1000:.0f} ms, 95th percentile {p95 * 1000:.0f} ms, "
            f"worst {v[-1] * 1000:.0f} ms")


def report(games: int = GAMES) -> None:
    if not Path("/proc/self/smaps_rollup").exists():
        print("Served class: skipped (needs Linux's /proc to read memory)")
        return
    r = asyncio.run(run(games))
    print(f"Served class: {r['games']} games of Peru 1962 at once on {os.cpu_count()} cores; all drew their first "
          f"screen within {r['ready_s']:.1f} s of connecting, and all were at the first decision with its "
          f"projections within {r['playing_s']:.1f} s ({r['at_end']} still running at the end)")
    print(f"  memory per game: {statistics.mean(r['pss']):.0f} MB PSS (max {max(r['pss']):.0f}), "
          f"{statistics.mean(r['rss']):.0f} MB RSS; goal under 150 MB. Server: {r['server'][0]:.0f} MB PSS")
    print(f"  a key press at game {r['games']}, to its screen update ({KEYS} presses; goal under 200 ms):")
    print(f"    the others at rest: {quantiles(r['idle'])}")
    print(f"    the other {r['games'] - 1} moving through their options every 2 s: {quantiles(r['busy'])}")
    if os.environ.get("SIM_BENCH_VERBOSE"):
        print("  latencies ms:", " ".join(f"{x * 1000:.0f}" for x in r["busy"]))


if __name__ == "__main__":
    report(int(sys.argv[1]) if len(sys.argv) > 1 else GAMES)
