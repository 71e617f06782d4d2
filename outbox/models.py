"""The outbox: each email the service means to send, written in the same transaction as the change
it is about, and sent by the worker until it goes (see outbox.services)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class Email(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    # The idempotency key: one email per intent ("invitation:3:41"), however often the change
    # behind it is retried or its task redelivered.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=40)
    to = models.EmailField(max_length=254)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    # A sender holds the email until then; past it, a sender that died is presumed gone.
    claimed_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_email_due"),
            models.Index(fields=["kind", "status"], name="outbox_email_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} (to {self.to}, {self.get_status_display().lower()})"

    @property
    def can_retry(self) -> bool:
        return self.status == self.Status.FAILED
