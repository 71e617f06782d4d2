"""Completion while a cycle runs: people asked, in progress and submitted per directorate and team.

The people asked are the cycle's assessments (everyone active when it opened, and anyone who
joined while it was open), each in the directorate and team they had then, so these are the same
counts as the dashboards', and they do not move when the cycle closes or people move. Small
groups, and groups whose figures could be worked out from the others, are hidden by the privacy
rules (insights.privacy).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q

from assessments.models import Assessment, Cycle
from insights import privacy
from insights.queries import COUNTED


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
    """Completion per directorate and per team (as asked).

    A directorate or team is marked suppressed when it has fewer than SMALL_GROUP_THRESHOLD
    people, or when hiding only the small ones would let its figures be worked out from its
    parent's and its siblings' (complementary suppression): the page then shows neither.
    """
    counts = (
        Assessment.objects.filter(cycle=cycle)
        .order_by()
        .values("directorate_id", "directorate__name", "team_id", "team__name")
        .annotate(
            people=Count("id"),
            submitted=Count("id", filter=Q(status__in=COUNTED)),
            started=Count("id", filter=Q(status=Assessment.Status.IN_PROGRESS)),
        )
    )
    teams = list(counts)
    everyone = sum(row["people"] for row in teams)
    directorates: dict[Any, dict[str, Any]] = {}
    for row in teams:
        if row["directorate_id"] is None:
            continue
        total = directorates.setdefault(
            row["directorate_id"],
            {"name": row["directorate__name"], "people": 0, "submitted": 0, "started": 0},
        )
        for name in ("people", "submitted", "started"):
            total[name] += row[name]
    hidden_directorates = privacy.parts_to_hide(
        everyone, {key: total["people"] for key, total in directorates.items()}
    )
    directorate_rows = [
        CompletionRow(
            name=total["name"],
            people=total["people"],
            submitted=total["submitted"],
            started=total["started"],
            suppressed=key in hidden_directorates,
        )
        for key, total in sorted(directorates.items(), key=lambda item: item[1]["name"])
    ]
    team_rows = []
    for key, total in directorates.items():
        mine = [row for row in teams if row["directorate_id"] == key and row["team_id"]]
        hidden = privacy.parts_to_hide(
            total["people"], {row["team_id"]: row["people"] for row in mine}
        )
        team_rows += [
            CompletionRow(
                name=f"{total['name']} – {row['team__name']}",
                people=row["people"],
                submitted=row["submitted"],
                started=row["started"],
                suppressed=key in hidden_directorates or row["team_id"] in hidden,
            )
            for row in mine
        ]
    team_rows.sort(key=lambda row: row.name)
    return directorate_rows, team_rows
