"""Writes for cycles, self-assessments, reviews and the emails about them.

Every write that spans models runs in a transaction and refuses with an AssessmentError whose
message is fit to show the person: nothing is half-written when a write is refused.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments import changes, emails
from assessments.models import Assessment, Cycle, Rating, ReminderSent
from assessments.selectors import missing_skills, scope_for_assessment, scope_for_person
from capability.models import Framework, Level, Skill
from capability.selectors import lowest_tier
from common import roles
from people.models import StaffProfile, User

logger = logging.getLogger(__name__)


class AssessmentError(Exception):
    """A write refused for a reason the person can act on; str(error) says what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ClosedCycleError(AssessmentError):
    pass


class StaleSaveError(AssessmentError):
    """Another tab or window saved different answers for these skills since the page was shown."""

    def __init__(self, conflicts: list[Rating]) -> None:
        names = ", ".join(rating.skill.name for rating in conflicts)
        super().__init__(f"Your answers were changed in another tab or window: {names}")
        self.conflicts = conflicts


class IncompleteError(AssessmentError):
    def __init__(self, missing: list[Skill]) -> None:
        super().__init__("Answer every question before you submit")
        self.missing = missing


@dataclass(frozen=True)
class Answer:
    level: Level
    evidence: str = ""


@dataclass(frozen=True)
class Decision:
    agreed_level: Level
    comment: str = ""


# Cycles -----------------------------------------------------------------------------------------


def cycle_create(
    *, name: str, opens_on: datetime.date, closes_on: datetime.date, framework: Framework
) -> Cycle:
    if closes_on < opens_on:
        raise AssessmentError("The closing date must be the same as or after the opening date")
    if framework.status == Framework.Status.DRAFT:
        raise AssessmentError("Choose a published framework: a draft can still change")
    try:
        with transaction.atomic():
            return Cycle.objects.create(
                name=name, opens_on=opens_on, closes_on=closes_on, framework=framework
            )
    except IntegrityError as error:
        raise AssessmentError(f"There is already a cycle called {name}") from error


def _locked_cycle(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().select_related("framework").get(pk=cycle.pk)


@transaction.atomic
def cycle_open(*, cycle: Cycle) -> Cycle:
    cycle = _locked_cycle(cycle)
    if cycle.is_closed:
        raise ClosedCycleError(f"{cycle.name} is closed: a closed cycle cannot be opened again")
    if cycle.is_open:
        raise AssessmentError(f"{cycle.name} is already open")
    other = Cycle.objects.open().exclude(pk=cycle.pk).first()
    if other:
        raise AssessmentError(f"Close {other.name} before you open {cycle.name}")
    if cycle.framework.status != Framework.Status.PUBLISHED:
        raise AssessmentError(
            f"{cycle.name} uses a framework version that is not published, so it cannot open"
        )
    cycle.state = Cycle.State.OPEN
    cycle.opened_at = timezone.now()
    cycle.save(update_fields=["state", "opened_at"])
    cycle_ask_people(cycle=cycle)
    from assessments.tasks import send_cycle_invitations

    transaction.on_commit(lambda: send_cycle_invitations.delay(cycle.pk))
    return cycle


@transaction.atomic
def cycle_close(*, cycle: Cycle, by: User | None = None) -> Cycle:
    """Close an open cycle; `by` is the head of digital who closed it early (None: on its date)."""
    cycle = _locked_cycle(cycle)
    if not cycle.is_open:
        raise AssessmentError(f"{cycle.name} is not open, so it cannot be closed")
    cycle.state = Cycle.State.CLOSED
    cycle.closed_at = timezone.now()
    cycle.closed_by = by
    cycle.save(update_fields=["state", "closed_at", "closed_by"])
    return cycle


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, closes_on: datetime.date, by: User | None) -> Cycle:
    """Open a closed cycle again until a new closing date, recording who did it. Answers can be
    changed again; nobody is emailed (they were invited when it first opened)."""
    cycle = _locked_cycle(cycle)
    if not cycle.is_closed:
        raise AssessmentError(f"{cycle.name} is not closed, so it cannot be reopened")
    if closes_on < timezone.localdate():
        raise AssessmentError("The new closing date must be today or in the future")
    other = Cycle.objects.open().exclude(pk=cycle.pk).first()
    if other:
        raise AssessmentError(f"Close {other.name} before you reopen {cycle.name}")
    cycle.state = Cycle.State.OPEN
    cycle.closes_on = closes_on
    cycle.reopened_at = timezone.now()
    cycle.reopened_by = by
    cycle.save(update_fields=["state", "closes_on", "reopened_at", "reopened_by"])
    return cycle


