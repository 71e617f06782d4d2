"""Writes for OKRs. Each checks the same rules the forms show, so nothing invalid is saved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from capability.selectors import published_framework
from okrs.models import CheckIn, KeyResult
from people.models import User

COMPUTED_CHECK_IN_REFUSED = (
    "You cannot check in on a computed key result: its value comes from the latest "
    "self-assessment cycle"
)


def key_result_prepare(*, key_result: KeyResult) -> KeyResult:
    """Pin a computed key result to a framework version (the published one when new)."""
    if key_result.kind == KeyResult.Kind.MANUAL:
        key_result.framework = None
    elif key_result.framework_id is None:
        key_result.framework = published_framework()
    return key_result


@transaction.atomic
def key_result_save(*, key_result: KeyResult) -> KeyResult:
    """Create or update a key result; raises ValidationError with per-field messages."""
    key_result_prepare(key_result=key_result)
    key_result.full_clean()
    key_result.save()
    return key_result


@transaction.atomic
def check_in_create(
    *,
    key_result: KeyResult,
    author: User | None,
    date: date,
    value: Decimal,
    confidence: str,
    note: str = "",
) -> CheckIn:
    """Record a manual key result's value; a computed key result refuses check-ins."""
    if key_result.is_computed:
        raise ValidationError(COMPUTED_CHECK_IN_REFUSED)
    check_in = CheckIn(
        key_result=key_result,
        author=author,
        date=date,
        value=value,
        confidence=confidence,
        note=note,
    )
    check_in.full_clean()
    check_in.save()
    return check_in
