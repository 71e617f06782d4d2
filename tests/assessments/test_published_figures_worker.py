"""End to end through a real Celery worker and Redis: a submission commits, its nudge reaches
the worker, and the worker publishes the figures. The worker is a process of its own
(tests/worker.py). Skipped without REDIS_URL or PostgreSQL; CI has both."""

from __future__ import annotations

import os
import time
import uuid

import pytest
from django.conf import settings

from assessments import services
from assessments.models import AssessmentChange
from insights import gaps
from tests.assessments.journey import DATA_SKILL, answer_all
from tests.assessments.test_gaps import many_people
from tests.worker import WorkerProcess, publishing_to

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set"),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"
    ),
]

QUEUE = f"test-figures-{uuid.uuid4().hex[:8]}"  # no other worker on this Redis takes these


@pytest.fixture
def worker(transactional_db, tmp_path):
    worker = WorkerProcess(
        broker_url=os.environ["REDIS_URL"],
        log=tmp_path / "worker.log",
        queues=[QUEUE],
        SMALL_GROUP_THRESHOLD="3",  # as the test sets for itself
    )
    routes = {"insights.tasks.apply_changes": {"queue": QUEUE}}
    with publishing_to(os.environ["REDIS_URL"], task_routes=routes):
        worker.start()
        yield worker
        worker.stop()


def data_people(cycle) -> int:
    figures = gaps.skill_figures(cycle=cycle)
    return next(item.people for item in figures if item.skill.slug == DATA_SKILL)


@pytest.mark.django_db(transaction=True)
def test_the_worker_publishes_what_submissions_leave_in_the_outbox(
    settings, open_cycle, team, worker
):
    settings.SMALL_GROUP_THRESHOLD = 3
    people = many_people(team, 4)
    services.cycle_ask_people(cycle=open_cycle)
    for person in people[:3]:
        assessment = services.assessment_start(cycle=open_cycle, person=person)
        answer_all(assessment, 2)
        services.assessment_submit(assessment=assessment)  # commits, then nudges the worker

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (
        AssessmentChange.objects.exists() or data_people(open_cycle) != 3
    ):
        time.sleep(0.2)

    assert not AssessmentChange.objects.exists()
    assert data_people(open_cycle) == 3
    assert gaps.headline(cycle=open_cycle)["submitted"] == 3
