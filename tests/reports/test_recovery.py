"""Reports recover on their own and tell the truth: a lost message, a dead worker, a database
restart, a full disk, a failed rebuild and several people asking for the same report."""

from __future__ import annotations

import errno
import os
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings as django_settings
from django.core import mail
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from outbox.models import Email
from outbox.services import send_due
from reports import services
from reports.models import ABANDONED_AFTER, Report, ReportRequest
from reports.tasks import build_report, recover_reports
from tests.factories import leadership

LONDON = ZoneInfo("Europe/London")
TEN_FORTY_TWO = datetime(2025, 11, 3, 10, 42, tzinfo=LONDON)  # in the past


def stored_files(settings) -> list[str]:
    folder = settings.MEDIA_ROOT / "reports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def detail(client, report: Report) -> str:
    return client.get(reverse("reports:detail", args=[report.pk])).text


def quiet_for(report: Report, delta: timedelta) -> None:
    """The worker was last heard from `delta` ago."""
    Report.objects.filter(pk=report.pk).update(heartbeat_at=timezone.now() - delta)


def queued_at(report: Report, when: datetime) -> None:
    Report.objects.filter(pk=report.pk).update(queued_at=when, handed_at=when)


@pytest.fixture
def ready_report(organisation_report) -> Report:
    services.report_build(report_id=organisation_report.pk)
    return Report.objects.get(pk=organisation_report.pk)


@pytest.fixture
def lesley_and_lee(leader):
    return leader, leadership(email="lee@example.org", full_name="Lee Leader")


# --- Waiting, abandoned and building: what the page says -------------------------------------


def test_a_queued_report_says_since_when_it_has_waited_and_shows_no_percentage(
    client_for, leader, organisation_report
):
    queued_at(organisation_report, TEN_FORTY_TWO)
    page = detail(client_for(leader), organisation_report)

    assert "Waiting for a worker since 10:42a.m. on 3 November 2025" in page
    assert "% done" not in page
    assert "<progress" not in page
    assert "Try again" in page  # waiting longer than a worker should take


def test_a_just_queued_report_offers_no_try_again_yet(client_for, leader, organisation_report):
    page = detail(client_for(leader), organisation_report)
    assert "Waiting for a worker since" in page
    assert "Try again" not in page


def test_a_build_that_is_moving_shows_its_percentage_and_no_try_again(
    client_for, leader, organisation_report
):
    report = services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    services.report_progress(report=report, percent=45, message="Summarising each directorate")

    page = detail(client_for(leader), organisation_report)
    assert "Summarising each directorate: 45% done" in page
    assert 'value="45"' in page
    assert "Try again" not in page


def test_a_build_whose_worker_went_quiet_says_it_is_waiting_not_building(
    client_for, leader, organisation_report
):
    report = services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    services.report_progress(report=report, percent=45, message="Summarising each directorate")
    Report.objects.filter(pk=report.pk).update(heartbeat_at=TEN_FORTY_TWO)

    page = detail(client_for(leader), organisation_report)
    assert "Waiting for a worker since 10:42a.m. on 3 November 2025" in page
    assert "The worker that was building it stopped" in page
    assert "45%" not in page
    assert "Try again" in page


def test_the_list_says_a_quiet_build_is_waiting_for_a_worker(client_for, head, organisation_report):
    services.report_claim(report_id=organisation_report.pk, claimant="task-1")
    quiet_for(organisation_report, ABANDONED_AFTER + timedelta(seconds=1))
    page = client_for(head).get(reverse("reports:list")).text
    assert "Waiting for a worker" in page
    assert "Being built" not in page


# --- Beat's recovery ------------------------------------------------------------------------


