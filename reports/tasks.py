"""Background work for reports. Tasks take ids and call services."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from django.db import OperationalError

from assessments.models import Cycle
from reports import services
from reports.models import Report

logger = logging.getLogger(__name__)

# Worth trying again: the database or a network service was briefly unavailable.
TRANSIENT_ERRORS = (OperationalError, ConnectionError)


def describe(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}" if str(error) else error.__class__.__name__


class ReportTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Reached only once retries are exhausted (or on a time limit): record why.
        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is not None:
            services.report_fail(report_id=report_id, error=describe(exc))


@shared_task(
    bind=True,
    base=ReportTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=3,
)
def build_report(self: Task, report_id: int) -> str:
    """Build one report. Safe to deliver twice: a report that is ready is not rebuilt."""
    try:
        report = services.report_build(report_id=report_id, claimant=self.request.id or "eager")
    except TRANSIENT_ERRORS:
        raise  # autoretry_for retries these with backoff
    except Exception as error:
        # Not worth retrying: record it for the report's page and stop.
        logger.exception("Report %s failed", report_id)
        services.report_fail(report_id=report_id, error=describe(error))
        return "failed"
    return "built" if report else "nothing to do"


@shared_task
def queue_closed_cycle_reports() -> int:
    """Queue the organisation report of each closed cycle that has none. Running it again
    queues nothing more."""
    cycles = Cycle.objects.closed().exclude(
        pk__in=Report.objects.filter(directorate__isnull=True).values("cycle")
    )
    queued = 0
    for cycle in cycles:
        services.report_request(cycle=cycle, directorate=None, requested_by=None)
        queued += 1
    return queued
