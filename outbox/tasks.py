"""The worker's part of the outbox."""

from __future__ import annotations

from celery import shared_task

from outbox import services


@shared_task(name="outbox.tasks.send_due_emails", ignore_result=True)
def send_due_emails() -> dict[str, int]:
    """Send the emails that are due (asked for after each change commits, and every minute by
    beat). Two runs at once send each email once."""
    result = services.send_due()
    return {"sent": result.sent, "retrying": result.retrying, "failed": result.failed}


@shared_task(name="outbox.tasks.forget_old_bodies")
def forget_old_bodies() -> int:
    """Daily: the text of emails sent more than 30 days ago is not kept."""
    return services.forget_old_bodies()
