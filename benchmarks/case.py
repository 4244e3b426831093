"""One synthetic case, run in a fresh process so its peak memory is its own: prints one JSON line.

Usage: python -m benchmarks.case lattice LAYERS OPTIONS OUTCOMES SPAN
       python -m benchmarks.case tree LAYERS OPTIONS OUTCOMES
"""

from __future__ import annotations

import json
import resource
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.synthetic import lattice, tree, write
from sim.analysis.graph import expand
from sim.analysis.policy import perspective_weighting
from sim.analysis.solve import solve
from sim.analysis.vexpand import expand_layers  # noqa: F401 - imported before timing, as numpy is
from sim.analysis.vsolve import solve_layers  # noqa: F401
from sim.loader import load_scenario


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def run(shape: str, sizes: list[int]) -> dict:
    text = lattice(*sizes) if shape == "lattice" else tree(*sizes)
    with tempfile.TemporaryDirectory() as folder:
        scenario = load_scenario(write(text, Path(folder), shape))
    before = peak_rss_mb()
    start = time.perf_counter()
    graph = expand(scenario)
    expanded = time.perf_counter()
    solve(graph, perspective_weighting(scenario))
    solved = time.perf_counter()
    return {
        "case": f"{shape} {'x'.join(map(str, sizes))}",
        "positions": len(graph),
        "paths": graph.count_paths(),
        "expand_s": expanded - start,
        "solve_s": solved - expanded,
        "total_s": solved - start,
        "peak_mb": peak_rss_mb(),
        "before_mb": before,
    }


if __name__ == "__main__":
    result = run(sys.argv[1], [int(x) for x in sys.argv[2:]])
    result["paths"] = str(result["paths"])
    print(json.dumps(result))
