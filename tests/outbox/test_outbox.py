"""The outbox: an email exists exactly when the change it is about does, goes once, and waits
out a mail relay that is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from outbox import services
from outbox.models import Email

pytestmark = pytest.mark.django_db


def an_email(key: str = "test:1", to: str = "alice@example.org") -> services.OutgoingEmail:
    return services.OutgoingEmail(
        key=key, kind="test", to=to, subject="Your self-assessment", body="Hello"
    )


def committed():
    return TestCase.captureOnCommitCallbacks(execute=True)


@pytest.fixture
def relay_down(settings):
    """A real SMTP connection to a port nothing listens on."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2


def relay_back(settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def time_passes() -> None:
    """The back-off is over: the emails waiting for their next try are due."""
    Email.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_an_email_is_sent_once_the_change_commits():
    with committed():
        assert services.email_queue(an_email()) is True
    [message] = mail.outbox
    assert message.to == ["alice@example.org"]
    assert message.subject == "Your self-assessment"
    assert message.extra_headers[services.KEY_HEADER] == "test:1"
    email = Email.objects.get()
    assert email.status == Email.Status.SENT and email.sent_at and email.attempts == 1


def test_a_change_that_rolls_back_queues_and_sends_nothing():
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        services.email_queue(an_email())
        raise RuntimeError("the change failed")
    assert Email.objects.count() == 0
    assert mail.outbox == []


def test_queueing_the_same_intent_twice_sends_one_email():
    with committed():
        assert services.email_queue(an_email()) is True
    with committed():
        assert services.email_queue(an_email()) is False
        assert services.email_queue_many([an_email(), an_email()]) == 0
    assert len(mail.outbox) == 1
    assert Email.objects.count() == 1


def test_a_relay_that_is_down_delays_the_email_and_never_loses_it(relay_down, settings):
    with committed():
        services.email_queue(an_email())
    email = Email.objects.get()
    assert email.status == Email.Status.QUEUED
    assert email.attempts == 1
    assert "ConnectionRefusedError" in email.last_error
    assert email.next_attempt_at > timezone.now()  # not tried again at once
    assert services.send_due().sent == 0  # nothing is due during the back-off

    relay_back(settings)
    time_passes()
    assert services.send_due().sent == 1
    assert services.send_due().sent == 0
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.status == Email.Status.SENT and email.last_error == ""


def test_with_the_relay_down_one_run_stops_instead_of_spending_every_emails_tries(relay_down):
    with committed():
        services.email_queue_many([an_email(f"test:{n}") for n in range(5)])
    tried = Email.objects.filter(attempts__gt=0).count()
    assert tried == 1
    assert Email.objects.filter(status=Email.Status.QUEUED).count() == 5


def test_after_its_last_try_an_email_is_marked_failed_and_a_head_can_send_it_again(
    relay_down, settings
):
    with committed():
        services.email_queue(an_email())
    Email.objects.update(attempts=services.MAX_ATTEMPTS - 1)
    time_passes()
    services.send_due()
    email = Email.objects.get()
    assert email.status == Email.Status.FAILED
    assert "ConnectionRefusedError" in email.last_error
    time_passes()
    assert services.send_due().sent == 0  # a failed email waits for a person

    relay_back(settings)
    with committed():
        assert services.email_retry(emails=Email.objects.all()) == 1
    assert len(mail.outbox) == 1
    assert Email.objects.get().status == Email.Status.SENT


def test_two_senders_cannot_both_claim_an_email():
    with transaction.atomic():  # no commit: nothing is handed off
        services.email_queue(an_email())
    email = Email.objects.get()
    assert services.claim(email.pk) is not None
    assert services.claim(email.pk) is None


def test_an_email_held_by_a_sender_that_died_is_sent_once_its_claim_lapses():
    with transaction.atomic():
        services.email_queue(an_email())
    email = services.claim(Email.objects.get().pk)
    assert services.send_due().sent == 0  # held by the (dead) sender
    Email.objects.filter(pk=email.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    assert services.send_due().sent == 1
    assert len(mail.outbox) == 1


def test_a_message_the_relay_refuses_does_not_hold_up_the_others(settings):
    """A refused recipient is that email's problem; the next email still goes."""
    with transaction.atomic():
        services.email_queue_many([an_email("test:1", to="bad@"), an_email("test:2")])

    class RefusingBackend(mail.backends.locmem.EmailBackend):
        def send_messages(self, messages):
            import smtplib

            if messages[0].to == ["bad@"]:
                raise smtplib.SMTPRecipientsRefused({"bad@": (550, b"No such user")})
            return super().send_messages(messages)

    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackendForTest"
    globals()["RefusingBackendForTest"] = RefusingBackend
    result = services.send_due()
    assert (result.sent, result.retrying) == (1, 1)
    assert [m.to for m in mail.outbox] == [["alice@example.org"]]
    assert "SMTPRecipientsRefused" in Email.objects.get(key="test:1").last_error


def test_the_text_of_emails_sent_a_month_ago_is_not_kept():
    with committed():
        services.email_queue(an_email("test:old"))
        services.email_queue(an_email("test:new"))
    Email.objects.filter(key="test:old").update(sent_at=timezone.now() - timedelta(days=31))
    assert services.forget_old_bodies() == 1
    old, new = Email.objects.get(key="test:old"), Email.objects.get(key="test:new")
    assert (old.body, old.status, new.body) == ("", Email.Status.SENT, "Hello")
    with committed():
        assert services.email_queue(an_email("test:old")) is False  # still sent only once
