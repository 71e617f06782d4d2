"""Writes for learning resources and personal development plans.

Every write runs in a transaction and refuses with a DevelopmentError whose message is fit to
show the person: nothing is half-written when a write is refused.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments.models import Assessment, Cycle
from assessments.services import can_review, reminder_kind
from capability.models import Framework
from development import emails as plan_emails
from development.models import (
    DevelopmentPlan,
    FocusSkill,
    LearningCompletion,
    LearningResource,
    MandatoryLearning,
    PlanAction,
)
from development.resource_file import ResourceRow, read_resources
from development.selectors import overdue_mandatory, plan_gaps
from outbox.services import email_queue
from people.models import StaffProfile, User


class DevelopmentError(Exception):
    """A write refused for a reason the person can act on; str(error) says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Learning resources -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ResourceDetails:
    skill_slug: str
    level: int
    title: str
    url: str
    provider: str = ""
    format: str = LearningResource.Format.COURSE
    minutes: int | None = None
    cost: object = 0
    mandatory: bool = False


def _duplicate(details: ResourceDetails) -> DevelopmentError:
    return DevelopmentError(
        "There is already a resource with this link for this skill and level: change that one"
    )


def resource_create(*, details: ResourceDetails, by: User) -> LearningResource:
    try:
        with transaction.atomic():
            return LearningResource.objects.create(**details.__dict__, created_by=by)
    except IntegrityError as error:
        raise _duplicate(details) from error


def resource_update(*, resource: LearningResource, details: ResourceDetails) -> LearningResource:
    for name, value in details.__dict__.items():
        setattr(resource, name, value)
    try:
        with transaction.atomic():
            resource.save()
    except IntegrityError as error:
        raise _duplicate(details) from error
    return resource


def resource_delete(*, resource: LearningResource) -> None:
    resource.delete()


@dataclass(frozen=True)
class ResourcesImported:
    added: int
    updated: int


@transaction.atomic
def resources_import_csv(*, text: str, framework: Framework, by: User) -> ResourcesImported:
    """Add every resource in the file, or update the one with the same skill, level and link.
    All or nothing: a file with any problem (ResourcesFileInvalid, every problem with its line)
    changes nothing."""
    rows = read_resources(text, framework=framework)
    existing = {
        (resource.skill_slug, resource.level, resource.url): resource
        for resource in LearningResource.objects.select_for_update().filter(
            skill_slug__in={row.skill_slug for row in rows}
        )
    }
    added = updated = 0
    for row in rows:
        resource = existing.get((row.skill_slug, row.level, row.url))
        if resource is None:
            LearningResource.objects.create(**_fields(row), created_by=by)
            added += 1
        else:
            for name, value in _fields(row).items():
                setattr(resource, name, value)
            resource.save()
            updated += 1
    return ResourcesImported(added=added, updated=updated)


def _fields(row: ResourceRow) -> dict[str, object]:
    return {
        "skill_slug": row.skill_slug,
        "level": row.level,
        "title": row.title,
        "url": row.url,
        "provider": row.provider,
        "format": row.format,
        "minutes": row.minutes,
        "cost": row.cost,
        "mandatory": row.mandatory,
    }


# Personal development plans ---------------------------------------------------------------------


def can_edit_plan(user: User, plan: DevelopmentPlan) -> bool:
    """Only the person writes their plan."""
    return plan.assessment.person.user_id == user.pk


def can_agree_plan(user: User, plan: DevelopmentPlan) -> bool:
    """The person's line manager agrees it; a head of digital when they have no line manager
    (the same people who review their self-assessment). Nobody agrees their own."""
    return can_review(user, plan.assessment)


def _locked_plan(plan: DevelopmentPlan) -> DevelopmentPlan:
    return (
        DevelopmentPlan.objects.select_for_update(of=("self",))
        .select_related("assessment__cycle", "assessment__person__user")
        .get(pk=plan.pk)
    )


