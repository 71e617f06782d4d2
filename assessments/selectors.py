"""Reads for the self-assessment journey, results, reviews and cycle completion."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from assessments.models import Assessment, Cycle, LevelReview, Rating
from assessments.ratings import people_ratings
from capability.models import CapabilityArea, Framework, Level, RoleProfile, Skill, Tier
from capability.selectors import (
    published_framework,
    role_in_framework,
    skills_in_scope,
    target_levels,
    tier_for_role,
)
from common import roles
from people.models import StaffProfile, User

NO_DESCRIPTOR = "No description has been written for this level yet."


def current_cycle() -> Cycle | None:
    """The cycle people are filling in now (services allow only one open at a time)."""
    return Cycle.objects.open().select_related("framework").first()


def framework_in_use() -> Framework | None:
    """While a cycle is open, the version it opened with (until it closes); else the published.

    Named in settings as FRAMEWORK_IN_USE_CALLABLE, so the framework pages in capability show it.
    """
    cycle = current_cycle()
    return cycle.framework if cycle else published_framework()


def assessment_for(*, cycle: Cycle, person: StaffProfile) -> Assessment | None:
    return Assessment.objects.filter(cycle=cycle, person=person).first()


@dataclass
class Scope:
    """What a person is assessed on in a cycle: their tier, role and the skills that apply."""

    tier: Tier | None
    role: RoleProfile | None
    skills: list[Skill]
    targets: dict[int, int]

    @property
    def skill_ids(self) -> set[int]:
        return {skill.pk for skill in self.skills}

    def areas(self) -> list[CapabilityArea]:
        seen: dict[int, CapabilityArea] = {}
        for skill in self.skills:
            seen.setdefault(skill.area_id, skill.area)
        return list(seen.values())

    def skills_in(self, area: CapabilityArea) -> list[Skill]:
        return [skill for skill in self.skills if skill.area_id == area.pk]


def scope_for_person(*, person: StaffProfile, framework: Framework) -> Scope:
    """The person's role in the cycle's framework (matched by slug), tier, skills and targets."""
    role = role_in_framework(person.role_profile, framework)
    tier = tier_for_role(role, framework)
    if tier is None:
        return Scope(tier=None, role=role, skills=[], targets={})
    skills = list(skills_in_scope(tier, role).prefetch_related("descriptors"))
    return Scope(tier=tier, role=role, skills=skills, targets=target_levels(tier, role))


def scope_for_assessment(assessment: Assessment) -> Scope:
    """The scope from the assessment's snapshot, so it does not move if the person changes role."""
    if assessment.tier_id is None:
        return scope_for_person(person=assessment.person, framework=assessment.cycle.framework)
    tier = assessment.tier
    skills = list(skills_in_scope(tier, assessment.role_profile).prefetch_related("descriptors"))
    return Scope(
        tier=tier,
        role=assessment.role_profile,
        skills=skills,
        targets=target_levels(tier, assessment.role_profile),
    )


def levels_of(framework: Framework) -> list[Level]:
    return list(framework.levels.order_by("number"))


def descriptor_text(skill: Skill, level: Level | None) -> str:
    if level is None:
        return NO_DESCRIPTOR
    for descriptor in skill.descriptors.all():
        if descriptor.level_id == level.pk:
            return descriptor.text
    return NO_DESCRIPTOR


def ratings_by_skill(assessment: Assessment) -> dict[int, Rating]:
    ratings = assessment.ratings.select_related("level", "agreed_level", "skill")
    return {rating.skill_id: rating for rating in ratings}


def previous_assessment(assessment_or_cycle: Assessment | Cycle, person: StaffProfile):
    """The person's latest completed assessment in a cycle that opened before this one."""
    cycle = (
        assessment_or_cycle.cycle
        if isinstance(assessment_or_cycle, Assessment)
        else assessment_or_cycle
    )
    return (
        Assessment.objects.filter(
            person=person,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED],
            cycle__opens_on__lt=cycle.opens_on,
        )
        .select_related("cycle")
        .order_by("-cycle__opens_on")
        .first()
    )


def previous_answers(assessment: Assessment) -> tuple[Cycle | None, dict[str, Level]]:
    """Last cycle's level per skill slug (slugs carry across framework versions)."""
    earlier = previous_assessment(assessment, assessment.person)
    if earlier is None:
        return None, {}
    answers = {
        rating.skill.slug: rating.agreed_level or rating.level
        for rating in earlier.ratings.select_related("skill", "level", "agreed_level")
    }
    return earlier.cycle, answers


@dataclass
class AreaTask:
    area: CapabilityArea
    answered: int
    total: int

    @property
    def status(self) -> str:
        if self.answered == 0:
            return "Not yet started"
        if self.answered < self.total:
            return "In progress"
        return "Completed"


