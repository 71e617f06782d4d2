"""Sums per group (ratings, ratings at target, gap levels, people, levels): from the summary
tables when the figures are over groups, from the ratings themselves when over named people."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from operator import add, itemgetter
from typing import Any

from django.db.models import Case, Count, Q, Sum, Value, When

from assessments import gap_summary
from assessments.models import Assessment
from capability.models import RoleProfile, Tier
from insights import privacy
from insights.queries import assessment_filter, counted_ratings
from insights.types import Filters, Stats
from people.models import Team


def aggregate(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Any = None,
    group_totals: bool = False,
) -> dict[tuple[Any, ...], Stats]:
    """Sums per (cycle, *group_by), keyed by those values, each marked `protected` where the
    privacy rules (insights.privacy) hide it. Figures over named people (a line
    manager's reports) are not groups anyone else sees, so they are not protected."""
    options = {
        "cycle_ids": cycle_ids,
        "levels": levels,
        "distinct_people": distinct_people,
        "skill_ids": skill_ids,
        "group_totals": group_totals,
    }
    result = _sums(filters=filters, group_by=group_by, **options)
    if filters.person_ids is None:
        _protect(result, filters=filters, group_by=group_by, options=options)
    return result


PLACE_KEYS = {"assessment__directorate_id": "directorate_id", "assessment__team_id": "team_id"}
SPLIT_KEYS = {
    **PLACE_KEYS,
    "assessment__tier_id": "tier_id",
    "assessment__role_profile_id": "role_profile_id",
}


def _people(rows: dict[tuple[Any, ...], Stats]) -> dict[tuple[Any, ...], int]:
    return {key: stats.people for key, stats in rows.items()}


def _protect(
    result: dict[tuple[Any, ...], Stats],
    *,
    filters: Filters,
    group_by: tuple[str, ...],
    options: dict[str, Any],
) -> None:
    """Mark the rows the privacy rules hide (rule 1 is applied when figures are built)."""
    hidden: set[tuple[Any, ...]] = set()
    # Rule 3 for rows that are themselves parts (heatmap rows, tiers): split by that key.
    for position, key in enumerate(group_by, start=1):
        if key not in SPLIT_KEYS:
            continue
        rest = group_by[: position - 1] + group_by[position:]
        whole = _people(_sums(filters=filters, group_by=rest, **options))
        parts: dict[tuple[Any, ...], dict[Any, int]] = {}
        for row_key, stats in result.items():
            outer = row_key[:position] + row_key[position + 1 :]
            parts.setdefault(outer, {})[row_key[position]] = stats.people
        for outer, people in parts.items():
            for part in privacy.parts_to_hide(whole.get(outer, 0), people):
                hidden.add(outer[:position] + (part,) + outer[position:])
    # Rules 2 and 3 for the filtered group. When the rows are places (heatmap rows), widening
    # or splitting the filters' place does not change a row's group: skip those.
    rows_are_places = any(key in PLACE_KEYS for key in group_by)

    def people_for(group: Filters, split_key: str | None) -> dict[tuple[Any, ...], int]:
        keys = (split_key, *group_by) if split_key else group_by
        return _people(_sums(filters=group, group_by=keys, **options))

    hidden |= _hidden_by_refinement(
        filters,
        _people(result),
        people_for,
        keep_place=rows_are_places,
        skip_splits={*group_by, *(PLACE_KEYS if rows_are_places else ())},
    )
    for key in hidden & result.keys():
        result[key].protected = True


def protected_completion(*, cycle_ids: list[int], filters: Filters) -> set[int]:
    """The cycles whose completion for `filters` the privacy rules hide (rules 2 and 3, over the
    people asked to take part; rule 1 is applied when the figure is built)."""
    if filters.person_ids is not None:
        return set()

    def asked(group: Filters, split_key: str | None = None) -> dict[tuple[Any, ...], int]:
        if (
            group.tier_id is None
            and group.role_profile_id is None
            and split_key
            in (
                None,
                *PLACE_KEYS,
            )
        ):
            # Places only: the counts the summary's freshness check made (no query of its own).
            counts: dict[tuple[Any, ...], int] = {}
            for row in gap_summary.assessment_counts(cycle_ids=cycle_ids):
                if group.directorate_id not in (None, row.directorate_id):
                    continue
                if group.team_id not in (None, row.team_id):
                    continue
                part = () if split_key is None else (getattr(row, PLACE_KEYS[split_key]),)
                key = (row.cycle_id, *part)
                counts[key] = counts.get(key, 0) + row.assessments
            return counts
        rows = Assessment.objects.filter(cycle_id__in=cycle_ids).filter(
            assessment_filter(group, "")
        )
        keys = ["cycle_id"] + ([split_key.removeprefix("assessment__")] if split_key else [])
        return {
            tuple(row[:-1]): row[-1]
            for row in rows.order_by().values_list(*keys).annotate(Count("id"))
        }

    if filters == Filters():  # everyone: nothing larger, and not a part of anything
        return set()
    return {key[0] for key in _hidden_by_refinement(filters, asked(filters), asked)}


def _hidden_by_refinement(
    filters: Filters,
    mine: dict[tuple[Any, ...], int],
    people_for: Callable[[Filters, str | None], dict[tuple[Any, ...], int]],
    *,
    keep_place: bool = False,
    skip_splits: Collection[str] = (),
) -> set[tuple[Any, ...]]:
    """Keys of `mine` (people per (cycle, ...) for `filters`) that rules 2 and 3 hide.
    people_for(group, None) counts a group with the same keys; people_for(group, split_key)
    with the part of the split as the key's second value. keep_place: only larger groups with
    the same tier and role matter (the rows are places themselves)."""
    hidden: set[tuple[Any, ...]] = set()
    # Rule 2. A key is settled by a larger group G when G already has k more people than the
    # filtered group: every group containing G has at least as many more, so it is not read.
    settled: dict[tuple[Any, ...], list[tuple[int, ...]]] = {}
    for rank, larger in _larger_groups(filters):
        if keep_place and (larger.tier_id, larger.role_profile_id) == (
            filters.tier_id,
            filters.role_profile_id,
        ):
            continue
        open_keys = [
            key
            for key in mine
            if not any(
                all(mine_rank <= theirs for mine_rank, theirs in zip(by, rank, strict=True))
                for by in settled.get(key, [])
            )
        ]
        if not open_keys:
            continue
        theirs = people_for(larger, None)
        for key in open_keys:
            difference = theirs.get(key, 0) - mine[key]
            if privacy.is_small(difference):
                hidden.add(key)
            elif difference >= privacy.threshold():
                settled.setdefault(key, []).append(rank)
    # Rule 3 for the filtered group itself, as one part of each split it belongs to.
    for split_key, value, whole_filters in _splits(filters):
        if split_key in skip_splits:
            continue
        whole = people_for(whole_filters, None)
        parts: dict[tuple[Any, ...], dict[Any, int]] = {}
        for row_key, people in people_for(whole_filters, split_key).items():
            parts.setdefault((row_key[0], *row_key[2:]), {})[row_key[1]] = people
        for key in mine:
            if value in privacy.parts_to_hide(whole.get(key, 0), parts.get(key, {})):
                hidden.add(key)
    return hidden


def _team_directorate(team_id: int) -> int | None:
    return Team.objects.filter(pk=team_id).values_list("directorate_id", flat=True).first()


def _role_tier(role_id: int) -> int | None:
    return RoleProfile.objects.filter(pk=role_id).values_list("tier_id", flat=True).first()


def _larger_groups(filters: Filters) -> list[tuple[tuple[int, int, int], Filters]]:
    """Every group `filters` refines, smallest first: each of place, tier and role kept or
    dropped (a team's place widens to its directorate, then to everyone; a role implies its
    tier). Each comes with its rank (how far place, tier and role are widened): a group of
    lower or equal rank in every position is contained in it."""
    places: list[tuple[int | None, int | None]] = [(filters.directorate_id, filters.team_id)]
    if filters.team_id is not None:
        directorate = filters.directorate_id or _team_directorate(filters.team_id)
        places.append((directorate, None))
    if filters.directorate_id is not None or filters.team_id is not None:
        places.append((None, None))
    tier = filters.tier_id
    if tier is None and filters.role_profile_id is not None:
        tier = _role_tier(filters.role_profile_id)
    tiers = [tier, None] if tier is not None else [None]
    roles = [filters.role_profile_id, None] if filters.role_profile_id is not None else [None]
    same = {filters, replace(filters, tier_id=tier)}
    groups = {}
    for place_rank, (directorate, team) in enumerate(places):
        for tier_rank, tier_id in enumerate(tiers):
            for role_rank, role in enumerate(roles):
                group = Filters(
                    directorate_id=directorate, team_id=team, tier_id=tier_id, role_profile_id=role
                )
                if group not in same and group not in groups:
                    groups[group] = (place_rank, tier_rank, role_rank)
    return sorted(((rank, group) for group, rank in groups.items()), key=lambda item: sum(item[0]))


def _splits(filters: Filters) -> list[tuple[str, int, Filters]]:
    """The splits the filtered group is one part of: (the key it is split by, its value there,
    the whole that is split)."""
    splits = []
    if filters.team_id is not None:
        directorate = filters.directorate_id or _team_directorate(filters.team_id)
        whole = replace(filters, team_id=None, directorate_id=directorate)
        splits.append(("assessment__team_id", filters.team_id, whole))
    elif filters.directorate_id is not None:
        whole = replace(filters, directorate_id=None)
        splits.append(("assessment__directorate_id", filters.directorate_id, whole))
    if filters.role_profile_id is not None:
        tier = filters.tier_id or _role_tier(filters.role_profile_id)
        whole = replace(filters, role_profile_id=None, tier_id=tier)
        splits.append(("assessment__role_profile_id", filters.role_profile_id, whole))
    elif filters.tier_id is not None:
        splits.append(("assessment__tier_id", filters.tier_id, replace(filters, tier_id=None)))
    return splits


def _sums(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Any = None,
    group_totals: bool = False,
) -> dict[tuple[Any, ...], Stats]:
    """Sums per (cycle, *group_by), keyed by those values: from the summary tables when the
    figures are over groups, from the ratings themselves when they are over named people."""
    if filters.person_ids is None and max(levels, default=0) <= gap_summary.MAX_LEVEL:
        return _aggregate_summary(
            cycle_ids=cycle_ids,
            filters=filters,
            group_by=group_by,
            levels=levels,
            distinct_people=distinct_people,
            skill_ids=skill_ids,
            group_totals=group_totals,
        )
    aggregates: dict[str, Any] = {
        "ratings": Count("id"),
        "at_target": Sum(Case(When(gap=0, then=Value(1)), default=Value(0))),
        "gap_sum": Sum("gap"),
    }
    # One rating per person and skill: counting ratings per skill counts people without DISTINCT.
    aggregates["people"] = Count("assessment_id", distinct=True) if distinct_people else Count("id")
    for number in levels:
        aggregates[f"level_{number}"] = Sum(
            Case(When(used=number, then=Value(1)), default=Value(0))
        )
    keys = ("assessment__cycle_id", *group_by)
    ratings = counted_ratings(cycle_ids, filters)
    if skill_ids is not None:
        ratings = ratings.filter(skill_id__in=skill_ids)
    rows = ratings.values(*keys).annotate(**aggregates)
    result = {}
    for row in rows:
        result[tuple(row[key] for key in keys)] = Stats(
            people=row["people"],
            ratings=row["ratings"],
            at_target=row["at_target"] or 0,
            gap_sum=row["gap_sum"] or 0,
            distribution={number: row[f"level_{number}"] or 0 for number in levels},
        )
    if group_totals:  # people per group over every area, keyed with None for the last key
        totals = ratings.values(*keys[:-1]).annotate(people=Count("assessment_id", distinct=True))
        for row in totals:
            key = (*(row[name] for name in keys[:-1]), None)
            result[key] = Stats(people=row["people"])
    return result


SUMMARY_KEYS = {
    "assessment__cycle_id": "cycle_id",
    "assessment__directorate_id": "directorate_id",
    "assessment__team_id": "team_id",
    "assessment__tier_id": "tier_id",
    "assessment__role_profile_id": "role_profile_id",
    "skill_id": "skill_id",
    "skill__area_id": "area_id",
}


def _summary_filter(filters: Filters) -> Q:
    q = Q()
    if filters.directorate_id is not None:
        q &= Q(directorate_id=filters.directorate_id)
    if filters.team_id is not None:
        q &= Q(team_id=filters.team_id)
    if filters.tier_id is not None:
        slug = Tier.objects.filter(pk=filters.tier_id).values("slug")
        q &= Q(tier_id__in=Tier.objects.filter(slug__in=slug).values("id"))
    if filters.role_profile_id is not None:
        slug = RoleProfile.objects.filter(pk=filters.role_profile_id).values("slug")
        q &= Q(role_profile_id__in=RoleProfile.objects.filter(slug__in=slug).values("id"))
    return q


def _base_keys(filters: Filters) -> tuple[str, ...]:
    """The finest grouping read once per reading: per directorate, tier and skill (and per team
    when the figures are within one directorate), a few thousand rows at most."""
    within_one = filters.directorate_id is not None or filters.team_id is not None
    teams = ("team_id",) if within_one else ()
    return ("cycle_id", "directorate_id", *teams, "tier_id", "skill_id", "area_id")


def _summary_sums(
    model: Any,
    *,
    cycle_ids: list[int],
    filters: Filters,
    keys: list[str],
    columns: list[str],
    skill_ids: Any = None,
    area: bool | None = None,
) -> list[tuple[tuple[Any, ...], list[int]]]:
    """SUM of each column per keys, over the summary rows in `filters` (area: True for rows with
    an area, False for rows without, None for both). Within a `one_reading()` block the rows
    are read once at the finest grouping any figure needs and rolled up here, so the figures of
    a page cost one query per summary table, not one per figure."""
    rows = model.objects.filter(cycle_id__in=cycle_ids).filter(_summary_filter(filters))
    if skill_ids is not None:
        rows = rows.filter(skill_id__in=skill_ids)
    base = _base_keys(filters)
    if model is gap_summary.GapPeople:
        base = tuple(key for key in base if key not in ("tier_id", "skill_id"))
    memo = gap_summary.reading_memo()
    if memo is None or skill_ids is not None or not set(keys) <= set(base):
        if area is not None:
            rows = rows.filter(area_id__isnull=not area)
        sums = {f"{column}__sum": Sum(column) for column in columns}
        return [
            (tuple(row[key] for key in keys), [row[name] or 0 for name in sums])
            for row in rows.order_by().values(*keys).annotate(**sums)
        ]
    memo_key = ("summary", model.__name__, tuple(cycle_ids), filters, tuple(columns))
    base_rows = memo.get(memo_key)
    if base_rows is None:
        sums = {f"{column}__sum": Sum(column) for column in columns}
        width = len(base)
        # Sums over a group of NOT NULL columns are never NULL: no `or 0` needed here.
        base_rows = [
            (row[:width], row[width:])
            for row in rows.order_by().values_list(*base).annotate(**sums)
        ]
        memo[memo_key] = base_rows
    positions = [base.index(key) for key in keys]
    pick = itemgetter(*positions) if len(positions) > 1 else lambda key: (key[positions[0]],)
    area_position = base.index("area_id")
    result: dict[tuple[Any, ...], tuple[int, ...]] = {}
    for row_key, values in base_rows:
        if area is not None and (row_key[area_position] is not None) is not area:
            continue
        key = pick(row_key)
        totals = result.get(key)
        result[key] = values if totals is None else tuple(map(add, totals, values))
    return [(key, list(values)) for key, values in result.items()]


def _aggregate_summary(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Any,
    group_totals: bool = False,
) -> dict[tuple[Any, ...], Stats]:
    gap_summary.summary_refresh(cycle_ids=cycle_ids)
    keys = [SUMMARY_KEYS[key] for key in ("assessment__cycle_id", *group_by)]
    columns = ["ratings", "at_target", "gap_sum", *(f"level_{number}" for number in levels)]
    rows = _summary_sums(
        gap_summary.GapSummary,
        cycle_ids=cycle_ids,
        filters=filters,
        keys=keys,
        columns=columns,
        skill_ids=skill_ids,
    )
    result = {}
    for key, (ratings, at_target, gap_sum, *counts) in rows:
        result[key] = Stats(
            people=ratings,
            ratings=ratings,
            at_target=at_target,
            gap_sum=gap_sum,
            distribution=dict(zip(levels, counts, strict=True)),
        )
    if distinct_people:
        if "area_id" not in keys:
            area = False
        elif not group_totals:
            area = True
        else:
            area = None
        people = _summary_sums(
            gap_summary.GapPeople,
            cycle_ids=cycle_ids,
            filters=filters,
            keys=keys,
            columns=["people"],
            area=area,
        )
        for key, (total,) in people:
            if key in result:
                result[key].people = total
            elif key[-1] is None:  # a group's people over every area
                result[key] = Stats(people=total)
    return result
