"""Reading the published figures (insights.models) at the grain a figure needs.

Every figure over a group is one grain: a place (the organisation, directorates or teams), a cut
(everyone, tiers or role profiles) and a subject (every skill, areas or skills). The filters and
the grouping asked for pick the grain, so a figure is a read of the rows it shows, however large
the organisation. Within a `one_reading()` block each read is made once.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import copy
from datetime import datetime
from typing import Any

from django.db.models import IntegerField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast

from capability.models import RoleProfile, Tier
from insights.models import FIGURE_FIELDS, Cut, Place, PublishedFigure, Subject
from insights.reading import reading_memo
from insights.types import Filters, Stats, threshold

# The column each grouping key reads.
GROUP_FIELDS = {
    "assessment__directorate_id": "directorate_id",
    "assessment__team_id": "place_id",
    "assessment__tier_id": "tier_id",
    "assessment__role_profile_id": "role_profile_id",
    "skill_id": "subject_id",
    "skill__area_id": "subject_id",
}
SUBJECT_KEYS = ("skill_id", "skill__area_id")
COLUMNS = [
    "cycle_id",
    "subject",
    "directorate_id",
    "place_id",
    "tier_id",
    "role_profile_id",
    "subject_id",
    "published",
    "pending",
    "published_at",
    "asked",
    "submitted",
    "started",
    "people",
]
GROUP_POSITIONS = {name: COLUMNS.index(column) for name, column in GROUP_FIELDS.items()}
PEOPLE, RATINGS, AT_TARGET, GAP_SUM = range(4)
LEVEL_START = FIGURE_FIELDS.index("level_0")


def grain(filters: Filters, keys: Iterable[str]) -> tuple[str, str, str]:
    """The place, cut and subject of the rows for these filters, grouped by these keys."""
    keys = set(keys)
    if "assessment__team_id" in keys or filters.team_id is not None:
        place = Place.TEAM.value
    elif "assessment__directorate_id" in keys or filters.directorate_id is not None:
        place = Place.DIRECTORATE.value
    else:
        place = Place.ORGANISATION.value
    if "assessment__role_profile_id" in keys or filters.role_profile_id is not None:
        cut = Cut.ROLE.value
    elif "assessment__tier_id" in keys or filters.tier_id is not None:
        cut = Cut.TIER.value
    else:
        cut = Cut.EVERYONE.value
    if "skill_id" in keys:
        subject = Subject.SKILL.value
    elif "skill__area_id" in keys:
        subject = Subject.AREA.value
    else:
        subject = Subject.EVERY_SKILL.value
    return place, cut, subject


def _same_slug(model: Any, pk: int) -> list[int]:
    """Ids of the tier or role with this one's slug in every framework version (the previous
    cycle may be on another), read once per reading."""
    memo = reading_memo()
    key = ("slug ids", model.__name__, pk)
    if memo is not None and key in memo:
        return memo[key]
    slug = model.objects.filter(pk=pk).values("slug")
    ids = list(model.objects.filter(slug__in=slug).values_list("pk", flat=True))
    if memo is not None:
        memo[key] = ids
    return ids


def _rows(
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    *,
    with_totals: bool,
    skill_ids: Any = None,
    counts_only: bool = False,
) -> list[tuple[Any, ...]]:
    """The rows of the grain, as tuples in COLUMNS order. counts_only: `published` holds only
    the people and ratings counts (what the privacy rules compare), read without decoding the
    rest, and `published_at` is None."""
    place, cut, subject = grain(filters, group_by)
    subjects = {subject} | ({Subject.EVERY_SKILL.value} if with_totals else set())
    memo = reading_memo()
    memo_key = (
        "published",
        tuple(cycle_ids),
        filters,
        place,
        cut,
        tuple(sorted(subjects)),
        counts_only,
    )
    if memo is not None and skill_ids is None and memo_key in memo:
        return memo[memo_key]
    rows = PublishedFigure.objects.filter(
        cycle_id__in=cycle_ids, place=place, cut=cut, subject__in=sorted(subjects)
    )
    if filters.team_id is not None:
        rows = rows.filter(place_id=filters.team_id)
    if filters.directorate_id is not None:
        rows = rows.filter(directorate_id=filters.directorate_id)
    if filters.tier_id is not None:
        rows = rows.filter(tier_id__in=_same_slug(Tier, filters.tier_id))
    if filters.role_profile_id is not None:
        rows = rows.filter(role_profile_id__in=_same_slug(RoleProfile, filters.role_profile_id))
    if skill_ids is not None:
        rows = rows.filter(subject_id__in=skill_ids)
    if counts_only:
        rows = rows.annotate(
            first=Cast(KeyTextTransform("0", "published"), IntegerField()),
            second=Cast(KeyTextTransform("1", "published"), IntegerField()),
        )
        found = [
            (*row[:7], [] if row[7] is None else [row[7], row[8]], row[9], None, *row[10:])
            for row in rows.order_by().values_list(
                *COLUMNS[:7], "first", "second", *COLUMNS[8:9], *COLUMNS[10:]
            )
        ]
    else:
        found = list(rows.order_by().values_list(*COLUMNS))
    if memo is not None and skill_ids is None:
        memo[memo_key] = found
    return found


def _key(row: tuple[Any, ...], group_by: tuple[str, ...]) -> tuple[Any, ...]:
    """(cycle, *group values); a row over every skill has None for the subject key."""
    values: list[Any] = [row[0]]
    for name in group_by:
        if name in SUBJECT_KEYS and row[1] == Subject.EVERY_SKILL.value:
            values.append(None)
        else:
            values.append(row[GROUP_POSITIONS[name]] or None)
    return tuple(values)


def figure_sums(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Any = None,
    group_totals: bool = False,
    counts_only: bool = False,
) -> dict[tuple[Any, ...], Stats]:
    """Published sums per (cycle, *group_by); with group_totals, also each group's people over
    every skill, keyed with None for the last key. Rows never published are left out. Within a
    reading each is worked out once (callers get their own copies to mark)."""
    memo = reading_memo()
    memo_key = (
        "sums",
        tuple(cycle_ids),
        filters,
        group_by,
        tuple(levels),
        distinct_people,
        group_totals,
        counts_only,
    )
    remember = memo is not None and skill_ids is None
    if remember and memo_key in memo:
        return {key: copy(stats) for key, stats in memo[memo_key].items()}
    result: dict[tuple[Any, ...], Stats] = {}
    for row in _rows(
        cycle_ids,
        filters,
        group_by,
        with_totals=group_totals,
        skill_ids=skill_ids,
        counts_only=counts_only,
    ):
        published, pending, published_at = row[7], row[8], row[9]
        if not published:
            if row[13]:
                # Never published: fewer people than the threshold have answered (the time
                # rule publishes a row once that many have). Shown as a small group, whose
                # count nobody sees.
                few = min(row[13], threshold() - 1)
                published = [few, few, *[0] * (len(FIGURE_FIELDS) - 2)]
            else:
                continue
        totals_row = row[1] == Subject.EVERY_SKILL.value and any(
            name in SUBJECT_KEYS for name in group_by
        )
        key = _key(row, group_by)
        stats = result.setdefault(key, Stats())
        people = published[PEOPLE] if distinct_people or totals_row else published[RATINGS]
        stats.people += people
        if not totals_row and not counts_only:
            stats.ratings += published[RATINGS]
            stats.at_target += published[AT_TARGET]
            stats.gap_sum += published[GAP_SUM]
            for number in levels:
                stats.distribution[number] = (
                    stats.distribution.get(number, 0) + published[LEVEL_START + number]
                )
        if pending and published_at is not None:
            stats.as_at = _earlier(stats.as_at, published_at)
    result = {key: stats for key, stats in result.items() if stats.people}
    if remember:
        memo[memo_key] = {key: copy(stats) for key, stats in result.items()}
    return result


def _earlier(first: datetime | None, second: datetime) -> datetime:
    return second if first is None or second < first else first


def completion_counts(
    *, cycle_ids: list[int], filters: Filters, group_by: tuple[str, ...] = ()
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Live completion counts (people asked, submitted or reviewed, in progress) per cycle, or
    per (cycle, *group_by) when grouped by directorate, team, tier or role keys."""
    counts: dict[tuple[Any, ...], dict[str, int]] = {}
    for row in _rows(cycle_ids, filters, group_by, with_totals=False, counts_only=True):
        if not row[10]:
            continue
        total = counts.setdefault(_key(row, group_by), {"people": 0, "submitted": 0, "started": 0})
        total["people"] += row[10]
        total["submitted"] += row[11]
        total["started"] += row[12]
    return counts


def assessed_counts(cycle_ids: list[int], filters: Filters) -> dict[int, dict[str, int]]:
    """Per cycle with any, the people in `filters` asked to take part and how many of those
    have submitted (or been reviewed)."""
    return {
        key[0]: {"people": row["people"], "submitted": row["submitted"]}
        for key, row in completion_counts(cycle_ids=cycle_ids, filters=filters).items()
    }