def area_tasks(assessment: Assessment, scope: Scope) -> list[AreaTask]:
    answered = set(assessment.ratings.values_list("skill_id", flat=True))
    tasks = []
    for area in scope.areas():
        skills = scope.skills_in(area)
        done = sum(1 for skill in skills if skill.pk in answered)
        tasks.append(AreaTask(area=area, answered=done, total=len(skills)))
    return tasks


def missing_skills(assessment: Assessment, scope: Scope) -> list[Skill]:
    answered = set(assessment.ratings.values_list("skill_id", flat=True))
    return [skill for skill in scope.skills if skill.pk not in answered]


@dataclass
class SkillResult:
    skill: Skill
    level: Level
    self_level: Level
    agreed: bool
    target: int
    manager_comment: str
    evidence: str
    gap: int = 0  # from the gap engine, so it means what it means on every dashboard
    guidance: str = ""
    next_level: Level | None = None
    review_state: str = ""  # models.LevelReview: where the dialogue on this level stands
    proposed_level: Level | None = None
    reply: str = ""

    @property
    def at_or_above_target(self) -> bool:
        return self.level.number >= self.target


@dataclass
class Results:
    assessment: Assessment
    skills: list[SkillResult]
    strengths: list[SkillResult] = field(default_factory=list)
    biggest_gaps: list[SkillResult] = field(default_factory=list)

    @property
    def at_target_count(self) -> int:
        return sum(1 for result in self.skills if result.at_or_above_target)

    @property
    def proposed_count(self) -> int:
        """Levels the reviewer proposed that wait for the person's answer."""
        return sum(1 for result in self.skills if result.review_state == LevelReview.PROPOSED)


def results_for(assessment: Assessment, *, gaps_shown: int = 3) -> Results:
    """Level used (the manager's agreed level where there is one), target and gap per skill.
    Only for a submitted or reviewed assessment: the gap engine counts no other."""
    levels = {level.number: level for level in levels_of(assessment.cycle.framework)}
    engine_rows = people_ratings(cycle=assessment.cycle, person_ids=[assessment.person_id])
    engine_ratings = engine_rows[0].ratings if engine_rows else {}
    ratings = (
        assessment.ratings.select_related("skill__area", "level", "agreed_level", "proposed_level")
        .prefetch_related("skill__descriptors")
        .order_by("skill__area__order", "skill__area__name", "skill__order", "skill__name")
    )
    skills = []
    for rating in ratings:
        level = rating.agreed_level or rating.level
        next_level = levels.get(level.number + 1)
        skills.append(
            SkillResult(
                skill=rating.skill,
                level=level,
                self_level=rating.level,
                agreed=rating.agreed_level_id is not None,
                target=rating.target,
                gap=engine_ratings[rating.skill_id].gap if rating.skill_id in engine_ratings else 0,
                manager_comment=rating.manager_comment,
                evidence=rating.evidence,
                next_level=next_level,
                guidance=descriptor_text(rating.skill, next_level) if next_level else "",
                review_state=rating.review_state,
                proposed_level=rating.proposed_level,
                reply=rating.reply,
            )
        )
    strengths = sorted(
        (result for result in skills if result.at_or_above_target and result.level.number > 0),
        key=lambda result: (-(result.level.number - result.target), -result.level.number),
    )
    with_gaps = sorted((result for result in skills if result.gap > 0), key=lambda r: -r.gap)
    return Results(
        assessment=assessment,
        skills=skills,
        strengths=strengths[:5],
        biggest_gaps=with_gaps[:gaps_shown],
    )


def completed_assessments(person: StaffProfile) -> QuerySet[Assessment]:
    return (
        Assessment.objects.filter(
            person=person, status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED]
        )
        .select_related("cycle")
        .order_by("-cycle__opens_on")
    )


@dataclass
class HistoryRow:
    name: str
    levels: list[str]


def history_for(
    person: StaffProfile, *, limit: int = 6
) -> tuple[list[Assessment], list[HistoryRow]]:
    """The person's completed assessments, oldest first, and the level used per skill (matched
    by slug) in each."""
    assessments = list(completed_assessments(person)[:limit])[::-1]
    by_slug: dict[str, dict[int, int]] = defaultdict(dict)
    names: dict[str, str] = {}
    ratings = Rating.objects.filter(assessment__in=assessments).select_related(
        "skill", "level", "agreed_level"
    )
    for rating in ratings.order_by("skill__area__order", "skill__order", "skill__name"):
        level = rating.agreed_level or rating.level
        by_slug[rating.skill.slug][rating.assessment_id] = level.number
        names.setdefault(rating.skill.slug, rating.skill.name)
    rows = [
        HistoryRow(
            name=names[slug],
            levels=[
                str(by_slug[slug][assessment.pk]) if assessment.pk in by_slug[slug] else "–"
                for assessment in assessments
            ],
        )
        for slug in names
    ]
    return assessments, rows


