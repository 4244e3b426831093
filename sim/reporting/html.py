"""Render document blocks as one self-contained HTML file: inline CSS and SVG, no scripts, text escaped."""

from __future__ import annotations

from html import escape as _escape

from sim.reporting import svg
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

# No script may run even if some text slipped through unescaped; styles and images only inline.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
_LABELS = {"record": "From the record", "projection": "The model's projection"}
STYLE = """
body { font: 15px/1.5 Georgia, 'Times New Roman', serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem;
       color: #1b1b1b; background: #fdfcf8; }
h1, h2, h3 { font-family: 'Helvetica Neue', Arial, sans-serif; line-height: 1.2; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: 14px; }
th, td { border: 1px solid #ccc; padding: .2rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
blockquote { margin: .3rem 0 .8rem 1rem; padding-left: .8rem; border-left: 3px solid #a3a3a3; }
blockquote footer { font-size: 13px; color: #555; }
.label { font: bold 12px 'Helvetica Neue', Arial, sans-serif; padding: 1px 6px; border-radius: 3px; margin-right: .4rem; }
.record .label { background: #1b4332; color: #fff; }
.projection .label { background: #f4a259; color: #1b1b1b; }
figure { margin: 1rem 0; overflow-x: auto; }
figure svg { max-width: 100%; height: auto; }
table { display: block; overflow-x: auto; max-width: 100%; }
@media (max-width: 40rem) { body { margin: 1rem auto; font-size: 14px; } td, th { padding: .15rem .3rem; } }
code { font-size: 13px; background: #efefef; padding: 0 3px; }
"""


def escape(text: str) -> str:
    """Text safe inside HTML elements and attribute values."""
    return _escape(clean(text))


def inline(text: Inline) -> str:
    out = []
    for t, style in spans(text):
        e = escape(t)
        out.append({"b": f"<strong>{e}</strong>", "i": f"<em>{e}</em>", "code": f"<code>{e}</code>"}.get(style, e))
    return "".join(out)


def _items(items: list[Item]) -> str:
    out = []
    for item in items:
        inner = _items(item.children) if item.children else ""
        out.append(f"<li>{inline(item.text)}{inner}</li>")
    return "<ul>" + "".join(out) + "</ul>"


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.header)
    rows = []
    for r in t.rows:
        cells = "".join(f'<td class="n">{escape(str(c))}</td>' if i in t.numeric else f"<td>{escape(str(c))}</td>"
                        for i, c in enumerate(r))
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def block(b: Block) -> str:
    if isinstance(b, Heading):
        level = min(max(b.level, 1), 6)
        return f"<h{level}>{escape(b.text)}</h{level}>"
    if isinstance(b, Para):
        label = _LABELS.get(b.kind)
        if label:
            return f'<p class="{b.kind}"><span class="label">{label}</span>{inline(b.text)}</p>'
        return f"<p>{inline(b.text)}</p>"
    if isinstance(b, Quote):
        return f"<blockquote><p>“{escape(b.text)}”</p><footer>{escape(b.source)}</footer></blockquote>"
    if isinstance(b, Bullets):
        return _items(b.items)
    if isinstance(b, Table):
        return _table(b)
    if isinstance(b, BarChart):
        return f"<figure>{svg.bar_chart(b)}</figure>"
    if isinstance(b, Histogram):
        return f"<figure>{svg.histogram(b)}</figure>"
    raise TypeError(f"not a block: {b!r}")


def render(blocks: list[Block], title: str, refresh: int | None = None) -> str:
    """The blocks as a complete HTML page that needs nothing but a browser, offline (`refresh`: seconds after
    which the browser loads the page again)."""
    body = "\n".join(block(b) for b in blocks)
    again = f'<meta http-equiv="refresh" content="{int(refresh)}">' if refresh else ""
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">{again}'
            f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n")
