from __future__ import annotations

import unicodedata
from typing import Any

from django import forms

from assessments.models import Cycle
from common.forms import GovukForm
from people.models import Directorate

ORGANISATION = "organisation"


class GenerateReportForm(GovukForm):
    submit_label = "Generate report"

    cycle = forms.ModelChoiceField(
        queryset=Cycle.objects.exclude(state=Cycle.State.DRAFT),
        label="Cycle",
        empty_label="Choose a cycle",
        error_messages={
            "required": "Choose the cycle the report is for",
            "invalid_choice": "Choose a cycle from the list",
        },
    )
    scope = forms.ChoiceField(
        label="What the report covers",
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose whether the report covers the whole organisation or a directorate",
            "invalid_choice": "Choose the whole organisation or a directorate from the list",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [(ORGANISATION, "The whole organisation")] + [
            (str(directorate.pk), directorate.name) for directorate in Directorate.objects.all()
        ]

    def clean_scope(self) -> Directorate | None:
        value = self.cleaned_data["scope"]
        if value == ORGANISATION:
            return None
        return Directorate.objects.get(pk=int(value))


MAX_TEXT = 5000
# Line breaks and tabs are part of paragraphs; other control characters (NUL, bell) are not
# text, and PostgreSQL refuses NUL.
ALLOWED_CONTROLS = {"\n", "\r", "\t"}


def _plain_text(value: str, what: str) -> str:
    if any(
        unicodedata.category(character) == "Cc" and character not in ALLOWED_CONTROLS
        for character in value
    ):
        raise forms.ValidationError(f"{what} must not contain control characters")
    return value.strip()


class ReportWritingForm(GovukForm):
    """What the head of digital writes for a report: plain paragraphs, a blank line between."""

    submit_label = "Save and build the report again"

    key_messages = forms.CharField(
        label="Key messages",
        help_text="What leadership needs to know, one paragraph each with a blank line between. "
        "Leave it empty to use the messages drafted from the figures.",
        widget=forms.Textarea(attrs={"rows": 12}),
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": f"Key messages must be {MAX_TEXT} characters or fewer"},
    )
    commentary = forms.CharField(
        label="Commentary",
        help_text="Your reading of the figures: what lies behind them and what is being done.",
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": f"Commentary must be {MAX_TEXT} characters or fewer"},
    )
    decisions_sought = forms.CharField(
        label="Decisions sought from leadership",
        help_text="What you are asking the leadership team to decide, one paragraph each.",
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=MAX_TEXT,
        error_messages={"max_length": f"Decisions sought must be {MAX_TEXT} characters or fewer"},
    )

    final = forms.BooleanField(
        label="This is the final version for leadership",
        help_text="The report then says it is final, with your name. You can change it later.",
        required=False,
    )

    def clean_key_messages(self) -> str:
        return _plain_text(self.cleaned_data["key_messages"], "Key messages")

    def clean_commentary(self) -> str:
        return _plain_text(self.cleaned_data["commentary"], "Commentary")

    def clean_decisions_sought(self) -> str:
        return _plain_text(self.cleaned_data["decisions_sought"], "Decisions sought")
