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
cycle applied in batches of the same kind, so it is safe while people submit. On PostgreSQL the
database first picks out the assessments that differ from their contributions, so a rebuild
that has nothing to put right reads no ratings into Python (bench/README.md has the timings).
"""

from __future__ import annotations

import gc
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
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
# A rebuild's batches are larger: each still holds the cycle's lock for about a second (which
# only the worker waits for; submissions never take it), and every batch rewrites the rows of
# the organisation and its directorates, so fewer batches write far fewer rows (at 100,000
# staff a first build took 31 s in batches of 2,000 and 23 s in batches of 5,000).
REBUILD_BATCH = 5000
WIDTH = len(SUM_FIELDS)
FIGURE_START = SUM_FIELDS.index("people")  # sums before this are completion counts
LEVEL_START = SUM_FIELDS.index("level_0")
POSITION = {name: index for index, name in enumerate(SUM_FIELDS)}
# While a batch is summed, each row has one place more: how many people new to the figures
# (with no contribution yet, so last changed at clock 0) move the row's figures.
NEW = WIDTH
ROW_WIDTH = WIDTH + 1
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


def _among(ids: list[int]) -> list[int] | RawSQL:
    """The right-hand side of an `__in` filter over many ids: on PostgreSQL one array
    parameter (psycopg spends seconds parsing a query with 100,000 placeholders)."""
    if connection.vendor == "postgresql" and len(ids) > 100:
        return RawSQL("SELECT unnest(%s::bigint[])", (ids,))
    return ids


def _current_states(cycle_id: int, assessment_ids: Iterable[int]) -> dict[int, State]:
    """The assessments as they are now (an assessment that no longer exists has no state)."""
    ids = list(assessment_ids)
    found = Assessment.objects.filter(cycle_id=cycle_id, pk__in=_among(ids)).values_list(
        "pk", "status", "directorate_id", "team_id", "tier_id", "role_profile_id"
    )
    ratings: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    # The level used (the agreed one if any) is chosen by the database: one column fewer to
    # carry over a million rows.
    # Read with a plain cursor: the ORM's per-row converters cost seconds over a million rows.
    query = (
        Rating.objects.filter(assessment_id__in=_among(ids), assessment__status__in=COUNTED)
        .annotate(used=Coalesce("agreed_level__number", "level__number"))
        .order_by("assessment_id", "skill_id")
        .values_list("assessment_id", "skill_id", "skill__area_id", "used", "target")
    )
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while chunk := cursor.fetchmany(20000):
            for assessment_id, skill_id, area_id, used, target in chunk:
                ratings[assessment_id].append((skill_id, area_id, used, target))
    return {
        pk: State(
            slice=(directorate or 0, team or 0, tier or 0, role or 0),
            status=status,
            ratings=tuple(ratings.get(pk, ())) if status in COUNTED else (),
        )
        for pk, status, directorate, team, tier, role in found
    }


def _stored_states(assessment_ids: Iterable[int]) -> dict[int, tuple[State, int]]:
    """The contributions of these assessments, as last applied, with their changed_seq."""
    rows = Contribution.objects.filter(pk__in=_among(list(assessment_ids))).values_list(
        "pk",
        "directorate_id",
        "team_id",
        "tier_id",
        "role_profile_id",
        "status",
        "ratings",
        "changed_seq",
    )
    return {
        pk: (
            State(
                slice=(directorate, team, tier, role),
                status=status,
                ratings=tuple(tuple(rating) for rating in ratings),  # type: ignore[misc]
            ),
            changed_seq,
        )
        for pk, directorate, team, tier, role, status, ratings, changed_seq in rows
    }


def _differing(cycle_id: int, ids: list[int]) -> list[int]:
    """The assessments among these whose contribution may differ from what they are now.

    On PostgreSQL the database compares each assessment with its contribution (status, groups
    and ratings, the ratings as the same JSON the contribution stores), so a rebuild that has
    nothing to change moves no rating into Python. Anywhere else every id is returned and the
    comparison is made in Python; either way `apply` compares the states it reads again."""
    if connection.vendor != "postgresql" or not ids:
        return ids
    assessment = Assessment._meta.db_table
    rating = Rating._meta.db_table
    skill = Rating._meta.get_field("skill").related_model._meta.db_table
    level = Rating._meta.get_field("level").related_model._meta.db_table
    contribution = Contribution._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT a.id FROM {assessment} a
            LEFT JOIN (
                SELECT * FROM {contribution} WHERE assessment_id = ANY(%(ids)s)
            ) c ON c.assessment_id = a.id
            WHERE a.cycle_id = %(cycle)s AND a.id = ANY(%(ids)s) AND (
                c.assessment_id IS NULL
                OR c.status <> a.status
                OR c.directorate_id <> COALESCE(a.directorate_id, 0)
                OR c.team_id <> COALESCE(a.team_id, 0)
                OR c.tier_id <> COALESCE(a.tier_id, 0)
                OR c.role_profile_id <> COALESCE(a.role_profile_id, 0)
                OR c.ratings <> CASE WHEN a.status = ANY(%(counted)s) THEN COALESCE((
                    SELECT jsonb_agg(
                        jsonb_build_array(
                            r.skill_id, s.area_id, COALESCE(agreed.number, l.number), r.target
                        ) ORDER BY r.skill_id
                    )
                    FROM {rating} r
                    JOIN {skill} s ON s.id = r.skill_id
                    JOIN {level} l ON l.id = r.level_id
                    LEFT JOIN {level} agreed ON agreed.id = r.agreed_level_id
                    WHERE r.assessment_id = a.id
                ), '[]'::jsonb) ELSE '[]'::jsonb END
            )
            UNION ALL
            SELECT c.assessment_id FROM {contribution} c
            WHERE c.assessment_id = ANY(%(ids)s) AND NOT EXISTS (
                SELECT 1 FROM {assessment} a WHERE a.id = c.assessment_id AND a.cycle_id = %(cycle)s
            )
            """,
            {"cycle": cycle_id, "ids": ids, "counted": sorted(COUNTED_STATUSES)},
        )
        return [row[0] for row in cursor.fetchall()]


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


