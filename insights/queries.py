"""The cycles compared, filters on people and assessments, and the ratings that count."""

from __future__ import annotations

from django.db.models import (
    Q,
    QuerySet,
)

from assessments import ratings
from assessments.models import Cycle, Rating
from capability.models import Level, RoleProfile, Tier
from insights.types import Filters


def latest_cycle() -> Cycle | None:
    """The most recent cycle that is open or closed."""
    return (
        Cycle.objects.exclude(state=Cycle.State.DRAFT)
        .select_related("framework")
        .order_by("-opens_on", "-id")
        .first()
    )


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return (
        Cycle.objects.exclude(state=Cycle.State.DRAFT)
        .exclude(pk=cycle.pk)
        .filter(Q(opens_on__lt=cycle.opens_on) | Q(opens_on=cycle.opens_on, id__lt=cycle.pk))
        .order_by("-opens_on", "-id")
        .first()
    )


def compared_cycle_ids(cycle: Cycle, previous: Cycle | None) -> list[int]:
    return [cycle.pk] + ([previous.pk] if previous else [])


def compared_framework_ids(cycle: Cycle, previous: Cycle | None) -> list[int]:
    return list({cycle.framework_id} | ({previous.framework_id} if previous else set()))


def assessment_filter(filters: Filters, prefix: str) -> Q:
    """Filters on the assessment snapshot. Tier and role match by slug so that the previous
    cycle, possibly on another framework version, is filtered the same way (as a subquery)."""
    q = Q()
    if filters.directorate_id is not None:
        q &= Q(**{f"{prefix}directorate_id": filters.directorate_id})
    if filters.team_id is not None:
        q &= Q(**{f"{prefix}team_id": filters.team_id})
    if filters.person_ids is not None:
        q &= Q(**{f"{prefix}person_id__in": list(filters.person_ids)})
    if filters.tier_id is not None:
        slug = Tier.objects.filter(pk=filters.tier_id).values("slug")
        q &= Q(**{f"{prefix}tier__slug__in": slug})
    if filters.role_profile_id is not None:
        slug = RoleProfile.objects.filter(pk=filters.role_profile_id).values("slug")
        q &= Q(**{f"{prefix}role_profile__slug__in": slug})
    return q


def counted_ratings(cycle_ids: list[int], filters: Filters | None) -> QuerySet[Rating]:
    """Ratings that count (assessments.ratings), of the people in `filters`."""
    return ratings.counted_ratings(
        cycle_ids, assessment_filter(filters or Filters(), "assessment__")
    )


def level_numbers(framework_ids: list[int]) -> list[int]:
    numbers = Level.objects.filter(framework_id__in=framework_ids).values_list("number", flat=True)
    return sorted(set(numbers))
