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
from assessments.models import Assessment, Cycle, LevelReview, Rating, Reminder
from assessments.selectors import missing_skills, scope_for_assessment, scope_for_person
from capability.models import Framework, Level, Skill
from capability.selectors import lowest_tier
from common import roles
from outbox.services import email_queue, email_queue_many, keys_queued
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


@dataclass(frozen=True)
class Response:
    """The person's answer to a level their reviewer proposed: accept it, or reply."""

    accept: bool
    reply: str = ""


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
    # The open cycle without invitations_queued_at is the intent: the worker queues the emails
    # (asked now, and by beat every minute until it has), so a broker that is down delays them.
    transaction.on_commit(lambda: hand_to_worker(QUEUE_INVITATIONS_TASK, cycle.pk))
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


QUEUE_INVITATIONS_TASK = "assessments.tasks.queue_cycle_invitations"


def hand_to_worker(task_name: str, *args: object) -> None:
    """Ask the worker to do something whose intent is already saved. Never raises: with the
    broker down, beat's next run finds the intent and does it."""
    from celery import current_app

    try:
        current_app.tasks[task_name].delay(*args)
    except Exception:  # noqa: BLE001 - the broker is down; the saved intent waits for beat
        logger.exception("Could not hand %s to the worker; beat will", task_name)


def people_asked(cycle: Cycle, *, only_unsubmitted: bool) -> QuerySet[StaffProfile]:
    """Active people asked to take part in the cycle (they have an assessment in it), and of
    those, with `only_unsubmitted`, the ones who have not submitted."""
    assessments = Assessment.objects.filter(cycle=cycle)
    if only_unsubmitted:
        # One subquery, so "has this cycle's assessment" and "it is not submitted" hold of the
        # same row (an exclude across the relation would test them separately).
        assessments = assessments.exclude(
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED]
        )
    return (
        StaffProfile.objects.active()
        .filter(pk__in=assessments.values("person_id"))
        .exclude(user__email="")
        .select_related("user")
        .order_by("pk")
    )


def queue_once(people: QuerySet[StaffProfile], key, build) -> int:
    """Queue one email per person whose key has none yet; returns how many were queued."""
    queued = 0
    batch: list[StaffProfile] = []

    def flush() -> int:
        known = keys_queued(key(person) for person in batch)
        return email_queue_many(build(person) for person in batch if key(person) not in known)

    for person in people.iterator(chunk_size=2000):
        batch.append(person)
        if len(batch) == 2000:
            queued += flush()
            batch = []
    if batch:
        queued += flush()
    return queued


@transaction.atomic
def cycle_queue_invitations(*, cycle: Cycle) -> int:
    """Queue an invitation for everyone asked who has none (when the cycle opens, for people who
    join while it is open, and when a head of digital asks); returns how many were queued."""
    cycle = _locked_cycle(cycle)
    if not cycle.is_open:
        return 0
    queued = queue_once(
        people_asked(cycle, only_unsubmitted=False),
        lambda person: emails.invitation_key(cycle, person),
        lambda person: emails.invitation(cycle, person),
    )
    if cycle.invitations_queued_at is None:
        cycle.invitations_queued_at = timezone.now()
        cycle.save(update_fields=["invitations_queued_at"])
    return queued


def cycles_waiting_for_invitations() -> QuerySet[Cycle]:
    return Cycle.objects.open().filter(invitations_queued_at__isnull=True)


def reminder_kind(cycle: Cycle, today: datetime.date) -> str | None:
    days_left = (cycle.closes_on - today).days
    if 0 <= days_left <= 2:
        return Reminder.TWO_DAYS
    if 2 < days_left <= 7:
        return Reminder.SEVEN_DAYS
    return None


def cycle_queue_reminders(*, cycle: Cycle, today: datetime.date) -> int:
    """Queue the reminder due today to everyone asked who has not submitted, once each."""
    kind = reminder_kind(cycle, today)
    if not cycle.is_open or kind is None:
        return 0
    days_left = (cycle.closes_on - today).days
    with transaction.atomic():
        return queue_once(
            people_asked(cycle, only_unsubmitted=True),
            lambda person: emails.reminder_key(cycle, person, kind),
            lambda person: emails.reminder(cycle, person, kind, days_left),
        )


@dataclass
class Housekeeping:
    closed: list[str]
    reminders_sent: int


