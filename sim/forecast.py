"""Probability forecasts of chance events: which events an option leads to, checking a forecast, Brier scores.

At a decision the player may forecast the outcomes of the chance events that the option leads
to before the next decision. The replay keeps them in the decision step's `forecasts`, keyed
"chance_node_id.outcome_id". Forecasts are scored when the event happens, with the Brier
score: the sum over the event's outcomes of (forecast - result)², where result is 1 for the
outcome that happened and 0 for the others; 0 is perfect, 2 the worst possible.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.engine import Game
from sim.reporting.played import Played, chances_at
from sim.runtime import CompiledScenario, EvaluationError

TOLERANCE = 0.01


class ForecastError(ValueError):
    """A forecast that cannot be used: unknown event or outcome, a number outside 0..1, a sum above 1."""


@dataclass(frozen=True)
class OutcomeOdds:
    id: str
    label: str
    probability: float


@dataclass(frozen=True)
class ChanceEvent:
    """A chance event an option can lead to: how likely it is to happen at all, and its outcomes' probabilities
    in the model (averaged over the states it may be reached in, given that it happens)."""

    node: str
    title: str
    prompt: str
    reach: float
    outcomes: tuple[OutcomeOdds, ...]

    def key(self, outcome: str) -> str:
        return forecast_key(self.node, outcome)


def forecast_key(node: str, outcome: str) -> str:
    return f"{node}.{outcome}"


def split_key(key: str) -> tuple[str, str]:
    node, _, outcome = key.partition(".")
    return node, outcome


def chance_events(sc: CompiledScenario, node: int, state: tuple, option: str) -> list[ChanceEvent]:
    """The chance events that taking `option` at decision (node, state) leads to before the next decision."""
    move = sc.nodes[node].move(option)
    if move is None:
        raise ForecastError(f"'{sc.nodes[node].id}' has no option '{option}'")
    try:
        s = move.apply(state)
        first = (move.next_node(s), s)
        edges: dict[tuple, list[tuple[float, tuple]]] = {}
        pending = [first]
        while pending:
            key = pending.pop()
            n, st = key
            if key in edges or sc.nodes[n].kind != "chance":
                continue
            edges[key] = []
            for m in sc.nodes[n].moves:
                p = float(m.probability(st))
                if p > 0:
                    s2 = m.apply(st)
                    child = (m.next_node(s2), s2)
                    edges[key].append((p, child))
                    pending.append(child)
    except (ArithmeticError, EvaluationError) as exc:
        raise ForecastError(f"the events after '{option}' cannot be worked out: {exc}") from None
    reach = _reach(first, edges)
    return _events(sc, reach)


def _reach(first: tuple, edges: dict) -> dict[tuple, float]:
    """Probability of arriving at each chance position, propagated in topological order."""
    indegree = {k: 0 for k in edges}
    for kids in edges.values():
        for _, c in kids:
            if c in indegree:
                indegree[c] += 1
    reach = {first: 1.0}
    order = [k for k, d in indegree.items() if d == 0]
    for k in order:
        for p, c in edges[k]:
            reach[c] = reach.get(c, 0.0) + reach.get(k, 0.0) * p
            if c in indegree:
                indegree[c] -= 1
                if indegree[c] == 0:
                    order.append(c)
    return {k: reach.get(k, 0.0) for k in order}


def _events(sc: CompiledScenario, reach: dict[tuple, float]) -> list[ChanceEvent]:
    total: dict[int, float] = {}
    mass: dict[int, dict[str, float]] = {}
    for (n, st), r in reach.items():
        total[n] = total.get(n, 0.0) + r
        acc = mass.setdefault(n, {})
        for oid, p in chances_at(sc, n, st).items():
            acc[oid] = acc.get(oid, 0.0) + r * p
    out = []
    for n in sorted(total, key=lambda i: (sc.nodes[i].model.date, -total[i], i)):
        node = sc.nodes[n]
        t = total[n] or 1.0
        odds = tuple(OutcomeOdds(m.id, m.label, mass[n].get(m.id, 0.0) / t) for m in node.moves)
        out.append(ChanceEvent(node.id, node.model.title or node.id, node.model.prompt, min(1.0, total[n]), odds))
    return out


def events_for(game: Game, option: str) -> list[ChanceEvent]:
    """The chance events an option of the game's current decision leads to."""
    return chance_events(game.scenario, game.position.node, game.position.state, option)


