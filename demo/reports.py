"""The organisation report for the closed demo cycle, built once, so `make run` opens on a
finished report: its key messages drafted from the figures, its trends and its record of the
quarter. Idempotent: a report already built (or being built) is left as it is."""

from __future__ import annotations

from assessments.models import Cycle
from demo.assessments import CLOSED_CYCLE
from reports.models import Report
from reports.services import report_build, report_request


def seed_report() -> Report:
    cycle = Cycle.objects.get(name=CLOSED_CYCLE[0])
    # Built here rather than in a thread of its own (as a request under `make run` would): the
    # command would exit before the thread finished and leave the report half built.
    report = report_request(cycle=cycle, directorate=None, requested_by=None, enqueue=False)
    return report_build(report_id=report.pk) or report