# A slice's row: (directorate, team, tier, role profile, subject, its id).
SliceKey = tuple[int, int, int, int, str, int]


def _accumulate(
    rows: dict[SliceKey, list[int]], state: State, sign: int, new: bool = False
) -> bool:
    """Add (sign 1) or take away (-1) what one assessment adds to its slice's rows: the same
    sums as State.sums, written straight into the slice's rows, one longer than SUM_FIELDS. With
    new (an assessment with no contribution yet), count the person in the last place of every
    row whose figures they move. Returns whether the assessment moves any figure."""
    directorate, team, tier, role = state.slice
    key: SliceKey = (directorate, team, tier, role, EVERY_SKILL, 0)
    whole = rows.get(key)
    if whole is None:
        whole = rows[key] = [0] * ROW_WIDTH
    whole[ASKED] += sign
    counted = state.status in COUNTED_STATUSES
    if counted:
        whole[SUBMITTED] += sign
    elif state.status == IN_PROGRESS:
        whole[STARTED] += sign
    if not counted or not state.ratings:
        return False
    whole[PEOPLE] += sign
    people = NEW if new else PEOPLE  # where to count the person a second time, if new
    whole[people] += new
    areas: set[int] = set()
    for skill_id, area_id, used, target in state.ratings:
        level = LEVEL_START + (used if 0 <= used <= MAX_LEVEL else min(max(used, 0), MAX_LEVEL))
        key = (directorate, team, tier, role, SKILL, skill_id)
        one = rows.get(key)
        if one is None:
            one = rows[key] = [0] * ROW_WIDTH
        key = (directorate, team, tier, role, AREA, area_id)
        area = rows.get(key)
        if area is None:
            area = rows[key] = [0] * ROW_WIDTH
        if area_id not in areas:
            areas.add(area_id)
            area[PEOPLE] += sign  # one person, however many of their ratings
            area[people] += new
        one[PEOPLE] += sign
        one[people] += new
        one[RATINGS] += sign
        one[level] += sign
        area[RATINGS] += sign
        area[level] += sign
        whole[RATINGS] += sign
        whole[level] += sign
        if used >= target:
            one[AT_TARGET] += sign
            area[AT_TARGET] += sign
            whole[AT_TARGET] += sign
        else:
            gap = sign * (target - used)
            one[GAP_SUM] += gap
            area[GAP_SUM] += gap
            whole[GAP_SUM] += gap
    return True


