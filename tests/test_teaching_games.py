"""Games for the teaching tests, made with the API; and checks that they are what the tests assume."""

from __future__ import annotations

from pathlib import Path

from conftest import example_text
from sim.engine import Game
from sim.loader import load_scenario
from sim.replay import Replay, from_game, save
from sim.runtime import CompiledScenario

HISTORICAL_LINE = """
  historical:
    label: What the United States did
    description: The documented course, for the tests.
    choices: {proposal: iapc, terms: public_elections}
"""


def play(sc: CompiledScenario, moves: list[str], seed: int = 0, player: str | None = None,
         extra: dict[int, dict] | None = None, perspective: str | None = None) -> Replay:
    """Play the listed options and outcomes in order (an outcome id forces it; chance not listed is drawn)."""
    game = Game(sc, seed=seed, perspective=perspective)
    queue = list(moves)
    while not game.is_over():
        if game.node.kind == "chance":
            ids = [m.id for m in game.node.moves]
            game.resolve(queue.pop(0) if queue and queue[0] in ids else None)
        elif queue:
            game.choose(queue.pop(0))
        else:
            break
    return from_game(game, player=player, extra=extra)


def historical_scenario(folder: Path, with_replay: bool = True) -> CompiledScenario:
    """The example with a 'historical' line, its quiet ending marked historical, and (optionally) the
    historical replay in replays/historical.json beside it."""
    text = example_text().replace("    epilogue: The model projects that a quiet OAS forum",
                                  "    historical: true\n    epilogue: The record shows that a quiet OAS forum")
    text += HISTORICAL_LINE
    path = folder / "scenario.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    if with_replay:
        save(play(sc, ["iapc", "public_elections"], player="history"), folder / "replays" / "historical.json")
    return sc


def test_play_forces_listed_outcomes(example):
    replay = play(example, ["mfm", "short", "resume_now"])
    assert [(s.node, s.choice) for s in replay.steps] == [("proposal", "mfm"), ("votes", "short"),
                                                          ("terms", "resume_now")]
    assert replay.final is not None and replay.final.node == "lapse_end"


def test_historical_scenario_has_line_ending_and_replay(tmp_path):
    sc = historical_scenario(tmp_path)
    assert "historical" in sc.model.lines and sc.node("quiet_end").model.historical
    assert (tmp_path / "replays" / "historical.json").is_file()
