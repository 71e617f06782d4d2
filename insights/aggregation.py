"""Sums per group (ratings, ratings at target, gap levels, people, levels): from the published
figures when the figures are over groups, from the ratings themselves when over named people;
and the privacy rules that compare them."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import replace
from typing import Any

from django.db.models import Case, Count, Sum, Value, When

from capability.models import RoleProfile
from insights import decisions, privacy, published, viewer
from insights.models import MAX_LEVEL
from insights.queries import counted_ratings
from insights.types import Filters, Stats
from people.models import Team


def aggregate(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Collection[int] | None = None,
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

        def decide() -> set[tuple[Any, ...]]:
            return _hidden(result, filters=filters, group_by=group_by, options=options)

        skills = tuple(sorted(skill_ids)) if skill_ids is not None else None
        what = ("hidden", filters, group_by, tuple(levels), distinct_people, group_totals)
        hidden = decisions.remembered(
            (*what, skills), cycle_ids=cycle_ids, known=viewer.known_people(), decide=decide
        )
        for key in hidden & result.keys():
            result[key].protected = True
    return result


PLACE_KEYS = {"assessment__directorate_id": "directorate_id", "assessment__team_id": "team_id"}
SPLIT_KEYS = {
    **PLACE_KEYS,
    "assessment__tier_id": "tier_id",
    "assessment__role_profile_id": "role_profile_id",
}


def _people(
    rows: dict[tuple[Any, ...], Stats],
    *,
    filters: Filters,
    group_by: tuple[str, ...],
    options: dict[str, Any],
) -> dict[tuple[Any, ...], int]:
    """People per row whose answers the reader cannot see (rule 6, insights.viewer): the rules
    compare only those, as the reader could take the others away."""
    known = viewer.known_counts(filters=filters, group_by=group_by, **options)
    return {key: max(stats.people - known.get(key, 0), 0) for key, stats in rows.items()}


def _counted(
    filters: Filters, group_by: tuple[str, ...], options: dict[str, Any]
) -> dict[tuple[Any, ...], int]:
    """People per (cycle, *group_by) for `filters`, as the privacy rules count them."""
    rows = _sums(filters=filters, group_by=group_by, counts_only=True, **options)
    return _people(rows, filters=filters, group_by=group_by, options=options)


def _hidden(
    result: dict[tuple[Any, ...], Stats],
    *,
    filters: Filters,
    group_by: tuple[str, ...],
    options: dict[str, Any],
) -> set[tuple[Any, ...]]:
    """The keys of the rows the privacy rules hide (rule 1 is applied when figures are built,
    and again here for the people whose answers the reader cannot see)."""
    mine = _people(result, filters=filters, group_by=group_by, options=options)
    hidden = {
        key
        for key, people in mine.items()
        if privacy.is_small(people) and not privacy.is_small(result[key].people)
    }
    # Rule 3 for rows that are themselves parts (heatmap rows, tiers): split by that key.
    for position, key in enumerate(group_by, start=1):
        if key not in SPLIT_KEYS:
            continue
        rest = group_by[: position - 1] + group_by[position:]
        whole = _counted(filters, rest, options)
        parts: dict[tuple[Any, ...], dict[Any, int]] = {}
        for row_key, people in mine.items():
            outer = row_key[:position] + row_key[position + 1 :]
            parts.setdefault(outer, {})[row_key[position]] = people
        for outer, people in parts.items():
            for part in privacy.parts_to_hide(whole.get(outer, 0), people):
                hidden.add(outer[:position] + (part,) + outer[position:])
        # The rows of a whole that is itself hidden are hidden with it (their sum would show it).
        if filters != Filters():

            def rest_for(group: Filters, split_key: str | None, rest=rest) -> dict[Any, int]:
                keys = (split_key, *rest) if split_key else rest
                return _counted(group, keys, options)

            hidden_wholes = _hidden_by_refinement(
                filters, whole, rest_for, skip_splits=rest, group_by=rest
            )
            for row_key in result:
                if row_key[:position] + row_key[position + 1 :] in hidden_wholes:
                    hidden.add(row_key)
    # Rules 2 and 3 for the filtered group. When the rows are places (heatmap rows), widening
    # or splitting the filters' place does not change a row's group: skip those.
    rows_are_places = any(key in PLACE_KEYS for key in group_by)

    def people_for(group: Filters, split_key: str | None) -> dict[tuple[Any, ...], int]:
        keys = (split_key, *group_by) if split_key else group_by
        return _counted(group, keys, options)

    hidden |= _hidden_by_refinement(
        filters,
        mine,
        people_for,
        keep_place=rows_are_places,
        skip_splits={*group_by, *(PLACE_KEYS if rows_are_places else ())},
        group_by=group_by,
    )
    return hidden


def protected_completion(*, cycle_ids: list[int], filters: Filters) -> set[int]:
    """The cycles whose completion for `filters` the privacy rules hide (rules 2 and 3, over the
    people asked to take part; rule 1 is applied when the figure is built)."""
    if filters.person_ids is not None:
        return set()

    def asked(group: Filters, split_key: str | None = None) -> dict[tuple[Any, ...], int]:
        counts = published.completion_counts(
            cycle_ids=cycle_ids, filters=group, group_by=(split_key,) if split_key else ()
        )
        return {key: row["people"] for key, row in counts.items()}

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
    group_by: tuple[str, ...] = (),
) -> set[tuple[Any, ...]]:
    """Keys of `mine` (people per (cycle, *group_by) for `filters`) that rules 2 to 4 hide.
    people_for(group, None) counts a group with the same keys; people_for(group, split_key)
    with the part of the split as the key's second value. keep_place: only larger groups with
    the same tier and role matter (the rows are places themselves)."""
    hidden = _rule_two(filters, mine, people_for, keep_place=keep_place)
    # Rule 2 again for the narrowest group with the same people: a group whose people all
    # happen to be in one directorate, team, tier or role is that group too, so it must not
    # differ by a few from the groups containing that one either.
    narrowest = _narrowest(filters, mine, people_for, skip=skip_splits, group_by=group_by)
    for narrowed, keys in narrowest.items():
        if narrowed != filters:
            hidden |= _rule_two(
                narrowed, {key: mine[key] for key in keys}, people_for, keep_place=keep_place
            )
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
        # A part of a hidden whole is hidden too: otherwise the whole's shown parts would add
        # up to it (a directorate hidden to protect its sibling, with all its teams shown).
        if whole_filters != Filters():
            hidden |= set(mine) & _hidden_by_refinement(
                whole_filters,
                whole,
                people_for,
                keep_place=keep_place,
                skip_splits=skip_splits,
                group_by=group_by,
            )
    return hidden


def _rule_two(
    filters: Filters,
    mine: dict[tuple[Any, ...], int],
    people_for: Callable[[Filters, str | None], dict[tuple[Any, ...], int]],
    *,
    keep_place: bool,
) -> set[tuple[Any, ...]]:
    """Keys of `mine` that some larger group differs from by 1 to k - 1 people. A key is
    settled by a larger group G when G already has k more people than the filtered group:
    every group containing G has at least as many more, so it is not read."""
    hidden: set[tuple[Any, ...]] = set()
    settled: dict[tuple[Any, ...], list[tuple[int, ...]]] = {}
    read: set[Filters] = set()
    for rank, larger in _larger_groups(filters):
        if keep_place:
            # The rows are places: widening the place does not change a row's group, so only
            # a wider tier or role matters, read within the same place.
            larger = replace(larger, directorate_id=filters.directorate_id, team_id=filters.team_id)
            if larger in read or (larger.tier_id, larger.role_profile_id) == (
                filters.tier_id,
                filters.role_profile_id,
            ):
                continue
            read.add(larger)
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
    return hidden


# Narrowing a group: (the key it is split by, whether the group can be split by it, the group
# narrowed to one part). Directorates before their teams, tiers before their roles.
NARROWINGS: list[tuple[str, Callable[[Filters], bool], Callable[[Filters, int], Filters]]] = [
    (
        "assessment__directorate_id",
        lambda group: group.directorate_id is None and group.team_id is None,
        lambda group, value: replace(group, directorate_id=value),
    ),
    (
        "assessment__team_id",
        lambda group: group.team_id is None and group.directorate_id is not None,
        lambda group, value: replace(group, team_id=value),
    ),
    (
        "assessment__tier_id",
        lambda group: group.tier_id is None and group.role_profile_id is None,
        lambda group, value: replace(group, tier_id=value),
    ),
    (
        "assessment__role_profile_id",
        lambda group: group.role_profile_id is None and group.tier_id is not None,
        lambda group, value: replace(group, role_profile_id=value),
    ),
]


def _narrowest(
    filters: Filters,
    mine: dict[tuple[Any, ...], int],
    people_for: Callable[[Filters, str | None], dict[tuple[Any, ...], int]],
    *,
    skip: Collection[str],
    group_by: tuple[str, ...],
) -> dict[Filters, list[tuple[Any, ...]]]:
    """Per key of `mine`, the narrowest group with exactly the same people (the keys grouped by
    it). A split is read only for groups that can still narrow, so few rows are read."""
    narrowed = {key: filters for key in mine if mine[key]}
    for split_key, applies, narrow in NARROWINGS:
        if split_key in skip:
            continue
        by_group: dict[Filters, list[tuple[Any, ...]]] = {}
        for key, group in narrowed.items():
            if applies(group):
                by_group.setdefault(group, []).append(key)
        for group, keys in by_group.items():
            # A part holds no more people than it asked: a key with more people than the
            # largest part cannot lie in one, so the split (one row per part and skill) is
            # read only when some key could.
            # Parts are counted within the key's own tier, role or place where it has one.
            dims = [(at, name) for at, name in enumerate(group_by, 1) if name in SPLIT_KEYS]
            largest = _largest_parts(
                sorted({key[0] for key in keys}), group, (split_key, *(n for _, n in dims))
            )
            keys = [
                key
                for key in keys
                if mine[key] <= largest.get((key[0], *(key[at] for at, _ in dims)), 0)
            ]
            if not keys:
                continue
            only: dict[tuple[Any, ...], Any] = {}
            for row_key, people in people_for(group, split_key).items():
                key = (row_key[0], *row_key[2:])
                if row_key[1] is not None and people == mine.get(key):
                    only[key] = row_key[1]
            for key in keys:
                if key in only:
                    narrowed[key] = narrow(group, only[key])
    result: dict[Filters, list[tuple[Any, ...]]] = {}
    for key, group in narrowed.items():
        result.setdefault(group, []).append(key)
    return result


def _largest_parts(
    cycle_ids: list[int], group: Filters, keys: tuple[str, ...]
) -> dict[tuple[Any, ...], int]:
    """Per (cycle, *keys[1:]), the most people asked in any one part of `group` split by
    keys[0]."""
    largest: dict[tuple[Any, ...], int] = {}
    counts = published.completion_counts(cycle_ids=cycle_ids, filters=group, group_by=keys)
    for (cycle_id, part, *dims), row in counts.items():
        if part is not None:
            at = (cycle_id, *dims)
            largest[at] = max(largest.get(at, 0), row["people"])
    return largest


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
    counts_only: bool = False,
) -> dict[tuple[Any, ...], Stats]:
    """Sums per (cycle, *group_by), keyed by those values: from the published figures when the
    figures are over groups, from the ratings themselves when they are over named people.
    counts_only: only `people` is wanted (the privacy rules), which reads less."""
    if filters.person_ids is None and max(levels, default=0) <= MAX_LEVEL:
        return published.figure_sums(
            cycle_ids=cycle_ids,
            filters=filters,
            group_by=group_by,
            levels=levels,
            distinct_people=distinct_people,
            skill_ids=skill_ids,
            group_totals=group_totals,
            counts_only=counts_only,
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
