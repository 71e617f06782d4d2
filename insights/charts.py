"""Inline SVG charts built on the server: no JavaScript, so the same markup goes into the PDF.

Every chart has a <title> (read out by screen readers and used as alt text in the tagged PDF)
and is always shown beside a table with the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

BAR_FILL = "#1d70b8"
AXIS = "#505a5f"
TEXT = "#0b0c0c"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    value_text: str


def bar_chart(
    *,
    chart_id: str,
    title: str,
    bars: list[Bar],
    width: int = 560,
    bar_height: int = 28,
    label_width: int = 150,
    maximum: float | None = None,
) -> SafeString:
    """A horizontal bar chart: one bar per label, its value written at the end of the bar.
    Bars are scaled to `maximum` (e.g. 100 for percentages), else to the largest value."""
    gap, top = 10, 10
    plot_width = width - label_width - 60
    largest = maximum or max((bar.value for bar in bars), default=0) or 1
    height = top * 2 + len(bars) * (bar_height + gap)
    rows = []
    for index, bar in enumerate(bars):
        y = top + index * (bar_height + gap)
        length = round(plot_width * bar.value / largest)
        rows.append(
            (
                label_width - 8,
                y + bar_height / 2 + 5,
                bar.label,
                label_width,
                y,
                length,
                bar_height,
                label_width + length + 6,
                y + bar_height / 2 + 5,
                bar.value_text,
            )
        )
    body = format_html_join(
        "",
        '<text x="{}" y="{}" text-anchor="end" font-size="14" fill="' + TEXT + '">{}</text>'
        '<rect x="{}" y="{}" width="{}" height="{}" fill="' + BAR_FILL + '"></rect>'
        '<text x="{}" y="{}" font-size="14" fill="' + TEXT + '">{}</text>',
        rows,
    )
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="{}" width="{}" height="{}" viewBox="0 0 {} {}">'
        '<title id="{}">{}</title>'
        '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"></line>{}</svg>',
        f"{chart_id}-title",
        width,
        height,
        width,
        height,
        f"{chart_id}-title",
        title,
        label_width,
        top - 4,
        label_width,
        height - top + 4,
        AXIS,
        body,
    )
