"""Summary tables behind the gap engine, so organisation-wide figures stay fast at any size.

Ratings are summed per cycle and per "slice" (directorate, team, tier, role profile and skill)
into GapSummary, and people are counted per slice and capability area into GapPeople. Each
(cycle, team) is stamped with the number of assessments and the latest `updated_at` they were
built from; before every read the engine compares the stamps with the assessments (one grouped
pass over the cycles' assessments, whose counts also give completion) and rebuilds only the
teams that changed. Every service that changes a rating also saves its assessment, so a
submission or review is seen by the next read.

These tables are never a source of truth: `summary_refresh(cycle_ids=..., force=True)` rebuilds
them from the ratings, and the engine reads ratings directly when it needs individuals.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.db import models, transaction
from django.db.models import Case, Count, Max, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

MAX_LEVEL = 9  # level numbers 0-9 are summed in columns; a framework beyond that reads ratings
LEVEL_FIELDS = [f"level_{number}" for number in range(MAX_LEVEL + 1)]
SLICE = ("directorate_id", "team_id", "tier_id", "role_profile_id")


class GapSummary(models.Model):
    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    # Plain ids, not foreign keys: the table is rebuilt from ratings and never joined for speed.
    directorate_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    tier_id = models.IntegerField(null=True)
    role_profile_id = models.IntegerField(null=True)
    skill_id = models.IntegerField()
    area_id = models.IntegerField()
    ratings = models.PositiveIntegerField()
    at_target = models.PositiveIntegerField()
    gap_sum = models.PositiveIntegerField()
    level_0 = models.PositiveIntegerField(default=0)
    level_1 = models.PositiveIntegerField(default=0)
    level_2 = models.PositiveIntegerField(default=0)
    level_3 = models.PositiveIntegerField(default=0)
    level_4 = models.PositiveIntegerField(default=0)
    level_5 = models.PositiveIntegerField(default=0)
    level_6 = models.PositiveIntegerField(default=0)
    level_7 = models.PositiveIntegerField(default=0)
    level_8 = models.PositiveIntegerField(default=0)
    level_9 = models.PositiveIntegerField(default=0)

    class Meta:
        app_label = "assessments"
        indexes = [
            models.Index(fields=["cycle", "team_id"], name="gap_summary_cycle_team"),
            # One directorate's figures (its teams heatmap) read only that directorate's rows.
            models.Index(fields=["cycle", "directorate_id"], name="gap_summary_cycle_dir"),
        ]

    def __str__(self) -> str:
        return f"Gap summary {self.cycle_id}/{self.team_id}/{self.skill_id}"


class GapPeople(models.Model):
    """People with at least one counted rating, per slice and area (area None: in any area)."""

    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    directorate_id = models.IntegerField(null=True)
    team_id = models.IntegerField(null=True)
    tier_id = models.IntegerField(null=True)
    role_profile_id = models.IntegerField(null=True)
    area_id = models.IntegerField(null=True)
    people = models.PositiveIntegerField()

    class Meta:
        app_label = "assessments"
        indexes = [
            models.Index(fields=["cycle", "team_id"], name="gap_people_cycle_team"),
            models.Index(fields=["cycle", "directorate_id"], name="gap_people_cycle_dir"),
        ]

    def __str__(self) -> str:
        return f"Gap people {self.cycle_id}/{self.team_id}/{self.area_id}"


class GapSummaryStamp(models.Model):
    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.CASCADE, related_name="+")
    team_key = models.IntegerField()  # the team id, 0 for assessments with no team
    assessments = models.PositiveIntegerField()
    # Submitted and reviewed counts: a submission or review always changes one of them, so it is
    # seen even when its `updated_at` is older than the latest (saved before, committed after).
    submitted = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)
    latest = models.DateTimeField(null=True)

    class Meta:
        app_label = "assessments"
        constraints = [
            models.UniqueConstraint(fields=["cycle", "team_key"], name="gap_stamp_unique"),
        ]

    def __str__(self) -> str:
        return f"Gap stamp {self.cycle_id}/{self.team_key}"


Stamp = tuple[int, int, int, Any]  # assessments, submitted, reviewed, latest updated_at


class AssessmentCount(NamedTuple):
    """Assessments of one cycle per snapshot directorate and team (None: no team)."""

    cycle_id: int
    directorate_id: int | None
    team_id: int | None
    assessments: int
    submitted: int
    reviewed: int
    latest: Any


def _live_counts(cycle_ids: list[int]) -> list[AssessmentCount]:
    """One pass over the cycles' assessments (in a reading, remembered for `assessment_counts`).
    A team's assessments share its directorate, so this is one row per team in practice."""
    from assessments.models import Assessment

    status = Assessment.Status
    rows = (
        Assessment.objects.filter(cycle_id__in=cycle_ids)
        .order_by()
        .values_list("cycle_id", "directorate_id", "team_id")
        .annotate(
            count=Count("*"),
            submitted=Count("id", filter=Q(status=status.SUBMITTED)),
            reviewed=Count("id", filter=Q(status=status.REVIEWED)),
            latest=Max("updated_at"),
        )
    )
    counts = [AssessmentCount(*row) for row in rows]
    reading = _reading.get()
    if reading is not None:
        reading.live = [row for row in reading.live if row.cycle_id not in cycle_ids] + counts
        reading.live_cycles.update(cycle_ids)
    return counts


