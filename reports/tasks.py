"""Background work for reports. Tasks take ids and call services."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task, shared_task
from celery.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from assessments.models import Cycle
from reports import services
from reports.models import Report

logger = logging.getLogger(__name__)

# Worth trying again: the database or a network service was briefly unavailable.
TRANSIENT_ERRORS = (OperationalError, ConnectionError)


def describe(error: BaseException) -> str:
    if isinstance(error, services.ReportError):
        return str(error)  # already plain English
    if isinstance(error, SoftTimeLimitExceeded | TimeLimitExceeded):
        minutes = round(settings.CELERY_TASK_SOFT_TIME_LIMIT / 60)
        return f"The report took longer than {minutes} minutes to build and was stopped"
    return f"{error.__class__.__name__}: {error}" if str(error) else error.__class__.__name__


class ReportTask(Task):
    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        # Reached only once retries are exhausted (or on a time limit): record why. With the
        # database still down this cannot be recorded either; the report stays "running", goes
        # quiet, and beat's recovery queues it again once the database is back.
        report_id = kwargs.get("report_id", args[0] if args else None)
        if report_id is None:
            return
        try:
            services.report_fail(report_id=report_id, error=describe(exc))
        except TRANSIENT_ERRORS:
            logger.exception("Could not record that report %s failed", report_id)


# Retries wait 5, 10, 20, 40 and 80 seconds (155 s in all, no jitter to shorten them), so a
# build rides out a database restart of a minute or more. The longest wait, 80 s, plus the
# task's hard time limit stays inside the broker's visibility timeout (config/settings.py).
@shared_task(
    bind=True,
    base=ReportTask,
    acks_late=True,
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=5,
    retry_backoff_max=80,
    retry_jitter=False,
    max_retries=5,
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
    """Queue the organisation report of each closed cycle that has none, and build again every
    ready report of a closed cycle that is out of date. Running it again queues nothing more."""
    cycles = Cycle.objects.closed().exclude(
        pk__in=Report.objects.filter(directorate__isnull=True).values("cycle")
    )
    queued = 0
    for cycle in cycles:
        services.report_request(cycle=cycle, directorate=None, requested_by=None)
        queued += 1
    # Reports built while their cycle was open, or before it was reopened and closed again:
    # built again, as the record of the closed quarter.
    for report in services.reports_out_of_date():
        services.report_request(
            cycle=report.cycle, directorate=report.directorate, requested_by=None, regenerate=True
        )
        queued += 1
    return queued


@shared_task(ignore_result=True)
def recover_reports() -> dict[str, int]:
    """Every minute (beat): queue again the builds whose worker went quiet, hand to Celery again
    the reports no worker has claimed, and delete stored files no report refers to."""
    recovery = services.reports_recover()
    return {
        "abandoned": recovery.abandoned,
        "handed_again": recovery.handed_again,
        "files_removed": recovery.files_removed,
    }