def _ensure_person_edits(user: User, plan: DevelopmentPlan) -> None:
    if not can_edit_plan(user, plan):
        raise DevelopmentError("Only the person whose plan it is can change it")
    if not plan.is_editable:
        raise DevelopmentError(
            "This plan has been sent for agreement, so it can no longer be changed"
            if plan.status == DevelopmentPlan.Status.SUBMITTED
            else "This plan has been agreed, so it can no longer be changed"
        )


@transaction.atomic
def plan_start(*, assessment: Assessment, user: User) -> DevelopmentPlan:
    """The person's plan for this assessment (made if they have none yet)."""
    if assessment.person.user_id != user.pk:
        raise DevelopmentError("Only the person can start their development plan")
    if not assessment.is_complete:
        raise DevelopmentError("Submit your self-assessment before you plan your development")
    plan, _ = DevelopmentPlan.objects.get_or_create(assessment=assessment)
    return plan


@transaction.atomic
def plan_set_focus(*, plan: DevelopmentPlan, user: User, skill_ids: list[int]) -> DevelopmentPlan:
    """Choose the focus skills (one to three of the person's gaps). A skill kept keeps its
    actions; a skill no longer chosen is removed with its actions."""
    plan = _locked_plan(plan)
    _ensure_person_edits(user, plan)
    if not skill_ids:
        raise DevelopmentError("Choose at least one skill to focus on")
    if len(set(skill_ids)) > DevelopmentPlan.MAX_FOCUS_SKILLS:
        raise DevelopmentError(
            f"Choose up to {DevelopmentPlan.MAX_FOCUS_SKILLS} skills: a short plan is one you "
            "can finish"
        )
    gaps = {gap.skill.pk: gap for gap in plan_gaps(plan.assessment)}
    if not set(skill_ids) <= set(gaps):
        raise DevelopmentError("Choose skills from your gaps")
    plan.focus.exclude(skill_id__in=skill_ids).delete()
    kept = set(plan.focus.values_list("skill_id", flat=True))
    FocusSkill.objects.bulk_create(
        FocusSkill(
            plan=plan,
            skill_id=skill_id,
            level_then=gaps[skill_id].level,
            target=gaps[skill_id].target,
        )
        for skill_id in dict.fromkeys(skill_ids)
        if skill_id not in kept
    )
    plan.save(update_fields=["updated_at"])
    return plan


@dataclass(frozen=True)
class ActionDetails:
    task: str
    due_on: datetime.date
    resource: LearningResource | None = None


@transaction.atomic
def plan_add_action(
    *, plan: DevelopmentPlan, user: User, focus: FocusSkill, details: ActionDetails
) -> PlanAction:
    plan = _locked_plan(plan)
    _ensure_person_edits(user, plan)
    if focus.plan_id != plan.pk:
        raise DevelopmentError("Choose one of the skills in this plan")
    if not details.task.strip() and details.resource is None:
        raise DevelopmentError("Choose a learning resource or describe a task")
    if details.resource is not None and details.resource.skill_slug != focus.skill.slug:
        raise DevelopmentError(f"Choose a learning resource for {focus.skill.name}")
    plan.save(update_fields=["updated_at"])
    return PlanAction.objects.create(
        focus=focus, resource=details.resource, task=details.task.strip(), due_on=details.due_on
    )


@transaction.atomic
def plan_remove_action(*, plan: DevelopmentPlan, user: User, action: PlanAction) -> None:
    plan = _locked_plan(plan)
    _ensure_person_edits(user, plan)
    if action.focus.plan_id != plan.pk:
        raise DevelopmentError("That action is not part of this plan")
    action.delete()


@transaction.atomic
def plan_action_done(
    *, plan: DevelopmentPlan, user: User, action: PlanAction, done: bool, today: datetime.date
) -> PlanAction:
    """Marking an action done is progress, not a change to the plan: allowed once agreed."""
    if not can_edit_plan(user, plan):
        raise DevelopmentError("Only the person whose plan it is can mark its actions done")
    if action.focus.plan_id != plan.pk:
        raise DevelopmentError("That action is not part of this plan")
    action.done_on = today if done else None
    action.save(update_fields=["done_on"])
    return action


