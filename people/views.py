"""The HR import: upload, preview, confirm; the record of past imports; undoing deactivations."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common import roles
from common.forms import GovukForm, file_problems_message, read_uploaded_text
from people.hr_file import IMPORT_COLUMNS, ImportFailed, ImportPlan, people_count
from people.models import PeopleImport
from people.services import (
    ImportRefused,
    PlanChanged,
    can_undo,
    import_apply,
    import_plan,
    import_preview,
    import_undo_deactivations,
)

# The preview lists everyone marked inactive, and this many of each other kind of change.
PREVIEW_LIMIT = 200


class PeopleImportForm(GovukForm):
    submit_label = "Check the file"

    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: " + ", ".join(IMPORT_COLUMNS) + ". The first row must name them.",
        error_messages={"required": "Choose a CSV file to import"},
    )
    mode = forms.ChoiceField(
        label="What is in the file?",
        choices=[
            (
                PeopleImport.Mode.ADD,
                "Some people to add or update: nobody else changes",
            ),
            (
                PeopleImport.Mode.FULL,
                "Our full HR extract: everyone not in it is marked inactive",
            ),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what is in the file"},
    )

    def clean_file(self) -> str:
        return read_uploaded_text(self.cleaned_data["file"], "csv", "CSV")


class ConfirmImportForm(GovukForm):
    submit_label = "Import these changes"

    plan = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, plan: ImportPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.import_plan = plan
        if plan.large_deactivation:
            count = len(plan.deactivated)
            self.fields["confirm_deactivations"] = forms.BooleanField(
                label=f"Yes, mark {people_count(count)} as inactive",
                help_text=(
                    f"That is {count} of the {plan.active_before} people active in the service. "
                    "They will be signed out and cannot sign in."
                ),
                error_messages={
                    "required": f"Confirm that {people_count(count)} will be marked inactive"
                },
            )


@roles.head_of_digital_required
def people_import_view(request: HttpRequest) -> HttpResponse:
    form = PeopleImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            record = import_preview(
                text=form.cleaned_data["file"],
                file_name=request.FILES["file"].name,
                mode=form.cleaned_data["mode"],
                by=request.user,
            )
        except ImportFailed as failure:
            row_errors = failure.errors
            form.add_error("file", file_problems_message(len(row_errors)))
        else:
            return redirect("people:import_preview", record.pk)
    history = PeopleImport.objects.filter(status=PeopleImport.Status.APPLIED).select_related(
        "imported_by", "undone_by"
    )[:10]
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "row_errors": row_errors,
            "history": history,
            "undoable": next((record for record in history if can_undo(record)), None),
        },
        status=400 if row_errors else 200,
    )


def _previewed_import(request: HttpRequest, import_id: int) -> PeopleImport:
    """A preview is for the head of digital who uploaded it."""
    return get_object_or_404(
        PeopleImport,
        pk=import_id,
        status=PeopleImport.Status.PREVIEWED,
        imported_by=request.user,
    )


@roles.head_of_digital_required
def people_import_preview(request: HttpRequest, import_id: int) -> HttpResponse:
    record = _previewed_import(request, import_id)
    problem = ""
    try:
        plan = import_plan(record)
    except ImportFailed as failure:
        # The service changed since the upload (a role left the framework): start again.
        form = PeopleImportForm()
        form.add_error(None, file_problems_message(len(failure.errors)))
        record.delete()
        return render(
            request,
            "people/import.html",
            {"form": form, "row_errors": failure.errors, "history": []},
            status=400,
        )
    form = ConfirmImportForm(request.POST or None, plan=plan, initial={"plan": plan.digest()})
    if request.method == "POST" and form.is_valid():
        try:
            applied = import_apply(
                record=record,
                by=request.user,
                shown=form.cleaned_data["plan"],
                deactivations_confirmed=(
                    len(plan.deactivated)
                    if form.cleaned_data.get("confirm_deactivations")
                    else None
                ),
            )
        except PlanChanged as changed:
            problem = str(changed)
            form = ConfirmImportForm(plan=plan, initial={"plan": plan.digest()})
        except ImportRefused as refused:
            problem = str(refused)
        else:
            messages.success(
                request, f"People imported from {applied.file_name}: {applied.summary()}."
            )
            return redirect("people:import")
    return render(
        request,
        "people/import_preview.html",
        {
            "record": record,
            "plan": plan,
            "form": form,
            "problem": problem,
            "limit": PREVIEW_LIMIT,
        },
        status=400 if problem or form.errors else 200,
    )


@roles.head_of_digital_required
@require_POST
def people_import_cancel(request: HttpRequest, import_id: int) -> HttpResponse:
    _previewed_import(request, import_id).delete()
    messages.info(request, "The import was cancelled. Nothing was changed.")
    return redirect("people:import")


@roles.head_of_digital_required
@require_POST
def people_import_undo(request: HttpRequest, import_id: int) -> HttpResponse:
    record = get_object_or_404(PeopleImport, pk=import_id, status=PeopleImport.Status.APPLIED)
    try:
        count = import_undo_deactivations(record=record, by=request.user)
    except ImportRefused as refused:
        messages.info(request, str(refused))
    else:
        messages.success(
            request, f"{count} people marked inactive by {record.file_name} are active again."
        )
    return redirect("people:import")
