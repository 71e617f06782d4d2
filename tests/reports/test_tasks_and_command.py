"""The daily beat task and the generate_report command."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Cycle
from reports.models import Report
from reports.tasks import queue_closed_cycle_reports
from tests.reports.conftest import make_cycle


def test_the_beat_task_queues_each_closed_cycle_once(
    organisation, django_capture_on_commit_callbacks
):
    make_cycle(organisation.framework, "2025 Q4", date(2025, 10, 1), Cycle.State.CLOSED)
    with django_capture_on_commit_callbacks(execute=True):
        assert queue_closed_cycle_reports() == 2
        assert queue_closed_cycle_reports() == 0

    reports = Report.objects.order_by("cycle__name")
    assert [(r.cycle.name, r.directorate, r.status) for r in reports] == [
        ("2025 Q4", None, Report.Status.READY),
        ("2026 Q1", None, Report.Status.READY),
    ]


def test_the_beat_task_leaves_a_closed_cycles_existing_report_alone(organisation, leader):
    closed = Cycle.objects.get(name="2026 Q1")
    existing = Report.objects.create(cycle=closed, status=Report.Status.FAILED)
    assert queue_closed_cycle_reports() == 0
    assert Report.objects.get().pk == existing.pk


def test_the_command_builds_the_report_and_says_where_it_is(organisation, settings):
    out = StringIO()
    call_command("generate_report", "--cycle", "2026 Q1", stdout=out)

    report = Report.objects.get(cycle__name="2026 Q1", directorate=None)
    assert report.status == Report.Status.READY
    assert f"Stored as {report.file.name}" in out.getvalue()
    assert f"File: {settings.MEDIA_ROOT / report.file.name}" in out.getvalue()


def test_the_command_builds_a_directorate_report_for_the_latest_cycle(organisation):
    call_command("generate_report", "--scope", "Communities", stdout=StringIO())
    report = Report.objects.get()
    assert (report.cycle.name, report.directorate.name) == ("2026 Q2", "Communities")
    assert report.status == Report.Status.READY


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--cycle", "1999 Q1"], 'No cycle is called "1999 Q1". Cycles: 2026 Q2, 2026 Q1'),
        (["--scope", "Nowhere"], 'No directorate is called "Nowhere"'),
    ],
)
def test_the_command_explains_a_wrong_cycle_or_scope(organisation, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("generate_report", *arguments, stdout=StringIO())
    assert not Report.objects.exists()
