"""`sim play`: the Textual TUI. Textual is imported only when this command runs."""

from __future__ import annotations

from pathlib import Path

from sim.commands.arguments import seed
from sim.diagnostics import Diagnostic, SimError


def register(sub) -> None:
    p = sub.add_parser(
        "play", help="play a scenario in the terminal user interface",
        description="Open the TUI on SCENARIO (a file, a folder holding scenario.yaml, or an id under "
        "scenarios/). With several scenarios, or none named and several found, a picker opens first. "
        "Every decision is journaled, so --resume continues a game after a crash. --player puts your name in "
        "the replays you save, so 'sim report' can tell you apart (in the game, n sets it too).")
    p.add_argument("scenarios", metavar="SCENARIO", nargs="*", help="scenario(s) to play (default: all found)")
    p.add_argument("--seed", type=seed, help="seed for chance events (default 0)")
    p.add_argument("--perspective", help="perspective to play (default: the scenario's first)")
    p.add_argument("--blind", action="store_true", help="hide the model's projections (p shows them)")
    p.add_argument("--replay", metavar="FILE", help="step through a replay file instead of playing")
    p.add_argument("--resume", action="store_true", help="continue the last journaled game")
    p.add_argument("--player", metavar="NAME",
                   help="your name, kept in the replays you save (with --resume: replaces the journaled one)")
    p.add_argument("--class", dest="class_file", metavar="FILE",
                   help="class settings: they fix the scenario, seed, perspective, blind play and open documents")
    p.add_argument("--journal", metavar="FILE",
                   help="keep this game's journal in FILE, and continue the game in it if FILE exists (what "
                   "'sim serve' does for each browser)")
    p.add_argument("--collect", metavar="FOLDER",
                   help="hand the game in to a class folder when it is finished: its replay, with your name, "
                   "goes into FOLDER (for 'sim report FOLDER')")
    p.set_defaults(func=run)


def _usage(message: str, where: str = "sim play", hint: str | None = None) -> SimError:
    return SimError([Diagnostic("U001", message, where, hint=hint)], usage=True)


def _check_perspective(scenario, perspective: str | None) -> None:
    known = scenario.model.perspectives
    if perspective is not None and perspective not in known:
        raise _usage(f"unknown perspective '{perspective}' for {scenario.id}", hint=f"known: {', '.join(known)}")


def replay_launch(args):
    """A launch of the replay viewer, or SimError if the replay or its scenario cannot be loaded."""
    from sim.loader import load_scenario, resolve_scenario, scenario_by_id
    from sim.replay import load_replay, run_replay
    from sim.tui.app import Launch
    from sim.tui.session import Session

    replay = load_replay(args.replay)
    path = resolve_scenario(args.scenarios[0]) if args.scenarios else scenario_by_id(replay.scenario.id, args.replay)
    scenario = load_scenario(path)
    result = run_replay(replay, scenario, verify=True)
    session = Session(scenario, path, game=result.game, journaling=False, player=replay.player)
    return Launch(session=session, replay=result, recorded=list(replay.steps))


def class_settings(args):
    """The class file's settings, or None; SimError if it does not load or other arguments contradict it."""
    if not getattr(args, "class_file", None):
        return None
    from sim.classfile import load_class
    from sim.loader import resolve_scenario

    k = load_class(args.class_file)
    fixed = "the class file fixes"
    if len(args.scenarios) > 1 or (args.scenarios and resolve_scenario(args.scenarios[0]).resolve()
                                   != k.scenario_path.resolve()):
        raise _usage(f"{fixed} the scenario: {k.scenario_path}", hint="drop SCENARIO")
    if args.seed is not None and args.seed != k.settings.seed:
        raise _usage(f"{fixed} the seed: {k.settings.seed}", hint="drop --seed")
    if args.perspective is not None and args.perspective != k.perspective:
        raise _usage(f"{fixed} the perspective: {k.perspective}", hint="drop --perspective")
    if args.blind and not k.settings.blind:
        raise _usage(f"{fixed} blind play: projections are shown", hint="drop --blind")
    return k


def resume_launch(args):
    """A launch that continues a journaled game (of the named scenario or class, if one is named): at once when
    there is one, through a picker when there are several."""
    from sim import journal
    from sim.loader import load_scenario, resolve_scenario
    from sim.tui.app import Launch

    k = class_settings(args)
    scenario = k.scenario if k else (load_scenario(resolve_scenario(args.scenarios[0])) if args.scenarios else None)
    every = journal.journals(scenario.id if scenario else None)
    found = [p for p in every if not journal.in_play(p)]
    if not found:
        busy = " (the journaled games are open in other windows)" if every else ""
        raise _usage(f"no game to resume{busy}", str(journal.journal_dir()), hint="start one with 'sim play SCENARIO'")
    if len(found) == 1:
        session, notices = resume_session(found[0], args, k, scenario)
        return Launch(session=session, resumed=True, notices=notices)
    return Launch(journals=found, resume=lambda path: resume_session(path, args, k, scenario))


