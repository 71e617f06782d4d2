"""Reads of learning resources: for a skill and level, and the catalogue by skill."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from assessments.models import Assessment
from assessments.ratings import people_ratings
from capability.models import Framework, Skill
from capability.selectors import published_framework
from common import roles
from development.models import (
    DevelopmentPlan,
    FocusSkill,
    LearningCompletion,
    LearningResource,
    MandatoryLearning,
)
from people.models import StaffProfile, User


def resources_for(skill_slug: str, level: int) -> QuerySet[LearningResource]:
    """The resources that help reach `level` in the skill, mandatory ones first."""
    return LearningResource.objects.filter(skill_slug=skill_slug, level=level).order_by(
        "-mandatory", "title"
    )


@dataclass
class SkillResources:
    skill: Skill
    by_level: dict[int, list[LearningResource]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(resources) for resources in self.by_level.values())


def catalogue(framework: Framework, *, skill_slug: str = "") -> list[SkillResources]:
    """Every resource for the framework's skills, by skill (in framework order) then level."""
    skills = framework.skills.select_related("area").order_by("area__order", "order", "name")
    if skill_slug:
        skills = skills.filter(slug=skill_slug)
    found = {skill.slug: SkillResources(skill=skill) for skill in skills}
    resources = LearningResource.objects.filter(skill_slug__in=list(found)).order_by(
        "level", "-mandatory", "title"
    )
    for resource in resources:
        found[resource.skill_slug].by_level.setdefault(resource.level, []).append(resource)
    return [entry for entry in found.values() if entry.count]


def resources_without_a_skill(framework: Framework) -> QuerySet[LearningResource]:
    """Resources for a skill the framework in use no longer has (kept for a later version)."""
    return LearningResource.objects.exclude(
        skill_slug__in=framework.skills.values("slug")
    ).order_by("skill_slug", "level", "title")


# Personal development plans ---------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    skill: Skill
    level: int  # the level used (agreed where there is one, else self-assessed)
    target: int
    gap: int


def plan_gaps(assessment: Assessment) -> list[Gap]:
    """The person's gaps in this assessment, biggest first: the skills a plan may focus on."""
    rows = people_ratings(cycle=assessment.cycle, person_ids=[assessment.person_id])
    ratings = rows[0].ratings if rows else {}
    skills = Skill.objects.filter(pk__in=list(ratings)).select_related("area").in_bulk()
    gaps = [
        Gap(skill=skills[skill_id], level=rating.level, target=rating.target, gap=rating.gap)
        for skill_id, rating in ratings.items()
        if rating.gap > 0
    ]
    return sorted(gaps, key=lambda gap: (-gap.gap, gap.skill.area.order, gap.skill.name))


def plans_of(person: StaffProfile) -> QuerySet[DevelopmentPlan]:
    return DevelopmentPlan.objects.filter(assessment__person=person).select_related(
        "assessment__cycle", "decided_by"
    )


@dataclass(frozen=True)
class FocusProgress:
    focus: FocusSkill
    later_cycle: str | None  # the next cycle the person completed, if any
    later_level: int | None  # their level used there (None: not assessed on it)

    @property
    def moved(self) -> int | None:
        """Levels moved since the plan (None until a later cycle has a level for it)."""
        if self.later_level is None:
            return None
        return self.later_level - self.focus.level_then


def plan_progress(plan: DevelopmentPlan) -> list[FocusProgress]:
    """Each focus skill with the level used in the person's next completed cycle (matched by
    skill slug, so a new framework version still counts)."""
    focus = list(plan.focus.select_related("skill__area").prefetch_related("actions__resource"))
    later = (
        Assessment.objects.filter(
            person_id=plan.assessment.person_id,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED],
            cycle__opens_on__gt=plan.assessment.cycle.opens_on,
        )
        .select_related("cycle")
        .order_by("cycle__opens_on")
        .first()
    )
    levels: dict[str, int] = {}
    if later is not None:
        rows = people_ratings(cycle=later.cycle, person_ids=[later.person_id])
        by_id = rows[0].ratings if rows else {}
        slugs = dict(Skill.objects.filter(pk__in=list(by_id)).values_list("pk", "slug"))
        levels = {slugs[skill_id]: rating.level for skill_id, rating in by_id.items()}
    return [
        FocusProgress(
            focus=item,
            later_cycle=later.cycle.name if later else None,
            later_level=levels.get(item.skill.slug),
        )
        for item in focus
    ]


