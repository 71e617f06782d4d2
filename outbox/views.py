"""Heads of digital see what the outbox holds (queued, sent, failed, with errors) and retry."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from common import roles
from outbox import selectors, services
from outbox.models import Email

PAGE_SIZE = 50


@roles.head_of_digital_required
def email_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or ""
    if status not in Email.Status.values:
        status = ""
    paginator = Paginator(selectors.emails_with_status(status or None), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    counts = selectors.email_counts()
    filters = [
        {
            "label": "All",
            "status": "",
            "count": sum(counts.values()),
            "current": not status,
        }
    ] + [
        {"label": label, "status": value, "count": counts[value], "current": status == value}
        for value, label in Email.Status.choices
    ]
    return render(
        request,
        "outbox/list.html",
        {
            "page": page,
            "status": status,
            "query": f"status={status}" if status else "",
            "filters": filters,
            "failed": counts["failed"],
        },
    )


@require_POST
@roles.head_of_digital_required
def email_retry(request: HttpRequest, email_id: int) -> HttpResponse:
    email = get_object_or_404(Email, pk=email_id)
    if services.email_retry(emails=Email.objects.filter(pk=email.pk)):
        messages.success(request, f"The email to {email.to} is queued to be sent again")
    else:
        messages.info(request, f"The email to {email.to} had not failed, so it was left as it is")
    return redirect(reverse("outbox:list") + "?status=failed")


@require_POST
@roles.head_of_digital_required
def email_retry_failed(request: HttpRequest) -> HttpResponse:
    count = services.email_retry(emails=Email.objects.all())
    if count:
        messages.success(request, f"{count} failed email{'s' if count != 1 else ''} queued again")
    else:
        messages.info(request, "There were no failed emails to send again")
    return redirect(reverse("outbox:list") + "?status=queued")
