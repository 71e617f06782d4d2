"""Keeping the published figures up to date, in the worker.

Each changed assessment (assessments.changes writes one outbox row per change) is compared with
its Contribution, what it last added to the sums; only the difference is applied, to the rows of
the groups that person is in (3 places x up to 3 cuts x every skill, their areas and the whole),
so the work is proportional to one person's skills, never to the cycle. Applying is idempotent:
an assessment applied twice adds nothing the second time.

The time rule (insights.privacy): a row counts the different people whose answers changed it
since it was last published, and publishes (copies its live sums to what is shown) only when
they number at least the threshold. A person is counted once per publication: their
contribution remembers when it last changed, and the row when it was last published.

A batch holds its cycle's FigureClock lock while it applies, so batches apply one at a time;
submissions never wait for it (they only add an outbox row). A rebuild is every assessment of the
cycle applied in batches of the same kind, so it is safe while people submit.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Assessment, AssessmentChange, Rating
from assessments.ratings import COUNTED
from insights.models import (
    FIGURE_FIELDS,
    KEY_FIELDS,
    MAX_LEVEL,
    SUM_FIELDS,
    Contribution,
    Cut,
    FigureClock,
    Place,
    PublishedFigure,
    Subject,
)

BATCH = 2000  # assessments per transaction
WIDTH = len(SUM_FIELDS)
FIGURE_START = SUM_FIELDS.index("people")  # sums before this are completion counts
LEVEL_START = SUM_FIELDS.index("level_0")
POSITION = {name: index for index, name in enumerate(SUM_FIELDS)}
ASKED, SUBMITTED, STARTED = (POSITION[name] for name in ("asked", "submitted", "started"))
PEOPLE, RATINGS, AT_TARGET, GAP_SUM = (
    POSITION[name] for name in ("people", "ratings", "at_target", "gap_sum")
)
EVERY_SKILL, AREA, SKILL = (item.value for item in Subject)
COUNTED_STATUSES = frozenset(str(status) for status in COUNTED)
IN_PROGRESS = str(Assessment.Status.IN_PROGRESS)

# A row's key: place, place id, directorate id, cut, tier id, role profile id, subject, its id.
Key = tuple[str, int, int, str, int, int, str, int]
Slice = tuple[int, int, int, int]  # directorate, team, tier, role profile (0 for none)
Subjects = dict[tuple[str, int], list[int]]  # (subject, id) -> sums


@dataclass(frozen=True)
class State:
    """An assessment as the figures see it."""

    slice: Slice
    status: str
    ratings: tuple[tuple[int, int, int, int], ...]  # (skill, area, level used, target)

    @classmethod
    def of(cls, contribution: Contribution) -> State:
        return cls(
            slice=(
                contribution.directorate_id,
                contribution.team_id,
                contribution.tier_id,
                contribution.role_profile_id,
            ),
            status=contribution.status,
            ratings=tuple(tuple(rating) for rating in contribution.ratings),  # type: ignore[misc]
        )

    def sums(self) -> Subjects:
        """What this assessment adds to the rows of its groups, per subject."""
        counted = self.status in COUNTED_STATUSES
        whole = [0] * WIDTH
        whole[ASKED] = 1
        whole[SUBMITTED] = int(counted)
        whole[STARTED] = int(self.status == IN_PROGRESS)
        result: Subjects = {(EVERY_SKILL, 0): whole}
        if not counted or not self.ratings:
            return result
        areas: dict[int, list[int]] = {}
        for skill_id, area_id, used, target in self.ratings:
            at_target = int(used >= target)
            gap = target - used if target > used else 0
            level = LEVEL_START + (used if 0 <= used <= MAX_LEVEL else min(max(used, 0), MAX_LEVEL))
            one = [0] * WIDTH
            one[PEOPLE] = one[RATINGS] = 1
            one[AT_TARGET] = at_target
            one[GAP_SUM] = gap
            one[level] = 1
            result[(SKILL, skill_id)] = one
            area = areas.get(area_id)
            if area is None:
                area = areas[area_id] = [0] * WIDTH
                area[PEOPLE] = 1  # one person, however many of their ratings
            for sums in (area, whole):
                sums[RATINGS] += 1
                sums[AT_TARGET] += at_target
                sums[GAP_SUM] += gap
                sums[level] += 1
        whole[PEOPLE] = 1
        for area_id, sums in areas.items():
            result[(AREA, area_id)] = sums
        return result


@cache
def groups_of(slice_: Slice) -> list[tuple[str, int, int, str, int, int]]:
    """The groups a person in this slice is in: organisation, directorate and team, each for
    everyone, their tier and their role profile."""
    directorate, team, tier, role = slice_
    places = [(Place.ORGANISATION.value, 0, 0)]
    if directorate:
        places.append((Place.DIRECTORATE.value, directorate, directorate))
    if team:
        places.append((Place.TEAM.value, team, directorate))
    cuts = [(Cut.EVERYONE.value, 0, 0)]
    if tier:
        cuts.append((Cut.TIER.value, tier, 0))
    if role:
        cuts.append((Cut.ROLE.value, tier, role))
    return [(*place, *cut) for place in places for cut in cuts]


def _current_states(cycle_id: int, assessment_ids: Iterable[int]) -> dict[int, State]:
    """The assessments as they are now (an assessment that no longer exists has no state)."""
    ids = list(assessment_ids)
    found = Assessment.objects.filter(cycle_id=cycle_id, pk__in=ids).values_list(
        "pk", "status", "directorate_id", "team_id", "tier_id", "role_profile_id"
    )
    ratings: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    rows = (
        Rating.objects.filter(assessment_id__in=ids, assessment__status__in=COUNTED)
        .order_by("assessment_id", "skill_id")
        .values_list(
            "assessment_id",
            "skill_id",
            "skill__area_id",
            "level__number",
            "agreed_level__number",
            "target",
        )
    )
    for assessment_id, skill_id, area_id, level, agreed, target in rows:
        used = agreed if agreed is not None else level
        ratings[assessment_id].append((skill_id, area_id, used, target))
    return {
        pk: State(
            slice=(directorate or 0, team or 0, tier or 0, role or 0),
            status=status,
            ratings=tuple(ratings.get(pk, ())) if status in COUNTED else (),
        )
        for pk, status, directorate, team, tier, role in found
    }


NO_FIGURES = [0] * (WIDTH - FIGURE_START)


def _figures(sums: Subjects, subject: tuple[str, int]) -> list[int]:
    values = sums.get(subject)
    return values[FIGURE_START:] if values else NO_FIGURES


def _moved_rows(
    before: State | None, old_sums: Subjects, after: State | None, new_sums: Subjects
) -> set[Key]:
    """The rows whose figures one person's change moves, when their groups changed."""
    parts: list[dict[Key, list[int]]] = []
    for state, sums in ((before, old_sums), (after, new_sums)):
        part: dict[Key, list[int]] = {}
        if state is not None:
            for group in groups_of(state.slice):
                for subject in sums:
                    if _figures(sums, subject) != NO_FIGURES:
                        part[(*group, *subject)] = _figures(sums, subject)
        parts.append(part)
    return {
        key for key in parts[0].keys() | parts[1].keys() if parts[0].get(key) != parts[1].get(key)
    }


