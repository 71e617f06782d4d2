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

from assessments.models import Cycle
from insights import privacy, published
from insights.types import Filters
from people.models import Directorate, Team

GONE = "no longer in the service"


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
    everyone = Filters()
    by_team = published.completion_counts(
        cycle_ids=[cycle.pk],
        filters=everyone,
        group_by=("assessment__directorate_id", "assessment__team_id"),
    )
    by_directorate = published.completion_counts(
        cycle_ids=[cycle.pk], filters=everyone, group_by=("assessment__directorate_id",)
    )
    names = dict(
        Directorate.objects.filter(pk__in=[key[1] for key in by_directorate]).values_list(
            "pk", "name"
        )
    )
    team_names = dict(
        Team.objects.filter(pk__in=[key[2] for key in by_team]).values_list("pk", "name")
    )
    teams = [
        {
            "directorate_id": directorate_id,
            "team_id": team_id,
            "team__name": team_names.get(team_id, f"A team {GONE}"),
            **counts,
        }
        for (_, directorate_id, team_id), counts in by_team.items()
    ]
    total = published.completion_counts(cycle_ids=[cycle.pk], filters=everyone)
    everyone_asked = total.get((cycle.pk,), {}).get("people", 0)
    directorates: dict[Any, dict[str, Any]] = {
        directorate_id: {
            "name": names.get(directorate_id, f"A directorate {GONE}"),
            **counts,
        }
        for (_, directorate_id), counts in by_directorate.items()
        if directorate_id is not None
    }
    hidden_directorates = privacy.parts_to_hide(
        everyone_asked, {key: total["people"] for key, total in directorates.items()}
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
