"""`sim serve`: the TUI in a web browser via textual-serve, one `sim play` process per browser tab.

textual-serve is imported only when the command runs (`sim.serving`), so the core never loads it.
"""

from __future__ import annotations

import ipaddress
import shlex
import sys
from pathlib import Path

from sim.classfile import load_class
from sim.diagnostics import Diagnostic, SimError
from sim.loader import load_scenario, resolve_scenario

LOCAL_NAMES = {"localhost", "ip6-localhost"}
DEFAULT_MAX_GAMES = 45  # a class of 40 with a few tabs to spare (sim.serving uses the same)


def register(sub) -> None:
    p = sub.add_parser(
        "serve", help="serve the TUI in a web browser (localhost by default)",
        description="Serve 'sim play' to web browsers with textual-serve: each browser tab runs its own game. "
        "Bound to 127.0.0.1 unless --host says otherwise; to reach students on a network, put a reverse proxy "
        "with TLS and authentication in front (see docs/teaching.md) rather than binding 0.0.0.0.")
    p.add_argument("scenario", metavar="SCENARIO", nargs="?", help="scenario to serve (default: a picker)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    p.add_argument("--class", dest="class_file", metavar="FILE", help="class settings (scenario, seed, ...)")
    p.add_argument("--public-url", metavar="URL",
                   help="the address browsers use, when behind a reverse proxy (e.g. https://sim.example.edu); "
                   "games start only from pages of this address")
    p.add_argument("--collect", metavar="FOLDER",
                   help="hand every finished game in to FOLDER (its replay, with the student's name), for the "
                   "instructor's page and 'sim report FOLDER'")
    p.add_argument("--max-games", type=int, default=DEFAULT_MAX_GAMES, metavar="N",
                   help=f"most games at once; more browser tabs are refused until one ends (default "
                   f"{DEFAULT_MAX_GAMES}, for a class of 40)")
    p.set_defaults(func=run)


def _usage(message: str, hint: str | None = None) -> SimError:
    return SimError([Diagnostic("U001", message, "sim serve", hint=hint)], usage=True)


def play_accepts_class() -> bool:
    """Whether this installation's `sim play` takes --class."""
    from sim.cli import build_parser

    _, unknown = build_parser().parse_known_args(["play", "--class", "x"])
    return not unknown


def play_arguments(scenario: str | None, class_file: str | None) -> list[str]:
    """The `sim play` arguments for a served game, checking the scenario or class file first."""
    if scenario and class_file:
        raise _usage("give a SCENARIO or --class, not both", "the class file names its scenario")
    if class_file:
        settings = load_class(class_file)
        args = settings.play_arguments()
        return args + (["--class", str(settings.path.resolve())] if play_accepts_class() else [])
    if scenario:
        path = resolve_scenario(scenario)
        load_scenario(path)
        return [str(path.resolve())]
    return []


def play_argv(args: list[str]) -> list[str]:
    """The command line running `sim play` with this Python (run without a shell)."""
    return [sys.executable, "-m", "sim", "play", *args]


def play_command(args: list[str]) -> str:
    """The same command as one shell line, every argument quoted (what the server shows it runs)."""
    return shlex.join(play_argv(args))


def is_local(host: str) -> bool:
    if host in LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise _usage("--port must be between 1 and 65535")
    if not 1 <= args.max_games <= 1000:
        raise _usage("--max-games must be between 1 and 1000")
    argv = play_argv(play_arguments(args.scenario, args.class_file))
    if not is_local(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach this address can start games. On a "
              "shared network, serve on 127.0.0.1 behind a reverse proxy with TLS and authentication "
              "(docs/teaching.md).", file=sys.stderr)
    from sim.serving import serve

    serve(argv, args.host, args.port, args.public_url, args.max_games, classroom(args))
    return 0


def classroom(args):
    """Where the served class keeps its games: browser games' journals under the data folder (one set per class
    folder, so a restarted server finds its students' games again), hand-ins in --collect."""
    import hashlib

    from sim.journal import data_dir
    from sim.serving import Classroom

    collect = Path(args.collect).resolve() if args.collect else None
    if collect is not None:
        try:
            collect.mkdir(parents=True, exist_ok=True)
            probe = collect / ".sim-write-check"
            probe.write_text("")
            probe.unlink()
        except OSError as exc:
            raise SimError([Diagnostic("F005", f"the class folder cannot be written: {exc.strerror or exc}",
                                       str(collect), hint="give a folder you can write to, with --collect")],
                           usage=True) from None
    place = hashlib.sha256(str(collect or "no class folder").encode()).hexdigest()[:16]
    class_file = Path(args.class_file).resolve() if args.class_file else None
    scenario = resolve_scenario(args.scenario).resolve() if args.scenario else None
    return Classroom(data_dir() / "served" / place, collect, class_file, scenario)
