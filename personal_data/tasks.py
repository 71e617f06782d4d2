"""The retention rule's daily run (CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task

from personal_data import services


@shared_task(name="personal_data.tasks.anonymise_leavers")
def anonymise_leavers() -> int:
    """Daily: anonymise people who left more than RETENTION_MONTHS ago. Safe to run again:
    people already anonymised are skipped. Returns how many were anonymised."""
    return services.leavers_anonymise()
