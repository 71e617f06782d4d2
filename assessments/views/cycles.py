"""Cycle management for the head of digital: list, create, open and close (completion is shown
by insights.views.completion)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments import services
from assessments.forms import CycleForm, CycleReopenForm
from assessments.models import Assessment, Cycle
from common import roles
from outbox import selectors as outbox_selectors


def _cycle_for_head(request: HttpRequest, cycle_id: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("framework"), pk=cycle_id)


@roles.head_of_digital_required
def cycles(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/cycles.html",
        {"cycles": Cycle.objects.select_related("framework")},
    )


@roles.head_of_digital_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(**form.cleaned_data)
        except services.AssessmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{cycle.name} has been created. Open it when it is ready.")
            return redirect("assessments:cycle_detail", cycle.pk)
    return render(request, "assessments/cycle_form.html", {"form": form})


def _render_cycle(request: HttpRequest, cycle: Cycle, error: str = "") -> HttpResponse:
    invitations = None
    if cycle.state != Cycle.State.DRAFT:
        counts = outbox_selectors.status_counts(key_prefix=f"invitation:{cycle.pk}:")
        invitations = {
            "sent": counts["sent"],
            "waiting": counts["queued"] + counts["sending"],
            "failed": counts["failed"],
            "asked": services.people_asked(cycle, only_unsubmitted=False).count(),
        }
    return render(
        request,
        "assessments/cycle_detail.html",
        {"cycle": cycle, "error": error, "invitations": invitations},
        status=400 if error else 200,
    )


@roles.head_of_digital_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _render_cycle(request, _cycle_for_head(request, cycle_id))


def _change_cycle_state(
    request: HttpRequest, cycle_id: int, change: Callable[..., Cycle], done: str
) -> HttpResponse:
    cycle = _cycle_for_head(request, cycle_id)
    try:
        change(cycle=cycle)
    except services.AssessmentError as error:
        return _render_cycle(request, cycle, error.message)
    messages.success(request, done.format(name=cycle.name))
    return redirect("assessments:cycle_detail", cycle.pk)


@roles.head_of_digital_required
@require_POST
def cycle_open(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _change_cycle_state(
        request,
        cycle_id,
        services.cycle_open,
        "{name} is open. Invitations to everyone are queued: the page shows how many have gone.",
    )


@roles.head_of_digital_required
@require_POST
def cycle_invite(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Queue an invitation for everyone asked who has none (people who joined, or emails lost
    before the outbox)."""
    cycle = _cycle_for_head(request, cycle_id)
    if not cycle.is_open:
        return _render_cycle(request, cycle, f"{cycle.name} is not open, so nobody can be invited")
    queued = services.cycle_queue_invitations(cycle=cycle)
    if queued:
        messages.success(
            request, f"{queued} invitation{'s' if queued != 1 else ''} queued to be sent"
        )
    else:
        messages.info(request, "Everyone asked already has an invitation, so none was queued")
    return redirect("assessments:cycle_detail", cycle.pk)


@roles.head_of_digital_required
def cycle_close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    """Closing early asks first, saying how many people have not submitted."""
    cycle = _cycle_for_head(request, cycle_id)
    if not cycle.is_open:
        return _render_cycle(request, cycle, f"{cycle.name} is not open, so it cannot be closed")
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        return _change_cycle_state(
            request,
            cycle_id,
            lambda cycle: services.cycle_close(cycle=cycle, by=request.user),
            "{name} is closed. Its answers can no longer be changed.",
        )
    assessments = cycle.assessments.all()
    not_submitted = assessments.filter(
        status__in=[Assessment.Status.NOT_STARTED, Assessment.Status.IN_PROGRESS]
    ).count()
    return render(
        request,
        "assessments/cycle_close.html",
        {
            "cycle": cycle,
            "asked": assessments.count(),
            "not_submitted": not_submitted,
            "days_early": max((cycle.closes_on - timezone.localdate()).days, 0),
        },
    )


@roles.head_of_digital_required
def cycle_reopen(request: HttpRequest, cycle_id: int) -> HttpResponse:
    cycle = _cycle_for_head(request, cycle_id)
    form = CycleReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_reopen(
                cycle=cycle, closes_on=form.cleaned_data["closes_on"], by=request.user
            )
        except services.AssessmentError as error:
            form.add_error("closes_on", error.message)
        else:
            messages.success(request, f"{cycle.name} is open again.")
            return redirect("assessments:cycle_detail", cycle.pk)
    return render(
        request,
        "assessments/cycle_reopen.html",
        {"cycle": cycle, "form": form},
        status=400 if form.errors else 200,
    )
