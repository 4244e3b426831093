"""The debrief of one game: the path beside the reference lines, scores, what moved them, history, luck, forecasts.

`build_debrief(sc, replay_or_game)` gathers every part into a `Debrief`; `render_markdown` and
`render_html` turn it into a document. Facts come from the scenario's cited documents; every
figure about what could have happened is the model's projection, and the output says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.analysis.errors import AnalysisError
from sim.analysis.policy import perspective_weighting
from sim.diagnostics import Diagnostic, SimError
from sim.dossier import Moment, moment_of
from sim.engine import Game
from sim.forecast import ForecastSummary, score_played
from sim.replay import Replay, from_game
from sim.reporting import html, markdown
from sim.reporting.attribution import Attribution, attribute
from sim.reporting.debrief_blocks import blocks
from sim.reporting.history import (
    DocumentRef,
    Ending,
    History,
    PathStep,
    ending,
    historical_game,
    history,
    path_step,
    unlocked,
)
from sim.reporting.lines import LineComparison, compare
from sim.reporting.luck import BEST_LIMIT, POSITION_LIMIT, LineEvaluator
from sim.reporting.played import Played, played
from sim.reporting.trace import ObjectiveTrace, objective_traces
from sim.runtime import CompiledScenario

CLOSE_TO_BEST = 1.0
LUCKY, UNLUCKY = 75.0, 25.0


@dataclass(frozen=True)
class Standing:
    """Final scores (0-100) by objective and weighted values by perspective, with their labels."""

    scores: dict[str, float]
    values: dict[str, float]
    objective_labels: dict[str, str]
    perspective_labels: dict[str, str]


@dataclass(frozen=True)
class Luck:
    """The player's outcome against the distribution their own choices would have given (the model's figures).

    `distribution` lists (value, probability) under the player's perspective; `percentile` places the
    actual value in it; `best_expected` is best play from the start (None if too large to compute, with
    `best_note` saying why); `assumed_best` names decision nodes where best play stood in for the player."""

    perspective: str
    actual: float
    expected: float
    percentile: float
    distribution: tuple[tuple[float, float], ...]
    best_expected: float | None
    best_note: str | None
    assumed_best: tuple[str, ...]
    verdict: str
    losses: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Debrief:
    """Everything a debrief shows. `ending`, `standing` and `luck` are None while the game is unfinished."""

    scenario: str
    title: str
    player: str | None
    perspective: str
    perspective_label: str
    seed: int
    finished: bool
    ending: Ending | None
    path: tuple[PathStep, ...]
    lines: tuple[LineComparison, ...]
    standing: Standing | None
    trace: tuple[ObjectiveTrace, ...]
    history: History
    unlocked: tuple[DocumentRef, ...]
    luck: Luck | None
    forecasts: ForecastSummary
    warnings: tuple[str, ...] = field(default_factory=tuple)
    line: str | None = None
    forced: tuple[int, ...] = ()
    attribution: Attribution | None = None


def _standing(sc: CompiledScenario, game: Played) -> Standing:
    scores = sc.scores(game.walk.final)
    model = sc.model
    return Standing(scores, {pid: sc.value(scores, pid) for pid in model.perspectives},
                    {k: o.label or k for k, o in model.objectives.items()},
                    {k: p.label or k for k, p in model.perspectives.items()})


def verdict(expected: float, best: float | None, percentile: float, single: bool,
            reference: tuple[str, float] | None = None, forced: tuple[str, ...] = ()) -> str:
    """Plain sentences separating judgment (expected value against best play, or failing that against the best
    reference line) from luck (the percentile of the actual outcome); no word of luck when the player chose
    `forced` chance outcomes instead of drawing them."""
    if best is None and reference is not None:
        label, value = reference
        judged = (f"Your choices were projected to give {expected:.1f} on average; the best of the reference "
                  f"lines, {label}, {value:.1f}.")
    elif best is None:
        judged = f"Your choices were projected to give {expected:.1f} on average."
    elif best - expected <= CLOSE_TO_BEST:
        judged = f"Your choices were projected to give {expected:.1f} on average, as good as best play ({best:.1f})."
    else:
        judged = (f"Your choices were projected to give {expected:.1f} on average, {best - expected:.1f} below "
                  f"best play ({best:.1f}).")
    if forced:
        return (f"{judged} Luck is not measured: you chose {plural_outcomes(len(forced))} yourself instead of "
                f"letting the seed draw {'it' if len(forced) == 1 else 'them'} ({', '.join(forced)}).")
    if single:
        return judged + " They left nothing to chance: only one outcome was possible."
    if percentile >= LUCKY:
        luck = f"Luck was with you: your outcome beat {percentile:.0f}% of what your choices could have given."
    elif percentile <= UNLUCKY:
        luck = f"Luck was against you: your outcome beat only {percentile:.0f}% of what your choices could have given."
    else:
        luck = f"Your outcome was about what your choices made likely (percentile {percentile:.0f})."
    return f"{judged} {luck}"


def plural_outcomes(n: int) -> str:
    return "a chance outcome" if n == 1 else f"{n} chance outcomes"


def _policy(sc: CompiledScenario, game: Played) -> tuple[dict[tuple, str], dict[str, str]]:
    at_position: dict[tuple, str] = {}
    at_node: dict[str, str] = {}
    for ps in game.steps:
        if ps.step.kind == "decision":
            at_position[(sc.node_index[ps.step.node], ps.walked.before)] = ps.step.choice
            at_node.setdefault(ps.step.node, ps.step.choice)
    return at_position, at_node


def _luck(sc: CompiledScenario, game: Played, evaluator: LineEvaluator, lines: tuple[LineComparison, ...],
          best_limit: int, warnings: list[str]) -> Luck | None:
    try:
        outlook = evaluator.outlook(*_policy(sc, game))
    except AnalysisError as exc:
        warnings.append(f"luck not computed: {exc}")
        return None
    best, note = None, None
    try:
        sol = evaluator.best_from_start(best_limit)
        best = sol.value[sol.graph.root]
    except AnalysisError as exc:
        note = str(exc)
    pid = game.perspective
    actual = sc.value(sc.scores(game.walk.final), pid)
    pct = outlook.percentile(round(actual, 9))
    single = len(outlook.distribution) == 1
    known = [(c.label, c.expected) for c in lines if c.expected is not None]
    reference = max(known, key=lambda kv: kv[1]) if known else None
    forced = tuple(f"step {ps.index}, {ps.step.label}" for ps in game.forced)
    losses: tuple[tuple[str, float], ...] = ()
    if best is not None:
        try:
            found = evaluator.losses(*_policy(sc, game))
            losses = tuple(sorted(((sc.node(n).model.title or n, v) for n, v in found.items() if v > 1e-9),
                                  key=lambda kv: -kv[1]))
        except AnalysisError as exc:
            warnings.append(f"expected losses by decision not computed: {exc}")
    return Luck(pid, actual, outlook.expected, pct, tuple(outlook.distribution.items()), best, note,
                tuple(outlook.assumed_best), verdict(outlook.expected, best, pct, single, reference, forced), losses)


def _lines(sc: CompiledScenario, game: Played, evaluator: LineEvaluator,
           warnings: list[str]) -> tuple[LineComparison, ...]:
    out = []
    for lid, line in sc.model.lines.items():
        try:
            expected = evaluator.outlook({}, dict(line.choices)).expected
        except AnalysisError as exc:
            expected = None
            warnings.append(f"expected value of the line '{lid}' not computed: {exc}")
        out.append(compare(sc, game.steps, lid, expected=expected))
    return tuple(out)


def build_debrief(sc: CompiledScenario, source: Replay | Game, *, extra: dict[int, dict] | None = None,
                  hidden_documents: set[str] | None = None, position_limit: int = POSITION_LIMIT,
                  best_limit: int = BEST_LIMIT, shown: str = "replay") -> Debrief:
    """Gather the debrief of a replay, or of a game's current line (with `extra` rationales and forecasts by
    step index, as for `sim.replay.from_game`). `hidden_documents` are those a class kept from the player.
    Best play from the start is solved only if the game has at most `best_limit` positions.
    Raises SimError if the replay does not apply to the scenario or does not verify."""
    replay = source if isinstance(source, Replay) else from_game(source, extra=extra)
    game = played(sc, replay)
    if not game.ok:
        raise SimError([Diagnostic("P002", f"replay does not verify: {game.walk.problem}", shown,
                                   hint="'sim replay FILE --verify' shows every step")])
    warnings = list(game.walk.warnings)
    reference, history_warnings = historical_game(sc)
    evaluator = LineEvaluator(sc, perspective_weighting(sc, game.perspective), position_limit)
    over = game.over
    current = sc.nodes[game.walk.end] if over else (sc.node(game.steps[-1].step.next_node) if game.steps
                                                    else sc.nodes[sc.start])
    lines = _lines(sc, game, evaluator, warnings)
    return Debrief(
        scenario=sc.id, title=sc.model.title, player=replay.player, perspective=game.perspective,
        perspective_label=sc.model.perspectives[game.perspective].label or game.perspective, seed=replay.seed,
        finished=over, ending=ending(sc, current.id) if over else None,
        path=tuple(path_step(sc, ps) for ps in game.steps),
        lines=lines,
        standing=_standing(sc, game) if over else None,
        trace=tuple(objective_traces(sc, game.steps)),
        history=history(sc, reference, history_warnings, game),
        unlocked=tuple(unlocked(sc, last_moment(sc, game, current), hidden_documents)),
        luck=_luck(sc, game, evaluator, lines, best_limit, warnings) if over else None,
        forecasts=score_played(sc, game),
        warnings=tuple(warnings),
        line=replay.line,
        forced=tuple(ps.index for ps in game.forced),
        attribution=_attribution(sc, game, warnings) if over else None,
    )


def _attribution(sc: CompiledScenario, game: Played, warnings: list[str]) -> Attribution | None:
    try:
        return attribute(sc, game, perspective_weighting(sc, game.perspective))
    except AnalysisError as exc:
        warnings.append(f"judgment and luck step by step not computed: {exc}")
        return None


def last_moment(sc: CompiledScenario, game: Played, current) -> Moment:
    """The dossier at the last point of the game (the conditions held along its path)."""
    states = [sc.initial] + [ps.walked.after for ps in game.steps]
    return moment_of(sc, current.model.date, states)


def render_markdown(debrief: Debrief) -> str:
    """The debrief as a Markdown document."""
    return markdown.render(blocks(debrief))


def render_html(debrief: Debrief) -> str:
    """The debrief as one self-contained HTML page."""
    return html.render(blocks(debrief), f"Debrief: {debrief.title}")
