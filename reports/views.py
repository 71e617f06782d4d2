from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from common import roles
from reports import selectors, services
from reports.forms import GenerateReportForm


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
    return render(request, "reports/detail.html", {"report": report})


@require_POST
@roles.organisation_view_required
def report_retry(request: HttpRequest, report_id: int) -> HttpResponse:
    """Try a failed report again, or rebuild a ready one with the latest figures."""
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    services.report_request(
        cycle=report.cycle,
        directorate=report.directorate,
        requested_by=request.user,
        regenerate=True,
    )
    messages.success(request, "The report has been queued to be built again.")
    return redirect("reports:detail", report_id=report.pk)


@roles.organisation_view_required
def report_download(request: HttpRequest, report_id: int) -> FileResponse:
    report = selectors.report_for_user(user=request.user, report_id=report_id)
    if not report.is_ready or not report.file:
        raise Http404("This report is not ready to download")
    return FileResponse(
        report.file.open("rb"),
        as_attachment=True,
        filename=report.download_name,
        content_type="application/pdf",
    )
