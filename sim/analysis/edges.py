"""The moves of a state graph as flat arrays (see `graph` for its layers)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

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
