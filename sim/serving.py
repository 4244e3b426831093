"""The web server of `sim serve`: textual-serve's, with the limits a laptop serving a class needs.

- A websocket is accepted only from a page of this server: its `Origin` must be the server's own address
  (`--public-url`, or the local address it listens on); any other web page open in a browser on the
  machine is refused (403).
- At most `max_games` games run at once (503 beyond); the terminal size a browser may ask for is capped
  (`MAX_WIDTH` x `MAX_HEIGHT` cells), and malformed messages are ignored.
- A game whose browser left is asked to quit and, after `GRACE` seconds, stopped for good, with any process
  it started.
- The log never holds request headers, cookies or tracebacks with local variables: errors are logged as one
  line naming the error, and control characters in it (or in what a game prints) are shown escaped.

- Each browser keeps a token (`sim.gamepage`) that names its game: the game is a `sim play --journal` of a file
  named by the token, so a reload, a closed tab or a dropped connection (or a restarted server) continues it. A
  second page with the same token takes the game over; the first is closed.
- With a class folder, finished games are handed in to it (`sim play --collect`); `/class?key=…` (the key is
  printed at start and never logged) is the instructor's page (`sim.instructor`), made in a worker process.
- Nothing on the game page is loaded from elsewhere (fonts included), and its Content-Security-Policy says so.

Each game is a `sim play` process started without a shell, in its own process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import multiprocessing
import os
import re
import secrets
import shlex
import signal
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_runner import GracefulExit
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from sim import gamepage, instructor
from sim.terminal import SafeStream

log = logging.getLogger("textual-serve")

MAX_WIDTH, MAX_HEIGHT = 300, 120
MIN_WIDTH, MIN_HEIGHT = 20, 10
GRACE = 10.0
"""Seconds a game whose browser left has to quit before it is stopped."""
MAX_MESSAGE = 1024 * 1024
PAGE_TIMEOUT = 120.0
"""Seconds the instructor's page may take to make (the class report verifies every hand-in)."""
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")


def clamp_size(width: object, height: object) -> tuple[int, int]:
    """A terminal size a browser asked for, within the limits (80x24 for anything that is not a number)."""
    w = width if isinstance(width, int) and not isinstance(width, bool) else 80
    h = height if isinstance(height, int) and not isinstance(height, bool) else 24
    return min(max(w, MIN_WIDTH), MAX_WIDTH), min(max(h, MIN_HEIGHT), MAX_HEIGHT)


def origin(url: str) -> str:
    """The origin of a URL as a browser sends it: scheme://host[:port], the default port left out."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    default = {"http": 80, "https": 443}.get(scheme)
    return f"{scheme}://{host}" + (f":{port}" if port is not None and port != default else "")


class _NoDetails(logging.Filter):
    """Log records keep their one-line message only: no traceback (whose local variables would show the
    request, its headers and cookies)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        record.stack_info = None
        return True


class GameService(AppService):
    """One browser tab's game: a `sim play` process, its terminal size capped, stopped when the tab leaves."""

    def __init__(self, argv: list[str], **kwargs):
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = argv

    async def _open_app_process(self, width: int = 80, height: int = 24):
        width, height = clamp_size(width, height)
        self._process = process = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE, env=self._build_environment(width=width, height=height),
            start_new_session=True)
        self._stdin = process.stdin
        return process

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*clamp_size(width, height))

    async def stop(self) -> None:
        """Ask the game to quit; stop it (and what it started) if it has not within GRACE seconds."""
        process = self._process
        try:
            await asyncio.wait_for(super().stop(), GRACE)
            if process is not None and process.returncode is None:
                await asyncio.wait_for(process.wait(), GRACE)
        except TimeoutError:
            pass
        finally:
            if process is not None and process.returncode is None:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                await process.wait()


@dataclass
class Classroom:
    """Where a served class keeps its games: the journals of browser games (one per browser's token), the class
    folder finished games are handed in to, the class file, and the key of the instructor's page."""

    journal_dir: Path
    collect: Path | None = None
    class_file: Path | None = None
    scenario: Path | None = None
    key: str = field(default_factory=lambda: secrets.token_urlsafe(18))

    def game_argv(self, argv: list[str], token: str) -> list[str]:
        """The `sim play` command of the game a browser's token names."""
        extra = ["--journal", str(self.journal_dir / f"{token}.json")]
        return argv + extra + (["--collect", str(self.collect)] if self.collect is not None else [])


