"""A line manager's direct reports, one by one: never aggregated, never suppressed."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from assessments.gaps.queries import counted_ratings
from assessments.gaps.types import Filters, PersonRating, PersonRow
from assessments.models import Assessment, Cycle
from people.models import StaffProfile

if TYPE_CHECKING:
    from collections.abc import Iterable


def people_ratings(*, cycle: Cycle, person_ids: Iterable[int]) -> list[PersonRow]:
    """Individual levels and gaps for a line manager's direct reports (never suppressed: a line
    manager sees their own reports individually). Counts submitted and reviewed assessments."""
    person_ids = list(person_ids)
    people = list(
        StaffProfile.objects.filter(pk__in=person_ids)
        .select_related("user")
        .order_by("user__full_name")
    )
    statuses = dict(
        Assessment.objects.filter(cycle=cycle, person_id__in=person_ids).values_list(
            "person_id", "status"
        )
    )
    ratings: dict[int, dict[int, PersonRating]] = defaultdict(dict)
    rows = counted_ratings([cycle.pk], Filters(person_ids=tuple(person_ids))).values(
        "assessment__person_id",
        "skill_id",
        "used",
        "gap",
        "target",
        "level__number",
        "agreed_level__number",
    )
    for row in rows:
        ratings[row["assessment__person_id"]][row["skill_id"]] = PersonRating(
            person_id=row["assessment__person_id"],
            skill_id=row["skill_id"],
            level=row["used"],
            self_level=row["level__number"],
            agreed_level=row["agreed_level__number"],
            target=row["target"],
            gap=row["gap"],
        )
    labels = dict(Assessment.Status.choices)
    return [
        PersonRow(
            person=person,
            status=labels.get(statuses[person.pk]) if person.pk in statuses else None,
            ratings=dict(ratings.get(person.pk, {})),
        )
        for person in people
    ]
