"""Figures over time, read from the published figures through the engine (so every one passes
the privacy rules): completion at the same point of the previous cycle, and trends over the last
cycles.

Only completion can be compared at the same point of an earlier cycle: it is a count of who has
submitted (live, like every completion count), and each assessment records when it was
submitted. Shares and gaps are published as a cycle goes; an earlier cycle's figures at an
earlier moment are not kept, and working them out from the people who had submitted by then
would give two figures of one cycle that differ by a few people. So while a cycle is open its
shares and gaps compare with the previous cycle's final figures, and pages say so.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.utils import timezone

from assessments.models import Assessment, Cycle
from assessments.ratings import COUNTED
from capability.models import Tier
from insights.figures import EVERYONE, area_figures, headline
from insights.queries import assessment_filter, previous_cycle
from insights.reading import in_one_reading
from insights.types import NO_DATA, Figure, Filters, change_between, figure

TREND_CYCLES = 8


def opened_moment(cycle: Cycle) -> datetime:
    """When the cycle opened: its recorded opening, else the start of its opening day."""
    if cycle.opened_at is not None:
        return cycle.opened_at
    return timezone.make_aware(datetime.combine(cycle.opens_on, time.min))


@dataclass(frozen=True)
class SamePoint:
    """Completion now and at the same number of days after opening of the previous cycle."""

    previous: Cycle
    days: int
    completion: Figure  # the previous cycle's, at that point
    change: Figure  # this cycle's completion minus it, in points


@in_one_reading
def completion_at_same_point(
    *, cycle: Cycle, filters: Filters = EVERYONE, now: datetime | None = None
) -> SamePoint | None:
    """For an open cycle: the previous cycle's completion the same number of days after it
    opened. None for a closed cycle (compare with the previous cycle's close) or without one."""
    if not cycle.is_open:
        return None
    previous = previous_cycle(cycle)
    if previous is None:
        return None
    elapsed = max((now or timezone.now()) - opened_moment(cycle), timedelta(0))
    point = opened_moment(previous) + elapsed
    current = headline(cycle=cycle, filters=filters)["completion"]
    whole = headline(cycle=previous, filters=filters)["completion"]
    if whole.suppressed or not whole.people:
        then = whole  # hidden (or nobody asked) at its close: hidden at any point
    else:
        asked = Assessment.objects.filter(assessment_filter(filters, ""), cycle=previous)
        submitted = asked.filter(status__in=COUNTED, submitted_at__lte=point).count()
        then = figure(100.0 * submitted / whole.people, whole.people)
    return SamePoint(
        previous=previous,
        days=elapsed.days,
        completion=then,
        change=change_between(current, then),
    )


@dataclass(frozen=True)
class TrendLine:
    name: str
    values: list[Figure]  # one per cycle of the trend, oldest first (NO_DATA where not assessed)


@dataclass(frozen=True)
class Trends:
    """Share of ratings at or above target per capability area and per tier, over up to the last
    TREND_CYCLES cycles up to and including one, oldest first."""

    cycles: list[Cycle]
    areas: list[TrendLine]
    tiers: list[TrendLine]


def trend_cycles(cycle: Cycle, limit: int = TREND_CYCLES) -> list[Cycle]:
    found = list(
        Cycle.objects.exclude(state=Cycle.State.DRAFT)
        .filter(opens_on__lte=cycle.opens_on)
        .select_related("framework")
        .order_by("-opens_on", "-id")[: limit * 2]
    )
    # Same opening date: the earlier id first, as previous_cycle orders them.
    found = [c for c in found if c.opens_on < cycle.opens_on or c.pk <= cycle.pk][:limit]
    return list(reversed(found))


@in_one_reading
def trends(*, cycle: Cycle, filters: Filters = EVERYONE, limit: int = TREND_CYCLES) -> Trends:
    """Areas and tiers of `cycle`'s framework, matched by slug in earlier cycles' frameworks.
    A tier filter in `filters` is replaced by each tier in turn for the tier lines."""
    cycles = trend_cycles(cycle, limit)
    areas = [item.area for item in area_figures(cycle=cycle, filters=filters)]
    tiers = list(Tier.objects.filter(framework_id=cycle.framework_id).order_by("number"))
    tiers_by_slug: dict[tuple[int, str], int] = {
        (tier.framework_id, tier.slug): tier.pk
        for tier in Tier.objects.filter(framework_id__in={c.framework_id for c in cycles})
    }
    area_values: dict[str, list[Figure]] = {area.slug: [] for area in areas}
    tier_values: dict[str, list[Figure]] = {tier.slug: [] for tier in tiers}
    for each in cycles:
        found = {
            item.area.slug: item.share_at_target
            for item in area_figures(cycle=each, filters=filters)
        }
        for slug, values in area_values.items():
            values.append(found.get(slug, NO_DATA))
        for tier in tiers:
            tier_id = tiers_by_slug.get((each.framework_id, tier.slug))
            value = NO_DATA
            if tier_id is not None:
                tier_filters = Filters(
                    directorate_id=filters.directorate_id,
                    team_id=filters.team_id,
                    role_profile_id=filters.role_profile_id,
                    tier_id=tier_id,
                )
                value = headline(cycle=each, filters=tier_filters)["share_at_target"]
            tier_values[tier.slug].append(value)
    return Trends(
        cycles=cycles,
        areas=[TrendLine(area.name, area_values[area.slug]) for area in areas],
        tiers=[TrendLine(tier.name, tier_values[tier.slug]) for tier in tiers],
    )
