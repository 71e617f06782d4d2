"""Reads for reports: which reports a person may see, and everything a report shows.

Every figure comes from the gap engine (insights), so the PDF agrees with the dashboards.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from common import roles
from insights import charts, gaps, heat
from reports.models import Report

if TYPE_CHECKING:
    from people.models import User

Progress = Callable[[int, str], None]

CHART_WIDTH = 660
CHART_LABEL_WIDTH = 300
CHART_BAR_SPACE = 260
CHART_LINE_HEIGHT = 13
CHART_ROW_PADDING = 8
# SVG units are CSS pixels: 11px is 8.25pt in the PDF, the smallest text it prints.
CHART_FONT_SIZE = 11
CHART_LABEL_CHARACTERS = 50  # Liberation Sans at 11px: about 50 characters in 300px


def reports_for(user: User) -> QuerySet[Report]:
    if not roles.can_see_organisation(user):
        return Report.objects.none()
    # The stored record is large and read only by a build and the writing page.
    return Report.objects.select_related("cycle", "directorate", "requested_by").defer("record")


def report_for_user(*, user: User, report_id: int) -> Report:
    """The report, if this person may see it; 404 otherwise."""
    try:
        return reports_for(user).get(pk=report_id)
    except Report.DoesNotExist as missing:
        raise Http404("No such report") from missing


def report_awaited_by(*, report: Report, user: User) -> bool:
    """Whether this person asked for the report's current build, and so will be emailed."""
    return (
        report.requested_by_id == user.pk
        or report.requests.filter(user=user, build=report.build).exists()
    )


# --- Report content ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    lines: list[str]  # the label, wrapped to fit beside the bar
    text: str
    y: int  # top of the row
    width: float  # 0 when there is no bar to draw (suppressed or no responses)

    @property
    def label(self) -> str:
        return " ".join(self.lines)

    @property
    def label_lines(self) -> list[tuple[str, int]]:
        """Each line of the label with its baseline."""
        return [
            (line, self.y + CHART_FONT_SIZE + index * CHART_LINE_HEIGHT)
            for index, line in enumerate(self.lines)
        ]

    @property
    def bar_y(self) -> int:
        return self.y + 3

    @property
    def text_y(self) -> int:
        return self.y + CHART_FONT_SIZE


@dataclass(frozen=True)
class BarChart:
    key: str  # unique in the report: ids for the chart's title and description
    title: str
    description: str
    bars: list[Bar]
    axis_y: int
    width: int = CHART_WIDTH
    label_width: int = CHART_LABEL_WIDTH
    font_size: int = CHART_FONT_SIZE

    @property
    def height(self) -> int:
        return self.axis_y + 20

    @property
    def axis_end(self) -> int:
        return self.label_width + CHART_BAR_SPACE


def _wrapped(label: str) -> list[str]:
    """The label on at most two lines beside its bar; a longer one ends in an ellipsis (the
    table beside the chart always has it in full)."""
    lines = textwrap.wrap(label, CHART_LABEL_CHARACTERS) or [""]
    if len(lines) > 2:
        lines = [
            lines[0],
            textwrap.shorten(" ".join(lines[1:]), CHART_LABEL_CHARACTERS, placeholder="…"),
        ]
    return lines


def bar_chart(*, key: str, title: str, rows: list[tuple[str, float | None, str]]) -> BarChart:
    """A horizontal bar chart on a 0-100 scale; each row is (label, value or None, text)."""
    bars = []
    y = 0
    for label, value, text in rows:
        lines = _wrapped(label)
        bars.append(
            Bar(
                lines=lines,
                text=text,
                y=y,
                width=round(CHART_BAR_SPACE * min(max(value or 0.0, 0.0), 100.0) / 100, 1),
            )
        )
        y += len(lines) * CHART_LINE_HEIGHT + CHART_ROW_PADDING
    summary = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return BarChart(key=key, title=title, description=summary, bars=bars, axis_y=y + 2)


def share_chart(*, key: str, title: str, rows: list[tuple[str, gaps.Figure]]) -> BarChart:
    """Shares at target, 0 to 100%; suppressed figures get no bar and say why."""
    return bar_chart(
        key=key,
        title=title,
        rows=[(label, figure.value, figure.display(0, "%")) for label, figure in rows],
    )


