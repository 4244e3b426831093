"""The moves of a state graph as flat arrays, and a copy of a graph numbered in layers.

Layers are half-open id ranges `(lo, hi)`, listed children first (see `graph`).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain, groupby

import numpy as np

from sim.analysis.graph import StateGraph


@dataclass
class EdgeArrays:
    """Every move of every position, flat: position i's moves are `start[i]:start[i + 1]`.

    `prob` is 0.0 at decisions and `reward` 0 where a position has no rewards. `node` (scenario node
    per position) and `move` (scenario move index per move) are optional: `move_ids` fills them."""

    start: np.ndarray
    child: np.ndarray
    prob: np.ndarray
    reward: np.ndarray
    degree: np.ndarray
    kind: np.ndarray
    node: np.ndarray | None = None
    move: np.ndarray | None = None


def edge_arrays(graph: StateGraph) -> EdgeArrays:
    """The graph's moves as arrays: `graph.arrays`, built from its lists (and kept there) if unset."""
    if graph.arrays is not None:
        return graph.arrays
    n = len(graph)
    children = graph.children
    degree = np.fromiter(map(len, children), dtype=np.int64, count=n)
    start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(degree, out=start[1:])
    m = int(start[-1])
    child = np.fromiter(chain.from_iterable(children), dtype=np.int64, count=m)
    prob = np.fromiter(chain.from_iterable(p or (0.0,) * len(c) for p, c in zip(graph.probs, children, strict=True)),
                       dtype=np.float64, count=m)
    reward = np.fromiter(chain.from_iterable(r or (0,) * len(c) for r, c in zip(graph.rewards, children, strict=True)),
                         dtype=np.int64, count=m)
    kind = np.fromiter(graph.kind, dtype=np.int8, count=n)
    graph.arrays = EdgeArrays(start, child, prob, reward, degree, kind)
    return graph.arrays


def move_ids(graph: StateGraph) -> tuple[np.ndarray, np.ndarray]:
    """Scenario node of every position and scenario move index of every move (kept on the arrays)."""
    arrays = edge_arrays(graph)
    if arrays.node is None:
        arrays.node = np.fromiter(graph.node, dtype=np.int64, count=len(graph))
    if arrays.move is None:
        arrays.move = np.fromiter(chain.from_iterable(graph.moves), dtype=np.int64, count=len(arrays.child))
    return arrays.node, arrays.move


def heights(graph: StateGraph) -> list[int]:
    """Longest number of moves from each position to an end."""
    height = [0] * len(graph)
    for i in graph.order:
        kids = graph.children[i]
        if kids:
            height[i] = 1 + max(height[c] for c in kids)
    return height


def layered(graph: StateGraph) -> StateGraph:
    """A copy of the graph renumbered by height (ends first), with a layer per height."""
    height = heights(graph)
    old_of = sorted(range(len(graph)), key=lambda i: (height[i], i))
    new_of = [0] * len(graph)
    for new, old in enumerate(old_of):
        new_of[old] = new
    layers, lo = [], 0
    for _, same in groupby(old_of, key=height.__getitem__):
        hi = lo + sum(1 for _ in same)
        layers.append((lo, hi))
        lo = hi
    node, state = [graph.node[i] for i in old_of], [graph.state[i] for i in old_of]
    return StateGraph(
        graph.scenario,
        node=node,
        state=state,
        kind=[graph.kind[i] for i in old_of],
        moves=[graph.moves[i] for i in old_of],
        children=[tuple(new_of[c] for c in graph.children[i]) for i in old_of],
        probs=[graph.probs[i] for i in old_of],
        rewards=[graph.rewards[i] for i in old_of],
        reward_table=graph.reward_table,
        index={key: new for new, key in enumerate(zip(node, state, strict=True))},
        root=new_of[graph.root],
        order=list(range(len(graph))),
        canon=graph.canon,
        frozen=graph.frozen,
        warnings=list(graph.warnings),
        layers=layers,
    )
