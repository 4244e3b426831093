"""Charts as inline SVG: no scripts, no external assets, every label escaped."""

from __future__ import annotations

from html import escape as _escape

from sim.reporting.blocks import BarChart, Histogram, clean

WIDTH = 640
ROW = 20
ACCENT = "#2f6690"
MARK = "#d1495b"
HIGHLIGHT = "#e07a1f"


def escape(text: str) -> str:
    return _escape(clean(text))


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12, weight: str = "normal") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'font-weight="{weight}">{escape(text)}</text>')


def _clip(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def bar_chart(c: BarChart) -> str:
    """One bar per row: its label (and note) above, the bar below with its value at the end."""
    scale = c.scale if c.scale is not None else max((b.value for b in c.bars), default=0)
    span = WIDTH - 80
    height = ROW * 2 * len(c.bars) + 28
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}"><title>{escape(c.title)}</title>',
             _text(0, 14, _clip(c.title, 100), weight="bold")]
    for k, b in enumerate(c.bars):
        y = 24 + k * ROW * 2
        w = max(span * b.value / scale if scale > 0 else 0, 0)
        label = f"{b.label} — {b.note}" if b.note else b.label
        parts.append(_text(0, y + 14, _clip(label, 100), weight="bold" if b.highlight else "normal"))
        parts.append(f'<rect x="0" y="{y + ROW}" width="{w:.1f}" height="{ROW - 8}" '
                     f'fill="{HIGHLIGHT if b.highlight else ACCENT}"/>')
        parts.append(_text(w + 4, y + ROW + 11, f"{b.value:g}{c.unit}"))
    parts.append("</svg>")
    return "".join(parts)


def histogram(h: Histogram) -> str:
    """Vertical bins over [low, high] with an axis and an optional marked value."""
    height, top, bottom, left = 200, 24, 36, 40
    plot_w, plot_h = WIDTH - left - 10, height - top - bottom
    n = len(h.counts)
    peak = max(h.counts, default=0) or 1
    bw = plot_w / n
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
             f'viewBox="0 0 {WIDTH} {height}"><title>{escape(h.title)}</title>',
             _text(0, 14, h.title, weight="bold")]
    for k, count in enumerate(h.counts):
        bh = plot_h * count / peak
        x = left + k * bw
        parts.append(f'<rect x="{x + 1:.1f}" y="{top + plot_h - bh:.1f}" width="{bw - 2:.1f}" '
                     f'height="{bh:.1f}" fill="{ACCENT}"><title>{escape(f"{count:.3g}")}</title></rect>')
        if count:
            parts.append(_text(x + bw / 2, top + plot_h - bh - 3, f"{count:.3g}", anchor="middle", size=10))
    base = top + plot_h
    parts.append(f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#333"/>')
    for k in range(n + 1):
        value = h.low + (h.high - h.low) * k / n
        parts.append(_text(left + k * bw, base + 14, f"{value:g}{h.unit}", anchor="middle", size=10))
    if h.mark is not None and h.high > h.low:
        x = left + plot_w * (h.mark - h.low) / (h.high - h.low)
        parts.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{base}" stroke="{MARK}" '
                     f'stroke-width="2" stroke-dasharray="4 3"/>')
        parts.append(_text(x, base + 28, f"{h.mark_label} {h.mark:.1f}".strip(), anchor="middle", size=11,
                           weight="bold"))
    parts.append("</svg>")
    return "".join(parts)
