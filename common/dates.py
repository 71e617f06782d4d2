"""One date reader for every date a person types: the GOV.UK date input (day, month, year).

crispy-forms-gds's DateInputField lets whitespace through as a blank date and raises on parts too
large for a C int; this one strips each part, takes only digits, keeps years to a range a
council's plans can mean, and answers every bad value with a GOV.UK error message.
"""

from __future__ import annotations

import datetime
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100


class GovukDateField(DateInputField):
    def __init__(self, *, missing: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.missing = missing
        self.error_messages.update(required=missing, incomplete=missing)

    def clean(self, value: Any) -> datetime.date | None:
        if isinstance(value, list | tuple):
            value = [str(part).strip() if part is not None else "" for part in value]
        return super().clean(value)

    def compress(self, data_list: list[str]) -> datetime.date | None:
        parts = [str(part or "").strip() for part in data_list]
        if not any(parts):
            return None
        if not all(parts):
            raise forms.ValidationError(self.missing, code="incomplete")
        if not all(part.isascii() and part.isdigit() and len(part) <= 4 for part in parts):
            raise forms.ValidationError("The date must be a real date, like 30 9 2026")
        day, month, year = (int(part) for part in parts)
        if not EARLIEST_YEAR <= year <= LATEST_YEAR:
            raise forms.ValidationError(
                f"The year must be between {EARLIEST_YEAR} and {LATEST_YEAR}"
            )
        try:
            return datetime.date(year, month, day)
        except ValueError as error:
            raise forms.ValidationError("The date must be a real date, like 30 9 2026") from error


def date_field(label: str, missing: str, **kwargs: Any) -> GovukDateField:
    """A GOV.UK date input with our own message when it is left empty or half filled."""
    return GovukDateField(label=label, missing=missing, **kwargs)
