"""Heads of digital see what the outbox holds and send failed emails again; nobody else does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import TestCase
from django.utils import timezone

from outbox.models import Email

pytestmark = pytest.mark.django_db


@pytest.fixture
def emails(db):
    Email.objects.create(
        key="a",
        kind="invitation",
        to="sent@example.org",
        subject="Sent one",
        body="",
        status=Email.Status.SENT,
        attempts=1,
    )
    Email.objects.create(
        key="b",
        kind="reminder",
        to="failed@example.org",
        subject="Failed one",
        body="Body",
        status=Email.Status.FAILED,
        attempts=12,
        last_error="ConnectionRefusedError: [Errno 111] Connection refused",
    )
    Email.objects.create(
        key="c",
        kind="reviewed",
        to="waiting@example.org",
        subject="Waiting one",
        body="",
        attempts=2,
        last_error="SMTPServerDisconnected: gone",
        next_attempt_at=timezone.now() + timedelta(minutes=4),
    )


def test_a_head_sees_queued_sent_and_failed_emails_with_their_errors(client_for, head, emails):
    page = client_for(head).get("/manage/emails/").content.decode()
    assert "All (3)" in page and "Sent (1)" in page and "Failed (1)" in page
    assert "Connection refused" in page
    assert "Tried 2 times" in page and "SMTPServerDisconnected: gone" in page

    failed = client_for(head).get("/manage/emails/?status=failed").content.decode()
    assert "failed@example.org" in failed and "sent@example.org" not in failed


def test_a_head_sends_a_failed_email_again(client_for, head, emails):
    failed = Email.objects.get(key="b")
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(head).post(f"/manage/emails/{failed.pk}/retry/", follow=True)
    assert "queued to be sent again" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Email.Status.SENT
    assert [m.to for m in mail.outbox] == [["failed@example.org"]]


def test_sending_again_an_email_that_has_not_failed_changes_nothing(client_for, head, emails):
    sent = Email.objects.get(key="a")
    response = client_for(head).post(f"/manage/emails/{sent.pk}/retry/", follow=True)
    assert "had not failed" in response.content.decode()
    assert mail.outbox == []


def test_a_head_sends_every_failed_email_again(client_for, head, emails):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client_for(head).post("/manage/emails/retry-failed/", follow=True)
    assert "1 failed email queued again" in response.content.decode()
    assert not Email.objects.filter(status=Email.Status.FAILED).exists()


@pytest.mark.parametrize("who", ["alice", "manager", "leader"])
def test_nobody_but_a_head_of_digital_sees_or_retries_emails(client_for, emails, who, request):
    person = request.getfixturevalue(who)
    user = getattr(person, "user", person)
    client = client_for(user)
    failed = Email.objects.get(key="b")
    assert client.get("/manage/emails/").status_code == 403
    assert client.post(f"/manage/emails/{failed.pk}/retry/").status_code == 403
    assert client.post("/manage/emails/retry-failed/").status_code == 403
    failed.refresh_from_db()
    assert failed.status == Email.Status.FAILED


def test_an_unknown_email_is_not_found(client_for, head):
    assert client_for(head).post("/manage/emails/999999/retry/").status_code == 404
