"""Reads for the roadmap. The PDF report calls initiatives_by_horizon and unaddressed_gaps."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from assessments.models import Cycle
from capability.models import CapabilityArea, Skill
from development import figures as development_figures
from insights import gaps
from roadmap.models import Initiative, Milestone


@dataclass(frozen=True)
class HorizonColumn:
    """One column of the roadmap: key ("now"), label ("Now") and its initiatives in date order."""

    key: str
    label: str
    initiatives: list[Initiative]


def initiatives() -> QuerySet[Initiative]:
    """Every initiative with its owner, milestones, key results, skills and areas loaded."""
    return (
        Initiative.objects.select_related("owner")
        .prefetch_related(
            Prefetch("milestones", queryset=Milestone.objects.order_by("due_on", "id")),
            "key_results__objective",
            Prefetch("skills", queryset=Skill.objects.select_related("area")),
            Prefetch("areas", queryset=CapabilityArea.objects.all()),
        )
        .order_by("start_on", "title")
    )


def initiatives_by_horizon() -> list[HorizonColumn]:
    """Three columns, always in the order now, next, later (a column may be empty). Each
    initiative has .milestones, .key_results, .skills and .areas prefetched."""
    found = list(initiatives())
    return [
        HorizonColumn(
            key=key,
            label=label,
            initiatives=[item for item in found if item.horizon == key],
        )
        for key, label in Initiative.Horizon.choices
    ]


def addressed_slugs() -> tuple[set[str], set[str]]:
    """Slugs of the skills and of the areas that an active initiative is linked to.

    Matched by slug so that links made against one framework version still count when a cycle
    runs against the next.
    """
    active = Initiative.objects.active()
    skill_slugs = set(
        Skill.objects.filter(initiatives__in=active).values_list("slug", flat=True).distinct()
    )
    area_slugs = set(
        CapabilityArea.objects.filter(initiatives__in=active)
        .values_list("slug", flat=True)
        .distinct()
    )
    return skill_slugs, area_slugs


def unaddressed_gaps(cycle: Cycle, limit: int | None = 10) -> list[gaps.SkillFigure]:
    """The biggest skill gaps in `cycle` that no active (planned or in progress) initiative
    addresses, directly or through the skill's capability area.

    Returns the gap engine's SkillFigure objects (skill, people, share_at_target, mean_gap, ...)
    for the whole organisation, sorted by mean gap x people (the total number of levels short),
    largest first. Suppressed figures and skills with no gap are left out. At most `limit` items
    (all of them when limit is None).
    """
    skill_slugs, area_slugs = addressed_slugs()
    ranked = [
        item
        for item in gaps.skill_figures(cycle=cycle)
        if not item.suppressed
        and item.mean_gap.value is not None
        and item.mean_gap.value > 0
        and item.skill.slug not in skill_slugs
        and item.skill.area.slug not in area_slugs
    ]
    ranked.sort(key=lambda item: (-item.mean_gap.value * item.people, item.skill.name))
    return ranked if limit is None else ranked[:limit]


@dataclass(frozen=True)
class PlannedGap:
    skill: Skill
    plans: int


def planned_but_unsupported(cycle: Cycle) -> list[PlannedGap]:
    """Skills that many development plans sent in `cycle` focus on (at least the small-group
    threshold, so the count may be shown) and that no active initiative supports, directly or
    through the skill's area. Most planned first."""
    planned = development_figures.planned_skill_slugs(cycle)
    skill_slugs, area_slugs = addressed_slugs()
    skills = development_figures.skills_by_slug(cycle.framework_id, list(planned))
    found = [
        PlannedGap(skill=skills[slug], plans=plans)
        for slug, plans in planned.items()
        if slug in skills and slug not in skill_slugs and skills[slug].area.slug not in area_slugs
    ]
    return sorted(found, key=lambda item: (-item.plans, item.skill.name))
