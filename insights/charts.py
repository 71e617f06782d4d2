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


# Line colours: distinct, and each line also has its own marker shape and a key, so colour is
# never the only way to tell lines apart (the table beside the chart has every value).
LINE_COLOURS = [
    "#1d70b8",
    "#d4351c",
    "#00703c",
    "#4c2c92",
    "#f47738",
    "#5694ca",
    "#912b88",
    "#28a197",
    "#85994b",
    "#505a5f",
]
MARKERS = ["circle", "square", "diamond", "triangle"]


@dataclass(frozen=True)
class Line:
    label: str
    values: list[float | None]  # one per point on the x axis; None: no figure there


def _marker(shape: str, x: float, y: float, colour: str) -> SafeString:
    if shape == "circle":
        return format_html('<circle cx="{}" cy="{}" r="3.5" fill="{}"></circle>', x, y, colour)
    if shape == "square":
        return format_html(
            '<rect x="{}" y="{}" width="7" height="7" fill="{}"></rect>', x - 3.5, y - 3.5, colour
        )
    if shape == "diamond":
        points = f"{x},{y - 4.5} {x + 4.5},{y} {x},{y + 4.5} {x - 4.5},{y}"
    else:
        points = f"{x},{y - 4.5} {x + 4.5},{y + 3.5} {x - 4.5},{y + 3.5}"
    return format_html('<polygon points="{}" fill="{}"></polygon>', points, colour)


def line_chart(
    *,
    chart_id: str,
    title: str,
    x_labels: list[str],
    lines: list[Line],
    width: int = 640,
    plot_height: int = 180,
    font_size: int = 14,
    maximum: float = 100,
    unit: str = "%",
) -> SafeString:
    """Lines over the x labels (cycles), 0 to `maximum` on the y axis, with a key below. A gap
    in a line where a point has no figure (suppressed or not assessed)."""
    # Room for the y axis labels (100%) on the left, and for half a cycle's name either side.
    left, right, top = font_size * 5, font_size * 3, font_size
    plot_width = width - left - right
    step = plot_width / max(len(x_labels) - 1, 1)
    key_rows = len(lines)
    axis_bottom = top + plot_height
    height = axis_bottom + font_size * 2 + key_rows * (font_size + 6) + 6

    def x_of(index: int) -> float:
        return round(left + (step * index if len(x_labels) > 1 else plot_width / 2), 1)

    def y_of(value: float) -> float:
        return round(axis_bottom - plot_height * min(max(value, 0), maximum) / maximum, 1)

    parts: list[SafeString] = []
    for tick in (0, maximum / 2, maximum):
        y = y_of(tick)
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="#b1b4b6" stroke-width="0.5"></line>'
                '<text x="{}" y="{}" text-anchor="end" font-size="{}" fill="{}">{}{}</text>',
                left,
                y,
                width - right,
                y,
                left - 4,
                y + font_size / 3,
                font_size,
                AXIS,
                f"{tick:.0f}",
                unit,
            )
        )
    for index, label in enumerate(x_labels):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="{}" fill="{}">{}</text>',
                x_of(index),
                axis_bottom + font_size + 4,
                font_size,
                TEXT,
                label,
            )
        )
    for number, line in enumerate(lines):
        colour = LINE_COLOURS[number % len(LINE_COLOURS)]
        shape = MARKERS[number % len(MARKERS)]
        runs: list[list[tuple[float, float]]] = [[]]
        for index, value in enumerate(line.values):
            if value is None:
                runs.append([])
                continue
            runs[-1].append((x_of(index), y_of(value)))
        for run in runs:
            if len(run) > 1:
                points = " ".join(f"{x},{y}" for x, y in run)
                parts.append(
                    format_html(
                        '<polyline points="{}" fill="none" stroke="{}" stroke-width="2">'
                        "</polyline>",
                        points,
                        colour,
                    )
                )
            for x, y in run:
                parts.append(_marker(shape, x, y, colour))
        key_y = axis_bottom + font_size * 2 + number * (font_size + 6) + font_size
        parts.append(_marker(shape, left + 4, key_y - font_size / 3, colour))
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-size="{}" fill="{}">{}</text>',
                left + 14,
                key_y,
                font_size,
                TEXT,
                line.label,
            )
        )
    return format_html(
        '<svg class="app-chart" xmlns="http://www.w3.org/2000/svg" role="img" '
        'aria-labelledby="{}" width="{}" height="{}" viewBox="0 0 {} {}">'
        '<title id="{}">{}</title>{}</svg>',
        f"{chart_id}-title",
        width,
        height,
        width,
        height,
        f"{chart_id}-title",
        title,
        SafeString("".join(parts)),
    )