def cycle_ask_people(*, cycle: Cycle) -> int:
    """Record who is asked to take part: every active person without an assessment in this open
    cycle gets one, not yet started, with a snapshot of their directorate, team, tier and role as
    they are now. Completion is always submitted (or reviewed) over these rows, so it does not
    change when the cycle closes or when people later move or leave. Called when the cycle opens
    and by the daily housekeeping (for people who join while it is open); returns how many."""
    if not cycle.is_open:
        return 0
    return people_ask(cycle=cycle, people=StaffProfile.objects.active())


def people_ask(*, cycle: Cycle, people: QuerySet[StaffProfile]) -> int:
    """Give each of `people` without an assessment in `cycle` a not-started one, with the
    snapshot of their directorate, team, tier and role as they are now; returns how many."""
    framework = cycle.framework
    roles = {role.slug: role for role in framework.roles.select_related("tier")}
    default_tier = lowest_tier(framework)
    people = (
        people.exclude(assessments__cycle=cycle)
        .select_related("team", "role_profile")
        .order_by("pk")
    )
    asked = 0
    batch: list[Assessment] = []

    def ask(batch: list[Assessment]) -> None:
        Assessment.objects.bulk_create(batch, batch_size=2000, ignore_conflicts=True)
        made = Assessment.objects.filter(
            cycle=cycle, person_id__in=[item.person_id for item in batch]
        ).values_list("pk", flat=True)
        changes.assessments_changed(Assessment(pk=pk, cycle_id=cycle.pk) for pk in made)

    for person in people.iterator(chunk_size=2000):
        role = roles.get(person.role_profile.slug) if person.role_profile else None
        batch.append(
            Assessment(
                cycle=cycle,
                person=person,
                status=Assessment.Status.NOT_STARTED,
                team_id=person.team_id,
                directorate_id=person.team.directorate_id if person.team else None,
                tier=role.tier if role else default_tier,
                role_profile=role,
            )
        )
        if len(batch) == 2000:
            ask(batch)
            asked, batch = asked + len(batch), []
    if batch:
        ask(batch)
    return asked + len(batch)


def _people_to_email(cycle: Cycle, *, only_unsubmitted: bool) -> list[StaffProfile]:
    people = StaffProfile.objects.active().select_related("user").order_by("pk")
    if only_unsubmitted:
        people = people.exclude(
            assessments__cycle=cycle,
            assessments__status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED],
        )
    return list(people)


def _send_once(cycle: Cycle, people: list[StaffProfile], kind: str, build) -> int:
    """Send each person one email of this kind for this cycle, ever; returns how many were sent.

    The ReminderSent row and the email commit together: if sending fails the row is rolled back
    and the next run tries again; if it succeeds a second run finds the row and sends nothing.
    """
    sent = 0
    already = set(
        ReminderSent.objects.filter(cycle=cycle, kind=kind).values_list("person_id", flat=True)
    )
    for person in people:
        if person.pk in already or not person.user.email:
            continue
        try:
            with transaction.atomic():
                _, created = ReminderSent.objects.get_or_create(
                    cycle=cycle, person=person, kind=kind
                )
                if created:
                    emails.send_one(build(person))
                    sent += 1
        except emails.SEND_FAILURES:
            # The mail relay is down: stop here; the rows of unsent emails were rolled back, so
            # the next run (daily housekeeping, or the worker's retry) sends them.
            logger.exception("Could not send %s emails for %s: will try again", kind, cycle)
            raise
    return sent


def cycle_send_invitations(*, cycle: Cycle) -> int:
    if not cycle.is_open:
        return 0
    people = _people_to_email(cycle, only_unsubmitted=False)
    return _send_once(
        cycle, people, ReminderSent.Kind.INVITATION, lambda p: emails.invitation(cycle, p)
    )


def reminder_kind(cycle: Cycle, today: datetime.date) -> str | None:
    days_left = (cycle.closes_on - today).days
    if 0 <= days_left <= 2:
        return ReminderSent.Kind.TWO_DAYS
    if 2 < days_left <= 7:
        return ReminderSent.Kind.SEVEN_DAYS
    return None


