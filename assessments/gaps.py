"""The gap engine: the only code that turns ratings into figures.

Dashboards, CSV exports, computed key results and the PDF report all read from here, so a number
means the same thing everywhere. Every figure is computed by the database with aggregates, in a
fixed number of queries whatever the size of the organisation, and small-group suppression is
applied here so no page or export can forget it.

Rules
- The level used is the manager's agreed level where there is one, else the self-assessed level.
- Gap = max(target - level used, 0), with the target snapshotted on the rating.
- Only submitted and reviewed assessments count towards shares, gaps and distributions.
- Per skill, each person has one rating, so a skill figure is over people. Area, group and
  headline shares and mean gaps are over every rating (person and skill) they cover; their
  `people` is the number of different people those ratings come from.
- Completion is over everyone asked to take part: people with an assessment in the cycle, and
  people who never started one (an assessment row is made only when someone starts). For an open
  cycle that is every active person without one; for a closed cycle, everyone emailed about it
  (invitation or reminder) without one. Those are grouped by their current team and role.
- A figure over fewer than settings.SMALL_GROUP_THRESHOLD people is suppressed.
- "Change" compares with the previous cycle, matching skills, areas and tiers by slug so that a
  change of framework version between cycles still lines up.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import wraps
from operator import add, itemgetter
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest

from assessments import gap_summary
from assessments.gap_summary import one_reading
from assessments.models import Assessment, Cycle, Rating, ReminderSent
from capability.models import CapabilityArea, Level, RoleProfile, Skill, Tier
from people.models import Directorate, StaffProfile, Team

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = [
    "AreaFigure",
    "Figure",
    "Filters",
    "GroupFigure",
    "SkillFigure",
    "area_figures",
    "biggest_gaps_by_tier",
    "group_area_figures",
    "headline",
    "latest_cycle",
    "measure_value",
    "one_reading",
    "people_ratings",
    "previous_cycle",
    "skill_figure",
    "skill_figures",
]

COUNTED = (Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED)
Measure = Literal["completion", "share_at_target", "mean_gap"]


def threshold() -> int:
    return settings.SMALL_GROUP_THRESHOLD


def suppressed_text() -> str:
    return f"fewer than {threshold()} responses"


# --- Result types -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """Which people a figure is over. Every field is optional; None means no filter."""

    directorate_id: int | None = None
    team_id: int | None = None
    person_ids: tuple[int, ...] | None = None  # StaffProfile ids, e.g. a line manager's reports
    tier_id: int | None = None  # the assessment's snapshot tier
    role_profile_id: int | None = None


@dataclass(frozen=True)
class Figure:
    """One number, or the reason there is none."""

    value: float | None
    people: int
    suppressed: bool

    def display(self, places: int = 0, suffix: str = "") -> str:
        if self.suppressed:
            return suppressed_text()
        if self.value is None:
            return "no responses"
        return f"{self.value:.{places}f}{suffix}"

    def display_change(self, places: int = 0, suffix: str = "") -> str:
        """Like display() but with a sign, for changes since the previous cycle."""
        if self.suppressed or self.value is None:
            return self.display(places, suffix)
        return f"{self.value:+.{places}f}{suffix}"

    @property
    def available(self) -> bool:
        return self.value is not None


NO_DATA = Figure(value=None, people=0, suppressed=False)


@dataclass(frozen=True)
class _Figures:
    people: int
    suppressed: bool
    share_at_target: Figure
    mean_gap: Figure
    distribution: dict[int, int] | None
    change_share_at_target: Figure
    change_mean_gap: Figure


@dataclass(frozen=True)
class SkillFigure(_Figures):
    skill: Skill = field(default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class AreaFigure(_Figures):
    area: CapabilityArea = field(default=None)  # type: ignore[assignment]


@dataclass(frozen=True)
class GroupFigure:
    """One heatmap row: a directorate or a team, with a figure per area (area id -> figure)."""

    label: str
    directorate_id: int | None
    team_id: int | None
    areas: dict[int, AreaFigure]
    people: int = 0


@dataclass(frozen=True)
class PersonRating:
    """One of a line manager's direct reports on one skill (never aggregated, never suppressed)."""

    person_id: int
    skill_id: int
    level: int  # the level used
    self_level: int
    agreed_level: int | None
    target: int
    gap: int


