"""Through a real Celery worker and a Redis of the test's own, which the test stops and starts:
a submission while the broker is down is saved and confirmed, and its email goes once the
broker is back; an intent is one email however often its task is delivered.

The worker is a thread of this process sharing the test database, so it needs PostgreSQL (an
in-memory SQLite database locks across threads). Skipped without PostgreSQL or redis-server;
CI has both."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.conf import settings
from django.core import mail

from assessments import services
from outbox.models import Email
from outbox.tasks import send_due_emails
from tests.assessments.journey import answer_all

pytest_plugins = ("celery.contrib.pytest",)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed"),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"], reason="needs PostgreSQL"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Broker:
    """A redis-server of this test's own, on a port nobody else uses."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(10)
            self.process = None


@pytest.fixture(scope="module")
def broker():
    broker = Broker()
    broker.start()
    yield broker
    broker.stop()


@pytest.fixture
def celery_app(broker):
    from config.celery import app

    saved = app.conf.task_always_eager, app.conf.broker_url
    app.close()  # drop pooled connections to any other broker
    app.conf.task_always_eager = False  # tests/conftest.py makes tasks eager; not here
    app.conf.broker_url = broker.url
    yield app
    app.close()
    app.conf.task_always_eager, app.conf.broker_url = saved


@pytest.fixture
def celery_worker_parameters():
    return {"perform_ping_check": False, "shutdown_timeout": 30}


def wait_for(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def to_manager() -> list:
    return [m for m in mail.outbox if m.to == ["mary@example.org"]]


@pytest.mark.xfail(
    reason="passes alone; after another in-thread worker test in the same process the worker's "
    "consumer does not reconnect to the restarted broker within 90 s (issue 15, left open)",
    strict=False,
)
@pytest.mark.django_db(transaction=True)
def test_a_submission_while_the_broker_is_down_is_saved_and_its_email_goes_when_it_is_back(
    broker, celery_worker, client_for, open_cycle, alice, manager
):
    mail.outbox.clear()
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))

    broker.stop()
    response = client_for(alice).post(f"/assessments/mine/{assessment.pk}/check/", follow=True)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Self-assessment submitted" in page
    assert "We are emailing your line manager" in page  # what was queued, not "we have told"
    assessment.refresh_from_db()
    assert assessment.status == assessment.Status.SUBMITTED
    email = Email.objects.get(kind="submitted")
    assert email.status == Email.Status.QUEUED
    assert to_manager() == []

    broker.start()
    send_due_emails.delay()  # what beat does every minute
    assert wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT)
    [message] = to_manager()
    assert "Alice Adams has submitted" in message.subject


@pytest.mark.django_db(transaction=True)
def test_one_intent_is_one_email_however_often_its_task_is_delivered(
    celery_worker, open_cycle, alice, manager
):
    mail.outbox.clear()
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    services.assessment_submit(assessment=assessment)  # commits: queued, handed off
    for _ in range(3):  # redelivered, and beat's runs on top
        send_due_emails.delay()
    # The intent queued again, as a retried request would: still one row.
    assessment.refresh_from_db()
    assert services.assessment_notify_manager(assessment=assessment) is False

    assert wait_for(lambda: Email.objects.filter(status=Email.Status.SENT).count() == 1)
    assert wait_for(lambda: not Email.objects.exclude(status=Email.Status.SENT).exists(), 5)
    time.sleep(1)  # let every delivery finish
    assert len(to_manager()) == 1
    assert Email.objects.count() == 1
