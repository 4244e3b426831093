"""The model's projections for the options of a decision, fetched from `sim.analysis` and cached.

Projections are computed in a worker thread by the play screen; this module has no Textual in it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.runtime import CompiledScenario

DEFAULT_POLICIES = ("best",)


class ProjectionsUnavailable(Exception):
    """The analysis cannot project this position (not installed, or the scenario is beyond it)."""


@dataclass(frozen=True)
class Key:
    """What a projection depends on."""

    node: int
    state: tuple
    perspective: str
    policy: str


@dataclass
class Projections:
    """The projections of every option at one position, ranked by projected value."""

    key: Key
    options: dict[str, object] = field(default_factory=dict)
    error: str | None = None

    def rank(self, option_id: str) -> int | None:
        """1 for the option with the best projected value among the open ones."""
        values = sorted({round(p.value, 9) for p in self.options.values() if p.legal}, reverse=True)
        p = self.options.get(option_id)
        if p is None or not p.legal:
            return None
        return values.index(round(p.value, 9)) + 1


def policies(scenario: CompiledScenario, offered: list[str] | None = None) -> tuple[str, ...]:
    """The continuation policies the analysis offers for a scenario (best play first); of its reference lines only
    those `offered` (the lines whose record is open at this point of play), all of them when None."""
    try:
        from sim.analysis.policy import policy_names
    except ImportError:
        return DEFAULT_POLICIES
    names = [p for p in policy_names(scenario) if offered is None or p not in scenario.model.lines or p in offered]
    return tuple(names) or DEFAULT_POLICIES


def compute(scenario: CompiledScenario, key: Key) -> Projections:
    """Project every option at a position; errors become a message, never an exception."""
    try:
        from sim.analysis import project_options
    except ImportError:
        return Projections(key, error="projections are not available: the analysis package is missing")
    try:
        found = project_options(scenario, key.node, key.state, key.perspective, policy=key.policy)
    except Exception as exc:  # noqa: BLE001 - any analysis failure is shown, never raised into the UI
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        return Projections(key, error=f"no projection here: {message}")
    return Projections(key, {p.option: p for p in found})


class ProjectionCache:
    """Projections already computed, by position, perspective and policy."""

    def __init__(self, limit: int = 512):
        self.limit = limit
        self._items: dict[Key, Projections] = {}

    def get(self, key: Key) -> Projections | None:
        return self._items.get(key)

    def put(self, found: Projections) -> None:
        if len(self._items) >= self.limit:
            self._items.pop(next(iter(self._items)))
        self._items[found.key] = found
