"""Class report speed: 1,000 replays read, verified, summarised and rendered; and one debrief.

Run with `python -m benchmarks.report_bench`. Replays are played with the API on the Peru
scenario (the mini example if Peru does not load) with random choices, a rationale at every
decision and forecasts where an option leads to chance. Two classes: one seed for everyone, as a
class file gives (distinct sequences are fewer, so the verification cache helps), and a seed per
student (nearly every sequence distinct: the cache cannot help).
"""

from __future__ import annotations

import random
import tempfile
import time
from pathlib import Path

from benchmarks.figures import scenario_under_test
from sim.debrief import build_debrief, render_markdown
from sim.engine import Game
from sim.forecast import events_for
from sim.replay import from_game, save
from sim.report import build_report, collect_files, render_html
from sim.report import render_markdown as report_markdown
from sim.reporting.played import walk_key

CLASS = 1000
LIMIT_S = 5.0


def student(sc, seed: int, rng: random.Random, name: str):
    game = Game(sc, seed=seed)
    extra = {}
    while not game.is_over():
        if game.node.kind == "chance":
            game.resolve()
            continue
        option = rng.choice([o.id for o in game.legal_options() if o.legal])
        forecasts = {e.key(e.outcomes[0].id): round(rng.random(), 2) for e in events_for(game, option)[:2]}
        extra[len(game.history())] = {"rationale": f"{name} takes {option}", "forecasts": forecasts}
        game.choose(option)
    return from_game(game, player=name, extra=extra)


def write_class(sc, folder: Path, shared_seed: bool) -> int:
    rng = random.Random(1962)
    keys = set()
    for i in range(CLASS):
        replay = student(sc, 7 if shared_seed else i, rng, f"Student {i:04d}")
        keys.add(walk_key(replay))
        save(replay, folder / f"s{i:04d}.json")
    return len(keys)


def measure(sc, shared_seed: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        distinct = write_class(sc, folder, shared_seed)
        start = time.perf_counter()
        report = build_report(collect_files([str(folder)]), str(sc.path))
        built = time.perf_counter()
        report_markdown(report)
        md = time.perf_counter()
        render_html(report)
        done = time.perf_counter()
    total = done - start
    label = "one seed for the class" if shared_seed else "a seed per student"
    print(f"{label:<24} {CLASS:>7,} {distinct:>9,} {built - start:>10.2f} {md - built:>9.2f} {done - md:>8.2f} "
          f"{total:>8.2f}  {'under' if total < LIMIT_S else 'OVER'} {LIMIT_S:.0f} s")
    if report.problems:
        print(f"  {len(report.problems)} replays left out: {report.problems[0].reason}")


def debrief_s(sc) -> float:
    replay = student(sc, 3, random.Random(3), "one")
    start = time.perf_counter()
    render_markdown(build_debrief(sc, replay))
    return time.perf_counter() - start


def main() -> None:
    sc, note = scenario_under_test()
    print(f"Class report ({sc.id})" + (f"\n  note: {note}" if note else ""))
    print(f"{'class':<24} {'replays':>7} {'distinct':>9} {'read+ver s':>10} {'md s':>9} {'html s':>8} {'total s':>8}")
    measure(sc, shared_seed=True)
    measure(sc, shared_seed=False)
    print(f"One debrief (build and Markdown): {debrief_s(sc):.2f} s")


if __name__ == "__main__":
    main()