def _live_stamps(cycle_ids: list[int]) -> dict[tuple[int, int], Stamp]:
    stamps: dict[tuple[int, int], Stamp] = {}
    for row in _live_counts(cycle_ids):
        key = (row.cycle_id, row.team_id or 0)
        count, submitted, reviewed, latest = stamps.get(key, (0, 0, 0, None))
        stamps[key] = (
            count + row.assessments,
            submitted + row.submitted,
            reviewed + row.reviewed,
            row.latest if latest is None or (row.latest and row.latest > latest) else latest,
        )
    return stamps


def _stale(cycle_ids: list[int]) -> dict[int, set[int]]:
    """Team keys per cycle whose summary no longer matches their assessments."""
    live = _live_stamps(cycle_ids)
    stored = {
        (cycle_id, team_key): tuple(stamp)
        for cycle_id, team_key, *stamp in GapSummaryStamp.objects.filter(
            cycle_id__in=cycle_ids
        ).values_list("cycle_id", "team_key", "assessments", "submitted", "reviewed", "latest")
    }
    stale: dict[int, set[int]] = {}
    for key in live.keys() | stored.keys():
        if live.get(key) != stored.get(key):
            stale.setdefault(key[0], set()).add(key[1])
    return stale


def _slices_q(stale: dict[int, set[int]], prefix: str) -> Q:
    condition = Q()
    for cycle_id, team_keys in stale.items():
        teams = Q(**{f"{prefix}team_id__in": [key for key in team_keys if key]})
        if 0 in team_keys:
            teams |= Q(**{f"{prefix}team_id__isnull": True})
        condition |= Q(**{f"{prefix}cycle_id": cycle_id}) & teams
    return condition


