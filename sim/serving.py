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

Each game is a `sim play` process started without a shell, in its own process group.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shlex
import signal
import sys
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from sim.terminal import SafeStream

log = logging.getLogger("textual-serve")

MAX_WIDTH, MAX_HEIGHT = 300, 120
MIN_WIDTH, MIN_HEIGHT = 20, 10
GRACE = 10.0
"""Seconds a game whose browser left has to quit before it is stopped."""
MAX_MESSAGE = 1024 * 1024
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


class GuardedServer(Server):
    """textual-serve's server with an Origin check, a cap on games and terminal sizes, and a quiet log."""

    def __init__(self, argv: list[str], host: str, port: int, public_url: str | None = None,
                 max_games: int = 45, console_file=None):
        super().__init__(shlex.join(argv), host=host, port=port, title="sim", public_url=public_url)
        self.argv = argv
        self.max_games = max_games
        self.games: set[GameService] = set()
        self.out = console_file or sys.stdout
        local = host in ("localhost", "::1") or host.startswith("127.")
        hosts = {host, *LOCAL_HOSTS} if local else {host}
        self.origins = {origin(self.public_url)} | {origin(f"http://{h}:{port}") for h in hosts}

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(SafeStream(self.out))
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%H:%M:%S"))
        handler.addFilter(_NoDetails())
        logging.basicConfig(level="INFO", handlers=[handler], force=True)

    def origin_allowed(self, request: web.Request) -> bool:
        sent = request.headers.get("Origin")
        return sent is not None and origin(sent) in self.origins

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        if not self.origin_allowed(request):
            log.warning("refused a game: the page asking for it is not this server's")
            raise web.HTTPForbidden(text="Games start only from this server's own page.")
        if len(self.games) >= self.max_games:
            log.warning("refused a game: all %d games are in use", self.max_games)
            raise web.HTTPServiceUnavailable(text=f"All {self.max_games} games are in use; try again when one "
                                             "ends.")
        width, height = clamp_size(to_int(request.query.get("width", "80"), 80),
                                   to_int(request.query.get("height", "24"), 24))
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=MAX_MESSAGE)
        service = GameService(self.argv, write_bytes=websocket.send_bytes, write_str=websocket.send_str,
                              close=websocket.close, download_manager=self.download_manager)
        self.games.add(service)
        try:
            await websocket.prepare(request)
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except web.HTTPException:
            raise
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.error("a game ended with an error: %s", type(error).__name__)
        finally:
            await service.stop()
            self.games.discard(service)
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
        print(f"Serving sim on {self.public_url} (at most {self.max_games} games at once)\nPress Ctrl+C to quit",
              file=self.out, flush=True)


def serve(argv: list[str], host: str, port: int, public_url: str | None, max_games: int) -> None:
    """Run the server until Ctrl+C. What the games print on their error stream is shown escaped."""
    out = sys.stdout
    sys.stdout = SafeStream(out)
    try:
        GuardedServer(argv, host, port, public_url, max_games, console_file=out).serve()
    finally:
        sys.stdout = out
