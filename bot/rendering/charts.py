"""Hand-written SVG charts for the reports (no plotting library): a bar chart and a radar chart of ratios.

Both return `Markup` to embed inline in an HTML template; every label is escaped here.  Coordinates are in
points-like user units; WeasyPrint draws SVG text with the report's fonts (the CJK @font-face included).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: ReportCJK when pdf.py embeds a font file; otherwise the system family pdf.py uses by name
FONT = "ReportCJK, 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
BAR = "#2f6db5"
GRID = "#c8cdd4"
TEXT = "#222"


@dataclass(frozen=True)
class Bar:
    label: str
    #: 0..1 share of the maximum
    ratio: float
    #: printed at the end of the bar, e.g. "10.75 / 25.00"
    value: str


def _clamp(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def _f(x: float) -> str:
    return f"{x:.1f}"


def text_width(text: str, size: float = 9) -> float:
    """An estimate of a label's width: CJK characters are one em wide, others about half."""
    return sum(size if ord(ch) >= 0x2E80 else size * 0.58 for ch in text)


def bar_chart(bars: Sequence[Bar], *, width: float = 300, title: str = "") -> Markup:
    """Horizontal bars, one per entry, on a 0–100 % scale with grid lines every 25 %."""
    label_w = max(40.0, max((text_width(b.label) for b in bars), default=0.0) + 6)
    value_w, row_h, top = 74.0, 24.0, 22.0 if title else 6.0
    plot_w = width - label_w - value_w
    height = top + row_h * len(bars) + 16
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_f(width)}" height="{_f(height)}" '
           f'viewBox="0 0 {_f(width)} {_f(height)}" font-family="{FONT}" font-size="9">']
    if title:
        out.append(f'<text x="0" y="12" font-size="10" fill="{TEXT}">{escape(title)}</text>')
    bottom = top + row_h * len(bars)
    for step in range(5):
        x = label_w + plot_w * step / 4
        out.append(f'<line x1="{_f(x)}" y1="{_f(top)}" x2="{_f(x)}" y2="{_f(bottom)}" stroke="{GRID}" '
                   f'stroke-width="0.5"/>')
        out.append(f'<text x="{_f(x)}" y="{_f(bottom + 11)}" text-anchor="middle" font-size="7" '
                   f'fill="{TEXT}">{step * 25}%</text>')
    for n, bar in enumerate(bars):
        y = top + row_h * n
        w = plot_w * _clamp(bar.ratio)
        out.append(f'<text x="{_f(label_w - 4)}" y="{_f(y + row_h / 2 + 3)}" text-anchor="end" '
                   f'fill="{TEXT}">{escape(bar.label)}</text>')
        out.append(f'<rect x="{_f(label_w)}" y="{_f(y + 5)}" width="{_f(w)}" height="{_f(row_h - 10)}" '
                   f'fill="{BAR}"/>')
        out.append(f'<text x="{_f(label_w + plot_w + 4)}" y="{_f(y + row_h / 2 + 3)}" '
                   f'fill="{TEXT}">{escape(bar.value)}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def radar_chart(bars: Sequence[Bar], *, size: float = 200, title: str = "") -> Markup:
    """A radar (spider) chart of the ratios: one axis per entry, rings at 25/50/75/100 %."""
    n = max(len(bars), 3)
    top = 16.0 if title else 0.0
    pad = max(44.0, max((text_width(b.label) for b in bars), default=0.0) - 8)  # room for the side labels
    width = size + 2 * pad
    cx, cy, r = width / 2, top + size / 2, size / 2 - 30

    def point(i: int, ratio: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * ratio * math.cos(angle), cy + r * ratio * math.sin(angle)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" width="{_f(width)}" height="{_f(size + top)}" '
           f'viewBox="0 0 {_f(width)} {_f(size + top)}" font-family="{FONT}" font-size="9">']
    if title:
        out.append(f'<text x="{_f(cx)}" y="11" text-anchor="middle" font-size="10" fill="{TEXT}">'
                   f"{escape(title)}</text>")
    for ring in (0.25, 0.5, 0.75, 1.0):
        pts = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, ring) for i in range(n)))
        out.append(f'<polygon points="{pts}" fill="none" stroke="{GRID}" stroke-width="0.5"/>')
    for i in range(n):
        x, y = point(i, 1.0)
        out.append(f'<line x1="{_f(cx)}" y1="{_f(cy)}" x2="{_f(x)}" y2="{_f(y)}" stroke="{GRID}" '
                   f'stroke-width="0.5"/>')
    shape = " ".join(f"{_f(x)},{_f(y)}" for x, y in (point(i, _clamp(b.ratio)) for i, b in enumerate(bars)))
    out.append(f'<polygon points="{shape}" fill="{BAR}" fill-opacity="0.35" stroke="{BAR}" stroke-width="1.2"/>')
    for i, bar in enumerate(bars):
        lx, ly = point(i, 1.12)
        anchor = "middle" if abs(lx - cx) < 1 else ("start" if lx > cx else "end")
        out.append(f'<text x="{_f(lx)}" y="{_f(ly + 3)}" text-anchor="{anchor}" fill="{TEXT}">'
                   f"{escape(bar.label)}</text>")
        out.append(f'<text x="{_f(lx)}" y="{_f(ly + 13)}" text-anchor="{anchor}" font-size="7" fill="{TEXT}">'
                   f"{round(_clamp(bar.ratio) * 100)}%</text>")
    out.append("</svg>")
    return Markup("".join(out))
