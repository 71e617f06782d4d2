"""End to end through a real Celery worker and Redis: a submission commits, its nudge reaches
the worker, and the worker publishes the figures. Skipped only when REDIS_URL is not set."""

from __future__ import annotations

import os
import time
import uuid

import pytest

from assessments import services
from assessments.models import AssessmentChange
from insights import gaps
from tests.assessments.journey import DATA_SKILL, answer_all
from tests.assessments.test_gaps import many_people

pytest_plugins = ("celery.contrib.pytest",)

pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set")

QUEUE = f"test-figures-{uuid.uuid4().hex[:8]}"  # no other worker on this Redis takes these


@pytest.fixture
def celery_app():
    from config.celery import app

    eager, routes = app.conf.task_always_eager, app.conf.task_routes
    app.conf.task_always_eager = False  # tests/conftest.py makes tasks eager; not here
    app.conf.task_routes = {"insights.tasks.apply_changes": {"queue": QUEUE}}
    yield app
    app.conf.task_always_eager, app.conf.task_routes = eager, routes


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False, "queues": [QUEUE], "shutdown_timeout": 30}


def data_people(cycle) -> int:
    figures = gaps.skill_figures(cycle=cycle)
    return next(item.people for item in figures if item.skill.slug == DATA_SKILL)


@pytest.mark.django_db(transaction=True)
def test_the_worker_publishes_what_submissions_leave_in_the_outbox(
    settings, open_cycle, team, celery_worker
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
