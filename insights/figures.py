"""The figures pages, exports and computed key results ask for. Each runs in one reading."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from assessments.models import Cycle
from capability.models import CapabilityArea, Skill, Tier
from insights import privacy
from insights.aggregation import aggregate, protected_completion
from insights.published import assessed_counts
from insights.reading import (
    Context,
    areas_of,
    context_for,
    in_one_reading,
    skills_of,
    slug_map,
    split_by_cycle,
)
from insights.types import (
    NO_DATA,
    AreaFigure,
    Figure,
    Filters,
    GroupFigure,
    Measure,
    SkillFigure,
    change_between,
    figure,
    figure_fields,
    mean_gap_of,
    share_of,
)
from people.models import Directorate, Team

EVERYONE = Filters()  # the default: no filter (one shared instance, as Filters is frozen)


@in_one_reading
def headline(*, cycle: Cycle, filters: Filters = EVERYONE) -> dict[str, Any]:
    """Completion, share at target and mean gap over everyone in `filters`, with changes."""
    context = context_for(cycle)
    completion = assessed_counts(context.cycle_ids, filters)
    stats = aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=(),
        levels=context.levels,  # unused here, but the same summary read as the other figures
        distinct_people=True,
    )
    now, before = split_by_cycle(stats, context, key_map=lambda keys: "all")
    counts = completion.get(cycle.pk, {"people": 0, "submitted": 0})
    previous_counts = completion.get(context.previous.pk if context.previous else None)

    hidden = protected_completion(cycle_ids=context.cycle_ids, filters=filters)

    def completion_figure(row: dict[str, int] | None, cycle_id: int | None) -> Figure:
        if not row or not row["people"]:
            return NO_DATA
        return figure(100.0 * row["submitted"] / row["people"], row["people"], cycle_id in hidden)

    completion_now = completion_figure(counts, cycle.pk)
    completion_before = completion_figure(
        previous_counts, context.previous.pk if context.previous else None
    )
    share, gap = share_of(now.get("all")), mean_gap_of(now.get("all"))
    return {
        "people": counts["people"],
        "submitted": counts["submitted"],
        "completion": completion_now,
        "share_at_target": share,
        "mean_gap": gap,
        "change_completion": change_between(completion_now, completion_before),
        "change_share_at_target": change_between(share, share_of(before.get("all"))),
        "change_mean_gap": change_between(gap, mean_gap_of(before.get("all"))),
        "previous_cycle": context.previous,
        "as_at": now["all"].as_at if "all" in now and not share.suppressed else None,
    }


def _framework_figures(
    *,
    cycle: Cycle,
    filters: Filters,
    objects: Callable[[Context], list[Any]],
    group_by: str,
    distinct_people: bool,
) -> list[tuple[Any, dict[str, Any]]]:
    """(object, its figures' fields) for every skill or area of the cycle's framework, in
    framework order; `objects` reads both cycles' skills or areas, `group_by` is their key."""
    context = context_for(cycle)
    items = objects(context)
    current_by_id = slug_map(items, cycle.framework_id)
    stats = aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=(group_by,),
        levels=context.levels,
        distinct_people=distinct_people,
    )
    now, before = split_by_cycle(stats, context, key_map=lambda keys: current_by_id.get(keys[0]))
    return [
        (item, figure_fields(now.get(item), before.get(item), context.levels))
        for item in items
        if item.framework_id == cycle.framework_id
    ]


@in_one_reading
def skill_figures(*, cycle: Cycle, filters: Filters = EVERYONE) -> list[SkillFigure]:
    """A figure for every skill of the cycle's framework, in framework order."""
    rows = _framework_figures(
        cycle=cycle, filters=filters, objects=skills_of, group_by="skill_id", distinct_people=False
    )
    return [SkillFigure(skill=skill, **fields) for skill, fields in rows]


@in_one_reading
def area_figures(*, cycle: Cycle, filters: Filters = EVERYONE) -> list[AreaFigure]:
    """A figure for every capability area of the cycle's framework, in framework order."""
    rows = _framework_figures(
        cycle=cycle,
        filters=filters,
        objects=areas_of,
        group_by="skill__area_id",
        distinct_people=True,
    )
    return [AreaFigure(area=area, **fields) for area, fields in rows]