def complete(outcomes: list[str], given: dict[str, float], where: str = "") -> dict[str, float]:
    """A full forecast over an event's outcomes: outcomes not given share what is left of 1 equally.

    Raises ForecastError if a number lies outside 0..1, an outcome is unknown, or the numbers do not add up."""
    label = f" for '{where}'" if where else ""
    for oid, p in given.items():
        if oid not in outcomes:
            raise ForecastError(f"unknown outcome '{oid}'{label} (outcomes: {', '.join(outcomes)})")
        if not 0 <= p <= 1:
            raise ForecastError(f"a probability must lie between 0 and 1, not {p}{label}")
    total = sum(given.values())
    missing = [o for o in outcomes if o not in given]
    if total > 1 + TOLERANCE:
        raise ForecastError(f"the forecasts{label} add up to {total:.2f}; they must add up to 1")
    if not missing:
        if total < 1 - TOLERANCE:
            raise ForecastError(f"the forecasts{label} add up to {total:.2f}; they must add up to 1")
        return {o: given[o] / total for o in outcomes}
    rest = max(0.0, 1.0 - total) / len(missing)
    full = {o: given.get(o, rest) for o in outcomes}
    s = sum(full.values())
    return {o: p / s for o, p in full.items()} if s > 0 else full


def check_forecasts(events: list[ChanceEvent], forecasts: dict[str, float]) -> dict[str, float]:
    """Validate a decision's forecasts against the events its option leads to; return them completed.

    Events without any forecast stay unforecast; for a yes/no event, one number is enough."""
    by_node: dict[str, dict[str, float]] = {}
    known = {e.node: e for e in events}
    for key, p in forecasts.items():
        node, outcome = split_key(key)
        if node not in known:
            raise ForecastError(f"'{node}' is not a chance event this option leads to "
                                f"(events: {', '.join(known) or 'none'})")
        by_node.setdefault(node, {})[outcome] = float(p)
    out = {}
    for node, given in by_node.items():
        full = complete([o.id for o in known[node].outcomes], given, node)
        out.update({forecast_key(node, o): p for o, p in full.items()})
    return out


def brier(forecast: dict[str, float], happened: str) -> float:
    """Brier score of a forecast over an event's outcomes against the one that happened (0 best, 2 worst)."""
    return sum((p - (1.0 if o == happened else 0.0)) ** 2 for o, p in forecast.items())


def distance(forecast: dict[str, float], model: dict[str, float]) -> float:
    """How far a forecast lies from the model's probabilities, on the Brier scale (0 when they agree)."""
    return sum((forecast.get(o, 0.0) - p) ** 2 for o, p in model.items())


@dataclass(frozen=True)
class ForecastScore:
    """One forecast event that happened, scored against its outcome and beside the model's own forecast."""

    step: int
    decision: str
    option: str
    event: str
    title: str
    happened: str
    happened_label: str
    forecast: dict[str, float]
    model: dict[str, float]
    brier: float
    model_brier: float
    distance: float
    labels: dict[str, str] = field(default_factory=dict)


@dataclass
class ForecastSummary:
    """The scored forecasts of one game, those that could not be scored and why."""

    scores: list[ForecastScore] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)

    @property
    def mean(self) -> float | None:
        return sum(s.brier for s in self.scores) / len(self.scores) if self.scores else None

    @property
    def model_mean(self) -> float | None:
        return sum(s.model_brier for s in self.scores) / len(self.scores) if self.scores else None


def _odds_when_forecast(sc: CompiledScenario, ps) -> dict[str, dict[str, float]]:
    """The model's odds of each event's outcomes as the player saw them when forecasting: at the decision, given
    the option, before any of the draws that followed (the numbers the forecast dialog shows)."""
    try:
        events = chance_events(sc, sc.node_index[ps.step.node], ps.walked.before, ps.step.choice)
    except ForecastError:
        return {}
    return {e.node: {o.id: o.probability for o in e.outcomes} for e in events}


def score_played(sc: CompiledScenario, game: Played) -> ForecastSummary:
    """Score every forecast of a played game against the chance events that followed its decision; the model's
    own forecast beside it is the one it made with the same information (`_odds_when_forecast`)."""
    out = ForecastSummary()
    steps = game.steps
    for k, ps in enumerate(steps):
        if ps.step.kind != "decision" or not ps.recorded.forecasts:
            continue
        wanted: dict[str, dict[str, float]] = {}
        for key, p in ps.recorded.forecasts.items():
            node, outcome = split_key(key)
            wanted.setdefault(node, {})[outcome] = p
        odds_at_decision = _odds_when_forecast(sc, ps)
        followed = []
        for later in steps[k + 1:]:
            if later.step.kind == "decision":
                break
            followed.append(later)
        for node, given in wanted.items():
            event = next((f for f in followed if f.step.node == node), None)
            where = f"step {ps.index} ({ps.step.node}: {ps.step.choice}), {node}"
            if event is None:
                out.unscored.append(f"{where}: the event did not happen after this decision")
                continue
            model = odds_at_decision.get(node) or event.walked.chances or {}
            try:
                full = complete(list(model), given, node)
            except ForecastError as exc:
                out.unscored.append(f"{where}: {exc}")
                continue
            happened = event.step.choice
            out.scores.append(ForecastScore(
                step=ps.index, decision=ps.step.node, option=ps.step.choice, event=node,
                title=sc.node(node).model.title or node, happened=happened, happened_label=event.step.label,
                forecast=full, model=dict(model), brier=brier(full, happened), model_brier=brier(model, happened),
                distance=distance(full, model), labels={m.id: m.label or m.id for m in sc.node(node).moves}))
    return out
