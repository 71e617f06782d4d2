"""A line manager's direct reports, one by one: never aggregated, never suppressed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assessments.gaps.queries import counted_ratings
from assessments.gaps.types import Figure, Filters, PersonRating, PersonRow
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


@dataclass(frozen=True)
class ReportsFigure:
    """One skill's figures over a line manager's direct reports."""

    skill_id: int
    people: int
    share_at_target: Figure
    mean_gap: Figure


def reports_figures(rows: list[PersonRow]) -> dict[int, ReportsFigure]:
    """Per skill, figures over the reports in `rows` (from people_ratings). Shown however few:
    the manager sees each of these people on the same page. Only the team dashboard, for the
    manager's own reports, may ask for these."""
    by_skill: dict[int, list[PersonRating]] = defaultdict(list)
    for row in rows:
        for skill_id, rating in row.ratings.items():
            by_skill[skill_id].append(rating)
    figures = {}
    for skill_id, ratings in by_skill.items():
        people = len(ratings)
        at_target = sum(1 for rating in ratings if rating.gap == 0)
        figures[skill_id] = ReportsFigure(
            skill_id=skill_id,
            people=people,
            share_at_target=Figure(value=100 * at_target / people, people=people, suppressed=False),
            mean_gap=Figure(
                value=sum(rating.gap for rating in ratings) / people,
                people=people,
                suppressed=False,
            ),
        )
    return figures
