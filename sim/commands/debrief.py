"""`sim debrief`: the debrief of one replay, as Markdown (printed, or -o FILE.md) or HTML (-o FILE.html)."""

from __future__ import annotations

import sys

from sim.atomic import write_atomic
from sim.debrief import build_debrief, render_html, render_markdown
from sim.diagnostics import Diagnostic, SimError
from sim.loader import load_scenario, resolve_scenario
from sim.replay import load_replay


def register(sub) -> None:
    p = sub.add_parser(
        "debrief", help="the debrief of a replay: your path beside the memo and history, luck, forecasts",
        description="Re-run REPLAY on its scenario and write its debrief: the path beside the reference lines, "
        "final scores under every perspective, what moved each objective, what actually happened (dated and "
        "cited), the documents now unlocked, luck against judgment, and the forecasts' Brier scores.")
    p.add_argument("replay", metavar="REPLAY")
    p.add_argument("--scenario", metavar="SCENARIO", help="the scenario (default: the replay's id under scenarios/)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE.md or FILE.html (atomically)")
    p.set_defaults(func=run)


def output_format(path: str | None, command: str) -> str:
    """'md' or 'html' from an output file name; a usage error for anything else."""
    if path is None or path.lower().endswith(".md"):
        return "md"
    if path.lower().endswith((".html", ".htm")):
        return "html"
    raise SimError([Diagnostic("U001", "the output file must end in .md or .html", path,
                               hint=f"for example: sim {command} ... -o out.html")], usage=True)


def emit(text: str, path: str | None) -> None:
    if path is None:
        sys.stdout.write(text)
    else:
        write_atomic(path, text)
        print(f"written to {path}", file=sys.stderr)


def run(args) -> int:
    fmt = output_format(args.output, "debrief")
    replay = load_replay(args.replay)
    scenario = load_scenario(resolve_scenario(args.scenario or replay.scenario.id))
    debrief = build_debrief(scenario, replay, shown=args.replay)
    emit(render_html(debrief) if fmt == "html" else render_markdown(debrief), args.output)
    return 0
