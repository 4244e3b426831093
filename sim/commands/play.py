"""`sim play`: the Textual TUI. Textual is imported only when this command runs."""

from __future__ import annotations

from pathlib import Path

from sim.diagnostics import Diagnostic, SimError


def register(sub) -> None:
    p = sub.add_parser(
        "play", help="play a scenario in the terminal user interface",
        description="Open the TUI on SCENARIO (a file, a folder holding scenario.yaml, or an id under "
        "scenarios/). With several scenarios, or none named and several found, a picker opens first. "
        "Every decision is journaled, so --resume continues a game after a crash.")
    p.add_argument("scenarios", metavar="SCENARIO", nargs="*", help="scenario(s) to play (default: all found)")
    p.add_argument("--seed", type=int, default=0, help="seed for chance events (default 0)")
    p.add_argument("--perspective", help="perspective to play (default: the scenario's first)")
    p.add_argument("--blind", action="store_true", help="hide the model's projections (p shows them)")
    p.add_argument("--replay", metavar="FILE", help="step through a replay file instead of playing")
    p.add_argument("--resume", action="store_true", help="continue the last journaled game")
    p.set_defaults(func=run)


def _usage(message: str, where: str = "sim play", hint: str | None = None) -> SimError:
    return SimError([Diagnostic("U001", message, where, hint=hint)], usage=True)


def _check_perspective(scenario, perspective: str | None) -> None:
    known = scenario.model.perspectives
    if perspective is not None and perspective not in known:
        raise _usage(f"unknown perspective '{perspective}' for {scenario.id}", hint=f"known: {', '.join(known)}")


def replay_launch(args):
    """A launch of the replay viewer, or SimError if the replay or its scenario cannot be loaded."""
    from sim.loader import load_scenario, resolve_scenario
    from sim.replay import load_replay, run_replay
    from sim.tui.app import Launch
    from sim.tui.session import Session

    replay = load_replay(args.replay)
    path = resolve_scenario(args.scenarios[0] if args.scenarios else replay.scenario.id)
    scenario = load_scenario(path)
    result = run_replay(replay, scenario, verify=True)
    session = Session(scenario, path, game=result.game, journaling=False)
    return Launch(session=session, replay=result)


def resume_launch(args):
    """A launch that continues the last journaled game (of the named scenario, if one is named)."""
    from sim import journal
    from sim.loader import load_scenario, resolve_scenario
    from sim.tui.app import Launch
    from sim.tui.session import Session

    scenario = load_scenario(resolve_scenario(args.scenarios[0])) if args.scenarios else None
    found = journal.latest(scenario.id if scenario else None)
    if found is None:
        raise _usage("no game to resume", str(journal.journal_dir()), hint="start one with 'sim play SCENARIO'")
    saved = journal.read_journal(found)
    path = Path(saved.scenario_path)
    if scenario is None:
        scenario = load_scenario(path)
    session, warnings = Session.resume(found, scenario, path)
    return Launch(session=session, resumed=True, notices=warnings)


def new_launch(args):
    """A launch of a new game, or of the picker when several scenarios are in question."""
    from sim import journal
    from sim.loader import find_scenarios, load_scenario, resolve_scenario
    from sim.tui.app import Launch
    from sim.tui.session import Session

    paths = [resolve_scenario(a) for a in args.scenarios]
    if len(paths) > 1:
        for p in paths:
            _check_perspective(load_scenario(p), args.perspective)
    if not paths:
        paths = find_scenarios()
    if not paths:
        raise _usage("no scenario found under scenarios/", hint="give a scenario file: sim play FILE")
    if len(paths) > 1:
        return Launch(scenarios=paths, seed=args.seed, perspective=args.perspective, blind=args.blind)
    scenario = load_scenario(paths[0])
    _check_perspective(scenario, args.perspective)
    session = Session(scenario, paths[0], seed=args.seed, perspective=args.perspective, blind=args.blind)
    notices = []
    if journal.latest(scenario.id) is not None:
        notices.append("A journaled game of this scenario exists; your first decision replaces it. "
                       "Quit now and run 'sim play --resume' to continue it instead.")
    return Launch(session=session, notices=notices)


def run(args) -> int:
    if args.seed < 0:
        raise _usage("--seed must be zero or positive")
    if args.replay:
        launch = replay_launch(args)
    elif args.resume:
        launch = resume_launch(args)
    else:
        launch = new_launch(args)
    from sim.tui.app import SimApp

    return int(SimApp(launch).run() or 0)
