"""The worker's part of the figures: apply the outbox of changed assessments, and rebuild."""

from __future__ import annotations

from celery import shared_task

from insights import publishing


@shared_task(name="insights.tasks.apply_changes")
def apply_changes() -> int:
    """Publish what changed (nudged after each change commits, and every minute by beat in case
    a nudge was lost). Returns how many outbox rows were applied."""
    return publishing.apply_changes()


@shared_task(name="insights.tasks.rebuild_figures")
def rebuild_figures(cycle_id: int) -> int:
    """Apply every assessment of one cycle again (see publishing.rebuild)."""
    return publishing.rebuild(cycle_id=cycle_id)


@shared_task(name="insights.tasks.rebuild_open_cycles")
def rebuild_open_cycles() -> int:
    """Nightly: put right any change made outside the services (an administrator's correction,
    a person deleted) in the open cycles. Returns how many assessments it changed."""
    from assessments.models import Cycle

    return sum(
        publishing.rebuild(cycle_id=pk) for pk in Cycle.objects.open().values_list("pk", flat=True)
    )