@dataclass(frozen=True)
class PersonRow:
    person: StaffProfile
    status: str | None  # the assessment's status label, None when they have none this cycle
    ratings: dict[int, PersonRating]  # skill id -> rating

    @property
    def total_gap(self) -> int:
        return sum(rating.gap for rating in self.ratings.values())

    @property
    def at_target(self) -> int:
        """How many of this person's skills are at or above target."""
        return sum(1 for rating in self.ratings.values() if rating.gap == 0)


# --- Building figures from aggregate rows --------------------------------------------------------


@dataclass
class _Stats:
    """Sums from one aggregate row: people, ratings, ratings at target, gap levels, levels."""

    people: int = 0
    ratings: int = 0
    at_target: int = 0
    gap_sum: int = 0
    distribution: dict[int, int] = field(default_factory=dict)


def figure(value: float | None, people: int) -> Figure:
    """A Figure, suppressed when it is over fewer people than the threshold."""
    if people == 0:
        return NO_DATA
    if people < threshold():
        return Figure(value=None, people=people, suppressed=True)
    return Figure(value=value, people=people, suppressed=False)


def _change(current: Figure, previous: Figure) -> Figure:
    if current.suppressed or previous.suppressed:
        return Figure(value=None, people=current.people, suppressed=current.people > 0)
    if current.value is None or previous.value is None:
        return Figure(value=None, people=current.people, suppressed=False)
    return Figure(value=current.value - previous.value, people=current.people, suppressed=False)


def _share(stats: _Stats | None) -> Figure:
    if stats is None or stats.ratings == 0:
        return figure(None, stats.people if stats else 0)
    return figure(100.0 * stats.at_target / stats.ratings, stats.people)


def _mean_gap(stats: _Stats | None) -> Figure:
    if stats is None or stats.ratings == 0:
        return figure(None, stats.people if stats else 0)
    return figure(stats.gap_sum / stats.ratings, stats.people)


def _figures(current: _Stats | None, previous: _Stats | None, levels: list[int]) -> dict[str, Any]:
    share, gap = _share(current), _mean_gap(current)
    people = current.people if current else 0
    suppressed = 0 < people < threshold()
    distribution = None
    if current is not None and not suppressed:
        distribution = {number: current.distribution.get(number, 0) for number in levels}
    elif current is None:
        distribution = dict.fromkeys(levels, 0)
    return {
        "people": people,
        "suppressed": suppressed,
        "share_at_target": share,
        "mean_gap": gap,
        "distribution": distribution,
        "change_share_at_target": _change(share, _share(previous)),
        "change_mean_gap": _change(gap, _mean_gap(previous)),
    }


# --- Queries ---------------------------------------------------------------------------------


def latest_cycle() -> Cycle | None:
    """The most recent cycle that is open or closed."""
    return (
        Cycle.objects.exclude(state=Cycle.State.DRAFT)
        .select_related("framework")
        .order_by("-opens_on", "-id")
        .first()
    )


def previous_cycle(cycle: Cycle) -> Cycle | None:
    return (
        Cycle.objects.exclude(state=Cycle.State.DRAFT)
        .exclude(pk=cycle.pk)
        .filter(Q(opens_on__lt=cycle.opens_on) | Q(opens_on=cycle.opens_on, id__lt=cycle.pk))
        .order_by("-opens_on", "-id")
        .first()
    )


def _cycle_ids(cycle: Cycle, previous: Cycle | None) -> list[int]:
    return [cycle.pk] + ([previous.pk] if previous else [])


def _framework_ids(cycle: Cycle, previous: Cycle | None) -> list[int]:
    return list({cycle.framework_id} | ({previous.framework_id} if previous else set()))


