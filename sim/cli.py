"""The `sim` command line: one subcommand per module in `sim.commands`."""

from __future__ import annotations

import argparse
import importlib
import sys

from sim.diagnostics import SimError
from sim.terminal import SafeStream

# Each module defines `register(subparsers)`, which adds its parser and sets `func(args) -> int`.
COMMANDS = ["play", "check", "run", "replay", "analyze", "export", "schema", "debrief", "report", "serve"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sim",
        description="A diplomatic decision-tree simulator. SCENARIO is a scenario file, a folder "
        "holding scenario.yaml, or the id of a scenario under scenarios/.",
    )
    parser.add_argument("--version", action="version", version=f"sim {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"sim.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"sim.commands.{name}":
                raise
            continue
        module.register(sub)
    return parser


def _version() -> str:
    from sim import __version__

    return __version__


def report(error: SimError) -> None:
    for d in error.diagnostics:
        print(d.format(), file=sys.stderr)


# These draw on the terminal themselves (Textual, and the server's coloured log); every other command's output
# goes through SafeStream, so text from a file never reaches the terminal as control sequences.
RAW_OUTPUT = {"play", "serve"}


def main(argv: list[str] | None = None) -> int:
    out, err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(out), SafeStream(err)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 2
        if args.command in RAW_OUTPUT:
            sys.stdout, sys.stderr = out, err
        return _run(args)
    finally:
        sys.stdout, sys.stderr = out, err


def _run(args) -> int:
    try:
        return int(args.func(args) or 0)
    except SimError as exc:
        report(exc)
        return 2 if exc.usage else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