def direct_reports_with_status(
    manager: StaffProfile, cycle: Cycle | None
) -> list[tuple[StaffProfile, Assessment | None]]:
    reports = list(
        StaffProfile.objects.active()
        .filter(line_manager=manager)
        .select_related("user", "team")
        .order_by("user__full_name")
    )
    if cycle is None:
        return [(person, None) for person in reports]
    assessments = {
        assessment.person_id: assessment
        for assessment in with_dialogue_counts(
            Assessment.objects.filter(cycle=cycle, person__in=reports)
        )
    }
    return [(person, assessments.get(person.pk)) for person in reports]


def with_dialogue_counts(assessments: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Each assessment with `proposed` (levels waiting for the person's answer) and `replied`
    (replies waiting for the reviewer)."""
    return assessments.annotate(
        proposed=Count("ratings", filter=Q(ratings__review_state=LevelReview.PROPOSED)),
        replied=Count("ratings", filter=Q(ratings__review_state=LevelReview.REPLIED)),
    )


def awaiting_review_without_manager(cycle: Cycle | None) -> QuerySet[Assessment]:
    """Assessments of people with no line manager that wait for a head of digital: submitted,
    or with a reply to a proposed level."""
    if cycle is None:
        return Assessment.objects.none()
    waiting = Q(status=Assessment.Status.SUBMITTED) | Q(
        pk__in=Rating.objects.filter(
            assessment__cycle=cycle, review_state=LevelReview.REPLIED
        ).values("assessment_id")
    )
    return (
        with_dialogue_counts(Assessment.objects.filter(cycle=cycle))
        .filter(waiting, person__in=StaffProfile.objects.without_active_line_manager())
        .select_related("person__user")
        .order_by("person__user__full_name")
    )


def people_seen_individually(user: User) -> set[int]:
    """The people (StaffProfile ids) whose own answers `user` may see: themselves, their active
    direct reports and, for a head of digital, everyone with no active line manager (DESIGN.md,
    privacy model). Nobody else's, however senior the user."""
    if not user.is_authenticated:
        return set()
    seen: set[int] = set()
    profile = roles.staff_profile(user)
    if profile is not None:
        seen.add(profile.pk)
        if profile.active and user.is_active:
            reports = profile.direct_reports.filter(active=True).order_by()
            seen.update(reports.values_list("pk", flat=True))
    if roles.is_head_of_digital(user):
        seen.update(StaffProfile.objects.without_active_line_manager_ids())
    return seen


def people_seen_by_organisation_readers() -> set[int]:
    """Everyone whose own answers some reader of organisation figures (a head of digital, a
    leader, a superuser) may see: a report they may all download is protected for each."""
    readers = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=[roles.HEAD_OF_DIGITAL, roles.LEADERSHIP])
    )
    seen = set(StaffProfile.objects.filter(user__in=readers).values_list("pk", flat=True))
    seen.update(
        StaffProfile.objects.filter(
            active=True, line_manager__active=True, line_manager__user__in=readers
        ).values_list("pk", flat=True)
    )
    heads = readers.filter(Q(is_superuser=True) | Q(groups__name=roles.HEAD_OF_DIGITAL))
    if heads.exists():
        seen.update(StaffProfile.objects.without_active_line_manager_ids())
    return seen


@dataclass
class CareerStep:
    """A skill the next role level up needs, with the level it needs and the person's latest."""

    skill: Skill
    needed: Level | None
    latest: Level | None
    note: str

    @property
    def has_it(self) -> bool:
        if self.needed is None:
            return self.latest is not None
        return self.latest is not None and self.latest.number >= self.needed.number


def career_steps(*, person: StaffProfile, next_role: RoleProfile) -> list[CareerStep]:
    """What `next_role` requires, each against the person's level in their latest completed
    assessment (the manager's agreed level where there is one), matched by skill slug so that
    an assessment from an earlier framework version still counts."""
    latest = completed_assessments(person).first()
    levels_by_slug: dict[str, Level] = {}
    if latest is not None:
        for rating in latest.ratings.select_related("skill", "level", "agreed_level"):
            levels_by_slug[rating.skill.slug] = rating.agreed_level or rating.level
    targets = next_role.targets.select_related("skill__area", "level").order_by(
        "skill__area__order", "skill__order", "skill__name"
    )
    return [
        CareerStep(
            skill=target.skill,
            needed=target.level,
            latest=levels_by_slug.get(target.skill.slug),
            note=target.note,
        )
        for target in targets
    ]
