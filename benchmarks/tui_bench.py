"""TUI timings: cold start to the first screen, and the projection panel's update after a cursor move.

Run: python -m benchmarks.tui_bench [--scenario peru-1962] [--runs 5]
Targets: first screen within 1.5 s of a cold start; projection panel within 50 ms of a cursor move.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "docs" / "examples" / "mini.yaml"


def scenario_path(arg: str) -> Path:
    from sim.diagnostics import SimError
    from sim.loader import load_scenario, resolve_scenario

    try:
        path = resolve_scenario(arg)
        load_scenario(path)
        return path
    except SimError as exc:
        print(f"{arg} does not load ({exc.diagnostics[0].message}); using {MINI.name}", file=sys.stderr)
        return MINI


def launch(path: Path):
    from sim.loader import load_scenario
    from sim.tui.app import Launch
    from sim.tui.session import Session

    return Launch(session=Session(load_scenario(path), path))


async def _first_screen(path: Path) -> float:
    from sim.tui.app import SimApp

    app = SimApp(launch(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        return time.time()


def cold_child(path: Path) -> None:
    """Run in a fresh interpreter: print the wall-clock time at which the first screen is up."""
    print(asyncio.run(_first_screen(path)))


def cold_start(path: Path, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.time()
        done = subprocess.run([sys.executable, "-m", "benchmarks.tui_bench", "--cold-child", str(path)],
                              cwd=ROOT, capture_output=True, text=True, check=True)
        out.append(float(done.stdout.strip().splitlines()[-1]) - start)
    return out


async def _cursor_moves(path: Path, moves: int, timeout: float) -> tuple[float | None, list[float], str]:
    from sim.tui.app import SimApp
    from sim.tui.screens.play import PlayScreen
    from sim.tui.widgets.options import OptionsList

    app = SimApp(launch(path))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, PlayScreen)
        start = time.perf_counter()
        while screen.cache.get(screen.key) is None and time.perf_counter() - start < timeout:
            await asyncio.sleep(0.01)
        found = screen.cache.get(screen.key)
        computed = time.perf_counter() - start if found is not None else None
        status = "projections shown" if found is not None and not found.error else (
            found.error if found is not None else f"projections not ready after {timeout:.0f} s")
        body = screen.query_one("#details-body")
        options = screen.query_one(OptionsList)
        times = []
        for i in range(moves):
            before = str(body.render())
            t0 = time.perf_counter()
            options.action_cursor_down() if i % 2 == 0 else options.action_cursor_up()
            while str(body.render()) == before and time.perf_counter() - t0 < 1.0:
                await asyncio.sleep(0)
            times.append(time.perf_counter() - t0)
            if options.option_count > 1 and str(body.render()) == before:
                status += "; a cursor move did not change the panel"
            await pilot.pause()
        return computed, times, status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tui_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scenario", default="peru-1962")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--moves", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for the projections")
    parser.add_argument("--cold-child", metavar="PATH", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    os.environ.setdefault("SIM_DATA_DIR", tempfile.mkdtemp(prefix="sim-bench-"))
    if args.cold_child:
        cold_child(Path(args.cold_child))
        return 0
    path = scenario_path(args.scenario)
    cold = cold_start(path, args.runs)
    print(f"scenario: {path}")
    print(f"cold start to first screen: median {statistics.median(cold):.3f} s, max {max(cold):.3f} s "
          f"over {len(cold)} runs (target 1.5 s)")
    computed, times, status = asyncio.run(_cursor_moves(path, args.moves, args.timeout))
    took = f"{computed:.3f} s" if computed is not None else "not done"
    print(f"projections of the first decision computed in the worker: {took} ({status})")
    ms = [t * 1000 for t in times]
    print(f"projection panel updated after a cursor move: median {statistics.median(ms):.1f} ms, "
          f"max {max(ms):.1f} ms over {len(ms)} moves (target 50 ms; the screen is redrawn on the next frame)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
