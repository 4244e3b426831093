"""Synthetic scenarios of growing size, written as YAML so the real loader and compiler are used.

`lattice`: layers of a decision then a chance event; effects are clamped counters, so many paths
merge into few states (paths grow exponentially, distinct states only with layers x span^2).
`tree`: the same shape, but effects record the history, so no two paths share a state.
"""

from __future__ import annotations

from pathlib import Path

HEADER = """format: 1
id: synthetic
title: Synthetic benchmark scenario
version: "1"
start_date: 2000-01-01
variables:
{variables}
objectives:
  first: {{score: "{first}"}}
  second: {{score: "{second}"}}
  third: {{score: "50 if flag else 20"}}
perspectives:
  even: {{weights: {{first: 1, second: 1, third: 1}}}}
  first_heavy: {{weights: {{first: 5, second: 1}}}}
start: d0
nodes:
"""
ENDS = """  end_a: {type: end, date: 2000-02-01}
  end_b: {type: end, date: 2000-02-01}
  end_tie: {type: end, date: 2000-02-01}
"""


def lattice(layers: int, options: int, outcomes: int, span: int) -> str:
    """Counters a, b in 0..span raised by options and outcomes; option 1 toggles a flag; the last
    option is guarded. The final outcomes route to one of three endings by comparing a and b."""
    variables = (f"  a: {{type: int, min: 0, max: {span}, initial: 0}}\n"
                 f"  b: {{type: int, min: 0, max: {span}, initial: 0}}\n"
                 "  flag: {type: bool, initial: false}")
    out = [HEADER.format(variables=variables, first=f"100 * a / {span}", second=f"100 * b / {span}")]
    for n in range(layers):
        out.append(f"  d{n}:\n    type: decision\n    date: 2000-01-01\n    options:")
        for j in range(options):
            effects = [f'a: "min(a + {j}, {span})"'] + (['flag: "not flag"'] if j == 1 else [])
            guard = f'\n        guard: "a < {span}"' if j == options - 1 and j > 0 else ""
            out.append(f"      o{j}:{guard}\n        effects: {{{', '.join(effects)}}}\n        next: c{n}")
        out.append(f"  c{n}:\n    type: chance\n    date: 2000-01-01\n    outcomes:")
        nxt = f"d{n + 1}" if n + 1 < layers else \
            '[{when: "a > b", goto: end_a}, {when: "a == b", goto: end_tie}, {goto: end_b}]'
        for k in range(outcomes):
            out.append(f'      r{k}:\n        probability: "1 / {outcomes}"\n'
                       f'        effects: {{b: "min(b + {k}, {span})"}}\n        next: {nxt}')
    return "\n".join(out) + "\n" + ENDS


def tree(layers: int, options: int, outcomes: int) -> str:
    """Like `lattice`, but a history counter h = h * width + choice keeps every path's state distinct."""
    top = (options * outcomes) ** layers
    variables = (f"  h: {{type: int, min: 0, max: {top}, initial: 0}}\n"
                 "  flag: {type: bool, initial: false}")
    out = [HEADER.format(variables=variables, first=f"100 * h / {top}", second=f"100 - 100 * h / {top}")]
    for n in range(layers):
        out.append(f"  d{n}:\n    type: decision\n    date: 2000-01-01\n    options:")
        for j in range(options):
            out.append(f'      o{j}:\n        effects: {{h: "h * {options} + {j}"}}\n        next: c{n}')
        out.append(f"  c{n}:\n    type: chance\n    date: 2000-01-01\n    outcomes:")
        nxt = f"d{n + 1}" if n + 1 < layers else '[{when: "h % 3 == 0", goto: end_a}, {goto: end_b}]'
        for k in range(outcomes):
            out.append(f'      r{k}:\n        probability: "1 / {outcomes}"\n'
                       f'        effects: {{h: "h * {outcomes} + {k}"}}\n        next: {nxt}')
    return "\n".join(out) + "\n" + ENDS


def write(text: str, folder: Path, name: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path
