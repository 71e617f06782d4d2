"""Removing a person's personal data: after the retention period, or at once on request.

Anonymising a person keeps what the organisation's figures are made of (their assessments and
the levels in them, so no published figure changes) and removes who they were and everything
they wrote: name, email address, job title, evidence and comments, the emails sent to them, and
the same in the audit trail, where their name and address are also taken out of entries about
other records (a manager named in a report's history, an import that marked them inactive).
Rewriting those audit entries is the one sanctioned edit of the trail; a new entry records the
anonymisation itself (with the head of digital who asked for it, or no actor for the beat task).

Everything here writes through querysets, not model saves, so that the audit trail does not
record the old name and address again as a change.
"""

from __future__ import annotations

import calendar
import datetime
import json
import re
from collections.abc import Iterable
from typing import Any

from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from assessments.models import Rating
from development.models import DevelopmentPlan, PlanAction
from outbox.models import Email
from people.models import PeopleImport, StaffProfile, User
from personal_data.selectors import ANONYMOUS_NAME, PLACEHOLDER_DOMAIN, placeholder_email

REMOVED = "removed"
RETENTION = "retention"
ERASURE = "erasure"
REASONS = {
    RETENTION: "removed: the person left more than the retention period ago",
    ERASURE: "erased at the person's request",
}
# Fields of audited records whose values are what the person wrote or who they are.
FREE_TEXT_FIELDS = {
    "evidence",
    "manager_comment",
    "reply",
    "email",
    "full_name",
    "job_title",
    "user",
}
BATCH = 500


class ErasureRefused(Exception):
    """This person cannot be erased here (the message says why)."""