def _journal_scenario(saved, found: Path):
    """The scenario a journal was played on: the file it names, if that still loads as the same scenario, else
    the scenario of that id under scenarios/. The file's own problems are not shown: the journal only names it."""
    from sim.loader import load_scenario, scenario_by_id

    wanted = saved.current.scenario.id
    try:
        scenario = load_scenario(Path(saved.scenario_path))
        if scenario.id == wanted:
            return scenario, Path(saved.scenario_path)
    except SimError:
        pass
    try:
        path = scenario_by_id(wanted, str(found))
        return load_scenario(path), path
    except SimError:
        raise SimError([Diagnostic("J006", f"the scenario of this game, '{wanted}', no longer loads from "
                                   f"{saved.scenario_path}", str(found),
                                   hint=f"check it with 'sim check {saved.scenario_path}'")], usage=True) from None


def resume_session(found: Path, args, k=None, scenario=None):
    """The session of a journaled game, and notices about what it left out; SimError when it cannot resume."""
    from sim import journal
    from sim.classfile import load_class
    from sim.tui.session import Busy, Session

    saved = journal.read_journal(found)
    path = Path(saved.scenario_path)
    if scenario is None:
        scenario, path = _journal_scenario(saved, found)
    notices = []
    if k is None and saved.class_file:
        try:
            k = load_class(saved.class_file)
        except SimError:
            notices.append(f"The class file of this game ({saved.class_file}) no longer loads; resuming without "
                           "its settings.")
    try:
        session, warnings = Session.resume(found, scenario, path, classroom=k)
    except Busy as exc:
        raise _usage(str(exc), str(found), hint="continue it in that window") from None
    if getattr(args, "player", None) is not None:
        session.set_player(args.player)
    return session, notices + warnings


def new_launch(args):
    """A launch of a new game, or of the picker when several scenarios are in question."""
    from sim import journal
    from sim.loader import find_scenarios, load_scenario, resolve_scenario
    from sim.tui.app import Launch
    from sim.tui.session import Session

    k = class_settings(args)
    seed = args.seed or 0
    player = getattr(args, "player", None)
    paths = [k.scenario_path] if k else [resolve_scenario(a) for a in args.scenarios]
    if len(paths) > 1:
        for p in paths:
            _check_perspective(load_scenario(p), args.perspective)
    if not paths:
        paths = find_scenarios()
    if not paths:
        raise _usage("no scenario found under scenarios/", hint="give a scenario file: sim play FILE")
    if len(paths) > 1:
        return Launch(scenarios=paths, seed=seed, perspective=args.perspective, blind=args.blind, player=player)
    scenario = k.scenario if k else load_scenario(paths[0])
    _check_perspective(scenario, args.perspective)
    session = Session(scenario, paths[0], seed=seed, perspective=args.perspective, blind=args.blind, classroom=k,
                      player=player)
    notice = None
    if journal.replaced_by_new_game(scenario.id):
        notice = ("A journaled game of this scenario exists; your first decision replaces it. "
                  "Quit now and run 'sim play --resume' to continue it instead.")
    return Launch(session=session, journal_notice=notice)


def journal_launch(args):
    """A launch that keeps its journal in the file --journal names: the game in it, or a new game if there is
    none. A journal that cannot be resumed is kept aside (FILE.unreadable) and a new game starts, so one bad
    file never locks a browser out of play."""
    from sim.tui.app import Launch

    found = Path(args.journal)
    notices = []
    if found.is_file():
        try:
            session, notices = resume_session(found, args, class_settings(args), _named_scenario(args))
            session.journal_to = found
            return Launch(session=session, resumed=True, notices=notices)
        except SimError as exc:
            if exc.diagnostics[0].code not in ("J001", "J002", "J003", "J004", "J005", "J006", "F002", "F003"):
                raise
            aside = found.with_name(found.name + ".unreadable")
            found.replace(aside)
            notices = [f"The journal of this game could not be resumed ({exc.diagnostics[0].message}); it is kept "
                       f"as {aside.name} and a new game starts."]
    launch = new_launch(args)
    if launch.session is None:
        raise _usage("--journal keeps one game: name one scenario (or --class)", hint="sim play SCENARIO --journal FILE")
    launch.session.journal_to = found
    launch.notices.extend(notices)
    launch.journal_notice = None
    return launch


def _named_scenario(args):
    from sim.loader import load_scenario, resolve_scenario

    return load_scenario(resolve_scenario(args.scenarios[0])) if args.scenarios and not args.class_file else None


def run(args) -> int:
    if args.replay and args.class_file:
        raise _usage("--class plays a game; --replay shows one", hint="drop one of them")
    if args.replay and (args.journal or args.collect):
        raise _usage("--replay shows a recorded game; --journal and --collect are for playing one",
                     hint="drop --replay, or the others")
    if args.resume and args.journal:
        raise _usage("--journal names the game to continue; --resume looks for one", hint="drop --resume")
    if args.replay:
        launch = replay_launch(args)
    elif args.journal:
        launch = journal_launch(args)
    elif args.resume:
        launch = resume_launch(args)
    else:
        launch = new_launch(args)
    if args.collect:
        if launch.session is None:
            raise _usage("--collect hands in one scenario's games: name the scenario (or --class)",
                         hint="sim play SCENARIO --collect FOLDER")
        launch.session.collect_into(Path(args.collect))
    from sim.tui.app import SimApp

    app = SimApp(launch)
    app.run()
    return app.return_code or 0
