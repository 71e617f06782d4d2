"""Initiatives on the roadmap and their milestones, linked to the key results they move and the
skills and capability areas they build."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q


class InitiativeQuerySet(models.QuerySet["Initiative"]):
    def active(self) -> InitiativeQuerySet:
        """Planned or in progress: the initiatives that can still close a gap."""
        return self.filter(status__in=Initiative.ACTIVE)


class Initiative(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        PAUSED = "paused", "Paused"

    class Horizon(models.TextChoices):
        NOW = "now", "Now"
        NEXT = "next", "Next"
        LATER = "later", "Later"

    ACTIVE = (Status.PLANNED, Status.IN_PROGRESS)

    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="initiatives"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    horizon = models.CharField(max_length=5, choices=Horizon.choices, default=Horizon.NEXT)
    start_on = models.DateField(null=True, blank=True)
    end_on = models.DateField(null=True, blank=True)
    key_results = models.ManyToManyField("okrs.KeyResult", blank=True, related_name="initiatives")
    skills = models.ManyToManyField("capability.Skill", blank=True, related_name="initiatives")
    areas = models.ManyToManyField(
        "capability.CapabilityArea", blank=True, related_name="initiatives"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["start_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_on__isnull=True)
                | Q(end_on__isnull=True)
                | Q(end_on__gte=F("start_on")),
                name="initiative_ends_after_start",
                violation_error_message="The end date must be the same as or after the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class Milestone(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=300)
    due_on = models.DateField()
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title
