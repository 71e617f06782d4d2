"""Build one quarterly report from the command line, through the same Celery task.

The task runs in this process (`build_report.apply()`), whether or not a broker is configured: a
person at a terminal wants the file now, not a message on a queue. The report row is claimed
atomically first, so a worker that picks up the same report at the same time does no harm.
"""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Cycle
from insights import gaps
from people.models import Directorate
from reports.models import Report
from reports.services import report_request
from reports.tasks import build_report


class Command(BaseCommand):
    help = "Build the quarterly PDF report for a cycle and scope, and print where the file is."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cycle", help='Cycle name, e.g. "2026 Q4" (default: the latest)')
        parser.add_argument(
            "--scope",
            default="organisation",
            help='"organisation" (the default) or the name of a directorate',
        )
        parser.add_argument(
            "--regenerate", action="store_true", help="Build it again even if it is ready"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cycle = self._cycle(options["cycle"])
        directorate = self._directorate(options["scope"])
        existing = Report.objects.filter(cycle=cycle, directorate=directorate).first()
        failed = existing is not None and existing.status == Report.Status.FAILED
        report = report_request(
            cycle=cycle,
            directorate=directorate,
            requested_by=None,
            regenerate=options["regenerate"] or failed,
            enqueue=False,
        )
        build_report.apply(args=[report.pk], throw=False)
        report.refresh_from_db()
        if report.status != Report.Status.READY:
            raise CommandError(f"The report was not built: {report.error or report.status}")
        self.stdout.write(
            f"{report}: {report.page_count} pages, {report.size_bytes} bytes, "
            f"sha256 {report.checksum}\nStored as {report.file.name}"
        )
        with contextlib.suppress(NotImplementedError):  # remote storage has no local path
            self.stdout.write(f"File: {report.file.path}")

    def _cycle(self, name: str | None) -> Cycle:
        if name is None:
            cycle = gaps.latest_cycle()
            if cycle is None:
                raise CommandError("There are no open or closed cycles to report on.")
            return cycle
        try:
            return Cycle.objects.get(name=name)
        except Cycle.DoesNotExist as missing:
            names = ", ".join(Cycle.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f'No cycle is called "{name}". Cycles: {names}') from missing

    def _directorate(self, scope: str) -> Directorate | None:
        if scope == "organisation":
            return None
        try:
            return Directorate.objects.get(name=scope)
        except Directorate.DoesNotExist as missing:
            raise CommandError(
                f'No directorate is called "{scope}". Use "organisation" or a directorate name.'
            ) from missing