def cycle_send_reminders(*, cycle: Cycle, today: datetime.date) -> int:
    kind = reminder_kind(cycle, today)
    if not cycle.is_open or kind is None:
        return 0
    days_left = (cycle.closes_on - today).days
    people = _people_to_email(cycle, only_unsubmitted=True)
    return _send_once(cycle, people, kind, lambda p: emails.reminder(cycle, p, days_left))


@dataclass
class Housekeeping:
    closed: list[str]
    reminders_sent: int


def cycles_housekeeping(*, today: datetime.date) -> Housekeeping:
    """Close open cycles past their closing date, then remind people in those still open."""
    closed = []
    for cycle in Cycle.objects.open().filter(closes_on__lt=today):
        closed.append(cycle_close(cycle=cycle).name)
    for cycle in Cycle.objects.open().select_related("framework"):
        with transaction.atomic():
            cycle_ask_people(cycle=cycle)
    sent = sum(
        cycle_send_reminders(cycle=cycle, today=today)
        for cycle in Cycle.objects.open().select_related("framework")
    )
    return Housekeeping(closed=closed, reminders_sent=sent)


# Self-assessment --------------------------------------------------------------------------------


def _ensure_cycle_open(cycle: Cycle) -> None:
    if cycle.is_closed:
        raise ClosedCycleError(f"{cycle.name} is closed: its answers can no longer be changed")
    if not cycle.is_open:
        raise ClosedCycleError(f"{cycle.name} is not open yet")


def _locked_assessment(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("cycle__framework", "person__team__directorate", "tier", "role_profile")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def assessment_start(*, cycle: Cycle, person: StaffProfile) -> Assessment:
    """Create (or resume) the person's assessment, with a snapshot of team, tier and role."""
    assessment, _ = Assessment.objects.get_or_create(cycle=cycle, person=person)
    assessment = _locked_assessment(assessment)
    # The cycle as it is now in the database (the caller's copy may be stale); refusing here
    # rolls back the row get_or_create may have made.
    cycle = assessment.cycle
    _ensure_cycle_open(cycle)
    if assessment.status != Assessment.Status.NOT_STARTED:
        return assessment
    if assessment.tier_id is None:
        # Not asked when the cycle opened (joined since): the snapshot is taken now. Someone who
        # was asked keeps the team, tier and role they had then (one definition of completion).
        scope = scope_for_person(person=person, framework=cycle.framework)
        assessment.team = person.team
        assessment.directorate = person.team.directorate if person.team else None
        assessment.tier = scope.tier
        assessment.role_profile = scope.role
    assessment.status = Assessment.Status.IN_PROGRESS
    assessment.started_at = timezone.now()
    assessment.save()
    changes.assessments_changed([assessment])  # completion counts who has started
    return assessment


def _ensure_editable(assessment: Assessment) -> None:
    _ensure_cycle_open(assessment.cycle)
    if assessment.is_complete:
        raise AssessmentError(
            f"You have already submitted your {assessment.cycle.name} self-assessment, so its "
            "answers can no longer be changed"
        )


@transaction.atomic
def assessment_save_answers(
    *, assessment: Assessment, answers: dict[int, Answer], based_on_revision: int
) -> Assessment:
    """Save levels and evidence for some skills.

    `based_on_revision` is the revision the page was rendered from. When another tab has saved
    since, the save is merged per skill: it goes ahead unless one of these skills was changed
    since that revision to something other than what this page posts (StaleSaveError lists them).
    """
    assessment = _locked_assessment(assessment)
    _ensure_editable(assessment)
    if based_on_revision > assessment.revision or based_on_revision < 0:
        raise AssessmentError(
            "The page you sent does not match your saved answers. Check your answers and save again"
        )
    if assessment.status == Assessment.Status.NOT_STARTED:
        raise AssessmentError("Start your self-assessment before you answer its questions")
    scope = scope_for_assessment(assessment)
    for skill_id, answer in answers.items():
        if skill_id not in scope.skill_ids:
            raise AssessmentError("One of the answers is for a skill you are not assessed on")
        if answer.level.framework_id != assessment.cycle.framework_id:
            raise AssessmentError(
                "One of the answers is a level that is not part of this cycle's framework"
            )
    existing = {rating.skill_id: rating for rating in assessment.ratings.select_related("skill")}

    def differs(rating: Rating, answer: Answer) -> bool:
        return rating.level_id != answer.level.pk or rating.evidence != answer.evidence

    conflicts = [
        existing[skill_id]
        for skill_id, answer in answers.items()
        if skill_id in existing
        and existing[skill_id].revision > based_on_revision
        and differs(existing[skill_id], answer)
    ]
    if conflicts:
        raise StaleSaveError(conflicts)
    changed = {
        skill_id: answer
        for skill_id, answer in answers.items()
        if skill_id not in existing or differs(existing[skill_id], answer)
    }
    if not changed:
        return assessment
    revision = assessment.revision + 1
    new_ratings = []
    for skill_id, answer in changed.items():
        rating = existing.get(skill_id)
        if rating is None:
            new_ratings.append(
                Rating(
                    assessment=assessment,
                    skill_id=skill_id,
                    level=answer.level,
                    evidence=answer.evidence,
                    target=scope.targets.get(skill_id, 0),
                    revision=revision,
                )
            )
            continue
        rating.level = answer.level
        rating.evidence = answer.evidence
        rating.revision = revision
        rating.save(update_fields=["level", "evidence", "revision", "updated_at"])
    Rating.objects.bulk_create(new_ratings)
    assessment.revision = revision
    assessment.save(update_fields=["revision", "updated_at"])
    return assessment


@transaction.atomic
def assessment_submit(*, assessment: Assessment) -> Assessment:
    assessment = _locked_assessment(assessment)
    if assessment.is_complete:
        raise AssessmentError(
            f"You have already submitted your {assessment.cycle.name} self-assessment"
        )
    _ensure_editable(assessment)
    missing = missing_skills(assessment, scope_for_assessment(assessment))
    if missing:
        raise IncompleteError(missing)
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["status", "submitted_at", "updated_at"])
    changes.assessments_changed([assessment])
    if assessment.person.line_manager_id:
        from assessments.tasks import notify_manager_of_submission

        transaction.on_commit(lambda: notify_manager_of_submission.delay(assessment.pk))
    return assessment