def _assessment_filter(filters: Filters, prefix: str) -> Q:
    """Filters on the assessment snapshot. Tier and role match by slug so that the previous
    cycle, possibly on another framework version, is filtered the same way (as a subquery)."""
    q = Q()
    if filters.directorate_id is not None:
        q &= Q(**{f"{prefix}directorate_id": filters.directorate_id})
    if filters.team_id is not None:
        q &= Q(**{f"{prefix}team_id": filters.team_id})
    if filters.person_ids is not None:
        q &= Q(**{f"{prefix}person_id__in": list(filters.person_ids)})
    if filters.tier_id is not None:
        slug = Tier.objects.filter(pk=filters.tier_id).values("slug")
        q &= Q(**{f"{prefix}tier__slug__in": slug})
    if filters.role_profile_id is not None:
        slug = RoleProfile.objects.filter(pk=filters.role_profile_id).values("slug")
        q &= Q(**{f"{prefix}role_profile__slug__in": slug})
    return q


def _person_filter(filters: Filters) -> Q:
    """The same filters on people as they are now, for those with no assessment snapshot."""
    q = Q()
    if filters.directorate_id is not None:
        q &= Q(team__directorate_id=filters.directorate_id)
    if filters.team_id is not None:
        q &= Q(team_id=filters.team_id)
    if filters.person_ids is not None:
        q &= Q(pk__in=list(filters.person_ids))
    if filters.tier_id is not None:
        slug = Tier.objects.filter(pk=filters.tier_id).values("slug")
        q &= Q(role_profile__tier__slug__in=slug)
    if filters.role_profile_id is not None:
        slug = RoleProfile.objects.filter(pk=filters.role_profile_id).values("slug")
        q &= Q(role_profile__slug__in=slug)
    return q


def _never_started(cycles: list[Cycle], filters: Filters) -> dict[int, int]:
    """Per cycle, people asked to take part who have no assessment in it (one query per cycle:
    the "no assessment" test in WHERE lets the database use an anti-join)."""
    people = StaffProfile.objects.filter(_person_filter(filters)).order_by()
    counts = {}
    for cycle in cycles:
        if cycle.state == Cycle.State.OPEN:
            asked = people.filter(active=True, user__is_active=True)
        elif cycle.state == Cycle.State.CLOSED:
            emailed = ReminderSent.objects.filter(cycle_id=cycle.pk, person_id=OuterRef("pk"))
            asked = people.filter(Exists(emailed))
        else:
            continue
        assessed = Assessment.objects.filter(cycle_id=cycle.pk, person_id=OuterRef("pk"))
        counts[cycle.pk] = asked.filter(~Exists(assessed)).count()
    return counts