def _add_sums(into: dict, key: tuple, values: list[int]) -> None:
    row = into.get(key)
    if row is None:
        into[key] = values.copy()
    else:
        into[key] = [a + b for a, b in zip(row, values, strict=True)]


def _add_seqs(into: dict, key: tuple, seqs: dict[int, int]) -> None:
    row = into.get(key)
    if row is None:
        into[key] = seqs.copy()
    else:
        for seq, count in seqs.items():
            row[seq] = row.get(seq, 0) + count


def _spread(slice_rows: dict[SliceKey, Any], add: Any) -> dict[Key, Any]:
    """The rows of every group from the rows of the slices: the same rows as adding each slice
    to each of its groups_of, but summed one grain at a time (a team's tier from its slices,
    the team from its tiers, ...), so each slice's row is added twice, not nine times."""
    organisation, directorate_place, team_place = (item.value for item in Place)
    everyone, tier_cut, role_cut = (item.value for item in Cut)
    result: dict[Key, Any] = {}
    team_tiers: dict[tuple, Any] = {}  # (directorate, team, tier, subject, id)
    place_roles: dict[tuple, Any] = {}  # (directorate, tier, role, subject, id)
    for (directorate, team, tier, role, subject, subject_id), values in slice_rows.items():
        if team and role:
            key = (team_place, team, directorate, role_cut, tier, role, subject, subject_id)
            add(result, key, values)
        add(team_tiers, (directorate, team, tier, subject, subject_id), values)
        add(place_roles, (directorate, tier, role, subject, subject_id), values)
    teams: dict[tuple, Any] = {}
    for (directorate, team, tier, subject, subject_id), values in team_tiers.items():
        if team:
            if tier:
                key = (team_place, team, directorate, tier_cut, tier, 0, subject, subject_id)
                add(result, key, values)
            add(teams, (directorate, team, subject, subject_id), values)
    for (directorate, team, subject, subject_id), values in teams.items():
        add(result, (team_place, team, directorate, everyone, 0, 0, subject, subject_id), values)
    # Directorates (0 for none) and then the organisation, each by role profile and by tier.
    organisation_roles: dict[tuple, Any] = {}
    tiers: dict[tuple, Any] = {}  # (directorate, tier, subject, id)
    for (directorate, tier, role, subject, subject_id), values in place_roles.items():
        if directorate and role:
            key = (directorate_place, directorate, directorate, role_cut, tier, role)
            add(result, (*key, subject, subject_id), values)
        add(organisation_roles, (tier, role, subject, subject_id), values)
        if directorate:
            add(tiers, (directorate, tier, subject, subject_id), values)
    directorates: dict[tuple, Any] = {}
    for (directorate, tier, subject, subject_id), values in tiers.items():
        if tier:
            key = (directorate_place, directorate, directorate, tier_cut, tier, 0)
            add(result, (*key, subject, subject_id), values)
        add(directorates, (directorate, subject, subject_id), values)
    for (directorate, subject, subject_id), values in directorates.items():
        key = (directorate_place, directorate, directorate, everyone, 0, 0, subject, subject_id)
        add(result, key, values)
    organisation_tiers: dict[tuple, Any] = {}
    for (tier, role, subject, subject_id), values in organisation_roles.items():
        if role:
            add(result, (organisation, 0, 0, role_cut, tier, role, subject, subject_id), values)
        add(organisation_tiers, (tier, subject, subject_id), values)
    whole: dict[tuple, Any] = {}
    for (tier, subject, subject_id), values in organisation_tiers.items():
        if tier:
            add(result, (organisation, 0, 0, tier_cut, tier, 0, subject, subject_id), values)
        add(whole, (subject, subject_id), values)
    for (subject, subject_id), values in whole.items():
        add(result, (organisation, 0, 0, everyone, 0, 0, subject, subject_id), values)
    return result


def apply(cycle_id: int, assessment_ids: Iterable[int]) -> int:
    """Bring the figures up to date with these assessments of one cycle; call in a transaction.
    Returns how many assessments changed the sums."""
    # A batch makes millions of small tuples and lists, none in a cycle: without this the
    # cyclic collector scans them all again and again (a third of a rebuild's time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _apply(cycle_id, assessment_ids)
    finally:
        if collecting:
            gc.enable()


