"""Quarterly PDF reports: one per cycle and scope (the organisation, or one directorate)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

# A build's worker writes `heartbeat_at` on every progress step and, while one step runs long
# (WeasyPrint's layout), every HEARTBEAT_EVERY seconds from a thread (reports.services). A build
# not heard from for this long has lost its worker: the page stops showing its percentage, beat's
# recovery queues it again and another worker may claim it.
ABANDONED_AFTER = timedelta(seconds=60)
# A queued report no worker has claimed for this long is handed to Celery again (the broker was
# down when it was asked for, or its message was lost).
QUEUED_TOO_LONG = timedelta(minutes=2)


class ReportQuerySet(models.QuerySet["Report"]):
    def abandoned(self, now: datetime | None = None) -> ReportQuerySet:
        """Running, but its worker has not been heard from for ABANDONED_AFTER."""
        return self.filter(Report.abandoned_condition(now or timezone.now()))

    def waiting(self) -> ReportQuerySet:
        return self.filter(status=Report.Status.QUEUED)


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
    # The worker's last sign of life: set on every progress step while running.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # When the report was last handed to Celery (beat hands a long-queued one over again).
    handed_at = models.DateTimeField(default=timezone.now)
    # When the stored file was built: it stays downloadable while a rebuild runs or fails.
    built_at = models.DateTimeField(null=True, blank=True)
    # Which build this is: a ready report built again is a new build, with its own requesters.
    build = models.PositiveIntegerField(default=1)
    # The Celery task id that holds the claim: a redelivered or retried message keeps its id,
    # so it may pick up a build its own earlier delivery left running.
    claimed_by = models.CharField(max_length=255, blank=True)

    # The record of the quarter (reports.record): every figure, OKR value and initiative the PDF
    # shows, taken once when the cycle is closed (or at each build while it is open, "interim")
    # and kept, so building the report again gives the same figures.
    record = models.JSONField(null=True, blank=True, editable=False)
    record_taken_at = models.DateTimeField(null=True, blank=True)
    record_interim = models.BooleanField(default=False)
    # The cycle's closing time the record was taken for: a cycle reopened (and perhaps closed
    # again) since has another, so the record no longer is its quarter's.
    record_cycle_closed_at = models.DateTimeField(null=True, blank=True)

    # What the head of digital writes: the key messages (drafted from the figures until they
    # edit them), their commentary and the decisions sought from leadership. Plain paragraphs.
    key_messages = models.TextField(blank=True)
    commentary = models.TextField(blank=True)
    decisions_sought = models.TextField(blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    written_at = models.DateTimeField(null=True, blank=True)
    # The head of digital marked the text final for leadership (cleared when the record of the
    # quarter is taken again, since the figures it speaks to may have changed).
    finalised_at = models.DateTimeField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReportQuerySet.as_manager()

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

    @staticmethod
    def abandoned_condition(now: datetime) -> Q:
        cutoff = now - ABANDONED_AFTER
        return Q(status=Report.Status.RUNNING) & (
            Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        )

    @property
    def scope_label(self) -> str:
        return self.directorate.name if self.directorate_id else "Whole organisation"

    @property
    def is_in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def last_heard_from(self) -> datetime | None:
        return self.heartbeat_at or self.started_at

    @property
    def is_abandoned(self) -> bool:
        """Running, but its worker has gone quiet: nothing is building it."""
        heard = self.last_heard_from
        return (
            self.status == self.Status.RUNNING
            and heard is not None
            and heard < timezone.now() - ABANDONED_AFTER
        )

    @property
    def is_being_built(self) -> bool:
        """A worker is building it and was heard from recently: its percentage is moving."""
        return self.status == self.Status.RUNNING and not self.is_abandoned

    @property
    def is_waiting(self) -> bool:
        """Queued, or abandoned by its worker: waiting for a worker to take it."""
        return self.status == self.Status.QUEUED or self.is_abandoned

    @property
    def waiting_since(self) -> datetime | None:
        if self.status == self.Status.QUEUED:
            return self.queued_at
        return self.last_heard_from if self.is_abandoned else None

    @property
    def offers_try_again(self) -> bool:
        """Failed, abandoned, or queued for longer than a worker should take to pick it up."""
        if self.status == self.Status.FAILED or self.is_abandoned:
            return True
        return (
            self.status == self.Status.QUEUED and self.queued_at < timezone.now() - QUEUED_TOO_LONG
        )

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def has_previous_version(self) -> bool:
        """A rebuild is under way or failed, and the last good file is still stored."""
        return not self.is_ready and bool(self.file) and self.built_at is not None

    @property
    def is_finalised(self) -> bool:
        return self.finalised_at is not None

    @property
    def record_is_final(self) -> bool:
        """The stored record is the closed quarter's: taken after the cycle closed, and the
        cycle has not been reopened since."""
        cycle = self.cycle
        return (
            self.record_taken_at is not None
            and not self.record_interim
            and cycle.is_closed
            and self.record_cycle_closed_at == cycle.closed_at
        )

    @property
    def is_out_of_date(self) -> bool:
        """The stored file is no longer a record of its quarter: it was built while the cycle
        was open (interim) and the cycle has closed since, or the cycle was reopened after it
        was built."""
        if self.record_taken_at is None or not self.built_at:
            return False
        if self.record_interim:
            return self.cycle.is_closed
        return not self.record_is_final

    @property
    def out_of_date_reason(self) -> str:
        if not self.is_out_of_date:
            return ""
        if self.record_interim:
            return (
                f"It was built while {self.cycle.name} was open, with interim figures; "
                "the cycle has closed since."
            )
        if self.cycle.is_open:
            return (
                f"{self.cycle.name} was reopened after it was built, so it is no longer a record "
                "of the closed quarter."
            )
        return (
            f"{self.cycle.name} was reopened and closed again after it was built, so its figures "
            "may have changed."
        )

    @property
    def download_name(self) -> str:
        scope = self.directorate.name if self.directorate_id else "organisation"
        return f"capability-report-{self.cycle.name}-{scope}.pdf".replace(" ", "-").lower()


class ReportRequest(models.Model):
    """Someone who asked for a build of a report: each is emailed when that build is ready."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="requests")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="report_requests"
    )
    build = models.PositiveIntegerField()
    requested_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["requested_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "user", "build"], name="report_request_once_per_build"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} asked for {self.report} (build {self.build})"
