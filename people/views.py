from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from people import roles
from people.forms import GovukForm, file_problems_message
from people.services import IMPORT_COLUMNS, ImportFailed, people_import

MAX_IMPORT_BYTES = 5 * 1024 * 1024


class PeopleImportForm(GovukForm):
    submit_label = "Import people"

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: " + ", ".join(IMPORT_COLUMNS) + ". The first row must name them.",
        error_messages={"required": "Choose a CSV file to import"},
    )

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 5MB")
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise forms.ValidationError("The selected file must be saved as UTF-8 text") from error
        # A NUL character means a binary file (or UTF-16); PostgreSQL cannot store it as text.
        if "\x00" in text:
            raise forms.ValidationError("The selected file must be saved as UTF-8 text")
        return text


@roles.head_of_digital_required
def people_import_view(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            result = people_import(text=form.cleaned_data["file"])
        except ImportFailed as failure:
            row_errors = failure.errors
            form.add_error("file", file_problems_message(len(row_errors)))
        else:
            messages.success(request, f"People imported: {result.summary()}.")
            return redirect("people:import")
    return render(request, "people/import.html", {"form": form, "row_errors": row_errors})
