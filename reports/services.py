"""Requesting, claiming, building and recovering quarterly PDF reports.

A build renders HTML from the gap engine, OKRs and roadmap, turns it into a tagged PDF with
WeasyPrint, stores the file and only then marks the report ready, in one transaction that also
queues an email to everyone who asked for that build. The previous file stays downloadable until
then. While it runs, the worker writes a heartbeat; a report whose worker has gone quiet, or that
no worker has claimed, is handed to Celery again by beat (`reports_recover`), and files no report
refers to (a worker killed between storing and marking ready) are swept away after an hour.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import tempfile
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.core.files.storage import Storage
from django.db import connections, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from assessments.selectors import people_seen_by_organisation_readers
from insights import viewer
from outbox.services import OutgoingEmail, email_queue_many, render
from reports import selectors
from reports.models import QUEUED_TOO_LONG, Report, ReportRequest

if TYPE_CHECKING:
    from assessments.models import Cycle
    from people.models import Directorate, User

logger = logging.getLogger(__name__)

MANUAL_CLAIMANT = "manual"
# Seconds between heartbeats while one step of a build runs long; well inside ABANDONED_AFTER.
HEARTBEAT_EVERY = 10.0
# Files no report refers to are deleted once this old: far longer than any build may run.
ORPHAN_AFTER = timedelta(hours=1)
# A queued report is handed to Celery again after QUEUED_TOO_LONG, then after waiting as long
# again each time (2, 4, 8 … minutes), at most this far apart: a long broker outage does not
# pile up a message a minute.
HAND_OFF_AT_MOST_EVERY = timedelta(hours=1)
NOT_ENOUGH_SPACE = "There was not enough space to store the report"
OUT_OF_SPACE_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


class ReportError(Exception):
    """A build failed for a reason the report's page can state in plain English."""


def report_request(
    *,
    cycle: Cycle,
    directorate: Directorate | None,
    requested_by: User | None,
    regenerate: bool = False,
    enqueue: bool = True,
) -> Report:
    """The report for this cycle and scope. It is queued for building if it is new, if its
    worker has gone, or if asked to `regenerate` it (try again, or build a ready one with the
    latest figures); a report a live worker is building is left to it. Whoever asks while it is
    queued or being built is emailed when it is ready. Enqueues the task once the caller commits
    (unless `enqueue` is False: the caller runs the task itself)."""
    with transaction.atomic():
        report, created = Report.objects.select_for_update().get_or_create(
            cycle=cycle,
            directorate=directorate,
            defaults={"requested_by": requested_by, "progress_message": "Waiting for a worker"},
        )
        if created:
            start = True
        elif report.is_ready or report.status == Report.Status.FAILED:
            start = regenerate
            if start and report.is_ready:
                report.build += 1  # a new build: its requesters are emailed, not the last one's
        else:
            # Queued or running: ask again only when nobody is building it.
            start = report.is_abandoned or (regenerate and report.status == Report.Status.QUEUED)
        if not created and start:
            _requeue(report, requested_by=requested_by)
        if requested_by is not None and report.is_in_progress:
            ReportRequest.objects.get_or_create(
                report=report, user=requested_by, build=report.build
            )
        if start and enqueue:
            transaction.on_commit(lambda: _enqueue(report.pk))
    return report


def _requeue(report: Report, *, requested_by: User | None) -> None:
    # Reuse the row on purpose: the old file stays stored until the new one replaces it.
    now = timezone.now()
    if report.status != Report.Status.QUEUED:  # a queued one keeps the time it has waited since
        report.queued_at = now
    report.status = Report.Status.QUEUED
    report.requested_by = requested_by or report.requested_by
    report.error = ""
    report.progress = 0
    report.progress_message = "Waiting for a worker"
    report.started_at = None
    report.heartbeat_at = None
    report.finished_at = None
    report.claimed_by = ""
    report.handed_at = now
    report.save()


# Builds running in a thread of the web process (REPORTS_BUILD_IN_A_THREAD), for tests to join.
background_builds: list[threading.Thread] = []


