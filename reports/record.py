"""A report's record of its quarter: every figure, OKR value and initiative the PDF shows, as
plain data stored with the report (Report.record).

It is taken once the cycle has closed, as at its close, and kept: building the report again
renders the same record, so the figures come out the same however much later it is built. While
the cycle is open each build takes a new one, as at that moment, marked interim. Figures come
from the gap engine (insights), so every one has passed the privacy rules; OKR values are the
cycle's own (a computed key result measured in the report's cycle, a manual one's last check-in
on or before the record's date), not today's.

Figures are stored as {"__figure__": [value, people, suppressed, protected]} and revived as
insights Figures, so the PDF prints them with the same rounding as every page.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from insights import gaps, heat, timeline
from reports import key_messages
from reports.models import Report

if TYPE_CHECKING:
    from collections.abc import Callable

    from assessments.models import Cycle

VERSION = 1
MOVEMENTS = 6
GAPS_PER_TIER = 5
UNADDRESSED = 10


# --- Plain data and back --------------------------------------------------------------------


def plain_figure(figure: gaps.Figure) -> dict[str, list[Any]]:
    return {"__figure__": [figure.value, figure.people, figure.suppressed, figure.protected]}


def revive(data: Any) -> Any:
    """The stored record with its figures as insights Figures again."""
    if isinstance(data, dict):
        if "__figure__" in data:
            value, people, suppressed, protected = data["__figure__"]
            return gaps.Figure(
                value=value, people=people, suppressed=suppressed, protected=protected
            )
        return {key: revive(value) for key, value in data.items()}
    if isinstance(data, list):
        return [revive(item) for item in data]
    return data


def _figures(item: Any) -> dict[str, Any]:
    """The fields every skill or area figure shows."""
    return {
        "people": item.people,
        "people_text": item.people_text,
        "suppressed": item.suppressed,
        "share_at_target": plain_figure(item.share_at_target),
        "mean_gap": plain_figure(item.mean_gap),
        "change_share_at_target": plain_figure(item.change_share_at_target),
        "change_mean_gap": plain_figure(item.change_mean_gap),
    }


def plain_skill(item: gaps.SkillFigure) -> dict[str, Any]:
    skill = item.skill
    return {
        "skill": {"name": skill.name, "slug": skill.slug, "area": {"name": skill.area.name}},
        **_figures(item),
    }


def plain_area(item: gaps.AreaFigure) -> dict[str, Any]:
    return {"area": {"name": item.area.name}, **_figures(item)}


def plain_headline(figures: dict[str, Any]) -> dict[str, Any]:
    keys = ("completion", "share_at_target", "mean_gap")
    return {
        "people": figures["people"],
        "submitted": figures["submitted"],
        **{key: plain_figure(figures[key]) for key in keys},
        **{f"change_{key}": plain_figure(figures[f"change_{key}"]) for key in keys},
    }


def plain_same_point(same_point: timeline.SamePoint | None) -> dict[str, Any] | None:
    if same_point is None:
        return None
    return {
        "days": same_point.days,
        "completion": plain_figure(same_point.completion),
        "change": plain_figure(same_point.change),
    }


def _date_text(day: date | datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = timezone.localtime(day).date()
    return f"{day.day} {day:%B %Y}"


# --- Sections ----------------------------------------------------------------------------


def _tier_empty_reason(*, cycle: Cycle, filters: gaps.Filters, tier_id: int) -> str:
    """Why a tier has no gaps to list: the one reason that applies."""
    tier_filters = gaps.Filters(directorate_id=filters.directorate_id, tier_id=tier_id)
    skills = [item for item in gaps.skill_figures(cycle=cycle, filters=tier_filters) if item.people]
    if not skills:
        return "Nobody in this tier was assessed in this cycle."
    shown = [item for item in skills if not item.suppressed]
    if not shown:
        return (
            f"Not shown: this tier's figures are over {gaps.suppressed_text()}, "
            "or would give away a small group's."
        )
    if len(shown) < len(skills):
        return (
            "Everyone is at or above target in every skill that can be shown; "
            f"{len(skills) - len(shown)} skills are not shown, with {gaps.suppressed_text()}."
        )
    return "No gaps: everyone in this tier is at or above target in every skill."


def gaps_by_tier(*, cycle: Cycle, filters: gaps.Filters) -> list[dict[str, Any]]:
    found = gaps.biggest_gaps_by_tier(cycle=cycle, filters=filters, limit=GAPS_PER_TIER)
    return [
        {
            "tier": {"name": tier.name},
            "items": [plain_skill(item) for item in items],
            "weights": [round(item.mean_gap.value * item.people) for item in items],
            "empty_reason": ""
            if items
            else _tier_empty_reason(cycle=cycle, filters=filters, tier_id=tier.pk),
        }
        for tier, items in found.items()
    ]


def scope_figures(
    *, cycle: Cycle, filters: gaps.Filters, areas: list[gaps.AreaFigure] | None = None
) -> dict[str, Any]:
    if areas is None:
        areas = gaps.area_figures(cycle=cycle, filters=filters)
    return {
        "headline": plain_headline(gaps.headline(cycle=cycle, filters=filters)),
        "areas": [plain_area(item) for item in areas],
        "gaps_by_tier": gaps_by_tier(cycle=cycle, filters=filters),
    }


def movements(skills: list[gaps.SkillFigure]) -> list[gaps.SkillFigure]:
    """The skills whose share at target moved most since the previous cycle, either way."""
    moved = [item for item in skills if item.change_share_at_target.available]
    moved = [item for item in moved if round(item.change_share_at_target.value) != 0]
    moved.sort(key=lambda item: (-abs(item.change_share_at_target.value), item.skill.name))
    return moved


def heatmap(*, cycle: Cycle, by: str, filters: gaps.Filters) -> tuple[dict[str, Any], list[Any]]:
    """The heatmap in the same measure as the dashboard's: mean gap in levels."""
    rows = gaps.group_area_figures(cycle=cycle, by=by, filters=filters)
    areas = [item.area for item in gaps.area_figures(cycle=cycle, filters=filters)]
    plain = {
        "by": "Directorate" if by == "directorate" else "Team",
        "measure": heat.MEASURE,
        "areas": [{"name": area.name} for area in areas],
        "rows": [
            {
                "group": {"label": row.label, "people_text": row.people_text},
                "cells": [
                    {
                        "text": row.areas[area.pk].mean_gap.display(2),
                        "band": heat.heat_band(row.areas[area.pk].mean_gap) or "empty",
                    }
                    for area in areas
                ],
            }
            for row in rows
        ],
    }
    return plain, rows


