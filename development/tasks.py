"""Background work for learning and development. Each task calls a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from development import services


@shared_task(name="development.tasks.remind_overdue_mandatory_learning")
def remind_overdue_mandatory_learning() -> int:
    """Daily, just after the cycle reminders: overdue mandatory learning, on the same days."""
    return services.mandatory_queue_reminders(today=timezone.localdate())
