"""Completion while a cycle runs: people, in progress and submitted per directorate and team.

These are today's active staff in their current teams (who still has to act), not the snapshot
the other figures use; small groups are suppressed by the engine's one threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from assessments.gaps.types import threshold
from assessments.models import Assessment, Cycle
from people.models import StaffProfile


@dataclass
class CompletionRow:
    name: str
    people: int
    submitted: int
    started: int
    suppressed: bool

    @property
    def percent(self) -> int:
        return round(100 * self.submitted / self.people) if self.people else 0


def completion_by_group(*, cycle: Cycle) -> tuple[list[CompletionRow], list[CompletionRow]]:
    """Completion per directorate and per team (current teams of active people).

    Any group of fewer than SMALL_GROUP_THRESHOLD people is marked suppressed: the page shows
    "fewer than N people" instead of its figures.
    """
    complete = [Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED]
    people = StaffProfile.objects.active()
    submitted = Count(
        "id",
        filter=Q(assessments__cycle=cycle, assessments__status__in=complete),
        distinct=True,
    )
    started = Count(
        "id",
        filter=Q(assessments__cycle=cycle, assessments__status=Assessment.Status.IN_PROGRESS),
        distinct=True,
    )

    def rows(*group_fields: str) -> list[CompletionRow]:
        counts = (
            people.values(*group_fields)
            .annotate(people=Count("id", distinct=True), submitted=submitted, started=started)
            .order_by(*group_fields)
        )
        return [
            CompletionRow(
                name=" – ".join(row[name] for name in group_fields),
                people=row["people"],
                submitted=row["submitted"],
                started=row["started"],
                suppressed=row["people"] < threshold(),
            )
            for row in counts
        ]

    return rows("team__directorate__name"), rows("team__directorate__name", "team__name")
