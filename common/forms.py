"""What every app's forms share: the GOV.UK form base (crispy-forms-gds) and reading an upload."""

from __future__ import annotations

from typing import Any

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Submit
from django import forms

from common.files import MAX_UPLOAD_BYTES


class GovukFormMixin:
    """Adds the crispy-forms-gds helper; the template puts the error summary above the form."""

    submit_label = "Continue"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        # Templates write the <form> tag and {% csrf_token %}; crispy's own token would be a
        # duplicate in POST forms and would leak into the URL of GET forms (the dashboard filters).
        self.helper.disable_csrf = True
        if self.submit_label:
            self.helper.add_input(Submit("submit", self.submit_label))
        for field in self.fields.values():
            if isinstance(field, forms.ModelChoiceField):
                field.clean = _within_database_range(field)


# The largest id a database integer column holds: a larger number in a choice is not one of the
# choices, and would otherwise reach the database and fail there (a server error).
MAX_ID = 2**63 - 1


def _within_database_range(field: forms.ModelChoiceField) -> Any:
    clean = field.clean

    def checked(value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            text = str(item).strip() if item is not None else ""
            if text.lstrip("-").isdigit() and not -MAX_ID <= int(text) <= MAX_ID:
                raise forms.ValidationError(
                    field.error_messages.get("invalid_choice", "Select one of the choices")
                    % {"value": text[:20]},
                    code="invalid_choice",
                )
        return clean(value)

    return checked


class GovukForm(GovukFormMixin, forms.Form):
    pass


def read_uploaded_text(
    upload: Any, extension: str, kind: str, max_bytes: int = MAX_UPLOAD_BYTES
) -> str:
    """The text of an uploaded file, or a GOV.UK error message saying what is wrong with it."""
    if not upload.name.lower().endswith(f".{extension}"):
        raise forms.ValidationError(f"The selected file must be a {kind} file")
    if upload.size > max_bytes:
        raise forms.ValidationError(
            f"The selected file must be smaller than {max_bytes // (1024 * 1024)}MB"
        )
    try:
        text = upload.read().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise forms.ValidationError("The selected file must be saved as UTF-8 text") from error
    # A NUL character means a binary file (or UTF-16); PostgreSQL cannot store it as text.
    if "\x00" in text:
        raise forms.ValidationError("The selected file must be saved as UTF-8 text")
    return text


def file_problems_message(count: int) -> str:
    """The error on an upload field when rows of the file are wrong (listed below the form)."""
    problems = "1 problem" if count == 1 else f"{count} problems"
    return (
        f"The file has {problems} and nothing was imported. "
        "Correct the problems in the table and upload the file again"
    )
