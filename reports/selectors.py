"""Reads for reports: which reports a person may see, and everything a report shows.

Every figure comes from the gap engine (insights), so the PDF agrees with the dashboards.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from common import roles
from insights import gaps
from reports.models import Report

if TYPE_CHECKING:
    from assessments.models import Cycle
    from people.models import User

Progress = Callable[[int, str], None]

# Heatmap shading by share at target: the further from target, the darker. Cells always show
# their number too, so the shade never carries meaning alone.
HEAT_BANDS = [(80, 0), (60, 1), (40, 2), (20, 3)]
HEAT_LEGEND = [
    ("0", "80% or more at target"),
    ("1", "60% to 79%"),
    ("2", "40% to 59%"),
    ("3", "20% to 39%"),
    ("4", "under 20%"),
]
MOVEMENTS = 6
CHART_WIDTH = 440
CHART_LABEL_WIDTH = 200
CHART_BAR_SPACE = 160
CHART_ROW_HEIGHT = 20


def reports_for(user: User) -> QuerySet[Report]:
    if not roles.can_see_organisation(user):
        return Report.objects.none()
    return Report.objects.select_related("cycle", "directorate", "requested_by")


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
    label: str
    text: str
    y: int
    width: float  # 0 when there is no bar to draw (suppressed or no responses)


@dataclass(frozen=True)
class BarChart:
    key: str  # unique in the report: ids for the chart's title and description
    title: str
    description: str
    bars: list[Bar]
    width: int = CHART_WIDTH
    label_width: int = CHART_LABEL_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * CHART_ROW_HEIGHT + 24

    @property
    def axis_y(self) -> int:
        return len(self.bars) * CHART_ROW_HEIGHT + 4

    @property
    def axis_end(self) -> int:
        return self.label_width + CHART_BAR_SPACE


def bar_chart(*, key: str, title: str, rows: list[tuple[str, float | None, str]]) -> BarChart:
    """A horizontal bar chart on a 0-100 scale; each row is (label, value or None, text)."""
    bars = [
        Bar(
            label=label,
            text=text,
            y=index * CHART_ROW_HEIGHT,
            width=round(CHART_BAR_SPACE * min(max(value or 0.0, 0.0), 100.0) / 100, 1),
        )
        for index, (label, value, text) in enumerate(rows)
    ]
    summary = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return BarChart(key=key, title=title, description=summary, bars=bars)


def share_chart(*, key: str, title: str, rows: list[tuple[str, gaps.Figure]]) -> BarChart:
    """Shares at target, 0 to 100%; suppressed figures get no bar and say why."""
    return bar_chart(
        key=key,
        title=title,
        rows=[(label, figure.value, figure.display(0, "%")) for label, figure in rows],
    )


def heat_band(figure: gaps.Figure) -> str:
    if not figure.available:
        return "suppressed" if figure.suppressed else "empty"
    for floor, band in HEAT_BANDS:
        if figure.value >= floor:
            return str(band)
    return "4"


def heatmap(*, cycle: Cycle, by: str, filters: gaps.Filters) -> dict[str, Any]:
    rows = gaps.group_area_figures(cycle=cycle, by=by, filters=filters)
    areas = [figure.area for figure in gaps.area_figures(cycle=cycle, filters=filters)]
    return {
        "by": "Directorate" if by == "directorate" else "Team",
        "areas": areas,
        "rows": [
            {
                "group": row,
                "cells": [
                    {
                        "text": row.areas[area.pk].share_at_target.display(0, "%"),
                        "band": heat_band(row.areas[area.pk].share_at_target),
                    }
                    for area in areas
                ],
            }
            for row in rows
        ],
        "legend": HEAT_LEGEND,
    }


def movements(skills: list[gaps.SkillFigure]) -> list[gaps.SkillFigure]:
    """The skills whose share at target moved most since the previous cycle, either way."""
    moved = [item for item in skills if item.change_share_at_target.available]
    moved.sort(key=lambda item: (-abs(item.change_share_at_target.value), item.skill.name))
    return [item for item in moved if item.change_share_at_target.value != 0][:MOVEMENTS]


def scope_figures(
    *,
    cycle: Cycle,
    filters: gaps.Filters,
    title: str,
    key: str,
    areas: list[gaps.AreaFigure] | None = None,
) -> dict[str, Any]:
    """Headline, area figures with their chart, and biggest gaps by tier for one scope.
    `areas` may come from a heatmap row already worked out for the same scope."""
    if areas is None:
        areas = gaps.area_figures(cycle=cycle, filters=filters)
    return {
        "headline": gaps.headline(cycle=cycle, filters=filters),
        "areas": areas,
        "area_chart": share_chart(
            key=key,
            title=f"{title}: share of people at or above target by capability area",
            rows=[(item.area.name, item.share_at_target) for item in areas],
        ),
        "gaps_by_tier": list(
            gaps.biggest_gaps_by_tier(cycle=cycle, filters=filters, limit=5).items()
        ),
    }


def directorate_pages(*, cycle: Cycle, heat: dict[str, Any]) -> list[dict[str, Any]]:
    pages = []
    for index, row in enumerate(heat["rows"], start=1):
        group = row["group"]
        filters = gaps.Filters(directorate_id=group.directorate_id)
        pages.append(
            {
                "name": group.label,
                **scope_figures(
                    cycle=cycle,
                    filters=filters,
                    title=group.label,
                    key=f"directorate-{index}",
                    areas=list(group.areas.values()),
                ),
            }
        )
    return pages


def okr_section(*, cycle: Cycle) -> dict[str, Any]:
    """The objectives of the cycle's own period if there is one (e.g. "2026 Q4"), else of the
    latest period, with a progress chart per objective."""
    from okrs import selectors as okr_selectors

    periods = okr_selectors.periods()
    period = cycle.name if cycle.name in periods else (periods[0] if periods else None)
    objectives = okr_selectors.objectives_with_progress(period) if period else []
    return {
        "period": period,
        "objectives": [
            {
                "objective": item,
                "chart": bar_chart(
                    key=f"objective-{index}",
                    title=f"Progress from baseline to target: {item.objective.title}",
                    rows=[
                        (
                            kr.key_result.title,
                            kr.progress,
                            "no figure" if kr.progress is None else f"{kr.progress}%",
                        )
                        for kr in item.key_results
                    ],
                ),
            }
            for index, item in enumerate(objectives, start=1)
        ],
    }


def roadmap_section(*, cycle: Cycle) -> dict[str, Any]:
    from roadmap import selectors as roadmap_selectors

    return {
        "horizons": roadmap_selectors.initiatives_by_horizon(),
        "unaddressed": roadmap_selectors.unaddressed_gaps(cycle, 10),
    }


def report_content(*, report: Report, progress: Progress | None = None) -> dict[str, Any]:
    """Everything the PDF shows, gathered in stages so the report's page can show progress."""

    def step(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    cycle = report.cycle
    organisation = report.directorate_id is None
    filters = gaps.Filters(directorate_id=report.directorate_id)
    scope = settings.ORGANISATION_NAME if organisation else report.directorate.name
    step(10, "Working out the headline figures")
    summary = scope_figures(cycle=cycle, filters=filters, title=scope, key="summary")
    step(25, "Finding the biggest movements since last quarter")
    skills = gaps.skill_figures(cycle=cycle, filters=filters)
    step(35, "Building the heatmap")
    heat = heatmap(cycle=cycle, by="directorate" if organisation else "team", filters=filters)
    step(45, "Summarising each directorate")
    pages = directorate_pages(cycle=cycle, heat=heat) if organisation else []
    step(55, "Collecting OKRs and the roadmap")
    context = {
        "report": report,
        "organisation_name": settings.ORGANISATION_NAME,
        "service_name": settings.SERVICE_NAME,
        "cycle": cycle,
        "scope": scope,
        "scope_label": report.scope_label,
        "is_organisation": organisation,
        "generated_on": timezone.localdate(),
        "threshold": settings.SMALL_GROUP_THRESHOLD,
        "suppressed_text": gaps.suppressed_text(),
        "levels": list(cycle.framework.levels.order_by("number")),
        "framework": cycle.framework,
        "summary": summary,
        "movements": movements(skills),
        "heatmap": heat,
        "directorate_pages": pages,
        "okrs": okr_section(cycle=cycle),
        "roadmap": roadmap_section(cycle=cycle),
    }
    step(65, "Writing the report")
    return context
