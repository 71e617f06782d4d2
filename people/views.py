from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from common import roles
from common.forms import GovukForm, file_problems_message, read_uploaded_text
from people.services import IMPORT_COLUMNS, ImportFailed, people_import


class PeopleImportForm(GovukForm):
    submit_label = "Import people"

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: " + ", ".join(IMPORT_COLUMNS) + ". The first row must name them.",
        error_messages={"required": "Choose a CSV file to import"},
    )

    def clean_file(self) -> str:
        return read_uploaded_text(self.cleaned_data["file"], "csv", "CSV")


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