@dataclass
class Connection:
    """A browser connected to its game; `done` is set once the game has stopped."""

    service: GameService
    websocket: web.WebSocketResponse
    done: asyncio.Event = field(default_factory=asyncio.Event)


class PathOnlyLog(AbstractAccessLogger):
    """The access log: who asked for which path and the answer, never the query (the instructor's key is in it)
    nor the headers."""

    def log(self, request, response, time: float) -> None:
        self.logger.info("%s %s %s %s", request.remote, request.method, request.path, response.status)


SECURITY_HEADERS = {"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff",
                    "Cache-Control": "no-store"}


class GuardedServer(Server):
    """textual-serve's server with an Origin check, a cap on games and terminal sizes, a quiet log, a game per
    browser kept across reloads, and the instructor's page."""

    def __init__(self, argv: list[str], host: str, port: int, public_url: str | None = None,
                 max_games: int = 45, console_file=None, classroom: Classroom | None = None):
        super().__init__(shlex.join(argv), host=host, port=port, title="sim", public_url=public_url)
        self.argv = argv
        self.max_games = max_games
        self.connections: dict[str, Connection] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        self.classroom = classroom or Classroom(Path(tempfile.mkdtemp(prefix="sim-games-")))
        self._pages: ProcessPoolExecutor | None = None
        self.out = console_file or sys.stdout
        local = host in ("localhost", "::1") or host.startswith("127.")
        hosts = {host, *LOCAL_HOSTS} if local else {host}
        self.origins = {origin(self.public_url)} | {origin(f"http://{h}:{port}") for h in hosts}

    @property
    def games(self) -> list[GameService]:
        return [c.service for c in self.connections.values()]

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(SafeStream(self.out))
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
        handler.addFilter(_NoDetails())
        logging.basicConfig(level="INFO", handlers=[handler], force=True)

    def serve(self, debug: bool = False) -> None:
        """Run until Ctrl+C (or SIGTERM), logging paths only."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        def leave() -> None:
            raise GracefulExit()

        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, leave)
        web.run_app(self._make_app(), host=self.host, port=self.port, handle_signals=False, loop=loop,
                    print=lambda *args: None, access_log_class=PathOnlyLog)

    async def _make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024)
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_untokened, name="websocket"),
            web.get("/ws/{token}", self.handle_websocket, name="game"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.get("/class", self.handle_class, name="instructor"),
            web.get("/favicon.ico", self.handle_favicon),
            web.static("/static", self.statics_path, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    def _websocket_base(self) -> str:
        scheme = "wss" if self.public_url.startswith("https") else "ws"
        return f"{scheme}:{self.public_url.split(':', 1)[1].rstrip('/')}"

    async def handle_index(self, request: web.Request) -> web.Response:
        """The game page (`sim.gamepage`), which keeps the browser's token and connects to its game."""
        font_size = min(max(to_int(request.query.get("fontsize", "16"), 16), 8), 40)
        base = self._websocket_base()
        page = gamepage.render(f"{self.public_url.rstrip('/')}/static/", f"{base}/ws/", "sim", font_size)
        headers = {**SECURITY_HEADERS, "Content-Security-Policy": gamepage.policy(origin(self.public_url)
                                                                                   .replace("http", "ws", 1))}
        return web.Response(text=page, content_type="text/html", headers=headers)

    async def handle_favicon(self, request: web.Request) -> web.Response:
        return web.Response(status=204)

    async def handle_untokened(self, request: web.Request) -> web.Response:
        raise web.HTTPBadRequest(text="This address names no game: open the server's page, which does.")

    async def handle_class(self, request: web.Request) -> web.Response:
        """The instructor's page, for whoever holds the key `sim serve` printed at start."""
        key = request.query.get("key", "")
        if not hmac.compare_digest(key.encode(), self.classroom.key.encode()):
            raise web.HTTPForbidden(text="This page needs the key 'sim serve' printed when it started: open the "
                                    "address it printed (…/class?key=…).", headers=SECURITY_HEADERS)
        if self._pages is None:
            self._pages = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        c = self.classroom
        live = set(self.connections)
        loop = asyncio.get_running_loop()
        try:
            text = await asyncio.wait_for(loop.run_in_executor(
                self._pages, instructor.page, c.journal_dir, c.collect, c.class_file, live, c.scenario), PAGE_TIMEOUT)
        except TimeoutError:
            raise web.HTTPServiceUnavailable(text="The class report is still being made: reload in a minute.",
                                             headers=SECURITY_HEADERS) from None
        return web.Response(text=text, content_type="text/html", headers=SECURITY_HEADERS)

    def origin_allowed(self, request: web.Request) -> bool:
        sent = request.headers.get("Origin")
        return sent is not None and origin(sent) in self.origins

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A browser's game: the one its token names, resumed from the server's journal if it was played before.
        A second page with the same token takes the game over; the first one is told the game stopped there."""
        token = request.match_info["token"]
        if not re.fullmatch(gamepage.TOKEN_PATTERN, token):
            raise web.HTTPBadRequest(text="Not a game's token: open the server's page again.")
        if not self.origin_allowed(request):
            log.warning("refused a game: the page asking for it is not this server's")
            raise web.HTTPForbidden(text="Games start only from this server's own page.")
        lock = self._locks.setdefault(token, asyncio.Lock())
        async with lock:
            old = self.connections.get(token)
            if old is not None:
                await old.websocket.close(code=4000, message=b"opened in another page")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(old.done.wait(), 3 * GRACE)
            if len(self.connections) >= self.max_games:
                log.warning("refused a game: all %d games are in use", self.max_games)
                raise web.HTTPServiceUnavailable(text=f"All {self.max_games} games are in use; try again when one "
                                                 "ends.")
            websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
            service = GameService(self.classroom.game_argv(self.argv, token), write_bytes=websocket.send_bytes,
                                  write_str=websocket.send_str, close=websocket.close,
                                  download_manager=self.download_manager)
            connection = self.connections[token] = Connection(service, websocket)
        width, height = clamp_size(to_int(request.query.get("width", "80"), 80),
                                   to_int(request.query.get("height", "24"), 24))
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.error("a game ended with an error: %s", type(error).__name__)
        finally:
            await service.stop()
            if self.connections.get(token) is connection:
                del self.connections[token]
            connection.done.set()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse, app_service: AppService) -> None:
        """The browser's messages to its game; anything malformed is ignored."""
        async for message in websocket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = json.loads(message.data)
            except ValueError:
                continue
            if not isinstance(envelope, list) or not envelope or not isinstance(envelope[0], str):
                continue
            kind, data = envelope[0], envelope[1] if len(envelope) > 1 else None
            if kind == "stdin" and isinstance(data, str):
                await app_service.send_bytes(data.encode("utf-8"))
            elif kind == "resize" and isinstance(data, dict):
                await app_service.set_terminal_size(*clamp_size(data.get("width"), data.get("height")))
            elif kind == "ping":
                await websocket.send_json(["pong", data])
            elif kind == "blur":
                await app_service.blur()
            elif kind == "focus":
                await app_service.focus()

    async def on_startup(self, app: web.Application) -> None:
        c = self.classroom
        hand_in = f"Finished games are handed in to {c.collect}\n" if c.collect is not None else ""
        print(f"Serving sim on {self.public_url} (at most {self.max_games} games at once)\n{hand_in}"
              f"Games in progress are kept in {c.journal_dir}\n"
              f"Instructor's page: {self.public_url.rstrip('/')}/class?key={c.key}\nPress Ctrl+C to quit",
              file=self.out, flush=True)

    async def on_shutdown(self, app: web.Application) -> None:
        for connection in list(self.connections.values()):
            await connection.websocket.close()
        if self._pages is not None:
            self._pages.shutdown(wait=False, cancel_futures=True)


def serve(argv: list[str], host: str, port: int, public_url: str | None, max_games: int,
          classroom: Classroom | None = None) -> None:
    """Run the server until Ctrl+C. What the games print on their error stream is shown escaped."""
    out = sys.stdout
    sys.stdout = SafeStream(out)
    try:
        GuardedServer(argv, host, port, public_url, max_games, console_file=out, classroom=classroom).serve()
    finally:
        sys.stdout = out
