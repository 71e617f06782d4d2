from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import roles
from reports import selectors, services
from reports.forms import ORGANISATION, GenerateReportForm, ReportWritingForm


@roles.organisation_view_required
def report_list(request: HttpRequest) -> HttpResponse:
    form = GenerateReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        report = services.report_request(
            cycle=form.cleaned_data["cycle"],
            directorate=form.cleaned_data["scope"],
            requested_by=request.user,
        )
        return redirect("reports:detail", report_id=report.pk)
    reports = selectors.reports_for(request.user)
    return render(request, "reports/list.html", {"form": form, "reports": reports})


@roles.organisation_view_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    context = {
        "report": report,
        "emailed": report.is_in_progress
        and selectors.report_awaited_by(report=report, user=request.user),
        "scope_value": report.directorate_id or ORGANISATION,
        "can_write": roles.is_head_of_digital(request.user),
    }
    return render(request, "reports/detail.html", context)


@require_POST
@roles.organisation_view_required
def report_retry(request: HttpRequest, report_id: int) -> HttpResponse:
    """Try again a report that failed, waits for a worker or lost its worker, or rebuild a
    ready one with the latest figures. A build a live worker is running is left to it."""
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    report = services.report_request(
        cycle=report.cycle,
        directorate=report.directorate,
        requested_by=request.user,
        regenerate=True,
    )
    if report.is_being_built:
        messages.success(
            request, "The report is already being built. We will email you when it is ready."
        )
    else:
        messages.success(
            request,
            "The report has been queued to be built again. We will email you when it is ready.",
        )
    return redirect("reports:detail", report_id=report.pk)


@roles.organisation_view_required
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    """The stored file: the ready report, or the previous version while a rebuild runs or
    after one failed."""
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    if not report.file:
        raise Http404("This report is not ready to download")
    try:
        handle = report.file.open("rb")
    except FileNotFoundError as missing:
        raise Http404("The report's file is missing") from missing
    services.report_downloaded(report=report, user=request.user)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )


@roles.head_of_digital_required
def report_write(request: HttpRequest, report_id: int) -> HttpResponse:
    """The head of digital edits the key messages drafted from the figures and adds commentary
    and the decisions sought, before the report goes to leadership."""
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    drafted = selectors.drafted_key_messages(report)
    initial = {
        "key_messages": report.key_messages or "\n\n".join(drafted),
        "commentary": report.commentary,
        "decisions_sought": report.decisions_sought,
        "final": report.is_finalised,
    }
    form = ReportWritingForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        key_messages = form.cleaned_data["key_messages"]
        if selectors.paragraphs(key_messages) == drafted:
            key_messages = ""  # unchanged: still the draft, and said to be so
        services.report_write(
            report=report,
            by=request.user,
            key_messages=key_messages,
            commentary=form.cleaned_data["commentary"],
            decisions_sought=form.cleaned_data["decisions_sought"],
            final=form.cleaned_data["final"],
        )
        messages.success(
            request, "Your text has been saved. The report is being built again with it."
        )
        return redirect("reports:detail", report_id=report.pk)
    return render(
        request, "reports/write.html", {"report": report, "form": form, "drafted": drafted}
    )