def _apply(cycle_id: int, assessment_ids: Iterable[int]) -> int:
    clock, _ = FigureClock.objects.get_or_create(cycle_id=cycle_id)
    clock = FigureClock.objects.select_for_update().get(pk=clock.pk)
    seq = clock.seq + 1
    ids = _differing(cycle_id, sorted(set(assessment_ids)))
    if not ids:
        return 0
    now_states = _current_states(cycle_id, ids)
    stored = _stored_states(ids)

    # Summed per slice first (everyone in a slice is in the same groups), then spread over the
    # slice's groups: a batch costs its people's skills plus its slices' rows, not their product.
    slice_rows: dict[SliceKey, list[int]] = {}
    # Per slice row (or per row, for someone whose slice changed), how many of the people who
    # change its figures now last changed any figure at each clock.
    slice_touched: dict[SliceKey, dict[int, int]] = {}
    touched: dict[Key, dict[int, int]] = {}
    changed: dict[int, State | None] = {}
    last_changes: dict[int, int] = {}
    for pk in ids:
        before, last_seq = stored.get(pk, (None, 0))
        after = now_states.get(pk)
        if before == after:
            continue
        changed[pk] = after
        if before is None:  # new: counted in every row its figures are in
            figures_moved = _accumulate(slice_rows, after, 1, new=True)  # type: ignore[arg-type]
        else:
            _accumulate(slice_rows, before, -1)
            if after is not None:
                _accumulate(slice_rows, after, 1)
            old_sums = before.sums()
            new_sums = after.sums() if after else {}
            if after is None or before.slice == after.slice:
                subjects = {
                    subject
                    for subject in old_sums.keys() | new_sums.keys()
                    if _figures(old_sums, subject) != _figures(new_sums, subject)
                }
                for subject in subjects:
                    _add_seqs(slice_touched, (*before.slice, *subject), {last_seq: 1})
                figures_moved = bool(subjects)
            else:  # moved to other groups (an administrator's edit): compare row by row
                keys = _moved_rows(before, old_sums, after, new_sums)
                for key in keys:
                    _add_seqs(touched, key, {last_seq: 1})
                figures_moved = bool(keys)
        last_changes[pk] = seq if figures_moved else last_seq
    if not changed:
        return 0

    deltas = _spread(slice_rows, _add_sums)
    for key, seqs in _spread(slice_touched, _add_seqs).items():
        _add_seqs(touched, key, seqs)
    shown_moved = _write_rows(cycle_id, deltas, touched, seq)
    Contribution.objects.filter(pk__in=_among(list(changed))).delete()
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
                "ratings": str(list(map(list, state.ratings))),  # JSON: lists of ints
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


FIGURE_COLUMNS = [field.attname for field in PublishedFigure._meta.concrete_fields]
COLUMN = {name: index for index, name in enumerate(FIGURE_COLUMNS)}


