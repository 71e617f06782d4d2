"""Quarterly PDF reports: one per cycle and scope (the organisation, or one directorate)."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def stale_after() -> timedelta:
    """A build still running after Celery's hard time limit was abandoned by a dead worker."""
    return timedelta(seconds=getattr(settings, "CELERY_TASK_TIME_LIMIT", 300) + 60)


class Report(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    cycle = models.ForeignKey("assessments.Cycle", on_delete=models.PROTECT, related_name="reports")
    # No directorate means the report covers the whole organisation.
    directorate = models.ForeignKey(
        "people.Directorate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="reports/", blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    checksum = models.CharField("SHA-256 checksum", max_length=64, blank=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    # The Celery task id that holds the claim: a redelivered or retried message keeps its id,
    # so it may pick up a build its own earlier delivery left running.
    claimed_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-cycle__opens_on", "directorate__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "directorate"],
                name="report_one_per_cycle_and_directorate",
                violation_error_message="There is already a report for this cycle and scope.",
            ),
            # NULLs are distinct in a unique index, so the organisation scope needs its own.
            models.UniqueConstraint(
                fields=["cycle"],
                condition=Q(directorate__isnull=True),
                name="report_one_organisation_report_per_cycle",
                violation_error_message="There is already an organisation report for this cycle.",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cycle} – {self.scope_label}"

    @property
    def scope_label(self) -> str:
        return self.directorate.name if self.directorate_id else "Whole organisation"

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_abandoned(self) -> bool:
        return (
            self.status == self.Status.RUNNING
            and self.started_at is not None
            and self.started_at < timezone.now() - stale_after()
        )

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def download_name(self) -> str:
        scope = self.directorate.name if self.directorate_id else "organisation"
        return f"capability-report-{self.cycle.name}-{scope}.pdf".replace(" ", "-").lower()