@receiver(post_save, sender="assessments.Rating", dispatch_uid="gap_summary_rating_saved")
def _rating_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A guard for a rating saved on its own (an admin's correction, a shell fix): touch its
    assessment so the summary of its team is rebuilt on the next read. The services save ratings
    with `update_fields` and then save the assessment themselves, so they pay nothing extra.
    (Ratings changed with QuerySet.update() or deleted on their own send no signal: a forced
    `summary_refresh(..., force=True)` puts those right.)"""
    if raw or kwargs.get("update_fields") is not None:
        return
    from assessments.models import Assessment

    Assessment.objects.filter(pk=instance.assessment_id).update(updated_at=timezone.now())


@dataclass
class _Reading:
    checked: set[int] = field(default_factory=set)  # cycles whose summary was checked
    live: list[AssessmentCount] = field(default_factory=list)  # as found by that check
    live_cycles: set[int] = field(default_factory=set)
    memo: dict[Any, Any] = field(default_factory=dict)  # the engine's results, see reading_memo


_reading: ContextVar[_Reading | None] = ContextVar("gap_summary_reading", default=None)


@contextmanager
def one_reading() -> Iterator[None]:
    """Within this block (a page, a CSV, a report) each cycle's summary is checked for freshness
    once, not once per figure, and the engine reads each set of summary rows once. Use it as a
    context manager or as a view decorator."""
    token = _reading.set(_Reading())
    try:
        yield
    finally:
        _reading.reset(token)


def reading_memo() -> dict[Any, Any] | None:
    """A dict that lives as long as the current `one_reading()` block (None outside one), for
    the engine to keep what it read from the summaries and the framework."""
    reading = _reading.get()
    return reading.memo if reading is not None else None


def assessment_counts(*, cycle_ids: list[int]) -> list[AssessmentCount]:
    """Assessments per cycle, snapshot directorate and team, with how many are submitted and
    reviewed. In a `one_reading()` block these are the counts the freshness check found, so they
    cost no query of their own."""
    summary_refresh(cycle_ids=cycle_ids)
    reading = _reading.get()
    if reading is None or not reading.live_cycles.issuperset(cycle_ids):
        return _live_counts(cycle_ids)
    return [row for row in reading.live if row.cycle_id in cycle_ids]


def summary_refresh(*, cycle_ids: list[int], force: bool = False) -> int:
    """Bring the summaries of these cycles up to date; returns how many teams were rebuilt.
    When nothing changed this costs two small queries (none when already checked in this
    `one_reading()` block)."""
    reading = _reading.get()
    if not force and reading is not None and reading.checked.issuperset(cycle_ids):
        return 0
    rebuilt = _refresh(cycle_ids, force)
    if reading is not None:
        reading.checked.update(cycle_ids)
        if rebuilt:
            reading.memo.clear()
    return rebuilt


def _refresh(cycle_ids: list[int], force: bool) -> int:
    stale = (
        {cycle_id: set(keys) for cycle_id, keys in _all_team_keys(cycle_ids).items()}
        if force
        else _stale(cycle_ids)
    )
    if not stale:
        return 0
    from assessments.models import Cycle

    with transaction.atomic():
        # One rebuild at a time per cycle; a request that waited finds the work already done.
        list(Cycle.objects.select_for_update().filter(pk__in=list(stale)).values_list("pk"))
        if not force:
            stale = _stale(list(stale))
            if not stale:
                return 0
        _rebuild(stale)
    return sum(len(keys) for keys in stale.values())


def _all_team_keys(cycle_ids: list[int]) -> dict[int, set[int]]:
    keys: dict[int, set[int]] = {}
    for cycle_id, team_key in _live_stamps(cycle_ids):
        keys.setdefault(cycle_id, set()).add(team_key)
    for cycle_id, team_key in GapSummaryStamp.objects.filter(cycle_id__in=cycle_ids).values_list(
        "cycle_id", "team_key"
    ):
        keys.setdefault(cycle_id, set()).add(team_key)
    return keys


def _rebuild(stale: dict[int, set[int]]) -> None:
    from insights.gaps import counted_ratings

    # Stamp with what the assessments were BEFORE reading their ratings: a submission that commits
    # while this runs then leaves the stamp behind, and the next read rebuilds that team again.
    # (Stamped afterwards, such a submission could be stamped as included without being summed.)
    live = _live_stamps(list(stale))
    GapSummary.objects.filter(_slices_q(stale, "")).delete()
    GapPeople.objects.filter(_slices_q(stale, "")).delete()
    GapSummaryStamp.objects.filter(
        Q(
            *[Q(cycle_id=cycle_id, team_key__in=keys) for cycle_id, keys in stale.items()],
            _connector=Q.OR,
        )
    ).delete()
    ratings = counted_ratings(list(stale), None).filter(_slices_q(stale, "assessment__"))
    slice_keys = {
        "cycle_id": "assessment__cycle_id",
        **{name: f"assessment__{name}" for name in SLICE},
    }
    sums = {
        "ratings": Count("id"),
        "at_target": Sum(Case(When(gap=0, then=Value(1)), default=Value(0))),
        "gap_sum": Coalesce(Sum("gap"), 0),
        **{
            field: Sum(Case(When(used=number, then=Value(1)), default=Value(0)))
            for number, field in enumerate(LEVEL_FIELDS)
        },
    }
    rows = ratings.values(*slice_keys.values(), "skill_id", "skill__area_id").annotate(**sums)
    GapSummary.objects.bulk_create(
        [
            GapSummary(
                **{name: row[source] for name, source in slice_keys.items()},
                skill_id=row["skill_id"],
                area_id=row["skill__area_id"],
                **{name: row[name] or 0 for name in ("ratings", "at_target", "gap_sum")},
                **{field: row[field] or 0 for field in LEVEL_FIELDS},
            )
            for row in rows
        ],
        batch_size=5000,
    )
    people_by_area = ratings.values(*slice_keys.values(), "skill__area_id").annotate(
        people=Count("assessment_id", distinct=True)
    )
    people_anywhere = ratings.values(*slice_keys.values()).annotate(
        people=Count("assessment_id", distinct=True)
    )
    GapPeople.objects.bulk_create(
        [
            GapPeople(
                **{name: row[source] for name, source in slice_keys.items()},
                area_id=row.get("skill__area_id"),
                people=row["people"],
            )
            for row in [*people_by_area, *people_anywhere]
        ],
        batch_size=5000,
    )
    GapSummaryStamp.objects.bulk_create(
        [
            GapSummaryStamp(
                cycle_id=cycle_id,
                team_key=key,
                assessments=count,
                submitted=submitted,
                reviewed=reviewed,
                latest=latest,
            )
            for (cycle_id, key), (count, submitted, reviewed, latest) in live.items()
            if key in stale.get(cycle_id, set())
        ]
    )
