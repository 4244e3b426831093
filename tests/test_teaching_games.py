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
    label: The record
    description: The documented course, for the tests.
    choices: {proposal: iapc, terms: public_elections}
    provenance:
      proposal:
        basis: documented
        citations:
          - {doc: d421, quote: "it would be within the terms of reference of the Inter-American Peace Committee (IAPC)"}
      terms:
        basis: documented
        citations:
          - {doc: d421, quote: "reaffirm, publicly and with emphasis, its intention to hold free elections"}
"""
SEEDS_TRIED = 500


def _played(sc: CompiledScenario, moves: list[str], seed: int, perspective: str | None) -> Game:
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
    return game


def play(sc: CompiledScenario, moves: list[str], seed: int | None = None, player: str | None = None,
         extra: dict[int, dict] | None = None, perspective: str | None = None) -> Replay:
    """Play the listed options and outcomes in order; chance not listed is drawn. With no seed given, the first
    seed whose draws give every listed outcome is used, so they are drawn, not forced (seed 0, forcing them,
    if none does); with a seed, a listed outcome the seed does not draw is forced."""
    if seed is None:
        for tried in range(SEEDS_TRIED):
            game = _played(sc, moves, tried, perspective)
            if not any(s.forced for s in game.history()):
                return from_game(game, player=player, extra=extra)
        seed = 0
    return from_game(_played(sc, moves, seed, perspective), player=player, extra=extra)


def historical_scenario(folder: Path, with_replay: bool = True, outcomes: str = "") -> CompiledScenario:
    """The example with a 'historical' line (fixing `outcomes`, a YAML line, where given), its quiet ending marked
    historical, and (optionally) the historical replay in replays/historical.json beside it."""
    text = example_text().replace("    epilogue: The model projects that a quiet OAS forum",
                                  "    historical: true\n    play_title: A quiet forum\n"
                                  "    epilogue: The record shows that a quiet OAS forum")
    line = HISTORICAL_LINE
    if outcomes:
        line = line.replace("    provenance:\n", outcomes + "    provenance:\n      votes: {basis: inferred, "
                            "note: read from the memo, citations: [{doc: d421, quote: the necessary eleven votes}]}\n")
    text += line
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "scenario.yaml"
    path.write_text(text)
    sc = load_scenario(path)
    if with_replay:
        save(play(sc, ["iapc", "public_elections"], player="history"), folder / "replays" / "historical.json")
    return sc


def test_play_draws_listed_outcomes_with_a_seed_that_gives_them(example):
    for outcome in ("short", "called"):
        replay = play(example, ["mfm", outcome, "resume_now"])
        assert [(s.node, s.choice) for s in replay.steps] == [("proposal", "mfm"), ("votes", outcome),
                                                              ("terms", "resume_now")]
        assert replay.final is not None and replay.final.node == "lapse_end"
        assert not any(s.forced for s in replay.steps)


def test_play_with_a_seed_forces_what_the_seed_does_not_draw(example):
    drawn = play(example, ["mfm"], seed=0).steps[1].choice
    other = "short" if drawn == "called" else "called"
    replay = play(example, ["mfm", other, "resume_now"], seed=0)
    assert replay.steps[1].choice == other and replay.steps[1].forced


def test_historical_scenario_has_line_ending_and_replay(tmp_path):
    sc = historical_scenario(tmp_path)
    assert "historical" in sc.model.lines and sc.node("quiet_end").model.historical
    assert (tmp_path / "replays" / "historical.json").is_file()