# Review -----------------------------------------------------------------------------------------


def can_review(user: User, assessment: Assessment) -> bool:
    """The person's line manager reviews; a head of digital only when the person has no active
    line manager (nobody else sees a person's answers). Nobody reviews themselves."""
    if assessment.person.user_id == user.pk:
        return False
    if roles.manages(user, assessment.person):
        return True
    return roles.is_head_of_digital(user) and not assessment.person.has_active_line_manager


@transaction.atomic
def assessment_review(
    *, assessment: Assessment, reviewer: User, decisions: dict[int, Decision]
) -> Assessment:
    """Record the agreed level (and comment) for every rating; the assessment becomes reviewed."""
    assessment = _locked_assessment(assessment)
    if not can_review(reviewer, assessment):
        raise AssessmentError("Only this person's line manager or a head of digital can review")
    _ensure_cycle_open(assessment.cycle)
    if not assessment.is_complete:
        raise AssessmentError(
            f"{assessment.person} has not submitted their self-assessment yet, so it cannot be "
            "reviewed"
        )
    ratings = {rating.skill_id: rating for rating in assessment.ratings.select_related("skill")}
    if set(decisions) != set(ratings):
        raise AssessmentError("Agree or propose a level for every skill")
    for skill_id, decision in decisions.items():
        if decision.agreed_level.framework_id != assessment.cycle.framework_id:
            raise AssessmentError(
                f"Choose one of the levels shown for {ratings[skill_id].skill.name}"
            )
        rating = ratings[skill_id]
        rating.agreed_level = decision.agreed_level
        rating.manager_comment = decision.comment
        rating.save(update_fields=["agreed_level", "manager_comment", "updated_at"])
    assessment.status = Assessment.Status.REVIEWED
    assessment.reviewed_at = timezone.now()
    assessment.reviewed_by = reviewer
    assessment.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    changes.assessments_changed([assessment])
    from assessments.tasks import notify_person_of_review

    transaction.on_commit(lambda: notify_person_of_review.delay(assessment.pk))
    return assessment


# Notifications ----------------------------------------------------------------------------------


def assessment_notify_manager(*, assessment: Assessment) -> bool:
    """Tell the person's line manager; a manager who has left is not told (heads of digital
    review those people, from their list of people with no line manager)."""
    manager = assessment.person.line_manager
    if not assessment.person.has_active_line_manager or not assessment.is_complete:
        return False
    if not manager.user.email:
        return False
    emails.send_one(emails.submitted_to_manager(assessment, manager))
    return True


def assessment_notify_reviewed(*, assessment: Assessment) -> bool:
    if assessment.status != Assessment.Status.REVIEWED or not assessment.person.user.email:
        return False
    emails.send_one(emails.reviewed_to_person(assessment))
    return True