def _write_rows(
    cycle_id: int, deltas: dict[Key, list[int]], touched: dict[Key, dict[int, int]], seq: int
) -> bool:
    """Add the deltas to the rows, count the people who changed them and publish the rows
    that enough different people have changed. True when what the privacy rules read of any
    row moved (insights.decisions): a figure published, the people asked, or the "fewer than
    k" of a group never published.

    Rows are plain lists in the table's column order, read with their published figures as
    JSON text and written back by COPY (insert), so a row that is not published again is never
    decoded or encoded."""
    places: dict[str, set[int]] = defaultdict(set)
    for key in deltas:
        places[key[0]].add(key[1])
    where = Q()
    for place, place_ids in places.items():
        where |= Q(place=place, place_id__in=_among(sorted(place_ids)))
    key_at = [COLUMN[name] for name in KEY_FIELDS]
    found = (
        PublishedFigure.objects.filter(Q(cycle_id=cycle_id) & where)
        .annotate(published_text=Cast("published", models.TextField()))
        .values_list(
            *(name if name != "published" else "published_text" for name in FIGURE_COLUMNS)
        )
    )
    existing = {}
    for values in found.iterator(chunk_size=20000):
        existing[tuple(values[index] for index in key_at)] = list(values)
    threshold = settings.SMALL_GROUP_THRESHOLD
    now = timezone.now()
    first_sum = COLUMN[SUM_FIELDS[0]]
    first_figure, last_figure = COLUMN[FIGURE_FIELDS[0]], COLUMN[FIGURE_FIELDS[-1]]
    assert FIGURE_COLUMNS[first_sum : first_sum + WIDTH] == SUM_FIELDS
    assert FIGURE_COLUMNS[first_figure : last_figure + 1] == FIGURE_FIELDS
    id_at, published_figures_at, published_when_at, pending_at, seq_at = (
        COLUMN[name] for name in ("id", "published", "published_at", "pending", "published_seq")
    )
    blank = dict.fromkeys(FIGURE_COLUMNS, 0)
    blank.update({"id": None, "cycle_id": cycle_id, "published": "[]", "published_at": None})
    asked_at, people_at = COLUMN["asked"], COLUMN["people"]

    def shown(row: list[Any]) -> tuple[Any, ...]:
        published = row[published_figures_at]
        if published in ("[]", []):
            return (row[asked_at], min(row[people_at], threshold - 1))
        return (row[asked_at], published)

    kept, new = [], []
    shown_moved = False
    for key, delta in deltas.items():
        seqs = touched.get(key)
        if seqs is None and not any(delta):
            continue
        row = existing.get(key)
        before = shown(row) if row is not None else None
        if row is None:
            row = list({**blank, **dict(zip(KEY_FIELDS, key, strict=True))}.values())
            new.append(row)
        else:
            kept.append(row)
        row[first_sum : first_sum + WIDTH] = [
            a + b for a, b in zip(row[first_sum : first_sum + WIDTH], delta, strict=False)
        ]
        row[pending_at] += delta[NEW]
        if seqs:
            published_seq = row[seq_at]
            row[pending_at] += sum(count for last, count in seqs.items() if last <= published_seq)
        if row[pending_at] >= threshold:
            row[published_figures_at] = str(row[first_figure : last_figure + 1])  # JSON: ints
            row[published_when_at] = now
            row[seq_at] = seq
            row[pending_at] = 0
        shown_moved = shown_moved or shown(row) != before
    ids = [row[id_at] for row in kept]
    for start in range(0, len(ids), 50000):
        PublishedFigure.objects.filter(pk__in=_among(ids[start : start + 50000])).delete()
    insert(PublishedFigure, kept)
    insert(PublishedFigure, [row[1:] for row in new], without=("id",))
    return shown_moved


def insert(
    model: type[models.Model], rows: list[dict[str, Any]] | list[list[Any]], without: tuple = ()
) -> None:
    """Insert many rows, given as {column attname: value} or as lists in the table's column
    order (less `without`): COPY on PostgreSQL (the ORM's bulk insert spends most of a rebuild
    making and preparing objects), bulk_create elsewhere. A JSON value given as a str is taken
    to be JSON text already."""
    if not rows:
        return
    fields = [field for field in model._meta.concrete_fields if field.attname not in without]
    names = [field.attname for field in fields]
    json_at = [index for index, field in enumerate(fields) if isinstance(field, models.JSONField)]
    if connection.vendor != "postgresql":
        objects = []
        for row in rows:
            values = [row[name] for name in names] if isinstance(row, dict) else list(row)
            for index in json_at:
                if isinstance(values[index], str):
                    values[index] = json.loads(values[index])
            objects.append(model(**dict(zip(names, values, strict=True))))
        model.objects.bulk_create(objects, batch_size=2000)
        return
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            values = [row[name] for name in names] if isinstance(row, dict) else list(row)
            for index in json_at:
                if not isinstance(values[index], str):
                    values[index] = json.dumps(values[index])
            copy.write_row(values)


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


def rebuild(*, cycle_id: int, batch: int = REBUILD_BATCH, fresh: bool = False) -> int:
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
            _commit_without_waiting()
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
            _commit_without_waiting()
            changed += apply(cycle_id, ids[start : start + batch])
    return changed


def _commit_without_waiting() -> None:
    """A rebuild's transaction commits without waiting for its WAL to reach the disk: a crash
    can lose only the last batches, which the next rebuild does again (it is idempotent), and
    any later ordinary commit flushes them first, so nothing is ever half applied."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
