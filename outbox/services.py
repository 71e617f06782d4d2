"""Queueing and sending the service's emails through the outbox.

An email is queued as a row in the caller's transaction, so it exists exactly when the change it
is about does: a rolled-back change queues nothing, and a committed one cannot lose its email to
a broker or mail relay that is down. Once the caller commits, the worker is asked to send what is
due; beat asks again every minute, so an email whose hand-off was lost still goes.

Each email has an idempotency key. Queueing the same key again is a no-op, and a sender claims a
row (one conditional UPDATE) before it sends, so retries, redeliveries and two senders at once
send each email once. The one window left is the relay's: a sender that dies after the relay
accepted a message but before the row says "sent" sends it again once its claim lapses.
"""

from __future__ import annotations

import logging
import smtplib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from common.text import one_line
from outbox.models import Email

logger = logging.getLogger(__name__)

SEND_TASK = "outbox.tasks.send_due_emails"
# Tries before an email is marked failed for a head of digital to retry: with the back-off
# below, about two days of a relay that is down.
MAX_ATTEMPTS = 12
CLAIM = timedelta(minutes=5)
# Header that carries the idempotency key to the email backend (GOV.UK Notify's "reference").
KEY_HEADER = "X-Outbox-Key"


class PermanentSendError(Exception):
    """The relay refused this one message for good (a malformed address, a rejected template):
    trying again cannot help, so it is marked failed at once."""


# What sending raises when the relay cannot be reached or refuses for now: worth trying again.
TRANSIENT_FAILURES: tuple[type[BaseException], ...] = (OSError, smtplib.SMTPException)


@dataclass(frozen=True)
class OutgoingEmail:
    key: str
    kind: str
    to: str
    subject: str
    body: str


def render(template: str, context: dict[str, Any]) -> tuple[str, str]:
    """Subject and body from `emails/<template>_subject.txt` and `emails/<template>.txt`.

    A subject is one line: names with line breaks or control characters (refused at input, but
    older rows may hold them) are flattened, never allowed to break the header."""
    context = {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        **context,
    }
    subject = one_line(render_to_string(f"emails/{template}_subject.txt", context))
    return subject[:300], render_to_string(f"emails/{template}.txt", context)


def email_queue(email: OutgoingEmail) -> bool:
    """Queue one email with the caller's change. False if its key was queued before."""
    return email_queue_many([email]) == 1


def email_queue_many(emails: Iterable[OutgoingEmail], *, batch_size: int = 2000) -> int:
    """Queue emails with the caller's change; returns how many were new (keys queued before are
    left as they are). The worker is asked to send them once the caller commits."""
    queued = 0
    batch: list[OutgoingEmail] = []

    def flush() -> None:
        nonlocal queued
        known = set(
            Email.objects.filter(key__in=[email.key for email in batch]).values_list(
                "key", flat=True
            )
        )
        fresh = {email.key: email for email in batch if email.key not in known and email.to}
        # ignore_conflicts: a row another transaction queued meanwhile wins; nothing doubles.
        Email.objects.bulk_create(
            [
                Email(key=e.key, kind=e.kind, to=e.to, subject=e.subject, body=e.body)
                for e in fresh.values()
            ],
            ignore_conflicts=True,
        )
        queued += len(fresh)
        batch.clear()

    for email in emails:
        batch.append(email)
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    if queued:
        transaction.on_commit(hand_off)
    return queued


def keys_queued(keys: Iterable[str]) -> set[str]:
    """Which of these keys have an email in the outbox, whatever its status."""
    return set(Email.objects.filter(key__in=list(keys)).values_list("key", flat=True))


def hand_off() -> None:
    """Ask the worker to send what is due. Never raises: with the broker down, the emails wait
    in the outbox and beat's run every minute sends them once it is back."""
    task = current_app.tasks.get(SEND_TASK)
    if task is None:
        logger.warning("%s is not registered: the emails wait in the outbox", SEND_TASK)
        return
    try:
        task.delay()
    except Exception:  # noqa: BLE001 - the broker is down; beat will ask again
        logger.exception("Could not ask the worker to send emails; beat will")


def due(now: timezone.datetime | None = None) -> QuerySet[Email]:
    now = now or timezone.now()
    return Email.objects.filter(
        Q(status=Email.Status.QUEUED, next_attempt_at__lte=now)
        | Q(status=Email.Status.SENDING, claimed_until__lt=now)
    )