def plans_to_agree(user: User, cycle_ids: list[int] | None = None) -> QuerySet[DevelopmentPlan]:
    """Plans this person agrees: their direct reports', and for a head of digital those of
    people with no line manager. Newest cycle first."""
    profile = roles.staff_profile(user)
    who = Q(assessment__person__line_manager=profile) if profile else Q(pk__in=[])
    who &= Q(
        assessment__person__line_manager__active=True,
        assessment__person__line_manager__user__is_active=True,
    )
    if roles.is_head_of_digital(user):
        who |= Q(assessment__person__in=StaffProfile.objects.without_active_line_manager())
    plans = DevelopmentPlan.objects.filter(who).exclude(assessment__person__user=user)
    if cycle_ids is not None:
        plans = plans.filter(assessment__cycle_id__in=cycle_ids)
    return plans.select_related("assessment__cycle", "assessment__person__user").order_by(
        "-assessment__cycle__opens_on", "assessment__person__user__full_name"
    )


# Mandatory learning -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Audience:
    """Tier numbers and role tiers of the framework in use, to say whom an assignment covers."""

    tiers: dict[str, int]  # tier slug -> number
    roles: dict[str, int]  # role slug -> its tier's number
    lowest: int

    @classmethod
    def of(cls, framework: Framework | None) -> Audience:
        if framework is None:
            return cls(tiers={}, roles={}, lowest=0)
        tiers = dict(framework.tiers.values_list("slug", "number"))
        roles = dict(framework.roles.values_list("slug", "tier__number"))
        return cls(tiers=tiers, roles=roles, lowest=min(tiers.values(), default=0))

    def covers(self, assignment: MandatoryLearning, role_slug: str | None) -> bool:
        if assignment.role_slug:
            return role_slug == assignment.role_slug
        tier = self.roles.get(role_slug or "", self.lowest)
        return assignment.tier_slug in self.tiers and tier >= self.tiers[assignment.tier_slug]


@dataclass(frozen=True)
class MandatoryItem:
    resource: LearningResource
    due_on: datetime.date
    done_on: datetime.date | None

    def is_overdue(self, today: datetime.date) -> bool:
        return self.done_on is None and self.due_on < today


def mandatory_for(person: StaffProfile) -> list[MandatoryItem]:
    """The mandatory learning that applies to the person, earliest due first (a resource
    assigned twice is due at the earlier date)."""
    audience = Audience.of(published_framework())
    role_slug = person.role_profile.slug if person.role_profile_id else None
    due: dict[int, MandatoryLearning] = {}
    for assignment in MandatoryLearning.objects.select_related("resource"):
        if audience.covers(assignment, role_slug):
            kept = due.get(assignment.resource_id)
            if kept is None or assignment.due_on < kept.due_on:
                due[assignment.resource_id] = assignment
    done = dict(
        LearningCompletion.objects.filter(person=person, resource_id__in=list(due)).values_list(
            "resource_id", "completed_on"
        )
    )
    items = [
        MandatoryItem(resource=a.resource, due_on=a.due_on, done_on=done.get(a.resource_id))
        for a in due.values()
    ]
    return sorted(items, key=lambda item: (item.due_on, item.resource.title))


def overdue_mandatory(today: datetime.date) -> dict[int, list[LearningResource]]:
    """Active people (by profile id) with mandatory learning past its date and not done."""
    assignments = list(
        MandatoryLearning.objects.filter(due_on__lt=today).select_related("resource")
    )
    if not assignments:
        return {}
    audience = Audience.of(published_framework())
    done = set(
        LearningCompletion.objects.filter(
            resource_id__in={a.resource_id for a in assignments}
        ).values_list("person_id", "resource_id")
    )
    overdue: dict[int, list[LearningResource]] = {}
    people = StaffProfile.objects.active().values_list("pk", "role_profile__slug")
    for person_id, role_slug in people.iterator(chunk_size=2000):
        resources = {
            a.resource_id: a.resource
            for a in assignments
            if audience.covers(a, role_slug) and (person_id, a.resource_id) not in done
        }
        if resources:
            overdue[person_id] = sorted(resources.values(), key=lambda r: r.title)
    return overdue