def _area_chart(*, key: str, title: str, areas: list[dict[str, Any]]) -> BarChart:
    return share_chart(
        key=key,
        title=f"{title}: share of ratings at or above target by capability area",
        rows=[(item["area"]["name"], item["share_at_target"]) for item in areas],
    )


def _okr_charts(okrs: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "objective": objective,
            "chart": bar_chart(
                key=f"objective-{index}",
                title=f"Progress from baseline to target: {objective['title']}",
                rows=[
                    (
                        kr["title"],
                        kr["progress"],
                        "no figure" if kr["progress"] is None else f"{kr['progress']}%",
                    )
                    for kr in objective["key_results"]
                ],
            ),
        }
        for index, objective in enumerate(okrs["objectives"], start=1)
    ]


def trend_chart(*, key: str, title: str, cycles: list[str], lines: list[dict[str, Any]]) -> str:
    return charts.line_chart(
        chart_id=key,
        title=title,
        x_labels=cycles,
        lines=[
            charts.Line(line["name"], [value.value for value in line["values"]]) for line in lines
        ],
        width=CHART_WIDTH,
        font_size=CHART_FONT_SIZE,
    )


def paragraphs(text: str) -> list[str]:
    """Plain paragraphs: separated by a blank line."""
    return [
        part.strip() for part in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if part.strip()
    ]


def drafted_key_messages(report: Report) -> list[str]:
    """The key messages drafted from the report's stored figures ([] before its first build)."""
    return list(report.record.get("key_messages", [])) if report.record else []


def report_content(*, report: Report, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the PDF shows: the stored record of the quarter (taken now if it has none
    that is still its quarter's, reports.record) and what the head of digital wrote."""
    from reports import record as records

    record = records.report_record(report=report, progress=progress)
    if progress:
        progress(65, "Writing the report")
    scope = record["scope"]
    summary = record["summary"]
    summary["area_chart"] = _area_chart(key="summary", title=scope, areas=summary["areas"])
    for index, page in enumerate(record["directorate_pages"], start=1):
        page["area_chart"] = _area_chart(
            key=f"directorate-{index}", title=page["name"], areas=page["areas"]
        )
    trends = record["trends"]
    if len(trends["cycles"]) > 1:
        span = f"{trends['cycles'][0]} to {trends['cycles'][-1]}"
        trends["area_chart"] = trend_chart(
            key="trend-areas",
            title=f"Share of ratings at or above target by capability area, {span}",
            cycles=trends["cycles"],
            lines=trends["areas"],
        )
        trends["tier_chart"] = trend_chart(
            key="trend-tiers",
            title=f"Share of ratings at or above target by tier, {span}",
            cycles=trends["cycles"],
            lines=trends["tiers"],
        )
    written = bool(report.key_messages.strip())
    return {
        "report": report,
        "record": record,
        "organisation_name": settings.ORGANISATION_NAME,
        "service_name": settings.SERVICE_NAME,
        "cycle": record["cycle"],
        "scope": scope,
        "scope_label": report.scope_label,
        "is_organisation": record["is_organisation"],
        "interim": record["interim"],
        "threshold": record["threshold"],
        "suppressed_text": record["suppressed_text"],
        "levels": record["levels"],
        "framework": record["framework"],
        "summary": summary,
        "movements": record["movements"],
        "heatmap": record["heatmap"],
        "heat_legend": heat.BAND_LABELS,
        "directorate_pages": record["directorate_pages"],
        "trends": trends,
        "okrs": {**record["okrs"], "charts": _okr_charts(record["okrs"])},
        "roadmap": record["roadmap"],
        "key_messages": paragraphs(report.key_messages) if written else record["key_messages"],
        "key_messages_written": written,
        "commentary": paragraphs(report.commentary),
        "decisions_sought": paragraphs(report.decisions_sought),
        "written_by": report.written_by if written or report.commentary else None,
        "written_at": report.written_at,
        "finalised_by": report.finalised_by if report.is_finalised else None,
        "finalised_at": report.finalised_at,
    }