def apply(cycle_id: int, assessment_ids: Iterable[int]) -> int:
    """Bring the figures up to date with these assessments of one cycle; call in a transaction.
    Returns how many assessments changed the sums."""
    ids = set(assessment_ids)
    clock, _ = FigureClock.objects.get_or_create(cycle_id=cycle_id)
    clock = FigureClock.objects.select_for_update().get(pk=clock.pk)
    seq = clock.seq + 1
    now_states = _current_states(cycle_id, ids)
    stored = {item.assessment_id: item for item in Contribution.objects.filter(pk__in=ids)}

    # Summed per slice first (everyone in a slice is in the same groups), then spread over the
    # slice's groups: a batch costs its people's skills plus its slices' rows, not their product.
    slice_deltas: dict[tuple[Slice, str, int], list[int]] = {}
    # Per slice and subject (or per row, for someone whose slice changed), the clock at which
    # each person who changes its figures now last changed any figure.
    slice_touched: dict[tuple[Slice, str, int], list[int]] = defaultdict(list)
    touched: dict[Key, list[int]] = defaultdict(list)
    changed: dict[int, State | None] = {}
    last_changes: dict[int, int] = {}
    for pk in ids:
        before = State.of(stored[pk]) if pk in stored else None
        after = now_states.get(pk)
        if before == after:
            continue
        changed[pk] = after
        last_seq = stored[pk].changed_seq if pk in stored else 0
        old_sums = before.sums() if before else {}
        new_sums = after.sums() if after else {}
        for state, sums, sign in ((before, old_sums, -1), (after, new_sums, 1)):
            if state is None:
                continue
            for subject, values in sums.items():
                row = slice_deltas.setdefault((state.slice, *subject), [0] * WIDTH)
                for position, value in enumerate(values):
                    if value:
                        row[position] += sign * value
        if before is None or after is None or before.slice == after.slice:
            slice_ = (after or before).slice  # type: ignore[union-attr]
            subjects = {
                subject
                for subject in old_sums.keys() | new_sums.keys()
                if _figures(old_sums, subject) != _figures(new_sums, subject)
            }
            for subject in subjects:
                slice_touched[(slice_, *subject)].append(last_seq)
            figures_moved = bool(subjects)
        else:  # moved to other groups (an administrator's edit): compare row by row
            keys = _moved_rows(before, old_sums, after, new_sums)
            for key in keys:
                touched[key].append(last_seq)
            figures_moved = bool(keys)
        last_changes[pk] = seq if figures_moved else last_seq
    if not changed:
        return 0

    deltas: dict[Key, list[int]] = {}
    for (slice_, *subject), values in slice_deltas.items():
        for group in groups_of(slice_):
            row = deltas.setdefault((*group, *subject), [0] * WIDTH)  # type: ignore[arg-type]
            for position, value in enumerate(values):
                if value:
                    row[position] += value
    for (slice_, *subject), seqs in slice_touched.items():
        for group in groups_of(slice_):
            touched[(*group, *subject)] += seqs  # type: ignore[index]
    shown_moved = _write_rows(cycle_id, deltas, touched, seq)
    Contribution.objects.filter(pk__in=list(changed)).delete()
    insert(
        Contribution,
        [
            {
                "assessment_id": pk,
                "cycle_id": cycle_id,
                "directorate_id": state.slice[0],
                "team_id": state.slice[1],
                "tier_id": state.slice[2],
                "role_profile_id": state.slice[3],
                "status": state.status,
                "ratings": [list(rating) for rating in state.ratings],
                "changed_seq": last_changes[pk],
            }
            for pk, state in changed.items()
            if state is not None
        ],
    )
    clock.seq = seq
    clock.applied_at = timezone.now()
    fields = ["seq", "applied_at"]
    if shown_moved or clock.shown_moved_at is None:
        clock.shown_moved_at = clock.applied_at
        fields.append("shown_moved_at")
    clock.save(update_fields=fields)
    return len(changed)