def okr_section(*, cycle: Cycle, as_at: datetime) -> dict[str, Any]:
    """The objectives of the cycle's own period if there is one (e.g. "2026 Q4"), else of the
    financial year it opened in (e.g. "2026-27"), else of the latest period before it (never a
    later one's; okrs.selectors.period_for), each key result as it stood at the
    record's time: a computed one measured in this cycle, a manual one at its last check-in on
    or before that day."""
    from okrs import selectors as okr_selectors
    from okrs.models import format_number, progress_percent

    period = okr_selectors.period_for(cycle=cycle)
    objectives = []
    for item in okr_selectors.objectives_with_progress(period) if period else []:
        key_results = []
        for progress in item.key_results:
            key_result = progress.key_result
            if key_result.is_computed:
                measured = okr_selectors.key_result_progress(key_result, cycle)
                current, progress_value = measured.current_display, measured.progress
                confidence, label = None, f"Computed ({cycle.name})"
            else:
                check_in = next(
                    (done for done in key_result.check_ins.all() if done.date <= as_at.date()),
                    None,
                )
                value = check_in.value if check_in else key_result.baseline
                current = format_number(value, key_result.unit)
                progress_value = progress_percent(
                    baseline=key_result.baseline, target=key_result.target, current=value
                )
                confidence = check_in.confidence if check_in else None
                label = check_in.get_confidence_display() if check_in else "No check-in yet"
                if check_in:
                    label += f" ({_date_text(check_in.date)})"
            key_results.append(
                {
                    "title": key_result.title,
                    "baseline": progress.baseline_display,
                    "current": current,
                    "target": progress.target_display,
                    "progress": progress_value,
                    "confidence": confidence,
                    "confidence_label": label,
                }
            )
        known = [kr["progress"] for kr in key_results if kr["progress"] is not None]
        objectives.append(
            {
                "title": item.objective.title,
                "owner": str(item.objective.owner) if item.objective.owner_id else "No owner",
                "progress": round(sum(known) / len(known)) if known else None,
                "key_results": key_results,
            }
        )
    return {"period": period, "objectives": objectives}


def _initiative(initiative: Any) -> dict[str, Any]:
    dates = ""
    if initiative.start_on:
        dates = f"{initiative.start_on:%b %Y}"
    if initiative.end_on:
        dates += f" to {initiative.end_on:%b %Y}"
    builds = [area.name for area in initiative.areas.all()]
    builds += [skill.name for skill in initiative.skills.all()]
    return {
        "title": initiative.title,
        "status": initiative.get_status_display(),
        "owner": str(initiative.owner) if initiative.owner_id else "No owner",
        "dates": dates.strip(),
        "builds": ", ".join(builds),
    }


def roadmap_section(*, cycle: Cycle) -> dict[str, Any]:
    from roadmap import selectors as roadmap_selectors

    return {
        "horizons": [
            {
                "label": column.label,
                "initiatives": [_initiative(item) for item in column.initiatives],
            }
            for column in roadmap_selectors.initiatives_by_horizon()
        ],
        "unaddressed": [
            plain_skill(item) for item in roadmap_selectors.unaddressed_gaps(cycle, UNADDRESSED)
        ],
    }