@in_one_reading
def group_area_figures(
    *,
    cycle: Cycle,
    by: Literal["directorate", "team"],
    filters: Filters = EVERYONE,
) -> list[GroupFigure]:
    """Heatmap rows: one per directorate (or team) with responses in the cycle."""
    if by not in ("directorate", "team"):
        raise ValueError(f"Group by 'directorate' or 'team', not {by!r}")
    context = context_for(cycle)
    areas = areas_of(context)
    current_by_id = slug_map(areas, cycle.framework_id)
    group_field = f"assessment__{by}_id"
    stats = aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=(group_field, "skill__area_id"),
        levels=context.levels,
        distinct_people=True,
        group_totals=True,
    )
    now, before = split_by_cycle(
        stats,
        context,
        key_map=lambda keys: (
            (keys[0], current_by_id.get(keys[1]))
            if keys[1] in current_by_id or keys[1] is None
            else None
        ),
    )
    # Rows for the groups with responses this cycle; (group, None) holds the group's people.
    people = {group_id: item.people for (group_id, area), item in now.items() if area is None}
    people_hidden = {
        group_id
        for (group_id, area), item in now.items()
        if area is None and (item.protected or privacy.is_small(item.people))
    }
    if by == "directorate":
        groups: list[Any] = list(Directorate.objects.filter(pk__in=people).order_by("name"))
    else:
        groups = list(
            Team.objects.filter(pk__in=people)
            .select_related("directorate")
            .order_by("directorate__name", "name")
        )
    current_areas = [area for area in areas if area.framework_id == cycle.framework_id]
    rows = []
    for group in groups:
        figures = {
            area.pk: AreaFigure(
                area=area,
                **figure_fields(
                    now.get((group.pk, area)), before.get((group.pk, area)), context.levels
                ),
            )
            for area in current_areas
        }
        rows.append(
            GroupFigure(
                label=group.name,
                directorate_id=group.pk if by == "directorate" else group.directorate_id,
                team_id=group.pk if by == "team" else None,
                areas=figures,
                people=people.get(group.pk, 0),
                people_suppressed=group.pk in people_hidden,
            )
        )
    return rows


@in_one_reading
def biggest_gaps_by_tier(
    *, cycle: Cycle, filters: Filters = EVERYONE, limit: int = 5
) -> dict[Tier, list[SkillFigure]]:
    """Per tier (of the people assessed), the skills with the largest headcount-weighted gap:
    mean gap x people, i.e. the total number of levels short. Suppressed figures are left out."""
    context = context_for(cycle)
    skills = skills_of(context)
    skill_by_id = slug_map(skills, cycle.framework_id)
    tiers = list(Tier.objects.filter(framework_id__in=context.framework_ids).order_by("number"))
    tier_by_id = slug_map(tiers, cycle.framework_id)

    def key_map(keys: list[Any]) -> tuple[Tier, Skill] | None:
        tier, skill = tier_by_id.get(keys[0]), skill_by_id.get(keys[1])
        return (tier, skill) if tier and skill else None

    stats = aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("assessment__tier_id", "skill_id"),
        levels=context.levels,
        distinct_people=False,
    )
    now, before = split_by_cycle(stats, context, key_map=key_map)
    result: dict[Tier, list[SkillFigure]] = {}
    for tier in tiers:
        if tier.framework_id != cycle.framework_id:
            continue
        ranked = [
            SkillFigure(
                skill=skill,
                **figure_fields(now[(tier, skill)], before.get((tier, skill)), context.levels),
            )
            for (row_tier, skill) in now
            if row_tier == tier
        ]
        ranked = [
            item for item in ranked if not item.suppressed and item.mean_gap.value is not None
        ]
        ranked.sort(key=lambda item: (-item.mean_gap.value * item.people, item.skill.name))
        result[tier] = [item for item in ranked if item.mean_gap.value > 0][:limit]
    return result


@in_one_reading
def skill_figure(*, cycle: Cycle, skill: Skill, filters: Filters = EVERYONE) -> SkillFigure:
    """One skill's figure (for a drill-down to its distribution)."""
    context = context_for(cycle)
    same_skill = list(
        Skill.objects.filter(framework_id__in=context.framework_ids, slug=skill.slug)
        .select_related("area", "tier")
        .order_by()
    )
    current = next((s for s in same_skill if s.framework_id == cycle.framework_id), skill)
    stats = aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("skill_id",),
        skill_ids=sorted(s.pk for s in same_skill),
        levels=context.levels,
        distinct_people=False,
    )
    ids = {s.pk for s in same_skill} | {skill.pk}
    now, before = split_by_cycle(
        stats, context, key_map=lambda keys: "skill" if keys[0] in ids else None
    )
    return SkillFigure(
        skill=current, **figure_fields(now.get("skill"), before.get("skill"), context.levels)
    )


@in_one_reading
def measure_value(
    *,
    cycle: Cycle,
    measure: Measure,
    skill: Skill | None = None,
    area: CapabilityArea | None = None,
    tier: Tier | None = None,
    directorate: Directorate | None = None,
    team: Team | None = None,
) -> Figure:
    """One figure for a computed key result, e.g. % of service managers at target in a skill.

    A skill or area from another framework version is matched by slug in the cycle's framework.
    """
    filters = Filters(
        directorate_id=directorate.pk if directorate else None,
        team_id=team.pk if team else None,
        tier_id=tier.pk if tier else None,
    )
    if measure == "completion":
        return headline(cycle=cycle, filters=filters)["completion"]
    if measure not in ("share_at_target", "mean_gap"):
        raise ValueError(f"Unknown measure {measure!r}")
    if skill is not None:
        return getattr(skill_figure(cycle=cycle, skill=skill, filters=filters), measure)
    if area is not None:
        for item in area_figures(cycle=cycle, filters=filters):
            if item.area.slug == area.slug:
                return getattr(item, measure)
        return NO_DATA
    return headline(cycle=cycle, filters=filters)[measure]