def _shown(row: dict[str, Any], threshold: int) -> tuple[Any, ...]:
    """What the privacy rules read of a row (insights.decisions): the people counts it shows
    (published, or "fewer than k" while never published) and the people asked."""
    published = row["published"]
    counts = tuple(published[:2]) if published else (min(row["people"], threshold - 1),)
    return (row["asked"], *counts)


def _write_rows(
    cycle_id: int, deltas: dict[Key, list[int]], touched: dict[Key, list[int]], seq: int
) -> bool:
    """Add the deltas to the rows, count the people who changed them and publish the rows
    that enough different people have changed. True when what the privacy rules read of any
    row moved."""
    places: dict[str, set[int]] = defaultdict(set)
    for key in deltas:
        places[key[0]].add(key[1])
    where = Q()
    for place, place_ids in places.items():
        where |= Q(place=place, place_id__in=sorted(place_ids))
    existing = {
        tuple(row[name] for name in KEY_FIELDS): row
        for row in PublishedFigure.objects.filter(Q(cycle_id=cycle_id) & where).values()
    }
    threshold = settings.SMALL_GROUP_THRESHOLD
    now = timezone.now()
    blank = {"id": None, "published": [], "published_at": None, "published_seq": 0, "pending": 0}
    rows = []
    shown_moved = False
    for key, delta in deltas.items():
        if key not in touched and not any(delta):
            continue
        row = existing.get(key)
        before = _shown(row, threshold) if row is not None else None
        if row is None:
            row = {
                "cycle_id": cycle_id,
                **dict(zip(KEY_FIELDS, key, strict=True)),
                **dict.fromkeys(SUM_FIELDS, 0),
                **blank,
            }
        for name, value in zip(SUM_FIELDS, delta, strict=True):
            if value:
                row[name] += value
        row["pending"] += sum(1 for last in touched.get(key, ()) if last <= row["published_seq"])
        if row["pending"] >= threshold:
            row["published"] = [row[name] for name in FIGURE_FIELDS]
            row["published_at"] = now
            row["published_seq"] = seq
            row["pending"] = 0
        shown_moved = shown_moved or _shown(row, threshold) != before
        rows.append(row)
    kept = [row["id"] for row in rows if row["id"] is not None]
    for start in range(0, len(kept), 5000):
        PublishedFigure.objects.filter(pk__in=kept[start : start + 5000]).delete()
    insert(PublishedFigure, [row for row in rows if row["id"] is not None])
    insert(PublishedFigure, [row for row in rows if row["id"] is None], without=("id",))
    return shown_moved


