"""Background work for cycles and assessments. Each task takes ids and calls a service.

Emails are not sent here: the services queue them in the outbox with the change they are about,
and the outbox's worker sends them (outbox.tasks).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from assessments import services
from assessments.models import Cycle


@shared_task(name="assessments.tasks.queue_cycle_invitations")
def queue_cycle_invitations(cycle_id: int) -> int:
    """Queue the invitations of a cycle that has opened. Running it twice queues nothing more."""
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    return services.cycle_queue_invitations(cycle=cycle) if cycle else 0


@shared_task(name="assessments.tasks.queue_pending_invitations")
def queue_pending_invitations() -> int:
    """Every minute: queue the invitations of any open cycle whose hand-off was lost."""
    return sum(
        services.cycle_queue_invitations(cycle=cycle)
        for cycle in services.cycles_waiting_for_invitations()
    )


@shared_task(name="assessments.tasks.daily_cycle_housekeeping")
def daily_cycle_housekeeping() -> dict[str, object]:
    """Close cycles past their closing date and queue the 7- and 2-day reminders, once each."""
    result = services.cycles_housekeeping(today=timezone.localdate())
    return {"closed": result.closed, "reminders_queued": result.reminders_sent}
