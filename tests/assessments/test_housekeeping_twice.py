"""Housekeeping and the other beat tasks under a double run, and who the reminders reach."""

from __future__ import annotations

import datetime
import importlib
import threading

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from assessments import services
from assessments.models import Assessment, Cycle
from outbox.models import Email
from tests.assessments.journey import answer_all, committed, submitted

TODAY = datetime.date(2026, 12, 20)  # the day after 2026 Q4 closes


@pytest.mark.django_db
def test_housekeeping_run_twice_closes_once_and_queues_each_email_once(open_cycle, officers):
    with committed():
        first = services.cycles_housekeeping(today=datetime.date(2026, 12, 13))
    with committed():
        second = services.cycles_housekeeping(today=datetime.date(2026, 12, 13))
    assert first.reminders_sent == 4 and second.reminders_sent == 0
    assert Email.objects.filter(kind="reminder").count() == 4
    assert Email.objects.filter(kind="invitation").count() == 4

    assert services.cycles_housekeeping(today=TODAY).closed == ["2026 Q4"]
    assert services.cycles_housekeeping(today=TODAY).closed == []  # nothing raised


@pytest.mark.django_db
def test_a_cycle_closed_by_a_head_meanwhile_is_not_closed_again(open_cycle, head):
    services.cycle_close(cycle=open_cycle, by=head)
    assert services.cycles_housekeeping(today=TODAY).closed == []
    open_cycle.refresh_from_db()
    assert open_cycle.closed_by == head


@pytest.mark.django_db
def test_the_reminder_reaches_a_person_with_a_draft_who_completed_an_earlier_cycle(
    open_cycle, framework, alice, bob, manager
):
    earlier = Cycle.objects.create(
        name="2026 Q3",
        opens_on=datetime.date(2026, 7, 1),
        closes_on=datetime.date(2026, 9, 30),
        framework=framework,
        state=Cycle.State.OPEN,
    )
    open_cycle.state = Cycle.State.DRAFT
    open_cycle.save()
    submitted(earlier, alice)
    services.cycle_close(cycle=earlier)
    open_cycle.state = Cycle.State.OPEN
    open_cycle.save()
    services.cycle_ask_people(cycle=open_cycle)
    answer_all(services.assessment_start(cycle=open_cycle, person=alice))  # a draft
    submitted(open_cycle, bob)

    reminded = set(
        services.people_asked(open_cycle, only_unsubmitted=True).values_list(
            "user__email", flat=True
        )
    )
    assert reminded == {"alice@example.org", "mary@example.org"}
    assert Assessment.objects.get(cycle=open_cycle, person=alice).status == "in_progress"


def beat_tasks() -> list[str]:
    return sorted({entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()})


@pytest.mark.django_db
@pytest.mark.parametrize("name", beat_tasks())
def test_every_beat_task_run_twice_does_its_work_once(name, open_cycle, officers):
    from celery import current_app

    importlib.import_module(name.rsplit(".", 1)[0])  # as the worker's autodiscovery does
    services.cycle_ask_people(cycle=open_cycle)
    task = current_app.tasks[name]
    with committed():
        task.apply().get()
    emails = list(Email.objects.values_list("key", "status").order_by("key"))
    sent = len(mail.outbox)
    with committed():
        task.apply().get()
    assert list(Email.objects.values_list("key", "status").order_by("key")) == emails
    assert len(mail.outbox) == sent


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_housekeeping_runs_at_the_same_moment_both_finish_and_close_once(open_cycle):
    results, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            start.wait()
            results.append(services.cycles_housekeeping(today=TODAY).closed)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(results) == [[], ["2026 Q4"]]
