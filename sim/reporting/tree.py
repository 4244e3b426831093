"""The tree of a class's games: every distinct sequence of options and outcomes, with how many followed it."""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.reporting.played import Played
from sim.runtime import CompiledScenario


@dataclass
class ChoiceTree:
    """A point reached by `count` games; its children are keyed by (node id, option or outcome id)."""

    title: str = ""
    kind: str = ""
    label: str = ""
    count: int = 0
    stopped: int = 0
    children: dict[tuple[str, str], ChoiceTree] = field(default_factory=dict)


def grow(sc: CompiledScenario, games: list[Played]) -> ChoiceTree:
    """Merge the games' steps into one tree, shared prefixes counted once per game."""
    root = ChoiceTree(title=sc.nodes[sc.start].model.title or sc.nodes[sc.start].id)
    for g in games:
        here = root
        here.count += 1
        for ps in g.steps:
            key = (ps.step.node, ps.step.choice)
            child = here.children.get(key)
            if child is None:
                node = sc.node(ps.step.node)
                child = here.children[key] = ChoiceTree(node.model.title or node.id, ps.step.kind, ps.step.label)
            child.count += 1
            here = child
        here.stopped += 1
    return root