@transaction.atomic
def plan_submit(*, plan: DevelopmentPlan, user: User) -> DevelopmentPlan:
    """Send the plan for agreement: it needs a focus skill, and an action for every one."""
    plan = _locked_plan(plan)
    _ensure_person_edits(user, plan)
    focus = list(plan.focus.select_related("skill").prefetch_related("actions"))
    if not focus:
        raise DevelopmentError("Choose at least one skill to focus on before you send your plan")
    without = [item.skill.name for item in focus if not item.actions.all()]
    if without:
        raise DevelopmentError(f"Add at least one action for {', '.join(without)}")
    plan.status = DevelopmentPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.save(update_fields=["status", "submitted_at", "updated_at"])
    person = plan.assessment.person
    if person.has_active_line_manager and person.line_manager.user.email:
        email_queue(plan_emails.submitted(plan, person.line_manager.user))
    return plan


@transaction.atomic
def plan_decide(
    *, plan: DevelopmentPlan, reviewer: User, agree: bool, comment: str = ""
) -> DevelopmentPlan:
    """The line manager (or a head, for people with no line manager) agrees the plan or asks
    for changes, which need a comment saying what to change. The person is emailed."""
    plan = _locked_plan(plan)
    if not can_agree_plan(reviewer, plan):
        raise DevelopmentError("Only this person's line manager can agree their plan")
    if plan.status != DevelopmentPlan.Status.SUBMITTED:
        raise DevelopmentError("This plan is not waiting for agreement")
    if not agree and not comment.strip():
        raise DevelopmentError("Say what you would like changed")
    plan.status = (
        DevelopmentPlan.Status.AGREED if agree else DevelopmentPlan.Status.CHANGES_REQUESTED
    )
    plan.decided_at = timezone.now()
    plan.decided_by = reviewer
    plan.reviewer_comment = comment.strip()
    plan.save(
        update_fields=["status", "decided_at", "decided_by", "reviewer_comment", "updated_at"]
    )
    if plan.assessment.person.user.email:
        email_queue(plan_emails.decided(plan))
    return plan


# Mandatory learning -----------------------------------------------------------------------------


@transaction.atomic
def mandatory_assign(
    *,
    resource: LearningResource,
    due_on: datetime.date,
    by: User,
    tier_slug: str = "",
    role_slug: str = "",
) -> MandatoryLearning:
    """Make a resource mandatory for a tier (and those above it) or a role, by a date."""
    if bool(tier_slug) == bool(role_slug):
        raise DevelopmentError("Choose a tier or a role profile")
    assignment = MandatoryLearning.objects.create(
        resource=resource, tier_slug=tier_slug, role_slug=role_slug, due_on=due_on, created_by=by
    )
    if not resource.mandatory:
        resource.mandatory = True
        resource.save(update_fields=["mandatory", "updated_at"])
    return assignment


def mandatory_remove(*, assignment: MandatoryLearning) -> None:
    assignment.delete()


@transaction.atomic
def learning_mark_done(
    *, person: StaffProfile, resource: LearningResource, done: bool, today: datetime.date
) -> None:
    """The person records that they completed a resource (or takes that back)."""
    if done:
        LearningCompletion.objects.get_or_create(
            person=person, resource=resource, defaults={"completed_on": today}
        )
    else:
        LearningCompletion.objects.filter(person=person, resource=resource).delete()


def mandatory_queue_reminders(*, today: datetime.date) -> int:
    """On the days the cycle reminders go (7 and 2 days before an open cycle closes), remind
    everyone with overdue mandatory learning, once per reminder. Returns how many were queued."""
    kinds = [
        (cycle, kind)
        for cycle in Cycle.objects.open()
        if (kind := reminder_kind(cycle, today)) is not None
    ]
    if not kinds:
        return 0
    overdue = overdue_mandatory(today)
    people = StaffProfile.objects.filter(pk__in=list(overdue)).exclude(user__email="")
    queued = 0
    with transaction.atomic():
        for cycle, kind in kinds:
            for person in people.select_related("user").order_by("pk"):
                queued += email_queue(
                    plan_emails.mandatory_overdue(cycle, kind, person, overdue[person.pk])
                )
    return queued
