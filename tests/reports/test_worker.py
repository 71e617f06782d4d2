"""End to end through a real Celery worker and Redis: the PDF's figures are the gap engine's.

The worker runs in a thread of this process (celery.contrib.pytest) with the project's own app,
so it uses the same settings, acknowledges late and reads the test database. Skipped only when
REDIS_URL is not set.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest

from insights import gaps
from reports import services
from reports.models import Report
from reports.tasks import build_report
from tests.reports.conftest import pdf_text

pytest_plugins = ("celery.contrib.pytest",)

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")

# A queue of our own, so no other worker on the same Redis takes this test's task.
QUEUE = f"test-reports-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def celery_app():
    from config.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # tests/conftest.py makes tasks eager; not here
    yield app
    app.conf.task_always_eager = eager


@pytest.fixture
def celery_worker_parameters():
    # No result backend is configured, so the plugin's ping check cannot read its answer.
    return {"perform_ping_check": False, "queues": [QUEUE], "shutdown_timeout": 30}


def wait_until_finished(report_id: int, seconds: float = 120) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if report.status in (Report.Status.READY, Report.Status.FAILED):
            return report
        time.sleep(0.5)
    raise AssertionError(f"Report {report_id} did not finish: {report.status}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_pdf_whose_figures_are_the_gap_engines(
    organisation, leader, celery_worker
):
    report = services.report_request(
        cycle=organisation, directorate=None, requested_by=leader, enqueue=False
    )
    build_report.apply_async(args=[report.pk], queue=QUEUE)

    report = wait_until_finished(report.pk)

    assert report.status == Report.Status.READY, report.error
    assert report.claimed_by  # the worker's task id
    text = pdf_text(report)
    headline = gaps.headline(cycle=organisation)
    assert f"{headline['submitted']} of {headline['people']} people" in text
    for area in gaps.area_figures(cycle=organisation):
        assert f"{area.area.name} {area.people_text} {area.share_at_target.display(0, '%')}" in text
    for row in gaps.group_area_figures(cycle=organisation, by="directorate"):
        cells = " ".join(figure.share_at_target.display(0, "%") for figure in row.areas.values())
        assert f"{row.label} {row.people_text} {cells}" in text
