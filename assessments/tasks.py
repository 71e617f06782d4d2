"""Background work for cycles and assessments. Each task takes ids and calls a service."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.utils import timezone

from assessments import emails, services
from assessments.models import Assessment, Cycle

logger = logging.getLogger(__name__)


def _mail_relay_down(task: Task, error: Exception) -> object:
    """In a worker, try again later; run in the request (no broker), log it and carry on: the
    change the email is about is saved, and a person must never see an error page for it."""
    if task.request.is_eager:
        logger.exception("Could not send email from %s", task.name)
        return False
    raise task.retry(exc=error, countdown=min(60 * 2**task.request.retries, 3600), max_retries=12)


@shared_task(bind=True)
def send_cycle_invitations(self: Task, cycle_id: int) -> int:
    cycle = Cycle.objects.filter(pk=cycle_id).first()
    if cycle is None:
        return 0
    try:
        return services.cycle_send_invitations(cycle=cycle)
    except emails.SEND_FAILURES as error:
        return _mail_relay_down(self, error)


@shared_task(bind=True)
def notify_manager_of_submission(self: Task, assessment_id: int) -> bool:
    assessment = (
        Assessment.objects.select_related("cycle", "person__user", "person__line_manager__user")
        .filter(pk=assessment_id)
        .first()
    )
    try:
        return assessment is not None and services.assessment_notify_manager(assessment=assessment)
    except emails.SEND_FAILURES as error:
        return _mail_relay_down(self, error)


@shared_task(bind=True)
def notify_person_of_review(self: Task, assessment_id: int) -> bool:
    assessment = (
        Assessment.objects.select_related("cycle", "person__user", "reviewed_by")
        .filter(pk=assessment_id)
        .first()
    )
    try:
        return assessment is not None and services.assessment_notify_reviewed(assessment=assessment)
    except emails.SEND_FAILURES as error:
        return _mail_relay_down(self, error)


@shared_task(name="assessments.tasks.daily_cycle_housekeeping")
def daily_cycle_housekeeping() -> dict[str, object]:
    """Close cycles past their closing date and send the 7- and 2-day reminders, once each."""
    result = services.cycles_housekeeping(today=timezone.localdate())
    return {"closed": result.closed, "reminders_sent": result.reminders_sent}
