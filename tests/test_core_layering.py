"""The core never imports Textual: neither in its source nor when it runs."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SIM = Path(__file__).resolve().parent.parent / "sim"


def core_modules() -> list[Path]:
    return [p for p in SIM.rglob("*.py") if "tui" not in p.relative_to(SIM).parts]


def test_core_source_has_no_textual_import():
    offenders = []
    for path in core_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "textual" or n.startswith("textual.") or n.startswith("sim.tui") for n in names):
                if path.name != "play.py" and path.name != "serve.py":
                    offenders.append(f"{path.relative_to(SIM)}:{node.lineno}")
    assert not offenders, offenders


def test_importing_every_core_module_loads_no_textual():
    modules = sorted(
        "sim." + ".".join(p.relative_to(SIM).with_suffix("").parts)
        for p in core_modules() if p.name not in ("__main__.py",)
    )
    modules = [m.removesuffix(".__init__") for m in modules]
    code = ("import importlib, sys\n"
            f"for m in {modules!r}: importlib.import_module(m)\n"
            "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