def trends_section(*, cycle: Cycle, filters: gaps.Filters) -> dict[str, Any]:
    found = timeline.trends(cycle=cycle, filters=filters)
    return {
        "cycles": [each.name for each in found.cycles],
        "areas": [
            {"name": line.name, "values": [plain_figure(value) for value in line.values]}
            for line in found.areas
        ],
        "tiers": [
            {"name": line.name, "values": [plain_figure(value) for value in line.values]}
            for line in found.tiers
        ],
    }


# --- Taking the record -----------------------------------------------------------------------


def take_record(
    *, report: Report, progress: Callable[[int, str], None] | None = None
) -> dict[str, Any]:
    """The record of the report's quarter, as at now (the cycle's close if it is closed)."""

    def step(percent: int, message: str) -> None:
        if progress:
            progress(percent, message)

    cycle = report.cycle
    now = timezone.now()
    interim = not cycle.is_closed
    as_at = timezone.localtime(cycle.closed_at if cycle.closed_at and not interim else now)
    organisation = report.directorate_id is None
    filters = gaps.Filters(directorate_id=report.directorate_id)
    with gaps.one_reading():
        step(10, "Working out the headline figures")
        summary = scope_figures(cycle=cycle, filters=filters)
        headline = gaps.headline(cycle=cycle, filters=filters)
        same_point = timeline.completion_at_same_point(cycle=cycle, filters=filters, now=now)
        step(25, "Finding the biggest movements since last quarter")
        skills = gaps.skill_figures(cycle=cycle, filters=filters)
        step(35, "Building the heatmap")
        heat_map, heat_rows = heatmap(
            cycle=cycle, by="directorate" if organisation else "team", filters=filters
        )
        step(40, "Summarising each directorate")
        pages = []
        if organisation:
            for row in heat_rows:
                within = gaps.Filters(directorate_id=row.directorate_id)
                pages.append(
                    {
                        "name": row.label,
                        **scope_figures(
                            cycle=cycle, filters=within, areas=list(row.areas.values())
                        ),
                        "same_point": plain_same_point(
                            timeline.completion_at_same_point(cycle=cycle, filters=within, now=now)
                        ),
                    }
                )
        step(50, "Following the trends")
        trends = trends_section(cycle=cycle, filters=filters)
        step(55, "Collecting OKRs and the roadmap")
        okrs = okr_section(cycle=cycle, as_at=as_at)
        roadmap = roadmap_section(cycle=cycle)
    record = {
        "version": VERSION,
        "taken_at": now.isoformat(),
        "interim": interim,
        "as_at_text": _date_text(as_at),
        "cycle": {
            "name": cycle.name,
            "opens_on": _date_text(cycle.opens_on),
            "closes_on": _date_text(cycle.closes_on),
            "closed_at": _date_text(cycle.closed_at) if not interim else "",
        },
        "scope": settings.ORGANISATION_NAME if organisation else report.directorate.name,
        "is_organisation": organisation,
        "framework": {"name": cycle.framework.name, "version": cycle.framework.version},
        "levels": [
            {"number": level.number, "name": level.name, "description": level.description}
            for level in cycle.framework.levels.order_by("number")
        ],
        "threshold": settings.SMALL_GROUP_THRESHOLD,
        "suppressed_text": gaps.suppressed_text(),
        "comparison": {
            "previous": headline["previous_cycle"].name if headline["previous_cycle"] else None,
            "same_point": plain_same_point(same_point),
        },
        "summary": summary,
        "movements": [plain_skill(item) for item in movements(skills)[:MOVEMENTS]],
        "heatmap": heat_map,
        "directorate_pages": pages,
        "trends": trends,
        "okrs": okrs,
        "roadmap": roadmap,
    }
    record["key_messages"] = key_messages.draft_key_messages(revive(record))
    return record


def report_record(
    *, report: Report, progress: Callable[[int, str], None] | None = None
) -> dict[str, Any]:
    """The report's stored record if it is still its closed quarter's, else a new one, stored
    with the report (an open cycle's is interim and taken again at every build)."""
    if report.record_is_final and report.record.get("version") == VERSION:
        return revive(report.record)
    record = take_record(report=report, progress=progress)
    cycle = report.cycle
    changes: dict[str, Any] = {}
    if report.record_taken_at and not report.record_interim and report.finalised_at:
        # The figures the final text spoke to have been taken again: it is a draft once more.
        changes = {"finalised_at": None, "finalised_by": None}
        report.finalised_at = report.finalised_by = None
    Report.objects.filter(pk=report.pk).update(
        record=record,
        record_taken_at=timezone.now(),  # the record's own "taken_at" says the same
        record_interim=record["interim"],
        record_cycle_closed_at=None if record["interim"] else cycle.closed_at,
        **changes,
    )
    report.record = record
    report.record_taken_at = timezone.now()
    report.record_interim = record["interim"]
    report.record_cycle_closed_at = None if record["interim"] else cycle.closed_at
    return revive(record)
