"""Who is reading the figures, and whose own answers that reader already sees (insights.privacy,
rule 6).

A line manager sees each direct report's answers; a head of digital sees those of people with no
active line manager; everyone sees their own. Such a reader could take those answers away from
a figure that includes them, so the privacy rules count, for that reader, only the people whose
answers they cannot see. The reader is set for each request by `ReaderMiddleware` and, for a
report that many people may download, by `reading_for` with everyone who may.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from assessments.models import Assessment
from assessments.selectors import people_seen_individually
from capability.models import RoleProfile, Tier
from insights.models import Contribution
from insights.reading import reading_memo, remembered
from insights.types import Filters

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

    from people.models import User

# The people (StaffProfile ids) whose own answers the reader sees, worked out when first asked.
_known: ContextVar[Callable[[], frozenset[int]] | None] = ContextVar(
    "insights_known_people", default=None
)

# The grouping keys that are the figure's subject rather than its group.
SUBJECT_KEYS = ("skill_id", "skill__area_id")


@contextmanager
def reading_for(people: Callable[[], Iterable[int]]) -> Iterator[None]:
    """Within this block, figures are protected for a reader who sees the answers of `people()`
    (called at most once, and only if a figure is read)."""
    found: list[frozenset[int]] = []

    def known() -> frozenset[int]:
        if not found:
            found.append(frozenset(people()))
        return found[0]

    token = _known.set(known)
    try:
        yield
    finally:
        _known.reset(token)


def reading_as(user: User) -> Any:
    """`reading_for` the people whose answers `user` sees."""
    return reading_for(lambda: people_seen_individually(user))


class ReaderMiddleware:
    """Every request reads figures as its signed-in user."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is None:
            return self.get_response(request)
        with reading_as(user):
            return self.get_response(request)


def known_people() -> frozenset[int]:
    provider = _known.get()
    return provider() if provider is not None else frozenset()


@dataclass(frozen=True)
class KnownAssessment:
    """One assessment of someone whose answers the reader sees: its snapshot and what it rated."""

    values: dict[str, Any]  # its cycle and snapshot, by the names figures are grouped by
    skills: dict[int, int]  # counted skill id -> its area id


def _known_assessments(cycle_ids: list[int], people: frozenset[int]) -> list[KnownAssessment]:
    """Their assessments in `cycle_ids`; each cycle is read once within a reading."""
    memo = reading_memo()
    by_cycle = (memo if memo is not None else {}).setdefault(("known-assessments", people), {})
    missing = [cycle_id for cycle_id in cycle_ids if cycle_id not in by_cycle]
    if missing:
        # What each assessment adds to the figures, as the worker last applied it.
        contributions = Contribution.objects.filter(
            cycle_id__in=missing,
            assessment_id__in=Assessment.objects.filter(
                cycle_id__in=missing, person_id__in=people
            ).values("pk"),
        ).values_list(
            "assessment_id",
            "cycle_id",
            "directorate_id",
            "team_id",
            "tier_id",
            "role_profile_id",
            "ratings",
        )
        rows = list(contributions)
        tiers = dict(Tier.objects.filter(pk__in={row[4] for row in rows}).values_list("pk", "slug"))
        roles = dict(
            RoleProfile.objects.filter(pk__in={row[5] for row in rows}).values_list("pk", "slug")
        )
        for cycle_id in missing:
            by_cycle[cycle_id] = []
        for pk, cycle_id, directorate, team, tier, role, ratings in rows:
            if not ratings:
                continue  # not counted (not submitted, or withdrawn)
            values = {
                "assessment_id": pk,
                "assessment__cycle_id": cycle_id,
                "assessment__directorate_id": directorate or None,
                "assessment__team_id": team or None,
                "assessment__tier_id": tier or None,
                "assessment__tier__slug": tiers.get(tier),
                "assessment__role_profile_id": role or None,
                "assessment__role_profile__slug": roles.get(role),
            }
            skills = {skill_id: area_id for skill_id, area_id, *_ in ratings}
            by_cycle[cycle_id].append(KnownAssessment(values, skills))
    return [assessment for cycle_id in cycle_ids for assessment in by_cycle[cycle_id]]


def _slug(model: Any, pk: int | None) -> str | None:
    if pk is None:
        return None
    return remembered(
        ("slug", model._meta.label, pk),
        lambda: model.objects.filter(pk=pk).values_list("slug", flat=True).first(),
    )


def _key(template: list[Any], position: int, subject_value: Any) -> tuple[Any, ...]:
    """The count's key: the cycle, then the group_by values, the subject's at `position`."""
    if position:
        template = [*template]
        template[position] = subject_value
    return tuple(template)


def known_counts(
    *,
    cycle_ids: list[int],
    filters: Filters,
    group_by: tuple[str, ...],
    distinct_people: bool,
    skill_ids: Collection[int] | None = None,
    group_totals: bool = False,
    **_: Any,
) -> dict[tuple[Any, ...], int]:
    """Per (cycle, *group_by), how many of a figure's people (as insights.aggregation counts
    them) are people whose answers the reader sees. Empty when the reader sees nobody's."""
    people = known_people()
    if not people:
        return {}
    skills = frozenset(skill_ids) if skill_ids is not None else None
    key = ("known-counts", tuple(cycle_ids), people, filters, group_by, distinct_people)
    return remembered(
        (*key, skills, group_totals),
        lambda: _count_known(
            cycle_ids, people, filters, group_by, distinct_people, skills, group_totals
        ),
    )


def _count_known(
    cycle_ids: list[int],
    people: frozenset[int],
    filters: Filters,
    group_by: tuple[str, ...],
    distinct_people: bool,
    skills: frozenset[int] | None,
    group_totals: bool,
) -> dict[tuple[Any, ...], int]:
    wanted = {
        "assessment__directorate_id": filters.directorate_id,
        "assessment__team_id": filters.team_id,
        "assessment__tier__slug": _slug(Tier, filters.tier_id),
        "assessment__role_profile__slug": _slug(RoleProfile, filters.role_profile_id),
    }
    wanted = {name: value for name, value in wanted.items() if value is not None}
    subject = next((name for name in group_by if name in SUBJECT_KEYS), None)
    position = 1 + group_by.index(subject) if subject is not None else 0
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for assessment in _known_assessments(cycle_ids, people):
        values = assessment.values
        if any(values[name] != value for name, value in wanted.items()):
            continue
        rated = assessment.skills
        if skills is not None:
            rated = {skill: area for skill, area in rated.items() if skill in skills}
        if not rated:
            continue
        template = [values["assessment__cycle_id"], *(values.get(name) for name in group_by)]
        if subject == "skill_id":
            for skill in rated:
                counts[_key(template, position, skill)] += 1
        elif subject == "skill__area_id":
            areas = list(rated.values())
            for area in set(areas):
                # One rating per person and skill: without distinct_people each rating counts.
                counts[_key(template, position, area)] += (
                    1 if distinct_people else areas.count(area)
                )
        else:
            counts[_key(template, position, None)] += 1 if distinct_people else len(rated)
        if group_totals and subject is not None:
            counts[_key(template, position, None)] += 1  # the group's people over every skill
    return dict(counts)
