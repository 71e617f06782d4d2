"""Background work for cycles and assessments. Each task takes ids and calls a service."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, Cycle


@shared_task
def send_cycle_invitations(cycle_id: int) -> int:
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return 0
    return services.cycle_send_invitations(cycle=cycle)


@shared_task
def notify_manager_of_submission(assessment_id: int) -> bool:
    assessment = (
        Assessment.objects.select_related("cycle", "person__user", "person__line_manager__user")
        .filter(pk=assessment_id)
        .first()
    )
    return assessment is not None and services.assessment_notify_manager(assessment=assessment)


@shared_task
def notify_person_of_review(assessment_id: int) -> bool:
    assessment = (
        Assessment.objects.select_related("cycle", "person__user", "reviewed_by")
        .filter(pk=assessment_id)
        .first()
    )
    return assessment is not None and services.assessment_notify_reviewed(assessment=assessment)


@shared_task(name="assessments.tasks.daily_cycle_housekeeping")
def daily_cycle_housekeeping() -> dict[str, object]:
    """Close cycles past their closing date and send the 7- and 2-day reminders, once each."""
    result = services.cycles_housekeeping(today=timezone.localdate())
    return {"closed": result.closed, "reminders_sent": result.reminders_sent}
