"""`sim report`: a class report over many replays, as Markdown (printed, or -o FILE.md) or HTML (-o FILE.html)."""

from __future__ import annotations

from sim.classfile import load_class
from sim.commands.output import check_output, emit, output_format
from sim.report import build_report, collect_files, render_html, render_markdown


def register(sub) -> None:
    p = sub.add_parser(
        "report", help="a class report: where students split, outcomes, forecast scores, rationales",
        description="Read every REPLAY (files, or folders searched for *.json) of one scenario and write a report "
        "for the instructor: how many took each option at each decision, the tree of choices, the distribution "
        "of endings and weighted values, forecast scores, and the rationales grouped by option. Replays that do "
        "not parse or verify are listed with the reason.")
    p.add_argument("replays", metavar="REPLAY", nargs="+")
    p.add_argument("--scenario", metavar="SCENARIO", help="the scenario (default: the replays' id under scenarios/)")
    p.add_argument("--class", dest="classfile", metavar="FILE",
                   help="a class file: its scenario, and its rules (forced_outcomes: refuse leaves out replays "
                   "whose chance outcomes were chosen, not drawn)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE.md or FILE.html (atomically)")
    p.set_defaults(func=run)


def run(args) -> int:
    if args.output:
        check_output(args.output)
    fmt = output_format(args.output, "report")
    classroom = load_class(args.classfile) if args.classfile else None
    files, skipped = collect_files(args.replays)
    report = build_report(files, args.scenario, skipped, classroom)
    emit(render_html(report) if fmt == "html" else render_markdown(report), args.output)
    return 0