def _build_in_a_thread(report_id: int) -> None:
    """Run the task here, in a thread: the request that asked returns at once and the report's
    page shows progress, as with a worker. Only where tasks run eagerly (make run)."""
    from reports.tasks import build_report

    def run() -> None:
        try:
            build_report.apply(args=[report_id])
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=run, name=f"report-{report_id}-build", daemon=True)
    background_builds[:] = [item for item in background_builds if item.is_alive()] + [thread]
    thread.start()


def _enqueue(report_id: int) -> None:
    """Hand the build to Celery. Never raises: with the broker down the report stays queued and
    beat's recovery hands it over again once the broker is back."""
    from reports.tasks import build_report

    if settings.REPORTS_BUILD_IN_A_THREAD and build_report.app.conf.task_always_eager:
        _build_in_a_thread(report_id)
        return
    try:
        build_report.delay(report_id)
    except Exception:  # noqa: BLE001 - the broker is down; beat will hand it over again
        logger.exception("Could not queue report %s; beat will hand it over again", report_id)


def report_claim(*, report_id: int, claimant: str = MANUAL_CLAIMANT) -> Report | None:
    """Mark the report running for `claimant`, or return None if it is not ours to build: it is
    ready, failed, or another live worker holds it. One conditional UPDATE, so two workers
    cannot both claim it."""
    now = timezone.now()
    claimable = (
        Q(status=Report.Status.QUEUED)
        | Q(status=Report.Status.RUNNING, claimed_by=claimant)
        | Report.abandoned_condition(now)
    )
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=Report.Status.RUNNING,
        claimed_by=claimant,
        started_at=now,
        heartbeat_at=now,
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


def _still_ours(report: Report) -> Q:
    return Q(pk=report.pk, status=Report.Status.RUNNING, claimed_by=report.claimed_by)


def report_progress(*, report: Report, percent: int, message: str) -> None:
    """Saved at once (outside any transaction) so the report's page can show it; it is also the
    worker's heartbeat."""
    Report.objects.filter(_still_ours(report)).update(
        progress=percent, progress_message=message, heartbeat_at=timezone.now()
    )


