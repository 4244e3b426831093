"""Exports of a scenario: Gambit's extensive-form game (.efg), and its decision graph as DOT or Mermaid."""

from __future__ import annotations

from fractions import Fraction

from sim.analysis.errors import AnalysisError
from sim.analysis.graph import DECISION, END, StateGraph, expand
from sim.analysis.policy import Weighting
from sim.analysis.solve import solve
from sim.model import ChanceNode, DecisionNode
from sim.runtime import CompiledScenario

FORMATS = ("efg", "dot", "mermaid")
TREE_LIMIT = 200_000


def _efg_string(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _decimal(x: float) -> str:
    text = f"{x:.10f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def exact_probabilities(probs: tuple[float, ...]) -> list[Fraction]:
    """Probabilities as rationals summing exactly to 1 (the last one takes the rounding)."""
    out = [Fraction(p).limit_denominator(10**9) for p in probs[:-1]]
    return out + [1 - sum(out, Fraction(0))]


def _rational(f: Fraction) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def tree_size(graph: StateGraph) -> int:
    """Nodes of the game tree the graph unfolds into (counted, not built)."""
    size = [0] * len(graph)
    for i in graph.order:
        size[i] = 1 + sum(size[c] for c in graph.children[i])
    return size[graph.root]


def to_efg(sc: CompiledScenario, weighting: Weighting, limit: int = TREE_LIMIT) -> str:
    """The scenario as a one-player game against chance, payoffs the weighted score under `weighting`."""
    graph = expand(sc)
    size = tree_size(graph)
    if size > limit:
        raise AnalysisError(f"the game tree would have {size:,} nodes, more than the limit of {limit:,}",
                            code="E001", hint="the .efg format spells out every path; use dot or mermaid instead")
    w = weighting.vector
    lines = [f"EFG 2 R {_efg_string(f'{sc.model.title} ({weighting.label})')} {{ {_efg_string(weighting.label)} }}",
             _efg_string(f"Payoffs: the weighted score under {weighting.label}, the model's projection. "
                         f"Scenario {sc.id} version {sc.model.version}."), ""]
    gains = [sum(a * b for a, b in zip(w, vec, strict=True)) for vec in graph.reward_table]
    infosets = outcomes = chances = 0
    frozen = sum(a * b for a, b in zip(w, graph.offset(sc.start, sc.initial), strict=True))
    stack = [(graph.root, frozen)]
    while stack:
        i, collected = stack.pop()
        kind, name = graph.kind[i], graph.node_id(i)
        if kind == END:
            outcomes += 1
            lines.append(f"t {_efg_string(name)} {outcomes} {_efg_string(name)} {{ {_decimal(collected)} }}")
        elif kind == DECISION:
            infosets += 1
            actions = " ".join(_efg_string(graph.move_id(i, k)) for k in range(len(graph.children[i])))
            lines.append(f"p {_efg_string(name)} 1 {infosets} {_efg_string(name)} {{ {actions} }} 0")
        else:
            chances += 1
            probs = exact_probabilities(graph.probs[i])
            actions = " ".join(f"{_efg_string(graph.move_id(i, k))} {_rational(p)}" for k, p in enumerate(probs))
            lines.append(f"c {_efg_string(name)} {chances} {_efg_string(name)} {{ {actions} }} 0")
        rewards = graph.rewards[i] or (0,) * len(graph.children[i])
        stack.extend(reversed([(c, collected + gains[r]) for c, r in zip(graph.children[i], rewards, strict=True)]))
    return "\n".join(lines) + "\n"


def _best_moves(sc: CompiledScenario, weighting: Weighting | None) -> set[tuple[int, int, int]]:
    """(node index, move index, next node index) of the steps play can take under best play from the start."""
    if weighting is None:
        return set()
    try:
        graph = expand(sc)
    except AnalysisError:
        return set()
    sol = solve(graph, weighting)
    out = set()
    for j in sol.reach(graph.root):
        if graph.kind[j] == END:
            continue
        taken = [sol.choice[j]] if graph.kind[j] == DECISION else range(len(graph.children[j]))
        out.update((graph.node[j], graph.moves[j][k], graph.node[graph.children[j][k]]) for k in taken)
    return out


def _edges(sc: CompiledScenario):
    """(from node, to node, label, move index) for every option or outcome and each of its routes."""
    for node in sc.nodes:
        model = node.model
        if not isinstance(model, (DecisionNode, ChanceNode)):
            continue
        for k, move in enumerate(node.moves):
            label = move.label
            if isinstance(model, ChanceNode):
                label += f" (p = {model.outcomes[move.id].probability})"
            routes = move.model.next
            if isinstance(routes, str):
                yield node.id, routes, label, k
                continue
            for r in routes:
                yield node.id, r.goto, label + (f" [if {r.when}]" if r.when is not None else ""), k


def _dot_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(sc: CompiledScenario, weighting: Weighting | None = None) -> str:
    """The decision graph for Graphviz; best play under `weighting` drawn in bold."""
    shapes = {"decision": "box", "chance": "ellipse", "end": "box"}
    best = _best_moves(sc, weighting)
    out = [f"digraph {_dot_string(sc.id)} {{", "  rankdir=LR;", '  node [fontname="Helvetica"];',
           '  edge [fontname="Helvetica", fontsize=10];',
           f"  label={_dot_string(sc.model.title + (f' (bold: best play under {weighting.label})' if best else ''))};"]
    for node in sc.nodes:
        style = ', style="rounded,filled", fillcolor="#eeeeee"' if node.kind == "end" else ""
        label = _dot_string((node.model.title or node.id) + "\n(" + node.id + ")")
        out.append(f"  {_dot_string(node.id)} [shape={shapes[node.kind]}{style}, label={label}];")
    for src, dst, label, k in _edges(sc):
        bold = ", penwidth=2.5" if (sc.node_index[src], k, sc.node_index[dst]) in best else ""
        out.append(f"  {_dot_string(src)} -> {_dot_string(dst)} [label={_dot_string(label)}{bold}];")
    return "\n".join(out + ["}"]) + "\n"


def _mermaid_string(text: str) -> str:
    escaped = text.replace("&", "#38;").replace('"', "#quot;").replace("|", "#124;").replace("\n", "<br>")
    return f'"{escaped}"'


def to_mermaid(sc: CompiledScenario, weighting: Weighting | None = None) -> str:
    """The decision graph as a Mermaid flowchart; best play under `weighting` drawn as thick links."""
    best = _best_moves(sc, weighting)
    shapes = {"decision": ("[", "]"), "chance": ("{{", "}}"), "end": ("([", "])")}
    out = ["flowchart LR"]
    if best:
        out.append(f"  %% thick links: best play under {' '.join(weighting.label.split())}")
    for node in sc.nodes:
        left, right = shapes[node.kind]
        out.append(f"  n_{node.id}{left}{_mermaid_string(node.model.title or node.id)}{right}")
    for src, dst, label, k in _edges(sc):
        arrow = "==>" if (sc.node_index[src], k, sc.node_index[dst]) in best else "-->"
        out.append(f"  n_{src} {arrow}|{_mermaid_string(label)}| n_{dst}")
    return "\n".join(out) + "\n"


def export(sc: CompiledScenario, fmt: str, weighting: Weighting) -> str:
    """The scenario in one of FORMATS."""
    if fmt == "efg":
        return to_efg(sc, weighting)
    if fmt == "dot":
        return to_dot(sc, weighting)
    if fmt == "mermaid":
        return to_mermaid(sc, weighting)
    raise AnalysisError(f"unknown export format '{fmt}'", code="A010", hint=f"formats: {', '.join(FORMATS)}")

