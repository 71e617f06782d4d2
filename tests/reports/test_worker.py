"""End to end through a real Celery worker and Redis: the PDF's figures are the gap engine's.

The worker is a process of its own (tests/worker.py), `celery -A config worker` as production
runs it, on the test database and a queue of the test's own. Skipped without REDIS_URL or
PostgreSQL; CI has both.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.conf import settings

from insights import gaps
from reports import services
from reports.models import Report
from reports.tasks import build_report
from tests.reports.conftest import pdf_text
from tests.worker import WorkerProcess, publishing_to

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"
    ),
]

# A queue of our own, so no other worker on the same Redis takes this test's task.
QUEUE = f"test-reports-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def worker(transactional_db, tmp_path):
    worker = WorkerProcess(
        broker_url=os.environ["REDIS_URL"], log=tmp_path / "worker.log", queues=[QUEUE]
    )
    with publishing_to(os.environ["REDIS_URL"]):
        worker.start()
        yield worker
        worker.stop()


def wait_until_finished(report_id: int, seconds: float = 120) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report = Report.objects.get(pk=report_id)
        if report.status in (Report.Status.READY, Report.Status.FAILED):
            return report
        time.sleep(0.5)
    raise AssertionError(f"Report {report_id} did not finish: {report.status}")


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_builds_a_pdf_whose_figures_are_the_gap_engines(organisation, leader, worker):
    report = services.report_request(
        cycle=organisation, directorate=None, requested_by=leader, enqueue=False
    )
    build_report.apply_async(args=[report.pk], queue=QUEUE)

    report = wait_until_finished(report.pk)

    assert report.status == Report.Status.READY, report.error or worker.output()[-4000:]
    assert report.claimed_by  # the worker's task id
    text = pdf_text(report)
    headline = gaps.headline(cycle=organisation)
    assert f"{headline['submitted']} of {headline['people']} people" in text
    for area in gaps.area_figures(cycle=organisation):
        assert f"{area.area.name} {area.people_text} {area.share_at_target.display(0, '%')}" in text
    for row in gaps.group_area_figures(cycle=organisation, by="directorate"):
        # The heatmap shows mean gap, as on the dashboard.
        cells = " ".join(figure.mean_gap.display(2) for figure in row.areas.values())
        assert f"{row.label} {row.people_text} {cells}" in text
