from __future__ import annotations

from typing import Any

from django import forms

from common.forms import GovukForm
from people.models import StaffProfile

CONFIRMED = "erase"


class ErasureForm(GovukForm):
    # The page draws its own warning button.
    submit_label = ""

    confirm = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, person: StaffProfile, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = str(person)
        missing = f"Confirm that you want to erase {name}'s personal data"
        field = self.fields["confirm"]
        field.label = "Confirm the erasure"
        field.choices = [(CONFIRMED, f"Yes, erase {name}'s personal data. This cannot be undone.")]
        field.error_messages = {"required": missing, "invalid_choice": missing}

    def clean_confirm(self) -> bool:
        return CONFIRMED in self.cleaned_data["confirm"]


class FindPersonForm(GovukForm):
    submit_label = "Find this person"

    email = forms.EmailField(
        label="Email address of the person who asked",
        max_length=254,
        error_messages={
            "required": "Enter the person's email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
            "max_length": "Email address must be 254 characters or fewer",
        },
    )

    def clean_email(self) -> StaffProfile:
        email = self.cleaned_data["email"]
        person = StaffProfile.objects.filter(user__email__iexact=email).first()
        if person is None:
            raise forms.ValidationError(f"Nobody with the email address {email} is in the service")
        return person
