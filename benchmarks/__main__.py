"""Print the analysis benchmarks: synthetic scenarios of growing size, then the Peru figures.

Each synthetic case runs in its own process (so peak memory is its own). `--quick` skips the
largest cases; `--no-serve` skips the served class (40 browser games at once, about two minutes).
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.figures import (
    breakdown_s,
    cold_runs,
    guard_ns,
    other_policies_s,
    perspectives_s,
    plain_expansion_s,
    projection_s,
    scenario_under_test,
    whole_analysis_s,
)
from sim.analysis.policy import BEST, policy_names

CASES = [
    ("lattice", 8, 3, 3, 8),
    ("lattice", 16, 3, 3, 16),
    ("tree", 5, 3, 3),
    ("lattice", 30, 3, 3, 30),
    ("lattice", 60, 3, 3, 40),
    ("tree", 6, 3, 3),
    ("lattice", 60, 3, 3, 56),
    ("lattice", 100, 3, 3, 70),
    ("lattice", 110, 3, 3, 80),
]
QUICK = 5


def run_case(case: tuple) -> dict:
    proc = subprocess.run([sys.executable, "-m", "benchmarks.case", *map(str, case)],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return {"case": " ".join(map(str, case)), "error": proc.stderr.strip().splitlines()[-1]}
    return json.loads(proc.stdout)


def paths_text(paths: str) -> str:
    return paths if len(paths) <= 9 else f"{paths[0]}.{paths[1:3]}e{len(paths) - 1}"


def synthetic(cases: list[tuple]) -> None:
    print("Synthetic scenarios (expand every distinct position once, then solve under one perspective)")
    print(f"{'case':<26} {'positions':>10} {'paths':>10} {'expand s':>9} {'solve s':>8} {'total s':>8} "
          f"{'positions/s':>12} {'us/pos':>7} {'peak MB':>8}")
    for case in cases:
        r = run_case(case)
        if "error" in r:
            print(f"{r['case']:<26} failed: {r['error']}")
            continue
        rate = r["positions"] / r["total_s"]
        print(f"{r['case']:<26} {r['positions']:>10,} {paths_text(r['paths']):>10} {r['expand_s']:>9.3f} "
              f"{r['solve_s']:>8.3f} {r['total_s']:>8.3f} {rate:>12,.0f} {1e6 / rate:>7.2f} {r['peak_mb']:>8.0f}")
    print("  lattice LxOxCxS: L layers of a decision (O options) and a chance event (C outcomes), counters")
    print("  clamped at S so paths merge; tree: the history is the state, so paths never merge.")
    print()


def peru() -> None:
    sc, note = scenario_under_test()
    print(f"Scenario figures ({sc.id})" + (f"\n  note: {note}" if note else ""))
    count = len(sc.model.perspectives)
    best, median = cold_runs(lambda: perspectives_s(sc)[0])
    positions = perspectives_s(sc)[1]
    print(f"  every node under every perspective (the graph of {positions:,} positions expanded once, then best")
    print(f"  play solved under each of the {count} perspectives), cold cache, scenario loaded: "
          f"{best * 1000:.1f} ms (median of 5: {median * 1000:.1f} ms)")
    parts = [breakdown_s(sc) for _ in range(5)]
    part = {k: min(p[k] for p in parts) for k in parts[0]}
    print(f"    of which: expansion {part['expand'] * 1000:.1f} ms (liveness and the array form of the "
          f"expressions {part['plan'] * 1000:.1f} ms of it), one best-play solve {part['solve'] * 1000:.1f} ms")
    plain = min(plain_expansion_s(sc) for _ in range(3))
    print(f"  the same graph expanded position by position (the reference path, for comparison): {plain * 1000:.1f} ms")
    others, solves = other_policies_s(sc)
    print(f"  the other policies ({', '.join(p for p in policy_names(sc) if p != BEST)}) under every perspective, "
          f"graph cached: {others * 1000:.1f} ms ({solves} solves)")
    print(f"  decision memo of every decision node under every perspective (best play), cold cache: "
          f"{whole_analysis_s(sc) * 1000:.1f} ms")
    cold, warm = projection_s(sc)
    print(f"  TUI projection at the start node: {cold * 1000:.2f} ms cold, {warm * 1e6:.1f} us cached")
    guard = guard_ns(sc)
    if guard:
        print(f"  compiled {guard[1]}: {guard[0]:.0f} ns per evaluation")


def main(argv: list[str]) -> int:
    cases = CASES[:QUICK] if "--quick" in argv else CASES
    synthetic(cases)
    peru()
    if "--no-serve" not in argv:
        from benchmarks import serve_bench

        print()
        serve_bench.report(serve_bench.GAMES)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
