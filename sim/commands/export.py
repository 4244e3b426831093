"""`sim export`: a scenario as a Gambit .efg game, or its decision graph as DOT or Mermaid."""

from __future__ import annotations

import sys

from sim.analysis import AnalysisError, perspective_weighting
from sim.commands.output import write_output
from sim.diagnostics import Diagnostic, SimError
from sim.export import FORMATS, export
from sim.loader import load_scenario, resolve_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "export", help="write the scenario as a Gambit game (.efg) or a graph (DOT, Mermaid)",
        description="efg: Gambit's extensive-form format, one player against chance, payoffs the weighted "
        "score under the perspective (the model's projection). dot, mermaid: the decision graph for slides, "
        "with best play under the perspective drawn in bold.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--perspective", help="perspective for payoffs and best play (default: the first)")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    p.set_defaults(func=run)


def run(args) -> int:
    path = resolve_scenario(args.scenario)
    scenario = load_scenario(path)
    try:
        text = export(scenario, args.format, perspective_weighting(scenario, args.perspective))
    except AnalysisError as exc:
        raise SimError([Diagnostic(exc.code, exc.message, str(path), hint=exc.hint)],
                       usage=exc.code == "A010") from None
    if not args.output:
        sys.stdout.write(text)
        return 0
    write_output(args.output, text)
    print(f"{args.format} written to {args.output}", file=sys.stderr)
    return 0
