"""sim: a diplomatic decision-tree simulator.

The core (scenario format, engine, analysis, replay) is importable without Textual;
the terminal interface lives in :mod:`sim.tui`.
"""

from sim.diagnostics import Diagnostic, SimError
from sim.engine import Game
from sim.loader import load_scenario

__all__ = ["Diagnostic", "Game", "SimError", "load_scenario"]
__version__ = "0.1.0"
