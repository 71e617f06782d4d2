"""Figures over a line manager's direct reports, shown however few (the manager sees each of them
individually anyway); the reports themselves come from assessments.ratings.people_ratings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from assessments.ratings import PersonRating, PersonRow
from insights.types import Figure


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