def test_beat_hands_a_report_no_worker_claimed_to_celery_again(
    organisation_report, django_capture_on_commit_callbacks
):
    # The broker was down when it was asked for: the message never reached a worker.
    queued_at(organisation_report, timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        recover_reports()

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY


def test_beat_leaves_a_report_queued_a_moment_ago_alone(
    organisation_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        recover_reports()
    assert callbacks == []
    assert Report.objects.get(pk=organisation_report.pk).status == Report.Status.QUEUED


def test_beat_hands_a_waiting_report_over_again_less_and_less_often(
    organisation_report, django_capture_on_commit_callbacks
):
    start = timezone.now() - timedelta(minutes=10)
    Report.objects.filter(pk=organisation_report.pk).update(
        queued_at=start, handed_at=start + timedelta(minutes=8)
    )
    # Handed over 2 minutes ago after waiting 8: the next hand-off waits 8 minutes too.
    with django_capture_on_commit_callbacks() as callbacks:
        recover_reports()
    assert callbacks == []
    with django_capture_on_commit_callbacks() as callbacks:
        services.reports_recover(now=timezone.now() + timedelta(minutes=7))
    assert len(callbacks) == 1


def test_beat_queues_again_a_build_whose_worker_was_killed(
    organisation_report, django_capture_on_commit_callbacks, settings
):
    services.report_claim(report_id=organisation_report.pk, claimant="killed-task")
    quiet_for(organisation_report, ABANDONED_AFTER + timedelta(seconds=5))

    with django_capture_on_commit_callbacks(execute=True):
        recover_reports()

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.claimed_by != "killed-task"
    assert len(stored_files(settings)) == 1


def test_beat_leaves_a_build_that_is_still_heard_from_alone(
    organisation_report, django_capture_on_commit_callbacks
):
    services.report_claim(report_id=organisation_report.pk, claimant="live-task")
    quiet_for(organisation_report, ABANDONED_AFTER - timedelta(seconds=10))

    with django_capture_on_commit_callbacks() as callbacks:
        recover_reports()

    report = Report.objects.get(pk=organisation_report.pk)
    assert callbacks == []
    assert (report.status, report.claimed_by) == (Report.Status.RUNNING, "live-task")


def test_a_request_made_while_the_broker_is_down_is_built_once_beat_hands_it_over(
    client_for, leader, organisation, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    with monkeypatch.context() as patch:
        patch.setattr(build_report, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = client_for(leader).post(
                reverse("reports:list"), {"cycle": organisation.pk, "scope": "organisation"}
            )
    assert response.status_code == 302  # the leader is not shown an error
    report = Report.objects.get()
    assert report.status == Report.Status.QUEUED

    queued_at(report, timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        recover_reports()
    assert Report.objects.get().status == Report.Status.READY


# --- Try again ------------------------------------------------------------------------------


def test_try_again_hands_a_long_queued_report_to_a_worker(
    client_for, leader, organisation_report, django_capture_on_commit_callbacks
):
    queued_at(organisation_report, timezone.now() - timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader).post(reverse("reports:retry", args=[organisation_report.pk]))
    assert Report.objects.get(pk=organisation_report.pk).status == Report.Status.READY


def test_try_again_rebuilds_a_build_whose_worker_went_quiet(
    client_for, leader, organisation_report, django_capture_on_commit_callbacks
):
    services.report_claim(report_id=organisation_report.pk, claimant="killed-task")
    quiet_for(organisation_report, timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(leader).post(reverse("reports:retry", args=[organisation_report.pk]))
    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.READY
    assert report.claimed_by != "killed-task"


def test_try_again_does_not_start_a_second_build_of_one_being_built(
    client_for, leader, organisation_report, django_capture_on_commit_callbacks
):
    services.report_claim(report_id=organisation_report.pk, claimant="live-task")
    with django_capture_on_commit_callbacks() as callbacks:
        response = client_for(leader).post(
            reverse("reports:retry", args=[organisation_report.pk]), follow=True
        )

    assert callbacks == []
    report = Report.objects.get(pk=organisation_report.pk)
    assert (report.status, report.claimed_by, report.attempts) == (
        Report.Status.RUNNING,
        "live-task",
        1,
    )
    assert "The report is already being built" in response.text


def test_a_second_message_for_a_report_being_built_does_nothing(organisation_report):
    services.report_claim(report_id=organisation_report.pk, claimant="live-task")
    assert services.report_build(report_id=organisation_report.pk, claimant="other") is None
    assert Report.objects.get(pk=organisation_report.pk).claimed_by == "live-task"


# --- Retries, time limits and the visibility timeout ------------------------------------------


def retry_waits() -> list[float]:
    """The countdowns Celery's autoretry uses before each retry of a build."""
    return [
        get_exponential_backoff_interval(
            factor=int(max(1.0, build_report.retry_backoff)),
            retries=retries,
            maximum=build_report.retry_backoff_max,
            full_jitter=build_report.retry_jitter,
        )
        for retries in range(build_report.max_retries)
    ]


def test_retries_ride_out_a_database_restart_of_a_minute_or_more():
    assert build_report.retry_jitter is False  # jitter could shrink the waits
    assert retry_waits() == [5, 10, 20, 40, 80]
    assert sum(retry_waits()) > 2 * 60


def test_the_visibility_timeout_exceeds_the_longest_retry_wait_plus_the_time_limit():
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    longest = max(retry_waits()) + django_settings.CELERY_TASK_TIME_LIMIT
    assert visibility > longest
    assert django_settings.CELERY_TASK_SOFT_TIME_LIMIT < django_settings.CELERY_TASK_TIME_LIMIT


def test_beat_recovers_every_minute():
    schedule = django_settings.CELERY_BEAT_SCHEDULE["recover-reports"]
    assert (schedule["task"], schedule["schedule"]) == ("reports.tasks.recover_reports", 60.0)


@pytest.fixture
def retries_run_in_process():
    from config.celery import app

    before = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    yield
    app.conf.task_eager_propagates = before


def test_a_build_whose_retries_ran_out_while_the_database_was_down_is_recovered_by_beat(
    organisation_report, monkeypatch, retries_run_in_process, django_capture_on_commit_callbacks
):
    with monkeypatch.context() as outage:
        down = OperationalError("could not connect to server: Connection refused")

        def database_down(**kwargs):
            raise down

        outage.setattr(services, "_write_pdf", database_down)
        outage.setattr(services, "report_fail", database_down)  # cannot record "failed" either
        build_report.delay(organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.RUNNING  # nothing could record the failure
    quiet_for(report, ABANDONED_AFTER + timedelta(seconds=5))
    with django_capture_on_commit_callbacks(execute=True):
        recover_reports()  # the database is back
    assert Report.objects.get(pk=organisation_report.pk).status == Report.Status.READY


def test_a_build_stopped_by_the_time_limit_says_so_in_plain_english(
    organisation_report, monkeypatch
):
    from celery.exceptions import SoftTimeLimitExceeded

    def too_slow(**kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(services, "_write_pdf", too_slow)
    build_report.delay(organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.FAILED
    assert report.error == "The report took longer than 4 minutes to build and was stopped"


@pytest.mark.django_db(transaction=True)
def test_a_long_step_keeps_the_heartbeat_fresh(organisation_report, monkeypatch):
    """WeasyPrint's layout reports no progress: the heartbeat thread shows the worker is alive."""
    monkeypatch.setattr(services, "HEARTBEAT_EVERY", 0.05)
    real = services._write_pdf
    seen = []

    def slow_layout(**kwargs):
        before = Report.objects.get(pk=organisation_report.pk).heartbeat_at
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            now = Report.objects.get(pk=organisation_report.pk).heartbeat_at
            if now != before:
                seen.append(now)
                break
            time.sleep(0.02)
        return real(**kwargs)

    monkeypatch.setattr(services, "_write_pdf", slow_layout)
    services.report_build(report_id=organisation_report.pk)

    assert seen, "the heartbeat did not move during the layout"
    assert Report.objects.get(pk=organisation_report.pk).status == Report.Status.READY


# --- Orphaned files -------------------------------------------------------------------------


def test_the_sweep_deletes_old_files_no_report_refers_to_and_keeps_the_rest(ready_report, settings):
    folder = settings.MEDIA_ROOT / "reports"
    orphan, young = folder / "orphan.pdf", folder / "being-stored.pdf"
    orphan.write_bytes(b"%PDF-1.7 left by a killed worker")
    young.write_bytes(b"%PDF-1.7 stored a moment ago")
    two_hours_ago = time.time() - 2 * 60 * 60
    os.utime(orphan, (two_hours_ago, two_hours_ago))
    referenced = settings.MEDIA_ROOT / ready_report.file.name
    os.utime(referenced, (two_hours_ago, two_hours_ago))

    assert recover_reports()["files_removed"] == 1

    assert not orphan.exists()
    assert young.exists()
    assert referenced.exists()


# --- A full disk ----------------------------------------------------------------------------


class FullDiskStorage(FileSystemStorage):
    """Writes the start of the file, then the disk is full."""

    def _save(self, name, content):
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as handle:
            handle.write(content.read(100))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), path)


@pytest.fixture
def full_disk(settings):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": f"{__name__}.FullDiskStorage"},
    }


def test_a_full_disk_fails_the_report_in_plain_english_and_leaves_no_partial_file(
    client_for, leader, organisation_report, full_disk, settings
):
    build_report.delay(organisation_report.pk)

    report = Report.objects.get(pk=organisation_report.pk)
    assert report.status == Report.Status.FAILED
    assert report.error == "There was not enough space to store the report"
    assert stored_files(settings) == []
    page = detail(client_for(leader), report)
    assert "There was not enough space to store the report" in page
    assert "Errno" not in page
    assert "OSError" not in page
    assert "Try again" in page


def test_a_rebuild_that_fails_keeps_the_previous_report_downloadable(
    client_for, leader, ready_report, settings, django_capture_on_commit_callbacks
):
    before = stored_files(settings)
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.FullDiskStorage"}}
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request(
            cycle=ready_report.cycle, directorate=None, requested_by=leader, regenerate=True
        )

    report = Report.objects.get(pk=ready_report.pk)
    assert report.status == Report.Status.FAILED
    assert stored_files(settings) == before
    client = client_for(leader)
    page = detail(client, report)
    built_on = timezone.localtime(ready_report.built_at)
    assert f"The previous version, built on {built_on:%-d %B %Y}" in page
    assert reverse("reports:download", args=[report.pk]) in page
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert len(b"".join(response.streaming_content)) == ready_report.size_bytes


def test_the_previous_report_stays_downloadable_while_a_rebuild_waits(
    client_for, leader, ready_report, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # queued, not yet built
        services.report_request(
            cycle=ready_report.cycle, directorate=None, requested_by=leader, regenerate=True
        )

    client = client_for(leader)
    assert "The previous version, built on" in detail(client, ready_report)
    response = client.get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_a_report_whose_file_has_gone_is_not_found_rather_than_an_error(
    client_for, leader, ready_report, settings
):
    (settings.MEDIA_ROOT / ready_report.file.name).unlink()
    response = client_for(leader).get(reverse("reports:download", args=[ready_report.pk]))
    assert response.status_code == 404


# --- Everyone who asked is emailed ------------------------------------------------------------


def ask(client, cycle):
    return client.post(reverse("reports:list"), {"cycle": cycle.pk, "scope": "organisation"})


def test_everyone_who_asks_for_a_report_is_emailed_once_it_is_ready(
    client_for, lesley_and_lee, organisation, django_capture_on_commit_callbacks, settings
):
    settings.SERVICE_URL = "https://capability.example.org"
    lesley, lee = lesley_and_lee
    with django_capture_on_commit_callbacks():  # both ask before any worker starts
        ask(client_for(lesley), organisation)
        ask(client_for(lee), organisation)
    report = Report.objects.get()
    assert "We will email you when it is ready" in detail(client_for(lee), report)

    with django_capture_on_commit_callbacks():
        services.report_build(report_id=report.pk)
    # Queued with the change that made the report ready, not after it.
    assert sorted(Email.objects.values_list("to", flat=True)) == [
        "leader@example.org",
        "lee@example.org",
    ]

    assert send_due().sent == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "leader@example.org",
        "lee@example.org",
    ]
    link = f"https://capability.example.org/reports/{report.pk}/"
    assert all(link in message.body for message in mail.outbox)
    assert all("2026 Q2" in message.subject for message in mail.outbox)


def test_a_redelivered_task_does_not_email_again(lesley_and_lee, organisation):
    lesley, _lee = lesley_and_lee
    report = services.report_request(
        cycle=organisation, directorate=None, requested_by=lesley, enqueue=False
    )
    services.report_build(report_id=report.pk, claimant="task-1")
    services.report_build(report_id=report.pk, claimant="task-1")  # delivered again
    assert Email.objects.count() == 1


def test_a_rebuild_emails_its_own_requesters_again(
    lesley_and_lee, organisation, django_capture_on_commit_callbacks
):
    lesley, lee = lesley_and_lee
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request(cycle=organisation, directorate=None, requested_by=lesley)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_request(
            cycle=organisation, directorate=None, requested_by=lee, regenerate=True
        )

    assert [email.to for email in Email.objects.order_by("pk")] == [
        "leader@example.org",
        "lee@example.org",
    ]
    assert ReportRequest.objects.filter(report=Report.objects.get()).count() == 2


def test_someone_who_did_not_ask_is_not_promised_an_email_and_can_ask(
    client_for, lesley_and_lee, organisation_report, head, django_capture_on_commit_callbacks
):
    client = client_for(head)
    page = detail(client, organisation_report)
    assert "We will email you" not in page
    assert "Email me when it is ready" in page

    with django_capture_on_commit_callbacks() as callbacks:
        response = ask(client, organisation_report.cycle)
    assert callbacks == []  # it is already queued: asking records her, nothing more
    assert "We will email you when it is ready" in client.get(response.url).text
    assert ReportRequest.objects.filter(report=organisation_report, user=head).exists()


def test_a_ready_report_promises_no_email(client_for, leader, ready_report):
    assert "We will email you" not in detail(client_for(leader), ready_report)
