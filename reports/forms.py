from __future__ import annotations

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
