"""What heads of digital read about the outbox."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from outbox.models import Email


def email_counts() -> dict[str, int]:
    counts = dict(Email.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return {status: counts.get(status, 0) for status in Email.Status.values}


def emails_with_status(status: str | None) -> QuerySet[Email]:
    emails = Email.objects.all()
    if status in Email.Status.values:
        emails = emails.filter(status=status)
    return emails.order_by("-created_at", "-pk")


def status_counts(*, key_prefix: str) -> dict[str, int]:
    """How many emails whose key starts with `key_prefix` are in each status."""
    counts = dict(
        Email.objects.filter(key__startswith=key_prefix)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {status: counts.get(status, 0) for status in Email.Status.values}
