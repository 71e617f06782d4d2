"""Through a real Celery worker and a Redis of the test's own, which the test stops and starts:
a submission while the broker is down is saved and confirmed, and its email goes once the
broker is back; an intent is one email however often its task is delivered.

The worker is a process of its own (tests/worker.py) on the test database, so it needs
PostgreSQL. Skipped without PostgreSQL or redis-server; CI has both."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time

import pytest
from django.conf import settings

from assessments import services
from outbox.models import Email
from outbox.tasks import send_due_emails
from tests.assessments.journey import answer_all
from tests.worker import WorkerProcess, publishing_to

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
def worker(broker, transactional_db, tmp_path):
    """A worker process on the test's broker; its emails go to its output (console backend)."""
    worker = WorkerProcess(
        broker_url=broker.url,
        log=tmp_path / "worker.log",
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
    )
    with publishing_to(broker.url):
        worker.start()
        yield worker
        worker.stop()


def wait_for(condition, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def to_manager(worker: WorkerProcess) -> list[str]:
    """The subjects of the emails the worker sent Mary (the console backend prints each)."""
    lines = worker.output().splitlines()
    return [
        line.removeprefix("Subject: ")
        for at, line in enumerate(lines)
        if line.startswith("Subject: ") and "To: mary@example.org" in lines[at + 1 : at + 4]
    ]


@pytest.mark.django_db(transaction=True)
def test_a_submission_while_the_broker_is_down_is_saved_and_its_email_goes_when_it_is_back(
    broker, worker, client_for, open_cycle, alice, manager
):
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
    assert to_manager(worker) == []

    broker.start()  # the worker reconnects on its own, as in production
    send_due_emails.delay()  # what beat does every minute
    sent = wait_for(lambda: Email.objects.get(pk=email.pk).status == Email.Status.SENT)
    assert sent, worker.output()[-4000:]
    [subject] = to_manager(worker)
    assert "Alice Adams has submitted" in subject


@pytest.mark.django_db(transaction=True)
def test_one_intent_is_one_email_however_often_its_task_is_delivered(
    worker, open_cycle, alice, manager
):
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
    assert len(to_manager(worker)) == 1
    assert Email.objects.count() == 1