@dataclass
class SendResult:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    stopped: str = ""
    errors: list[str] = field(default_factory=list)


def send_due(*, time_budget: float = 120.0, limit: int | None = None) -> SendResult:
    """Send what is due until none is left, the budget is spent or the relay is unreachable.
    Safe to run twice at once: each email is claimed before it is sent."""
    result = SendResult()
    started = time.monotonic()
    connection = get_connection()
    try:
        while time.monotonic() - started < time_budget:
            ids = list(due().order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:100])
            if not ids:
                break
            for email_id in ids:
                if limit is not None and result.sent + result.retrying + result.failed >= limit:
                    return result
                email = claim(email_id)
                if email is None:
                    continue
                outcome = send_claimed(email, connection=connection)
                if outcome == "sent":
                    result.sent += 1
                elif outcome == "failed":
                    result.failed += 1
                elif outcome == "refused":
                    result.retrying += 1
                else:
                    result.retrying += 1
                    # The relay itself is unwell: stop, rather than spend every email's tries.
                    result.stopped = email.last_error
                    return result
    finally:
        try:
            connection.close()
        except Exception:  # noqa: BLE001 - closing a broken connection may fail too
            logger.debug("Closing the mail connection failed", exc_info=True)
    return result


def claim(email_id: int) -> Email | None:
    now = timezone.now()
    claimed = (
        due(now)
        .filter(pk=email_id)
        .update(
            status=Email.Status.SENDING,
            claimed_until=now + CLAIM,
            attempts=F("attempts") + 1,
        )
    )
    return Email.objects.get(pk=email_id) if claimed else None


def send_claimed(email: Email, *, connection: Any) -> str:
    """Send one claimed email and record what happened: "sent", "failed" or "retrying"."""
    message = EmailMessage(
        email.subject,
        email.body,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers={KEY_HEADER: email.key},
    )
    try:
        connection.send_messages([message])
    except PermanentSendError as error:
        record_failure(email, describe(error), permanent=True)
        return "failed"
    except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused) as error:
        # The relay answered and refused this message: the next one may go.
        permanent = email.attempts >= MAX_ATTEMPTS
        record_failure(email, describe(error), permanent=permanent)
        return "failed" if permanent else "refused"
    except TRANSIENT_FAILURES as error:
        permanent = email.attempts >= MAX_ATTEMPTS
        record_failure(email, describe(error), permanent=permanent)
        return "failed" if permanent else "retrying"
    Email.objects.filter(pk=email.pk, status=Email.Status.SENDING).update(
        status=Email.Status.SENT, sent_at=timezone.now(), claimed_until=None, last_error=""
    )
    return "sent"


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 … minutes between tries, at most 4 hours."""
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 240))


def record_failure(email: Email, error: str, *, permanent: bool) -> None:
    now = timezone.now()
    Email.objects.filter(pk=email.pk).update(
        status=Email.Status.FAILED if permanent else Email.Status.QUEUED,
        last_error=error[:2000],
        claimed_until=None,
        next_attempt_at=now + backoff(email.attempts),
    )
    email.last_error = error
    logger.warning("Email %s (%s) not sent: %s", email.pk, email.kind, error)


def describe(error: BaseException) -> str:
    return f"{error.__class__.__name__}: {error}" if str(error) else error.__class__.__name__


@transaction.atomic
def email_retry(*, emails: QuerySet[Email]) -> int:
    """Queue failed emails again, to go at once; returns how many."""
    count = emails.filter(status=Email.Status.FAILED).update(
        status=Email.Status.QUEUED, next_attempt_at=timezone.now(), attempts=0
    )
    if count:
        transaction.on_commit(hand_off)
    return count


def forget_old_bodies(*, days: int = 30) -> int:
    """Blank the body of emails sent more than `days` ago: the row stays (its key keeps the
    email from going twice, and heads can see it went), but not the personal text or links it
    carried. Returns how many were blanked."""
    cutoff = timezone.now() - timedelta(days=days)
    return (
        Email.objects.filter(status=Email.Status.SENT, sent_at__lt=cutoff)
        .exclude(body="")
        .update(body="")
    )