def counted_ratings(cycle_ids: list[int], filters: Filters | None) -> QuerySet[Rating]:
    """Ratings that count, annotated with the level used and the gap (never below zero)."""
    used = Coalesce(F("agreed_level__number"), F("level__number"))
    return (
        Rating.objects.filter(assessment__cycle_id__in=cycle_ids, assessment__status__in=COUNTED)
        .filter(_assessment_filter(filters or Filters(), "assessment__"))
        .annotate(
            used=used,
            gap=Greatest(
                ExpressionWrapper(F("target") - used, output_field=IntegerField()),
                Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by()
    )


def _level_numbers(framework_ids: list[int]) -> list[int]:
    numbers = Level.objects.filter(framework_id__in=framework_ids).values_list("number", flat=True)
    return sorted(set(numbers))


def _aggregate(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    levels: list[int],
    distinct_people: bool,
    skill_ids: Any = None,
    group_totals: bool = False,
) -> dict[tuple[Any, ...], _Stats]:
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
        result[tuple(row[key] for key in keys)] = _Stats(
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
            result[key] = _Stats(people=row["people"])
    return result


SUMMARY_KEYS = {
    "assessment__cycle_id": "cycle_id",
    "assessment__directorate_id": "directorate_id",
    "assessment__team_id": "team_id",
    "assessment__tier_id": "tier_id",
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
) -> dict[tuple[Any, ...], _Stats]:
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
        result[key] = _Stats(
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
                result[key] = _Stats(people=total)
    return result


@dataclass
class _Context:
    cycle: Cycle
    previous: Cycle | None
    levels: list[int]

    @property
    def cycle_ids(self) -> list[int]:
        return _cycle_ids(self.cycle, self.previous)

    @property
    def framework_ids(self) -> list[int]:
        return _framework_ids(self.cycle, self.previous)


def _remembered(key: tuple[Any, ...], read: Any) -> Any:
    """read(), once per `one_reading()` block (every time outside one)."""
    memo = gap_summary.reading_memo()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def _context(cycle: Cycle) -> _Context:
    def read() -> tuple[Cycle | None, list[int]]:
        previous = previous_cycle(cycle)
        return previous, _level_numbers(_framework_ids(cycle, previous))

    previous, levels = _remembered(("context", cycle.pk), read)
    return _Context(cycle, previous, list(levels))


def _skills(context: _Context) -> list[Skill]:
    """Skills of both cycles' frameworks (the current ones first, in framework order)."""
    return list(
        _remembered(
            ("skills", *sorted(context.framework_ids)),
            lambda: list(
                Skill.objects.filter(framework_id__in=context.framework_ids)
                .select_related("area", "tier")
                .order_by("area__order", "area__name", "tier__number", "order", "name")
            ),
        )
    )


def _areas(context: _Context) -> list[CapabilityArea]:
    """Capability areas of both cycles' frameworks, in framework order."""
    return list(
        _remembered(
            ("areas", *sorted(context.framework_ids)),
            lambda: list(
                CapabilityArea.objects.filter(framework_id__in=context.framework_ids).order_by(
                    "order", "name"
                )
            ),
        )
    )


def _slug_map(objects: Iterable[Any], framework_id: int) -> dict[int, Any]:
    """Map every object's id (in either framework) to the current framework's object with the
    same slug, so previous-cycle rows line up with current ones."""
    objects = list(objects)
    by_slug = {obj.slug: obj for obj in objects if obj.framework_id == framework_id}
    return {obj.pk: by_slug[obj.slug] for obj in objects if obj.slug in by_slug}


def _split(
    stats: dict[tuple[Any, ...], _Stats], context: _Context, key_map: Any = None
) -> tuple[dict[Any, _Stats], dict[Any, _Stats]]:
    """Split (cycle, *keys) rows into current and previous dicts keyed by the mapped keys."""
    current: dict[Any, _Stats] = {}
    previous: dict[Any, _Stats] = {}
    for (cycle_id, *keys), value in stats.items():
        key = key_map(keys) if key_map else (keys[0] if len(keys) == 1 else tuple(keys))
        if key is None:
            continue
        target = current if cycle_id == context.cycle.pk else previous
        target[key] = value
    return current, previous


def _assessed(cycle_ids: list[int], filters: Filters) -> dict[int, dict[str, int]]:
    """Per cycle with any, the people in `filters` with an assessment and how many of those are
    submitted or reviewed. Filters on directorate and team read the counts the summary's
    freshness check already made (no query of their own in a reading); others count here."""
    if filters.person_ids is None and filters.tier_id is None and filters.role_profile_id is None:
        completion: dict[int, dict[str, int]] = {}
        for row in gap_summary.assessment_counts(cycle_ids=cycle_ids):
            if filters.directorate_id is not None and row.directorate_id != filters.directorate_id:
                continue
            if filters.team_id is not None and row.team_id != filters.team_id:
                continue
            counts = completion.setdefault(row.cycle_id, {"people": 0, "submitted": 0})
            counts["people"] += row.assessments
            counts["submitted"] += row.submitted + row.reviewed
        return completion
    rows = (
        Assessment.objects.filter(cycle_id__in=cycle_ids)
        .filter(_assessment_filter(filters, ""))
        .order_by()
        .values("cycle_id")
        .annotate(people=Count("id"), submitted=Count("id", filter=Q(status__in=COUNTED)))
    )
    return {
        row["cycle_id"]: {"people": row["people"], "submitted": row["submitted"]} for row in rows
    }


# --- Public API ---------------------------------------------------------------------------------

_Function = TypeVar("_Function", bound=Any)


def _a_reading(function: _Function) -> _Function:
    """Run the function in a `one_reading()` block of its own when it is not already in one, so
    even a single figure checks the summary once and reads it once."""

    @wraps(function)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if gap_summary.reading_memo() is not None:
            return function(*args, **kwargs)
        with one_reading():
            return function(*args, **kwargs)

    return wrapped  # type: ignore[return-value]


@_a_reading
def headline(*, cycle: Cycle, filters: Filters = Filters()) -> dict[str, Any]:
    """Completion, share at target and mean gap over everyone in `filters`, with changes."""
    context = _context(cycle)
    completion = _assessed(context.cycle_ids, filters)
    cycles = [cycle] + ([context.previous] if context.previous else [])
    for cycle_id, extra in _never_started(cycles, filters).items():
        row = completion.setdefault(cycle_id, {"people": 0, "submitted": 0})
        row["people"] += extra
    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=(),
        levels=context.levels,  # unused here, but the same summary read as the other figures
        distinct_people=True,
    )
    now, before = _split(stats, context, key_map=lambda keys: "all")
    counts = completion.get(cycle.pk, {"people": 0, "submitted": 0})
    previous_counts = completion.get(context.previous.pk if context.previous else None)

    def completion_figure(row: dict[str, int] | None) -> Figure:
        if not row or not row["people"]:
            return NO_DATA
        return figure(100.0 * row["submitted"] / row["people"], row["people"])

    completion_now = completion_figure(counts)
    completion_before = completion_figure(previous_counts)
    share, gap = _share(now.get("all")), _mean_gap(now.get("all"))
    return {
        "people": counts["people"],
        "submitted": counts["submitted"],
        "completion": completion_now,
        "share_at_target": share,
        "mean_gap": gap,
        "change_completion": _change(completion_now, completion_before),
        "change_share_at_target": _change(share, _share(before.get("all"))),
        "change_mean_gap": _change(gap, _mean_gap(before.get("all"))),
        "previous_cycle": context.previous,
    }


@_a_reading
def skill_figures(*, cycle: Cycle, filters: Filters = Filters()) -> list[SkillFigure]:
    """A figure for every skill of the cycle's framework, in framework order."""
    context = _context(cycle)
    skills = _skills(context)
    current_by_id = _slug_map(skills, cycle.framework_id)
    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("skill_id",),
        levels=context.levels,
        distinct_people=False,
    )
    now, before = _split(stats, context, key_map=lambda keys: current_by_id.get(keys[0]))
    return [
        SkillFigure(skill=skill, **_figures(now.get(skill), before.get(skill), context.levels))
        for skill in skills
        if skill.framework_id == cycle.framework_id
    ]


@_a_reading
def area_figures(*, cycle: Cycle, filters: Filters = Filters()) -> list[AreaFigure]:
    context = _context(cycle)
    areas = _areas(context)
    current_by_id = _slug_map(areas, cycle.framework_id)
    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("skill__area_id",),
        levels=context.levels,
        distinct_people=True,
    )
    now, before = _split(stats, context, key_map=lambda keys: current_by_id.get(keys[0]))
    return [
        AreaFigure(area=area, **_figures(now.get(area), before.get(area), context.levels))
        for area in areas
        if area.framework_id == cycle.framework_id
    ]


@_a_reading
def group_area_figures(
    *,
    cycle: Cycle,
    by: Literal["directorate", "team"],
    filters: Filters = Filters(),
) -> list[GroupFigure]:
    """Heatmap rows: one per directorate (or team) with responses in the cycle."""
    if by not in ("directorate", "team"):
        raise ValueError(f"Group by 'directorate' or 'team', not {by!r}")
    context = _context(cycle)
    areas = _areas(context)
    current_by_id = _slug_map(areas, cycle.framework_id)
    group_field = f"assessment__{by}_id"
    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=(group_field, "skill__area_id"),
        levels=context.levels,
        distinct_people=True,
        group_totals=True,
    )
    now, before = _split(
        stats,
        context,
        key_map=lambda keys: (
            (keys[0], current_by_id.get(keys[1]))
            if keys[1] in current_by_id or keys[1] is None
            else None
        ),
    )
    # Rows for the groups with responses this cycle; (group, None) holds the group's people.
    people = {group_id: item.people for (group_id, area), item in now.items() if area is None}
    if by == "directorate":
        groups: list[Any] = list(Directorate.objects.filter(pk__in=people).order_by("name"))
    else:
        groups = list(
            Team.objects.filter(pk__in=people)
            .select_related("directorate")
            .order_by("directorate__name", "name")
        )
    current_areas = [area for area in areas if area.framework_id == cycle.framework_id]
    rows = []
    for group in groups:
        figures = {
            area.pk: AreaFigure(
                area=area,
                **_figures(now.get((group.pk, area)), before.get((group.pk, area)), context.levels),
            )
            for area in current_areas
        }
        rows.append(
            GroupFigure(
                label=group.name,
                directorate_id=group.pk if by == "directorate" else group.directorate_id,
                team_id=group.pk if by == "team" else None,
                areas=figures,
                people=people.get(group.pk, 0),
            )
        )
    return rows