def cycles_housekeeping(*, today: datetime.date) -> Housekeeping:
    """Close open cycles past their closing date, ask and invite people who joined, and queue the
    reminders due. Safe to run twice, even at once: a cycle another run closed is skipped, and
    the outbox's keys queue each email once."""
    closed = []
    for cycle in Cycle.objects.open().filter(closes_on__lt=today):
        with transaction.atomic():
            locked = _locked_cycle(cycle)
            if locked.is_open and locked.closes_on < today:
                closed.append(cycle_close(cycle=locked).name)
    for cycle in Cycle.objects.open().select_related("framework"):
        with transaction.atomic():
            cycle_ask_people(cycle=cycle)
        cycle_queue_invitations(cycle=cycle)
    queued = sum(
        cycle_queue_reminders(cycle=cycle, today=today)
        for cycle in Cycle.objects.open().select_related("framework")
    )
    return Housekeeping(closed=closed, reminders_sent=queued)


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
    *,
    assessment: Assessment,
    answers: dict[int, Answer],
    based_on_revision: int,
    shown: dict[int, Answer | None] | None = None,
) -> Assessment:
    """Save levels and evidence for some skills.

    `based_on_revision` is the revision the page was rendered from, and `shown` what the page
    showed for each of its skills then (None: not answered). An answer that is what the page
    showed was not changed on this page, so it is not applied: the skill keeps whatever is saved
    now, perhaps by another tab. Without `shown` (or for a skill missing from it) every answer
    counts as a change. A change is refused (StaleSaveError lists the skills) only when the skill
    was also changed since that revision, to something other than this page's answer; the rest
    of the page is not saved either, so nothing is half-written.
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
    if shown is not None:
        answers = {
            skill_id: answer
            for skill_id, answer in answers.items()
            if skill_id not in shown or shown[skill_id] != answer
        }
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
    assessment_notify_manager(assessment=assessment)
    return assessment


# Review -----------------------------------------------------------------------------------------


class StaleReviewError(AssessmentError):
    """A review page rendered before someone else's review would overwrite its decisions.

    `assessment` is the assessment as now saved (its reviewer, time and review revision);
    `differing` holds the skills whose posted decision differs from the saved one.
    """

    def __init__(self, assessment: Assessment, reviewer: User, differing: set[int]) -> None:
        when = timezone.localtime(assessment.reviewed_at or timezone.now())
        at = f"at {when:%H:%M} on {when.day} {when:%B %Y}"
        if assessment.reviewed_by_id == reviewer.pk:
            message = (
                f"You saved a review of this assessment in another tab or window {at}, after you "
                "opened this page. The levels and comments saved there are shown under each "
                "skill: check them and save your review again"
            )
        else:
            name = assessment.reviewed_by or "Someone who has since left"
            message = (
                f"{name} reviewed this assessment {at}, after you opened this page. Their levels "
                "and comments are shown under each skill: check them and save your review again"
            )
        super().__init__(message)
        self.assessment = assessment
        self.differing = differing


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
    *,
    assessment: Assessment,
    reviewer: User,
    decisions: dict[int, Decision],
    based_on_review_revision: int | None = None,
    replies_seen: set[int] | None = None,
) -> Assessment:
    """Record the agreed level (and comment) for every rating; the assessment becomes reviewed.

    `based_on_review_revision` is the review revision the page was rendered from (None: a caller
    without a page). When someone has reviewed since, the review is refused with StaleReviewError
    if any decision differs from what they saved; posting exactly what is saved is no error. A
    review that changes nothing on a reviewed assessment writes nothing and tells nobody.

    `replies_seen` holds the skills whose reply the page showed (None: a caller without a page).
    Saving decides every reply, so a reply sent after the page was opened refuses the review
    until the reviewer has read it.
    """
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
    if replies_seen is not None:
        unread = [
            rating.skill.name
            for rating in ratings.values()
            if rating.is_replied and rating.skill_id not in replies_seen
        ]
        if unread:
            raise AssessmentError(
                f"{assessment.person} replied about {', '.join(unread)} after you opened this "
                "page. Read the reply below, then confirm or change the level and save again"
            )
    saved = assessment.review_revision
    if based_on_review_revision is not None and not 0 <= based_on_review_revision <= saved:
        raise AssessmentError(
            "The page you sent does not match the saved review. Check the levels and save again"
        )
    # A reply waits for the reviewer's decision, so saving the review decides it even when
    # the level and comment are left as they were.
    changed = {
        skill_id: decision
        for skill_id, decision in decisions.items()
        if ratings[skill_id].manager_level_id != decision.agreed_level.pk
        or ratings[skill_id].manager_comment != decision.comment
        or ratings[skill_id].is_replied
    }
    if changed and based_on_review_revision is not None and based_on_review_revision < saved:
        raise StaleReviewError(assessment, reviewer, set(changed))
    if not changed and assessment.status == Assessment.Status.REVIEWED:
        return assessment
    for skill_id, decision in changed.items():
        rating = ratings[skill_id]
        _decide(rating, decision)
        rating.save(
            update_fields=[
                "agreed_level",
                "proposed_level",
                "review_state",
                "reply",
                "replied_at",
                "manager_comment",
                "updated_at",
            ]
        )
    assessment.status = Assessment.Status.REVIEWED
    assessment.reviewed_at = timezone.now()
    assessment.reviewed_by = reviewer
    assessment.review_revision = saved + 1
    assessment.save(
        update_fields=["status", "reviewed_at", "reviewed_by", "review_revision", "updated_at"]
    )
    changes.assessments_changed([assessment])
    assessment_notify_reviewed(assessment=assessment)
    return assessment


def _decide(rating: Rating, decision: Decision) -> None:
    """The reviewer's level for one rating. Their own level is agreed at once; another level is
    proposed (and not used) until the person accepts it or replies; after a reply the reviewer's
    level is final, whether they keep the proposal or change it."""
    level = decision.agreed_level
    rating.manager_comment = decision.comment
    if rating.is_replied:
        rating.agreed_level = level
        same = level.pk == rating.proposed_level_id
        rating.review_state = LevelReview.CONFIRMED if same else LevelReview.CHANGED
    elif level.pk == rating.level_id:
        rating.agreed_level = level
        rating.proposed_level = None
        rating.review_state = LevelReview.AGREED
        rating.reply, rating.replied_at = "", None
    else:
        rating.agreed_level = None
        rating.proposed_level = level
        rating.review_state = LevelReview.PROPOSED
        rating.reply, rating.replied_at = "", None


def can_respond(user: User, assessment: Assessment) -> bool:
    """Only the person answers the levels proposed for them."""
    return assessment.person.user_id == user.pk


@transaction.atomic
def review_respond(
    *, assessment: Assessment, user: User, responses: dict[int, Response]
) -> Assessment:
    """The person accepts each proposed level (it becomes the agreed level, used from now on) or
    replies to it (the reviewer then confirms or changes it). Their reviewer is emailed."""
    assessment = _locked_assessment(assessment)
    if not can_respond(user, assessment):
        raise AssessmentError("Only the person assessed can answer their reviewer's levels")
    _ensure_cycle_open(assessment.cycle)
    proposed = {
        rating.skill_id: rating
        for rating in assessment.ratings.filter(review_state=LevelReview.PROPOSED).select_related(
            "skill", "proposed_level"
        )
    }
    if not responses:
        raise AssessmentError("Accept or reply to at least one proposed level")
    if not set(responses) <= set(proposed):
        raise AssessmentError(
            "One of your answers is for a level that is no longer waiting for you: your "
            "reviewer may have changed it. Check the levels and answer again"
        )
    now = timezone.now()
    for skill_id, response in responses.items():
        rating = proposed[skill_id]
        if response.accept:
            rating.agreed_level = rating.proposed_level
            rating.review_state = LevelReview.ACCEPTED
        else:
            if not response.reply.strip():
                raise AssessmentError(f"Write your reply about {rating.skill.name}")
            rating.review_state = LevelReview.REPLIED
            rating.reply = response.reply.strip()
            rating.replied_at = now
        rating.save(
            update_fields=["agreed_level", "review_state", "reply", "replied_at", "updated_at"]
        )
    if any(response.accept for response in responses.values()):
        changes.assessments_changed([assessment])  # an accepted level is now the one used
    assessment_notify_reviewer(assessment=assessment, responded_at=now)
    return assessment


# Notifications ----------------------------------------------------------------------------------


def assessment_notify_manager(*, assessment: Assessment) -> bool:
    """Queue an email to the person's line manager, with the submission; a manager who has left
    is not told (heads of digital review those people, from their list of people with no line
    manager). True if one was queued."""
    manager = assessment.person.line_manager
    if not assessment.person.has_active_line_manager or not assessment.is_complete:
        return False
    if not manager.user.email:
        return False
    return email_queue(emails.submitted_to_manager(assessment, manager))


def assessment_notify_reviewed(*, assessment: Assessment) -> bool:
    """Queue the "your assessment was reviewed" email, with the review."""
    if assessment.status != Assessment.Status.REVIEWED or not assessment.person.user.email:
        return False
    return email_queue(emails.reviewed_to_person(assessment))


def assessment_notify_reviewer(*, assessment: Assessment, responded_at: datetime.datetime) -> bool:
    """Queue the "they answered your review" email to whoever reviewed (else the line manager)."""
    reviewer = assessment.reviewed_by
    if reviewer is None and assessment.person.has_active_line_manager:
        reviewer = assessment.person.line_manager.user
    if reviewer is None or not reviewer.email or not reviewer.is_active:
        return False
    return email_queue(emails.responded_to_reviewer(assessment, reviewer, responded_at))
