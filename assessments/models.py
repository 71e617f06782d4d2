"""Cycles, self-assessments and ratings.

An assessment keeps a snapshot of the person's directorate, team, tier and role profile taken when
they start, so figures for a past cycle do not move when someone changes team.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class CycleQuerySet(models.QuerySet["Cycle"]):
    def open(self) -> CycleQuerySet:
        return self.filter(state=Cycle.State.OPEN)

    def closed(self) -> CycleQuerySet:
        return self.filter(state=Cycle.State.CLOSED)


class Cycle(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", "Not yet open"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=100, unique=True, help_text='For example "2026 Q4".')
    opens_on = models.DateField()
    closes_on = models.DateField()
    framework = models.ForeignKey(
        "capability.Framework", on_delete=models.PROTECT, related_name="cycles"
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.DRAFT)
    opened_at = models.DateTimeField(null=True, blank=True)
    # When the invitations were queued in the outbox. An open cycle without it is waiting for the
    # worker to queue them (asked after the cycle opens, and every minute by beat until done).
    invitations_queued_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reopened_at = models.DateTimeField(null=True, blank=True)
    reopened_by = models.ForeignKey(
        "people.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=F("opens_on")),
                name="cycle_closes_after_opening",
                violation_error_message="The closing date must be on or after the opening date.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state == self.State.CLOSED


class Assessment(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        REVIEWED = "reviewed", "Reviewed"

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="assessments")
    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="assessments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    # Snapshot taken when the person starts.
    directorate = models.ForeignKey(
        "people.Directorate", null=True, on_delete=models.PROTECT, related_name="+"
    )
    team = models.ForeignKey("people.Team", null=True, on_delete=models.PROTECT, related_name="+")
    tier = models.ForeignKey(
        "capability.Tier", null=True, on_delete=models.PROTECT, related_name="+"
    )
    role_profile = models.ForeignKey(
        "capability.RoleProfile", null=True, on_delete=models.PROTECT, related_name="+"
    )
    # Bumped on every save of answers: a page posted from an older revision is a stale save.
    revision = models.PositiveIntegerField(default=0)
    # Bumped on every review that changes a decision: a review page posted from an older
    # revision that would overwrite another reviewer's decisions is refused.
    review_revision = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["cycle", "person"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="one_assessment_per_cycle"),
        ]
        indexes = [models.Index(fields=["cycle", "status"]), models.Index(fields=["cycle", "team"])]

    def __str__(self) -> str:
        return f"{self.person} – {self.cycle}"

    def get_additional_data(self) -> dict[str, object]:
        """Whom an audit entry about this assessment concerns."""
        return {"person_id": self.person_id}

    @property
    def is_complete(self) -> bool:
        return self.status in (self.Status.SUBMITTED, self.Status.REVIEWED)


class LevelReview(models.TextChoices):
    """Where the dialogue on one rating's level stands. A level the manager proposes is not used
    (in results or figures) until the person accepts it or, after a reply, the manager decides:
    only then is it the agreed level."""

    NOT_REVIEWED = "", "Not reviewed"
    AGREED = "agreed", "Agreed"  # the manager agreed with the person's own level
    PROPOSED = "proposed", "Proposed"  # another level proposed: waiting for the person
    ACCEPTED = "accepted", "Accepted"  # the person accepted the proposed level
    REPLIED = "replied", "Replied"  # the person replied: waiting for the manager
    CONFIRMED = "confirmed", "Confirmed"  # after the reply, the manager kept the proposed level
    CHANGED = "changed", "Changed"  # after the reply, the manager chose another level


WAITING_FOR_PERSON = (LevelReview.PROPOSED,)
WAITING_FOR_MANAGER = (LevelReview.REPLIED,)


class Rating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    skill = models.ForeignKey("capability.Skill", on_delete=models.PROTECT, related_name="ratings")
    level = models.ForeignKey("capability.Level", on_delete=models.PROTECT, related_name="+")
    evidence = models.TextField(blank=True)
    # The person's target for this skill when they started (role target or tier default).
    target = models.PositiveSmallIntegerField()
    agreed_level = models.ForeignKey(
        "capability.Level", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    manager_comment = models.TextField(blank=True)
    # The dialogue on the level: agreed_level is set only once the level is agreed (the manager
    # agreed, the person accepted, or the manager decided after a reply); until then the level
    # the manager proposes waits here and the self-assessed level is the one used.
    review_state = models.CharField(
        max_length=10, choices=LevelReview.choices, blank=True, default=LevelReview.NOT_REVIEWED
    )
    proposed_level = models.ForeignKey(
        "capability.Level", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    # The assessment revision in which the level or evidence last changed: a page rendered from
    # an older revision conflicts only on skills changed since (services.assessment_save_answers).
    revision = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["assessment", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "skill"], name="one_rating_per_skill"),
        ]

    def __str__(self) -> str:
        return f"{self.skill}: {self.level}"

    @property
    def manager_level_id(self) -> int | None:
        """The level the reviewer chose: proposed while the dialogue is open, else agreed."""
        if self.review_state in (LevelReview.PROPOSED, LevelReview.REPLIED):
            return self.proposed_level_id
        return self.agreed_level_id

    @property
    def manager_level(self):  # -> Level | None (capability is imported by name only)
        if self.review_state in (LevelReview.PROPOSED, LevelReview.REPLIED):
            return self.proposed_level
        return self.agreed_level

    @property
    def is_proposed(self) -> bool:
        return self.review_state == LevelReview.PROPOSED

    @property
    def is_replied(self) -> bool:
        return self.review_state == LevelReview.REPLIED

    def get_additional_data(self) -> dict[str, object]:
        """Whom and which skill an audit entry about this rating concerns."""
        return {"person_id": self.assessment.person_id, "skill": self.skill.name}


class Reminder(models.TextChoices):
    """The reminders before a cycle closes (each is sent to a person once: see emails.py)."""

    SEVEN_DAYS = "7_days", "Reminder 7 days before closing"
    TWO_DAYS = "2_days", "Reminder 2 days before closing"


class AssessmentChange(models.Model):
    """An assessment whose figures may have changed: asked, submitted or reviewed (an outbox).
    Written in the same transaction as the change itself, so no change is lost when the broker
    or the worker is down; the insights worker reads these, brings the published figures up to
    date and deletes them."""

    id = models.BigAutoField(primary_key=True)
    assessment_id = models.IntegerField()  # plain ids: the change outlives a deleted assessment
    cycle_id = models.IntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Change to assessment {self.assessment_id}"