def months_before(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same day and time `months` calendar months earlier (the month's last day if shorter)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def not_anonymised() -> Q:
    return ~Q(user__email__iendswith=f"@{PLACEHOLDER_DOMAIN}")


def leaving_dates_put_right(*, now: datetime.datetime) -> None:
    """People marked inactive where the services do not set a leaving date (the Django admin, a
    shell) count as having left today; people active again have not left."""
    StaffProfile.objects.filter(active=False, left_at__isnull=True).update(left_at=now)
    StaffProfile.objects.filter(active=True, left_at__isnull=False).update(left_at=None)


def leavers_due(*, now: datetime.datetime) -> Iterable[int]:
    cutoff = months_before(now, settings.RETENTION_MONTHS)
    # Superusers are never anonymised by the rule: it must not lock the administrators out.
    due = StaffProfile.objects.filter(
        active=False, left_at__lt=cutoff, user__is_superuser=False
    ).filter(not_anonymised())
    return list(due.order_by("pk").values_list("pk", flat=True))


def leavers_anonymise(*, now: datetime.datetime | None = None) -> int:
    """Anonymise everyone who left more than RETENTION_MONTHS ago. Returns how many. Running it
    again changes nothing: people already anonymised are skipped."""
    now = now or timezone.now()
    leaving_dates_put_right(now=now)
    return sum(
        person_anonymise(profile_id=profile_id, by=None, reason=RETENTION)
        for profile_id in leavers_due(now=now)
    )


def erasure_refusal(*, profile: StaffProfile, by: User) -> str | None:
    """Why `by` may not erase this person, or None."""
    if profile.user_id == by.pk:
        return "You cannot erase your own personal data. Ask another head of digital to do it."
    if profile.user.is_superuser:
        return (
            f"{profile.user} is an administrator (a superuser), so their data cannot be erased "
            "here. Remove their administrator access in the Django admin first."
        )
    if profile.user.email == placeholder_email(profile.user):
        return "This person's personal data has already been removed."
    return None


def personal_data_file_recorded(*, profile: StaffProfile, by: User) -> None:
    """A head of digital produced this person's data file (for a subject access request)."""
    LogEntry.objects.log_create(
        profile,
        force_log=True,
        action=LogEntry.Action.ACCESS,
        changes={"personal_data_file": ["", "produced for a subject access request"]},
        actor=by,
        actor_email=by.email,
        additional_data={"person_id": profile.pk},
    )


def person_erase(*, profile: StaffProfile, by: User) -> None:
    """Erase a person's personal data at once, at their request (whether or not they have left),
    and mark them inactive. Raises ErasureRefused."""
    refusal = erasure_refusal(profile=profile, by=by)
    if refusal:
        raise ErasureRefused(refusal)
    if not person_anonymise(profile_id=profile.pk, by=by, reason=ERASURE):
        raise ErasureRefused("This person's personal data has already been removed.")


def person_anonymise(*, profile_id: int, by: User | None, reason: str) -> bool:
    """Remove the person's name, email address and everything they wrote; keep their levels.
    Returns False (and changes nothing) if they were anonymised already."""
    with transaction.atomic():
        profile = StaffProfile.objects.select_for_update().select_related("user").get(pk=profile_id)
        user = profile.user
        placeholder = placeholder_email(user)
        if user.email == placeholder:
            return False
        now = timezone.now()
        traces = [text for text in (user.full_name, user.email) if text]
        old_email = user.email
        User.objects.filter(pk=user.pk).update(
            full_name=ANONYMOUS_NAME,
            email=placeholder,
            password=make_password(None),
            is_active=False,
            is_staff=False,
        )
        # An anonymous account holds no role, and no import's undo can bring it back.
        User.groups.through.objects.filter(user_id=user.pk).delete()
        PeopleImport.deactivated_people.through.objects.filter(staffprofile_id=profile.pk).delete()
        StaffProfile.objects.filter(pk=profile.pk).update(
            job_title="", active=False, left_at=profile.left_at or now
        )
        Rating.objects.filter(assessment__person_id=profile.pk).update(
            evidence="", manager_comment="", reply=""
        )
        DevelopmentPlan.objects.filter(assessment__person_id=profile.pk).update(reviewer_comment="")
        PlanAction.objects.filter(focus__plan__assessment__person_id=profile.pk).update(task="")
        emails_forget(old_email=old_email, placeholder=placeholder, traces=traces)
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username__iexact=old_email).delete()
        audit_scrub(profile=profile, old_email=old_email, placeholder=placeholder, traces=traces)
        profile.refresh_from_db()
        LogEntry.objects.log_create(
            profile,
            force_log=True,
            action=LogEntry.Action.UPDATE,
            changes={"personal_data": ["", REASONS[reason]]},
            actor=by,
            actor_email=by.email if by else None,
            additional_data={"person_id": profile.pk, "anonymised": reason},
        )
    return True


def emails_forget(*, old_email: str, placeholder: str, traces: list[str]) -> None:
    """Emails to the person keep only that one was sent, and when; those not yet sent are
    dropped. Other people's emails that name them (a manager's) lose the name."""
    theirs = Email.objects.filter(to__iexact=old_email)
    theirs.filter(status__in=[Email.Status.QUEUED, Email.Status.FAILED]).delete()
    theirs.update(to=placeholder, subject="", body="", last_error="")
    pattern = traces_pattern(traces)
    mentions = Email.objects.filter(
        any_of(traces, lambda text: Q(subject__icontains=text) | Q(body__icontains=text))
    )
    for email in mentions:
        email.subject = pattern.sub(REMOVED, email.subject)
        email.body = pattern.sub(REMOVED, email.body)
        email.save(update_fields=["subject", "body"])


def audit_scrub(
    *, profile: StaffProfile, old_email: str, placeholder: str, traces: list[str]
) -> None:
    """Take the person's name, address and writing out of the audit trail."""
    user_type = ContentType.objects.get_for_model(User)
    profile_type = ContentType.objects.get_for_model(StaffProfile)
    about = (
        Q(additional_data__person_id=profile.pk)
        | Q(content_type=user_type, object_id=profile.user_id)
        | Q(content_type=profile_type, object_id=profile.pk)
    )
    # JSON text may hold a name with its non-ASCII letters escaped (SQLite): look for both.
    searched = sorted({*traces, *(json.dumps(text)[1:-1] for text in traces)})
    mentions = any_of(
        searched,
        lambda text: (
            Q(object_repr__icontains=text)
            | Q(changes__icontains=text)
            | Q(changes_text__icontains=text)
            | Q(serialized_data__icontains=text)
        ),
    ) | Q(actor_email__iexact=old_email)
    pattern = traces_pattern(traces)
    about_ids = set(LogEntry.objects.filter(about).values_list("pk", flat=True))
    candidates = LogEntry.objects.filter(about | mentions).order_by("pk")
    changed = []
    for entry in candidates.iterator(chunk_size=BATCH):
        scrub_entry(entry, about=entry.pk in about_ids, pattern=pattern)
        if entry.actor_email and entry.actor_email.lower() == old_email.lower():
            entry.actor_email = placeholder
        changed.append(entry)
        if len(changed) >= BATCH:
            LogEntry.objects.bulk_update(changed, SCRUBBED_FIELDS)
            changed = []
    if changed:
        LogEntry.objects.bulk_update(changed, SCRUBBED_FIELDS)


SCRUBBED_FIELDS = ["object_repr", "changes", "changes_text", "serialized_data", "actor_email"]


def scrub_entry(entry: LogEntry, *, about: bool, pattern: re.Pattern[str]) -> None:
    changes = entry.changes
    if about and isinstance(changes, dict):
        changes = {
            field: removed(values) if field in FREE_TEXT_FIELDS else values
            for field, values in changes.items()
        }
    entry.changes = scrub(changes, pattern)
    entry.changes_text = pattern.sub(REMOVED, entry.changes_text or "")
    entry.object_repr = pattern.sub(REMOVED, entry.object_repr or "")
    entry.serialized_data = None if about else scrub(entry.serialized_data, pattern)


def removed(value: Any) -> Any:
    """Every value that held something, replaced by "removed"."""
    if isinstance(value, list):
        return [removed(item) for item in value]
    if isinstance(value, dict):
        return {key: removed(item) for key, item in value.items()}
    return REMOVED if value not in (None, "", "None") else value


def scrub(value: Any, pattern: re.Pattern[str]) -> Any:
    """The value with the name and address replaced wherever they occur in its strings."""
    if isinstance(value, str):
        return pattern.sub(REMOVED, value)
    if isinstance(value, list):
        return [scrub(item, pattern) for item in value]
    if isinstance(value, dict):
        return {key: scrub(item, pattern) for key, item in value.items()}
    return value


def traces_pattern(traces: list[str]) -> re.Pattern[str]:
    # The longest first, so that an address is not half-replaced through a name inside it.
    alternatives = sorted(traces, key=len, reverse=True)
    return re.compile("|".join(re.escape(text) for text in alternatives), re.IGNORECASE)


def any_of(texts: Iterable[str], condition: Any) -> Q:
    query = Q(pk__in=[])
    for text in texts:
        query |= condition(text)
    return query