@_a_reading
def biggest_gaps_by_tier(
    *, cycle: Cycle, filters: Filters = Filters(), limit: int = 5
) -> dict[Tier, list[SkillFigure]]:
    """Per tier (of the people assessed), the skills with the largest headcount-weighted gap:
    mean gap x people, i.e. the total number of levels short. Suppressed figures are left out."""
    context = _context(cycle)
    skills = _skills(context)
    skill_by_id = _slug_map(skills, cycle.framework_id)
    tiers = list(Tier.objects.filter(framework_id__in=context.framework_ids).order_by("number"))
    tier_by_id = _slug_map(tiers, cycle.framework_id)

    def key_map(keys: list[Any]) -> tuple[Tier, Skill] | None:
        tier, skill = tier_by_id.get(keys[0]), skill_by_id.get(keys[1])
        return (tier, skill) if tier and skill else None

    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("assessment__tier_id", "skill_id"),
        levels=context.levels,
        distinct_people=False,
    )
    now, before = _split(stats, context, key_map=key_map)
    result: dict[Tier, list[SkillFigure]] = {}
    for tier in tiers:
        if tier.framework_id != cycle.framework_id:
            continue
        ranked = [
            SkillFigure(
                skill=skill,
                **_figures(now[(tier, skill)], before.get((tier, skill)), context.levels),
            )
            for (row_tier, skill) in now
            if row_tier == tier
        ]
        ranked = [
            item for item in ranked if not item.suppressed and item.mean_gap.value is not None
        ]
        ranked.sort(key=lambda item: (-item.mean_gap.value * item.people, item.skill.name))
        result[tier] = [item for item in ranked if item.mean_gap.value > 0][:limit]
    return result


