"""`sim replay`: re-run a replay file, printing each step's changes; --verify checks it matches."""

from __future__ import annotations

import json

from sim.diagnostics import Diagnostic, SimError
from sim.loader import load_scenario, resolve_scenario, scenario_by_id
from sim.replay import forced_by_player, load_replay, run_replay


def register(sub) -> None:
    p = sub.add_parser("replay", help="re-run a replay file and print each step",
                       description="Re-run FILE on its scenario (found by id under scenarios/, or given with "
                       "--scenario) and print each step with its state changes and the final scores.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--scenario", metavar="SCENARIO", help="the scenario to replay on (default: the replay's id)")
    p.add_argument("--verify", action="store_true", help="exit 1 at the first step that no longer matches")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args) -> int:
    replay = load_replay(args.file)
    path = resolve_scenario(args.scenario) if args.scenario else scenario_by_id(replay.scenario.id, args.file)
    scenario = load_scenario(path)
    result = run_replay(replay, scenario, verify=args.verify)
    game = result.game
    if args.json:
        print(json.dumps({
            "ok": result.ok, "problem": result.problem, "problem_step": result.problem_step,
            "forced": forced_by_player(replay, result.applied), "line": replay.line,
            "warnings": result.warnings, "steps": [s.model_dump(mode="json") for s in result.applied],
            "over": game.is_over(), "node": game.node.id, "scores": game.scores() if game.is_over() else None,
        }, indent=2))
    else:
        for w in result.warnings:
            print(f"warning: {w}")
        for i, step in enumerate(result.applied, start=1):
            how = (", fixed by the line" if replay.line else ", chosen, not drawn") if step.forced else ""
            chance = f" (p={step.probability:.2f}{how})" if step.kind == "chance" else ""
            print(f"{i:>3}. [{step.node}] {step.kind}: {step.label}{chance}")
            for c in step.changes:
                print(f"       {c.variable}: {c.old} -> {c.new}")
            if step.note:
                print(f"       note: {step.note}")
        if game.is_over():
            print(f"end: {game.node.id}")
            for k, v in game.scores().items():
                print(f"  {k:>24}: {v:6.1f}")
            for pid in scenario.model.perspectives:
                print(f"  value under {pid}: {game.value(pid):.1f}")
        if result.problem:
            print(f"{'MISMATCH' if args.verify else 'stopped'}: {result.problem}")
        elif args.verify:
            print(f"verified: {len(result.applied)} steps match")
        chosen = forced_by_player(replay, result.applied)
        if chosen and not result.problem:
            steps = ", ".join(f"step {i} ({result.applied[i - 1].label})" for i in chosen)
            print(f"chosen, not drawn: the chance outcome{'s' if len(chosen) > 1 else ''} at {steps} "
                  f"{'were' if len(chosen) > 1 else 'was'} forced, not drawn by the seed")
    if result.problem and (args.verify or result.problem_step is not None):
        if args.json:
            return 1
        if args.verify:
            raise SimError([Diagnostic("P002", f"replay does not verify: {result.problem}", args.file)])
        raise SimError([Diagnostic("P001", result.problem, args.file)])
    return 0
