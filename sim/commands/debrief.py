"""`sim debrief`: the debrief of one replay, as Markdown (printed, or -o FILE.md) or HTML (-o FILE.html)."""

from __future__ import annotations

from sim.commands.output import check_output, emit, output_format
from sim.debrief import build_debrief, render_html, render_markdown
from sim.loader import load_scenario, resolve_scenario, scenario_by_id
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


def run(args) -> int:
    if args.output:
        check_output(args.output)
    fmt = output_format(args.output, "debrief")
    replay = load_replay(args.replay)
    path = resolve_scenario(args.scenario) if args.scenario else scenario_by_id(replay.scenario.id, args.replay)
    scenario = load_scenario(path)
    debrief = build_debrief(scenario, replay, shown=args.replay)
    emit(render_html(debrief) if fmt == "html" else render_markdown(debrief), args.output)
    return 0
