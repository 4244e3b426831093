"""Render document blocks as Markdown, escaping all text (it may come from students)."""

from __future__ import annotations

import re

from sim.reporting.blocks import (
    BarChart,
    Block,
    Bullets,
    Heading,
    Histogram,
    Inline,
    Item,
    Para,
    Quote,
    Table,
    clean,
    spans,
)

_SPECIAL = re.compile(r"([\\`*\[\]|~])|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_LINE_START = re.compile(r"^(\s*)(?:(#{1,6}(?=\s|$)|[>+=-])|(\d+)([.)])(?=\s|$))")
_LABELS = {"record": "From the record. ", "projection": "The model's projection. "}
BAR_WIDTH = 30


def escape(text: str, start: bool = True) -> str:
    """Text safe inside Markdown: no HTML, no emphasis, links or table breaks; one line. `start` is false
    where the text cannot open a block (inside a table cell)."""
    text = clean(text)
    edges = (" " if text[:1].isspace() else "", " " if text[-1:].isspace() else "")
    text = edges[0] + _ENTITY.sub("&amp;", " ".join(text.split())).replace("<", "&lt;") + edges[1]
    text = _SPECIAL.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START.sub(_line_start, text) if start else text


def _line_start(m: re.Match) -> str:
    """Escape what would open a heading, quote, list or setext underline at the start of a line."""
    space, mark, digits, dot = m.groups()
    return space + ("\\" + mark if mark else digits + "\\" + dot)


def inline(text: Inline) -> str:
    out = []
    for t, style in spans(text):
        if not t:
            continue
        e = escape(t, start=not out)
        lead, core, trail = e[: len(e) - len(e.lstrip())], e.strip(), e[len(e.rstrip()):]
        if style == "b" and core:
            out.append(f"{lead}**{core}**{trail}")
        elif style == "i" and core:
            out.append(f"{lead}*{core}*{trail}")
        elif style == "code":
            out.append("`" + t.replace("`", "'") + "`")
        else:
            out.append(e)
    return "".join(out)


def _items(items: list[Item], depth: int) -> list[str]:
    out = []
    for item in items:
        out.append("  " * depth + "- " + inline(item.text))
        out.extend(_items(item.children, depth + 1))
    return out


def _bar(value: float, scale: float) -> str:
    n = round(BAR_WIDTH * value / scale) if scale > 0 else 0
    return "█" * max(0, min(BAR_WIDTH, n))


def _chart(c: BarChart) -> list[str]:
    scale = c.scale if c.scale is not None else max((b.value for b in c.bars), default=0)
    rows = [[b.label + (" ◀" if b.highlight else ""), f"{b.value:g}{c.unit}", _bar(b.value, scale), b.note]
            for b in c.bars]
    return [f"*{escape(c.title)}*", "", *_table(Table(["", "", "", ""], rows, {1}))]


def _histogram(h: Histogram) -> list[str]:
    width = (h.high - h.low) / len(h.counts)
    top = max(h.counts, default=0)
    rows = []
    for k, n in enumerate(h.counts):
        lo, hi = h.low + k * width, h.low + (k + 1) * width
        mark = h.mark is not None and (lo <= h.mark < hi or (k == len(h.counts) - 1 and h.mark == hi))
        label = f"{lo:g}–{hi:g}{h.unit}" + (f" ◀ {h.mark_label}" if mark and h.mark_label else "")
        rows.append([label, f"{n:.3g}", _bar(n, top)])
    return [f"*{escape(h.title)}*", "", *_table(Table(["range", "", ""], rows, {1}))]


def _table(t: Table) -> list[str]:
    def row(cells: list[str]) -> str:
        return "| " + " | ".join(escape(str(c), start=False) for c in cells) + " |"

    rule = "| " + " | ".join("---:" if i in t.numeric else "---" for i in range(len(t.header))) + " |"
    return [row(t.header), rule, *(row(r) for r in t.rows)]


def block(b: Block) -> list[str]:
    if isinstance(b, Heading):
        return ["#" * b.level + " " + escape(b.text)]
    if isinstance(b, Para):
        label = _LABELS.get(b.kind)
        return [(f"**{label.strip()}** " if label else "") + inline(b.text)]
    if isinstance(b, Quote):
        return [f"> “{escape(b.text)}”", f"> — {escape(b.source)}"]
    if isinstance(b, Bullets):
        return _items(b.items, 0)
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, BarChart):
        return _chart(b)
    if isinstance(b, Histogram):
        return _histogram(b)
    raise TypeError(f"not a block: {b!r}")


def render(blocks: list[Block]) -> str:
    """The blocks as one Markdown document."""
    return "\n\n".join("\n".join(block(b)) for b in blocks) + "\n"
