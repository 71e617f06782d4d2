"""The ratings that count and the level each one uses: the rules every figure and every person's
results are built on.

- Only submitted and reviewed assessments count.
- The level used is the manager's agreed level where there is one, else the self-assessed level.
  A level the reviewer proposes is not agreed until the person accepts it (or, after a reply,
  the reviewer decides): until then it waits in Rating.proposed_level and is not used.
- Gap = max(target - level used, 0), with the target snapshotted on the rating.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import ExpressionWrapper, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import Coalesce, Greatest

from assessments.models import Assessment, Cycle, Rating
from people.models import StaffProfile

if TYPE_CHECKING:
    from collections.abc import Iterable

COUNTED = (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED)


def counted_ratings(cycle_ids: list[int], where: Q | None = None) -> QuerySet[Rating]:
    """Ratings that count in these cycles (narrowed by `where`, on Rating), annotated with the
    level used and the gap (never below zero)."""
    used = Coalesce(F("agreed_level__number"), F("level__number"))
    return (
        Rating.objects.filter(assessment__cycle_id__in=cycle_ids, assessment__status__in=COUNTED)
        .filter(where or Q())
        .annotate(
            used=used,
            gap=Greatest(
                ExpressionWrapper(F("target") - used, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
    )


@dataclass(frozen=True)
class PersonRating:
    """One person's rating of one skill, with the level used and the gap."""

    person_id: int
    skill_id: int
    level: int  # the level used
    self_level: int
    agreed_level: int | None
    target: int
    gap: int


@dataclass(frozen=True)
class PersonRow:
    person: StaffProfile
    status: str | None  # the assessment's status label, None when they have none this cycle
    ratings: dict[int, PersonRating]  # skill id -> rating

    @property
    def total_gap(self) -> int:
        return sum(rating.gap for rating in self.ratings.values())

    @property
    def at_target(self) -> int:
        """How many of this person's skills are at or above target."""
        return sum(1 for rating in self.ratings.values() if rating.gap == 0)


def people_ratings(*, cycle: Cycle, person_ids: Iterable[int]) -> list[PersonRow]:
    """Individual levels and gaps, for the person themselves or their line manager (never
    aggregated, never suppressed). Counts submitted and reviewed assessments."""
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
    rows = counted_ratings([cycle.pk], Q(assessment__person_id__in=person_ids)).values(
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
