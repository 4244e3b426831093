"""`sim analyze`: the model's projected outcomes of each option, as a decision memo or JSON."""

from __future__ import annotations

import json

from sim.analysis import AnalysisError, custom_weighting, perspective_weighting
from sim.analysis.document import analysis_document
from sim.analysis.render import render_text
from sim.commands.arguments import seed
from sim.diagnostics import Diagnostic, SimError
from sim.loader import load_scenario, resolve_scenario
from sim.replay import load_replay, run_replay

MAX_RUNS = 1_000_000


def register(sub) -> None:
    p = sub.add_parser(
        "analyze", help="project the outcomes of each option (exact analysis)",
        description="Exact decision analysis of SCENARIO from its start (or from the end of a replay): "
        "for each decision, each option's projected scores, weighted value, spread and endings, and "
        "why the best option is best. Every figure is the model's projection, not a forecast.")
    p.add_argument("scenario", metavar="SCENARIO")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--perspective", help="weigh the objectives as this perspective does (default: the first)")
    who.add_argument("--weights", metavar="OBJ=W,...", help="weigh the objectives yourself, e.g. democracy=3,unity=1")
    p.add_argument("--policy", default="best",
                   help="how play continues: best, random, or a line of the scenario such as memo (default best)")
    p.add_argument("--from", dest="replay", metavar="REPLAY", help="analyse from the end of this replay file")
    p.add_argument("--sensitivity", action="store_true", help="vary each parameter and weight; tornado table")
    p.add_argument("--frontier", action="store_true", help="the Pareto frontier of policies over the objectives")
    p.add_argument("--montecarlo", type=int, default=0, metavar="N",
                   help="also play N seeded playthroughs on the engine and compare with the exact figures")
    p.add_argument("--seed", type=seed, default=0, help="first seed of the Monte Carlo playthroughs (default 0)")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON (see docs/analysis.md)")
    p.set_defaults(func=run)


def _usage(message: str, where: str = "sim analyze", hint: str | None = None) -> SimError:
    return SimError([Diagnostic("U001", message, where, hint=hint)], usage=True)


def parse_weights(text: str) -> dict[str, float]:
    """'a=3,b=1' as {'a': 3.0, 'b': 1.0}, or a usage error saying what is wrong."""
    out: dict[str, float] = {}
    for item in (t.strip() for t in text.split(",")):
        if not item:
            continue
        name, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = None
        if not sep or not name.strip() or number is None:
            raise _usage(f"--weights: '{item}' is not OBJECTIVE=NUMBER", hint="for example --weights democracy=3,unity=1")
        out[name.strip()] = number
    if not out:
        raise _usage("--weights is empty", hint="for example --weights democracy=3,unity=1")
    return out


def _position(args, scenario):
    """The position to analyse and where it came from: the start, or the end of a replay."""
    if not args.replay:
        return scenario.start, scenario.initial, {"replay": None, "steps": 0}, []
    replay = load_replay(args.replay)
    result = run_replay(replay, scenario, verify=False)
    if result.problem:
        raise SimError([Diagnostic("P001", f"cannot follow the replay: {result.problem}", args.replay)])
    game = result.game
    return game.position.node, game.position.state, {"replay": args.replay, "steps": len(result.applied)}, \
        result.warnings


def run(args) -> int:
    if args.montecarlo < 0 or args.montecarlo > MAX_RUNS:
        raise _usage(f"--montecarlo must be between 0 and {MAX_RUNS:,}")
    path = resolve_scenario(args.scenario)
    scenario = load_scenario(path)
    try:
        if args.weights:
            raw = parse_weights(args.weights)
            weighting = custom_weighting(scenario, raw)
        else:
            weighting = perspective_weighting(scenario, args.perspective)
            raw = {k: float(v) for k, v in scenario.model.perspectives[weighting.name].weights.items()}
        node, state, origin, warnings = _position(args, scenario)
        doc = analysis_document(scenario, node, state, weighting, raw, args.policy,
                                with_sensitivity=args.sensitivity, with_frontier=args.frontier,
                                montecarlo_runs=args.montecarlo, seed=args.seed, origin=origin)
    except AnalysisError as exc:
        usage = exc.code == "A010"
        raise SimError([Diagnostic(exc.code, exc.message, str(path), hint=exc.hint)], usage=usage) from None
    doc["warnings"] = warnings + doc["warnings"]
    if args.json:
        print(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        print(render_text(doc), end="")
    return 0
