"""A player's rationale and probability forecasts for one decision, parsed from what they typed.

Nothing here imports Textual. Forecasts are checked with `sim.forecast.check_forecasts`, so the
messages the player sees are the ones `ForecastError` gives.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.forecast import ChanceEvent, ForecastError, check_forecasts, complete, split_key

RATIONALE_CHARS = 2000


@dataclass(frozen=True)
class Annotation:
    """What the player wrote for a decision: a rationale and forecasts keyed "chance_node.outcome"."""

    rationale: str | None = None
    forecasts: dict[str, float] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not self.rationale and not self.forecasts

    def extra(self) -> dict:
        """The fields of a replay step (`sim.replay.from_game`'s `extra`)."""
        return {"rationale": self.rationale, "forecasts": dict(self.forecasts)}

    @classmethod
    def from_extra(cls, data: dict) -> Annotation:
        return cls(data.get("rationale") or None, dict(data.get("forecasts") or {}))


def parse_probability(text: str, where: str) -> float | None:
    """A probability typed as 0.3 or 30%; None when blank. Raises ForecastError for anything else."""
    raw = text.strip()
    if not raw:
        return None
    percent = raw.endswith("%")
    try:
        value = float(raw.rstrip("%").strip())
    except ValueError:
        raise ForecastError(f"'{raw}' for {where} is not a number: write 0.3 or 30%") from None
    if value != value:
        raise ForecastError(f"'{raw}' for {where} is not a number: write 0.3 or 30%")
    if not percent and 1 < value <= 100:
        raise ForecastError(f"{raw} for {where}: a probability lies between 0 and 1 (for a percentage, write {raw}%)")
    return value / 100 if percent else value


def build(events: list[ChanceEvent], rationale: str, typed: dict[str, str]) -> Annotation:
    """An annotation from the rationale and the texts typed for each "node.outcome" key.

    Blank fields are left out; an event's missing outcomes share what is left of 1. Raises ForecastError, naming
    events by their titles."""
    labels = {e.key(o.id): f"“{o.label}” ({e.title})" for e in events for o in e.outcomes}
    given = {}
    for key, text in typed.items():
        p = parse_probability(text, labels.get(key, key))
        if p is not None:
            given[key] = p
    by_event: dict[str, dict[str, float]] = {}
    for key, p in given.items():
        node, outcome = split_key(key)
        by_event.setdefault(node, {})[outcome] = p
    for event in events:
        if event.node in by_event:
            complete([o.id for o in event.outcomes], by_event[event.node], event.title)
    words = " ".join(rationale.split())[:RATIONALE_CHARS] or None
    return Annotation(words, {k: round(p, 6) for k, p in check_forecasts(events, given).items()})