@_a_reading
def skill_figure(*, cycle: Cycle, skill: Skill, filters: Filters = Filters()) -> SkillFigure:
    """One skill's figure (for a drill-down to its distribution)."""
    context = _context(cycle)
    same_skill = list(
        Skill.objects.filter(framework_id__in=context.framework_ids, slug=skill.slug)
        .select_related("area", "tier")
        .order_by()
    )
    current = next((s for s in same_skill if s.framework_id == cycle.framework_id), skill)
    stats = _aggregate(
        cycle_ids=context.cycle_ids,
        filters=filters,
        group_by=("skill_id",),
        skill_ids=Skill.objects.filter(
            framework_id__in=context.framework_ids, slug=skill.slug
        ).values("id"),
        levels=context.levels,
        distinct_people=False,
    )
    ids = {s.pk for s in same_skill} | {skill.pk}
    now, before = _split(stats, context, key_map=lambda keys: "skill" if keys[0] in ids else None)
    return SkillFigure(
        skill=current, **_figures(now.get("skill"), before.get("skill"), context.levels)
    )


@_a_reading
def measure_value(
    *,
    cycle: Cycle,
    measure: Measure,
    skill: Skill | None = None,
    area: CapabilityArea | None = None,
    tier: Tier | None = None,
    directorate: Directorate | None = None,
    team: Team | None = None,
) -> Figure:
    """One figure for a computed key result, e.g. % of service managers at target in a skill.

    A skill or area from another framework version is matched by slug in the cycle's framework.
    """
    filters = Filters(
        directorate_id=directorate.pk if directorate else None,
        team_id=team.pk if team else None,
        tier_id=tier.pk if tier else None,
    )
    if measure == "completion":
        return headline(cycle=cycle, filters=filters)["completion"]
    if measure not in ("share_at_target", "mean_gap"):
        raise ValueError(f"Unknown measure {measure!r}")
    if skill is not None:
        return getattr(skill_figure(cycle=cycle, skill=skill, filters=filters), measure)
    if area is not None:
        for item in area_figures(cycle=cycle, filters=filters):
            if item.area.slug == area.slug:
                return getattr(item, measure)
        return NO_DATA
    return headline(cycle=cycle, filters=filters)[measure]


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