def insert(model: type[models.Model], rows: list[dict[str, Any]], without: tuple = ()) -> None:
    """Insert many rows, given as {column attname: value}: COPY on PostgreSQL (the ORM's bulk
    insert spends most of a rebuild making and preparing objects), bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            [model(**{k: v for k, v in row.items() if k not in without}) for row in rows],
            batch_size=2000,
        )
        return
    fields = [field for field in model._meta.concrete_fields if field.attname not in without]
    json_fields = {field.attname for field in fields if isinstance(field, models.JSONField)}
    names = [field.attname for field in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(
                [json.dumps(row[name]) if name in json_fields else row[name] for name in names]
            )


def apply_changes(*, batch: int = BATCH) -> int:
    """Apply every change in the outbox, a batch per transaction; returns how many were read.
    Several workers may run this at once: each takes outbox rows no other holds."""
    done = 0
    while True:
        with transaction.atomic():
            changes = list(
                AssessmentChange.objects.select_for_update(skip_locked=True)
                .order_by("id")
                .values_list("id", "cycle_id", "assessment_id")[:batch]
            )
            if not changes:
                return done
            by_cycle: dict[int, set[int]] = defaultdict(set)
            for _, cycle_id, assessment_id in changes:
                by_cycle[cycle_id].add(assessment_id)
            for cycle_id in sorted(by_cycle):  # one lock order for every worker
                apply(cycle_id, by_cycle[cycle_id])
            AssessmentChange.objects.filter(pk__in=[change[0] for change in changes]).delete()
        done += len(changes)


def rebuild(*, cycle_id: int, batch: int = BATCH, fresh: bool = False) -> int:
    """Apply every assessment of the cycle (and forget any that no longer exist), in batches
    that each hold the cycle's lock for a moment only. Idempotent; returns how many changed.

    fresh: forget the cycle's figures first and build them again in one transaction, as if
    every answer had arrived at once. Every group of enough people is then published as it is
    now, without waiting for the time rule, so use it only to repair figures (or in tests)."""
    ids = list(
        Assessment.objects.filter(cycle_id=cycle_id)
        .order_by("team_id", "pk")
        .values_list("pk", flat=True)
    )
    if fresh:
        with transaction.atomic():
            FigureClock.objects.filter(cycle_id=cycle_id).delete()
            PublishedFigure.objects.filter(cycle_id=cycle_id).delete()
            Contribution.objects.filter(cycle_id=cycle_id).delete()
            return apply(cycle_id, ids)
    known = set(ids)
    ids += [
        pk
        for pk in Contribution.objects.filter(cycle_id=cycle_id).values_list("pk", flat=True)
        if pk not in known
    ]
    changed = 0
    for start in range(0, len(ids), batch):
        with transaction.atomic():
            changed += apply(cycle_id, ids[start : start + batch])
    return changed
