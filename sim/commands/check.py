"""`sim check`: validate scenarios and explore every reachable state for problems."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from sim.check import MAX_STATES, CheckResult, check_scenario
from sim.diagnostics import SimError
from sim.files import kind
from sim.loader import SCENARIO_FILE, load_scenario, resolve_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "check", help="validate scenarios and explore every reachable state",
        description="Load each scenario (a file, a folder holding scenario.yaml, a folder of such folders, "
        "or a scenario id), then explore every reachable (node, state) pair and report dead ends, "
        "bad probabilities, effects outside a variable's range, unreachable parts, loops, citations "
        "not found in their documents, and unused declarations. Exit status: 0 clean, 1 findings, "
        "2 usage or unreadable files.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print findings as JSON")
    p.add_argument("--max-states", type=int, default=MAX_STATES, help=f"exploration limit (default {MAX_STATES})")
    p.set_defaults(func=run)


def expand(arg: str) -> list[Path]:
    """A PATH argument as scenario files: a folder of scenario folders expands to each of them."""
    p = Path(arg)
    if kind(p) == "folder" and kind(p / SCENARIO_FILE) == "missing":
        found = [folder / SCENARIO_FILE for folder in _subfolders(p) if _holds_scenario(folder)]
        if found:
            return found
    return [resolve_scenario(arg)]


def _subfolders(folder: Path) -> list[Path]:
    try:
        with os.scandir(folder) as it:
            return sorted(Path(e.path) for e in it if e.is_dir())
    except OSError:
        return []


def _holds_scenario(folder: Path) -> bool:
    """Whether a folder has a scenario.yaml, or cannot be looked into (then loading it says why)."""
    try:
        return kind(folder / SCENARIO_FILE) != "missing"
    except SimError:
        return True


def run(args) -> int:
    results: list[CheckResult] = []
    status = 0
    for arg in args.paths:
        try:
            files = expand(arg)
        except SimError as exc:
            for d in exc.diagnostics:
                print(d.format(), file=sys.stderr)
            status = 2
            continue
        for f in files:
            try:
                sc = load_scenario(f)
            except SimError as exc:
                results.append(CheckResult(str(f), 0, exc.diagnostics, False))
                status = max(status, 2 if exc.usage else 1)
                continue
            result = check_scenario(sc, args.max_states)
            results.append(result)
            if result.findings:
                status = max(status, 1)
    if args.json:
        print(json.dumps({"ok": status == 0, "scenarios": [
            {"path": r.path, "states": r.states, "complete": r.complete,
             "findings": [d.to_dict() for d in r.findings]} for r in results]}, indent=2))
        return status
    for r in results:
        for d in r.findings:
            print(d.format())
        verdict = "clean" if not r.findings else f"{len(r.findings)} problem(s)"
        explored = f"{r.states} states explored" if r.states else "not explored (it does not load)"
        print(f"{r.path}: {verdict}; {explored}")
    return status
