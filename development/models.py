"""Learning resources per skill and level, and personal development plans.

A resource names its skill by slug and its level by number, not by row: skills and levels are
rows of one framework version, and slugs and numbers carry across versions, so a resource
curated once still applies after the next version is published.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models


class LearningResource(models.Model):
    class Format(models.TextChoices):
        COURSE = "course", "Course"
        E_LEARNING = "e-learning", "E-learning"
        GUIDE = "guide", "Article or guide"
        VIDEO = "video", "Video"
        BOOK = "book", "Book"
        EVENT = "event", "Event or webinar"
        MENTORING = "mentoring", "Mentoring or coaching"
        PRACTICE = "practice", "Practice at work"

    skill_slug = models.SlugField(max_length=100)
    level = models.PositiveSmallIntegerField(help_text="The level this resource helps reach.")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)
    provider = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=12, choices=Format.choices, default=Format.COURSE)
    minutes = models.PositiveIntegerField(null=True, blank=True)  # time needed; None: unknown
    cost = models.DecimalField(max_digits=8, decimal_places=2, default=Decimal("0"))
    mandatory = models.BooleanField(default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["skill_slug", "level", "-mandatory", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["skill_slug", "level", "url"], name="one_resource_per_link_and_level"
            ),
        ]
        indexes = [models.Index(fields=["skill_slug", "level"])]

    def __str__(self) -> str:
        return self.title

    @property
    def time_needed(self) -> str:
        if self.minutes is None:
            return "Not known"
        hours, minutes = divmod(self.minutes, 60)
        parts = []
        if hours:
            parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
        if minutes or not hours:
            parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
        return " ".join(parts)

    @property
    def cost_text(self) -> str:
        if not self.cost:
            return "Free"
        return f"£{self.cost:,.2f}".removesuffix(".00")


class DevelopmentPlan(models.Model):
    """A person's plan for closing their gaps after one cycle's self-assessment: up to three
    focus skills, each with actions. The person writes and submits it; their line manager (a
    head of digital for people with no line manager) agrees it or asks for changes."""

    MAX_FOCUS_SKILLS = 3

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Waiting for agreement"
        CHANGES_REQUESTED = "changes_requested", "Changes asked for"
        AGREED = "agreed", "Agreed"

    assessment = models.OneToOneField(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="development_plan"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewer_comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-assessment__cycle__opens_on"]

    def __str__(self) -> str:
        return f"Development plan: {self.assessment}"

    def get_additional_data(self) -> dict[str, object]:
        """Whom an audit entry about this plan concerns."""
        return {"person_id": self.assessment.person_id}

    @property
    def is_editable(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.CHANGES_REQUESTED)


class FocusSkill(models.Model):
    """A gap the person chose to work on, with the level used and the target when chosen."""

    plan = models.ForeignKey(DevelopmentPlan, on_delete=models.CASCADE, related_name="focus")
    skill = models.ForeignKey("capability.Skill", on_delete=models.PROTECT, related_name="+")
    level_then = models.PositiveSmallIntegerField()
    target = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["plan", "skill__area__order", "skill__order", "skill__name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "skill"], name="one_focus_per_skill"),
        ]

    def __str__(self) -> str:
        return str(self.skill)

    @property
    def aim_level(self) -> int:
        """The next level up: what the actions aim at."""
        return self.level_then + 1


class PlanAction(models.Model):
    """Something the person will do for a focus skill, by a date: a learning resource, a task at
    work, or both."""

    focus = models.ForeignKey(FocusSkill, on_delete=models.CASCADE, related_name="actions")
    resource = models.ForeignKey(
        LearningResource, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    task = models.TextField(blank=True)
    due_on = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["focus", "due_on", "pk"]

    def __str__(self) -> str:
        return self.task or str(self.resource)


class MandatoryLearning(models.Model):
    """A resource everyone in a tier (and the tiers above it: tiers are cumulative) or in a role
    profile must complete by a date. Tier and role are named by slug, as resources name skills."""

    resource = models.ForeignKey(
        LearningResource, on_delete=models.CASCADE, related_name="assignments"
    )
    tier_slug = models.SlugField(max_length=100, blank=True)
    role_slug = models.SlugField(max_length=100, blank=True)
    due_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(tier_slug="") & ~models.Q(role_slug=""))
                | (~models.Q(tier_slug="") & models.Q(role_slug="")),
                name="mandatory_for_a_tier_or_a_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.resource} by {self.due_on:%d %B %Y}"


class LearningCompletion(models.Model):
    """A person's record that they completed a resource."""

    person = models.ForeignKey(
        "people.StaffProfile", on_delete=models.CASCADE, related_name="learning_completed"
    )
    resource = models.ForeignKey(
        LearningResource, on_delete=models.CASCADE, related_name="completions"
    )
    completed_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "resource"], name="one_completion_each"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.resource}"