@contextmanager
def heartbeat(report: Report, *, every: float | None = None) -> Iterator[None]:
    """Keep the report's heartbeat fresh from a thread while a long step (WeasyPrint's layout)
    runs in this one. The thread dies with the worker, so a killed build goes quiet."""
    every = HEARTBEAT_EVERY if every is None else every
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    beating = Report.objects.filter(_still_ours(report)).update(
                        heartbeat_at=timezone.now()
                    )
                except Exception:  # noqa: BLE001 - the database is unwell; try next time
                    logger.warning("Report %s: heartbeat not recorded", report.pk, exc_info=True)
                    continue
                if not beating:
                    return  # someone else took the build over
        finally:
            connections.close_all()  # this thread's own connections

    thread = threading.Thread(target=beat, name=f"report-{report.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def report_build(*, report_id: int, claimant: str = MANUAL_CLAIMANT) -> Report | None:
    """Claim and build the report. Returns it when this call made it ready, None when there was
    nothing to do (already ready, failed, or being built by someone else). Raises ReportError
    for a failure the page can explain; no partial file is left behind."""
    report = report_claim(report_id=report_id, claimant=claimant)
    if report is None:
        return None
    storage = _storage()
    try:
        with heartbeat(report), tempfile.TemporaryDirectory(prefix="report-") as folder:
            html = report_html(report=report)
            report_progress(report=report, percent=70, message="Laying out the PDF")
            path = Path(folder) / "report.pdf"
            page_count = _write_pdf(html=html, path=path)
            report_progress(report=report, percent=90, message="Storing the file")
            checksum, size = _sha256(path), path.stat().st_size
            stored_name = _store(report=report, path=path, storage=storage)
    except OSError as error:
        if error.errno in OUT_OF_SPACE_ERRNOS:
            raise ReportError(NOT_ENOUGH_SPACE) from error
        raise
    try:
        return _report_finish(
            report=report,
            stored_name=stored_name,
            page_count=page_count,
            size=size,
            checksum=checksum,
        )
    except BaseException:
        # Not marked ready (the database went away, a time limit): the file is nobody's.
        _delete_unless_referenced(storage, stored_name)
        raise


def _storage() -> Storage:
    return Report._meta.get_field("file").storage


def _store(*, report: Report, path: Path, storage: Storage) -> str:
    """Save the file under a name of its own, so a store that fails part way (a full disk) can
    remove exactly what it wrote."""
    field = Report._meta.get_field("file")
    stem = report.download_name.removesuffix(".pdf")
    name = field.generate_filename(report, f"{stem}-{uuid.uuid4().hex[:12]}.pdf")
    try:
        with path.open("rb") as handle:
            return storage.save(name, File(handle))
    except BaseException:
        _delete_quietly(storage, name)
        raise


def _delete_quietly(storage: Storage, name: str) -> None:
    try:
        storage.delete(name)
    except Exception:  # noqa: BLE001 - the sweep removes what is left
        logger.warning("Could not delete %s; the sweep will", name, exc_info=True)


def _delete_unless_referenced(storage: Storage, name: str) -> None:
    try:
        referenced = Report.objects.filter(file=name).exists()
    except Exception:  # noqa: BLE001 - the database is down: leave the file to the sweep
        return
    if not referenced:
        _delete_quietly(storage, name)


def report_html(*, report: Report) -> str:
    def progress(percent: int, message: str) -> None:
        report_progress(report=report, percent=percent, message=message)

    # Everyone who may download the report could take away the answers they see themselves.
    with viewer.reading_for(people_seen_by_organisation_readers):
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
    storage = _storage()
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        if current.status != Report.Status.RUNNING or current.claimed_by != report.claimed_by:
            # Someone else finished or took over this build: keep theirs, drop ours.
            transaction.on_commit(lambda: _delete_quietly(storage, stored_name))
            return None
        old_name = current.file.name
        now = timezone.now()
        current.file.name = stored_name
        current.status = Report.Status.READY
        current.page_count = page_count
        current.size_bytes = size
        current.checksum = checksum
        current.progress = 100
        current.progress_message = "Ready"
        current.finished_at = now
        current.built_at = now
        current.heartbeat_at = now
        current.save()
        if old_name and old_name != stored_name:
            transaction.on_commit(lambda: _delete_quietly(storage, old_name))
        # With the change itself: a build marked ready has queued its emails, and only once.
        email_queue_many(report_ready_emails(report=current))
    return current


def report_requesters(*, report: Report) -> list[User]:
    """Everyone who asked for the report's current build (and whoever it names as requester,
    for reports created outside report_request), each once."""
    users = {
        request.user.pk: request.user
        for request in ReportRequest.objects.filter(report=report, build=report.build)
        .select_related("user")
        .order_by("requested_at", "pk")
    }
    if report.requested_by is not None:
        users.setdefault(report.requested_by.pk, report.requested_by)
    return [user for user in users.values() if user.is_active and user.email]


def report_ready_emails(*, report: Report) -> list[OutgoingEmail]:
    """One email per requester. The key names this completion, so a rebuild emails again and a
    redelivered task or second call does not."""
    link = settings.SERVICE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
    finished = f"{report.finished_at.astimezone(UTC):%Y%m%dT%H%M%S%f}"
    emails = []
    for user in report_requesters(report=report):
        subject, body = render("report_ready", {"report": report, "link": link, "user": user})
        emails.append(
            OutgoingEmail(
                key=f"report-ready:{report.pk}:{finished}:{user.pk}",
                kind="report_ready",
                to=user.email,
                subject=subject,
                body=body,
            )
        )
    return emails


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


# --- Recovery, run by beat every minute ------------------------------------------------------


@dataclass(frozen=True)
class Recovery:
    abandoned: int  # running builds whose worker went quiet, queued again
    handed_again: int  # queued reports no worker had claimed, handed to Celery again
    files_removed: int  # stored files no report refers to


def reports_recover(*, now: datetime | None = None) -> Recovery:
    """Put right what a lost broker message or a dead worker left: each step is a conditional
    UPDATE, so it never takes a build from a worker that is still heard from."""
    now = now or timezone.now()
    abandoned = 0
    for report_id in Report.objects.abandoned(now).values_list("pk", flat=True):
        with transaction.atomic():
            requeued = (
                Report.objects.abandoned(now)
                .filter(pk=report_id)
                .update(
                    status=Report.Status.QUEUED,
                    claimed_by="",
                    progress=0,
                    progress_message="Waiting for a worker",
                    # It has been waiting since its worker was last heard from.
                    queued_at=Coalesce("heartbeat_at", "started_at"),
                    handed_at=now,
                )
            )
            if requeued:
                abandoned += 1
                transaction.on_commit(lambda report_id=report_id: _enqueue(report_id))
    handed = 0
    for report in Report.objects.waiting().only("pk", "queued_at", "handed_at"):
        if not _due_a_hand_off(report, now):
            continue
        with transaction.atomic():
            if (
                Report.objects.waiting()
                .filter(pk=report.pk, handed_at=report.handed_at)
                .update(handed_at=now)
            ):
                handed += 1
                transaction.on_commit(lambda report_id=report.pk: _enqueue(report_id))
    return Recovery(
        abandoned=abandoned, handed_again=handed, files_removed=report_files_sweep(now=now)
    )


def _due_a_hand_off(report: Report, now: datetime) -> bool:
    waited_before = report.handed_at - report.queued_at
    gap = min(max(QUEUED_TOO_LONG, waited_before), HAND_OFF_AT_MOST_EVERY)
    return report.handed_at <= now - gap


def report_files_sweep(*, now: datetime | None = None) -> int:
    """Delete files in the reports folder that no report refers to and that are older than
    ORPHAN_AFTER (a build stores its file a moment before marking it ready, so a young file may
    be about to be referred to). Returns how many were deleted."""
    now = now or timezone.now()
    storage = _storage()
    folder = Report._meta.get_field("file").upload_to.strip("/")
    try:
        _folders, names = storage.listdir(folder)
    except FileNotFoundError:
        return 0
    referenced = set(Report.objects.exclude(file="").values_list("file", flat=True))
    removed = 0
    for name in names:
        path = f"{folder}/{name}"
        if path in referenced or storage.get_modified_time(path) > now - ORPHAN_AFTER:
            continue
        _delete_quietly(storage, path)
        removed += 1
    return removed


def report_downloaded(*, report: Report, user: User) -> None:
    """Record the download in the audit trail: who took which report's file, and when."""
    from auditlog.models import LogEntry

    LogEntry.objects.log_create(
        report,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        actor=user,
        changes={"file": ["", f"{report.download_name} (built {report.built_at:%Y-%m-%d %H:%M})"]}
        if report.built_at
        else {"file": ["", report.download_name]},
    )


def reports_out_of_date() -> list[Report]:
    """Ready reports of closed cycles that are no longer the record of their quarter."""
    candidates = (
        Report.objects.filter(
            status=Report.Status.READY, cycle__state="closed", record_taken_at__isnull=False
        )
        .select_related("cycle", "directorate")
        .defer("record")
    )
    return [report for report in candidates if report.is_out_of_date]


def report_write(
    *,
    report: Report,
    by: User,
    key_messages: str,
    commentary: str,
    decisions_sought: str,
    final: bool = False,
) -> Report:
    """Save what the head of digital wrote for the report (marked final for leadership, or a
    draft), and build it again with it (its record of the quarter is kept: the figures do not
    change)."""
    with transaction.atomic():
        current = Report.objects.select_for_update().get(pk=report.pk)
        current.key_messages = key_messages
        current.commentary = commentary
        current.decisions_sought = decisions_sought
        current.written_by = by
        current.written_at = timezone.now()
        current.finalised_at = current.written_at if final else None
        current.finalised_by = by if final else None
        current.save(
            update_fields=[
                "key_messages",
                "commentary",
                "decisions_sought",
                "written_by",
                "written_at",
                "finalised_at",
                "finalised_by",
            ]
        )
        return report_request(
            cycle=current.cycle, directorate=current.directorate, requested_by=by, regenerate=True
        )
