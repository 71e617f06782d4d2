"""Requesting, claiming and building quarterly PDF reports.

A build renders HTML from the gap engine, OKRs and roadmap, turns it into a tagged PDF with
WeasyPrint, stores the file and only then marks the report ready, in one transaction. A worker that
dies part way leaves the report "running" with its old file (if any) and nothing new to download;
when the task is delivered again it claims the report afresh and completes it.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from reports import selectors
from reports.models import Report, stale_after

if TYPE_CHECKING:
    from assessments.models import Cycle
    from people.models import Directorate, User

logger = logging.getLogger(__name__)

MANUAL_CLAIMANT = "manual"


def report_request(
    *,
    cycle: Cycle,
    directorate: Directorate | None,
    requested_by: User | None,
    regenerate: bool = False,
    enqueue: bool = True,
) -> Report:
    """The report for this cycle and scope, queued for building if it is new, or if asked to
    regenerate it and it is not already being built. Enqueues the task once the caller commits
    (unless `enqueue` is False: the caller runs the task itself)."""
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            cycle=cycle,
            directorate=directorate,
            defaults={"requested_by": requested_by, "progress_message": "Waiting to start"},
        )
        busy = report.is_in_progress and not report.is_abandoned
        if not created and not (regenerate and not busy):
            return report
        if not created:
            # Reuse the row on purpose: the old file stays stored until the new one replaces it.
            report.status = Report.Status.QUEUED
            report.requested_by = requested_by
            report.error = ""
            report.progress = 0
            report.progress_message = "Waiting to start"
            report.queued_at = timezone.now()
            report.started_at = None
            report.finished_at = None
            report.claimed_by = ""
            report.save()
        if enqueue:
            transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _enqueue(report_id: int) -> None:
    from reports.tasks import build_report

    build_report.delay(report_id)


def report_claim(*, report_id: int, claimant: str = MANUAL_CLAIMANT) -> Report | None:
    """Mark the report running for `claimant`, or return None if it is not ours to build: it is
    ready, failed, or another live worker holds it. One conditional UPDATE, so two workers
    cannot both claim it."""
    now = timezone.now()
    claimable = (
        Q(status=Report.Status.QUEUED)
        | Q(status=Report.Status.RUNNING, claimed_by=claimant)
        | Q(status=Report.Status.RUNNING, started_at__lt=now - stale_after())
    )
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=Report.Status.RUNNING,
        claimed_by=claimant,
        started_at=now,
        finished_at=None,
        attempts=F("attempts") + 1,
        progress=5,
        progress_message="Started",
        error="",
    )
    if not claimed:
        return None
    return Report.objects.select_related("cycle__framework", "directorate", "requested_by").get(
        pk=report_id
    )


def report_progress(*, report: Report, percent: int, message: str) -> None:
    """Saved at once (outside any transaction) so the report's page can show it."""
    Report.objects.filter(
        pk=report.pk, status=Report.Status.RUNNING, claimed_by=report.claimed_by
    ).update(progress=percent, progress_message=message)


def report_build(*, report_id: int, claimant: str = MANUAL_CLAIMANT) -> Report | None:
    """Claim and build the report. Returns it when this call made it ready, None when there was
    nothing to do (already ready, failed, or being built by someone else)."""
    report = report_claim(report_id=report_id, claimant=claimant)
    if report is None:
        return None
    html = report_html(report=report)
    report_progress(report=report, percent=70, message="Laying out the PDF")
    with tempfile.TemporaryDirectory(prefix="report-") as folder:
        path = Path(folder) / "report.pdf"
        page_count = _write_pdf(html=html, path=path)
        report_progress(report=report, percent=90, message="Storing the file")
        checksum, size = _sha256(path), path.stat().st_size
        with path.open("rb") as handle:
            field = Report._meta.get_field("file")
            stored_name = field.storage.save(
                field.generate_filename(report, report.download_name), File(handle)
            )
    return _report_finish(
        report=report,
        stored_name=stored_name,
        page_count=page_count,
        size=size,
        checksum=checksum,
    )


def report_html(*, report: Report) -> str:
    def progress(percent: int, message: str) -> None:
        report_progress(report=report, percent=percent, message=message)

    context = selectors.report_content(report=report, progress=progress)
    return render_to_string("reports/report.html", context)


def _write_pdf(*, html: str, path: Path) -> int:
    from weasyprint import HTML

    document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(pdf_variant="pdf/ua-1")
    document.write_pdf(target=str(path), pdf_variant="pdf/ua-1")
    return len(document.pages)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _report_finish(
    *, report: Report, stored_name: str, page_count: int, size: int, checksum: str
) -> Report | None:
    storage = Report._meta.get_field("file").storage
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status != Report.Status.RUNNING or current.claimed_by != report.claimed_by:
            # Someone else finished or took over this build: keep theirs, drop ours.
            transaction.on_commit(lambda: storage.delete(stored_name))
            return None
        old_name = current.file.name
        current.file.name = stored_name
        current.status = Report.Status.READY
        current.page_count = page_count
        current.size_bytes = size
        current.checksum = checksum
        current.progress = 100
        current.progress_message = "Ready"
        current.finished_at = timezone.now()
        current.save()
        if old_name and old_name != stored_name:
            transaction.on_commit(lambda: storage.delete(old_name))
        transaction.on_commit(lambda: _email_requester(current))
    return current


def report_fail(*, report_id: int, error: str) -> None:
    """Record why a build failed. A report that is already ready stays ready."""
    Report.objects.filter(
        pk=report_id, status__in=[Report.Status.QUEUED, Report.Status.RUNNING]
    ).update(
        status=Report.Status.FAILED,
        error=error[:2000],
        progress_message="Failed",
        finished_at=timezone.now(),
    )


def _email_requester(report: Report) -> None:
    if not report.requested_by or not report.requested_by.email:
        return
    link = settings.SERVICE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
    try:
        send_mail(
            subject=f"Your capability report for {report.cycle} is ready",
            message=render_to_string(
                "reports/ready_email.txt",
                {"report": report, "link": link, "user": report.requested_by},
            ),
            from_email=None,
            recipient_list=[report.requested_by.email],
        )
    except Exception:  # the report is ready whatever happens to the email
        logger.exception("Could not email %s about report %s", report.requested_by, report.pk)
