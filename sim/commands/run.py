"""`sim run`: play a scenario without the TUI, taking listed options in order, and save a replay."""

from __future__ import annotations

import sys

from sim.commands.arguments import seed
from sim.commands.output import check_output, write_output
from sim.diagnostics import Diagnostic, SimError
from sim.engine import Game, GameError, StuckError
from sim.lines import play_line
from sim.loader import load_scenario, resolve_scenario
from sim.replay import dumps, from_game


def register(sub) -> None:
    p = sub.add_parser(
        "run", help="play without the TUI, taking the listed options in order",
        description="Play SCENARIO from its start. At each decision the next item of --choose is taken; "
        "at a chance event, an item naming one of its outcomes forces that outcome, otherwise the seeded "
        "draw decides. Prints the line played; -o saves it as a replay file.")
    p.add_argument("scenario", metavar="SCENARIO")
    p.add_argument("--choose", default="", help="comma-separated option (or forced outcome) ids, in order")
    p.add_argument("--line", metavar="NAME",
                   help="follow the scenario's reference line NAME (e.g. memo, historical) instead of --choose, "
                   "with its recorded outcomes and notes")
    p.add_argument("--seed", type=seed, default=0, help="seed for chance events (default 0)")
    p.add_argument("--perspective", help="perspective recorded in the replay (default: the scenario's first)")
    p.add_argument("--player", help="player name recorded in the replay")
    p.add_argument("-o", "--output", help="write the replay to this file (atomically); '-' for stdout")
    p.set_defaults(func=run)


def play_choices(game: Game, choices: list[str]) -> list[str]:
    """Apply choices in order; return messages about where play stopped short."""
    queue = list(choices)
    while not game.is_over():
        node = game.node
        if node.kind == "chance":
            ids = [m.id for m in node.moves]
            forced = queue.pop(0) if queue and queue[0] in ids else None
            game.resolve(forced)
            continue
        if not queue:
            open_ids = [o.id for o in game.legal_options() if o.legal]
            return [f"stopped at decision '{node.id}' (open options: {', '.join(open_ids)})"]
        game.choose(queue.pop(0))
    return [f"{len(queue)} choice(s) left over after the end: {', '.join(queue)}"] if queue else []


def run(args) -> int:
    if args.output and args.output != "-":
        check_output(args.output)
    path = resolve_scenario(args.scenario)
    scenario = load_scenario(path)
    try:
        game = Game(scenario, seed=args.seed, perspective=args.perspective)
        if args.line:
            lines = scenario.model.lines
            if args.line not in lines:
                raise SimError([Diagnostic("U002", f"scenario has no line '{args.line}'", str(path),
                                           hint=f"its lines: {', '.join(lines) or 'none'}")], usage=True)
            stopped = play_line(game, lines[args.line])
            messages = [stopped] if stopped else []
        else:
            choices = [c.strip() for c in args.choose.split(",") if c.strip()]
            messages = play_choices(game, choices)
    except StuckError as exc:
        raise SimError([Diagnostic("G002", str(exc), str(path),
                                   hint=f"'sim check {args.scenario}' reports the cause")]) from None
    except GameError as exc:
        raise SimError([Diagnostic("G001", str(exc), str(path),
                                   hint="'sim replay' or the TUI shows the options open at each decision")]) from None
    out = sys.stderr if args.output == "-" else sys.stdout
    for step in game.history():
        mark = f"  p={step.probability:.2f}" if step.probability is not None else ""
        if step.forced:
            mark += "  (fixed by the line)" if args.line else "  (chosen, not drawn)"
        print(f"{step.node:>24}  {step.kind:8}  {step.choice}{mark}", file=out)
    for m in messages:
        print(m, file=out)
    if game.is_over():
        scores = ", ".join(f"{k} {v:.1f}" for k, v in game.scores().items())
        print(f"end: {game.node.id}   scores: {scores}   value ({game.perspective}): {game.value():.1f}", file=out)
    replay = from_game(game, player=args.player, line=args.line)
    if args.output == "-":
        sys.stdout.write(dumps(replay))
    elif args.output:
        write_output(args.output, dumps(replay))
        print(f"replay written to {args.output}", file=out)
    return 0
