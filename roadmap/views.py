"""Roadmap pages. Everyone signed in reads the roadmap; heads of digital change it. Unaddressed
gaps are organisation-wide figures, so only people who see the organisation dashboard see them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common import roles
from insights import gaps
from roadmap import selectors
from roadmap.forms import InitiativeForm, MilestoneForm
from roadmap.models import Initiative, Milestone
from roadmap.services import initiative_save, milestone_save
from roadmap.timeline import build_timeline


@require_GET
def roadmap_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "roadmap/list.html",
        {
            "columns": selectors.initiatives_by_horizon(),
            "can_edit": roles.is_head_of_digital(request.user),
            "can_see_gaps": roles.can_see_organisation(request.user),
        },
    )


@require_GET
def timeline(request: HttpRequest) -> HttpResponse:
    chart = build_timeline(list(selectors.initiatives()), timezone.localdate())
    return render(
        request,
        "roadmap/timeline.html",
        {"timeline": chart, "can_see_gaps": roles.can_see_organisation(request.user)},
    )


@require_GET
def initiative_detail(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(selectors.initiatives(), pk=pk)
    return render(
        request,
        "roadmap/initiative.html",
        {"initiative": initiative, "can_edit": roles.is_head_of_digital(request.user)},
    )


@roles.organisation_view_required
@require_GET
def unaddressed(request: HttpRequest) -> HttpResponse:
    cycle = gaps.latest_cycle()
    found = selectors.unaddressed_gaps(cycle, limit=10) if cycle else []
    return render(
        request,
        "roadmap/unaddressed.html",
        {
            "cycle": cycle,
            "gaps": [(item, item.mean_gap.value * item.people) for item in found],
            "planned": selectors.planned_but_unsupported(cycle) if cycle else [],
            "can_edit": roles.is_head_of_digital(request.user),
        },
    )


@roles.head_of_digital_required
def initiative_create(request: HttpRequest) -> HttpResponse:
    return _initiative_form(request, Initiative(owner=request.user), "Add an initiative")


@roles.head_of_digital_required
def initiative_edit(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(Initiative, pk=pk)
    return _initiative_form(request, initiative, "Change the initiative")


def _initiative_form(request: HttpRequest, initiative: Initiative, title: str) -> HttpResponse:
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        try:
            initiative_save(
                initiative=form.save(commit=False),
                key_results=form.cleaned_data["key_results"],
                skills=form.cleaned_data["skills"],
                areas=form.cleaned_data["areas"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Initiative saved.")
            return redirect("roadmap:initiative", pk=initiative.pk)
    return render(
        request,
        "roadmap/form.html",
        {"form": form, "title": title, "initiative": initiative if initiative.pk else None},
    )


@roles.head_of_digital_required
def milestone_create(request: HttpRequest, pk: int) -> HttpResponse:
    initiative = get_object_or_404(Initiative, pk=pk)
    return _milestone_form(request, Milestone(initiative=initiative), "Add a milestone")


@roles.head_of_digital_required
def milestone_edit(request: HttpRequest, pk: int) -> HttpResponse:
    milestone = get_object_or_404(Milestone.objects.select_related("initiative"), pk=pk)
    return _milestone_form(request, milestone, "Change the milestone")


def _milestone_form(request: HttpRequest, milestone: Milestone, title: str) -> HttpResponse:
    form = MilestoneForm(request.POST or None, instance=milestone)
    if request.method == "POST" and form.is_valid():
        milestone_save(milestone=form.save(commit=False))
        messages.success(request, "Milestone saved.")
        return redirect("roadmap:initiative", pk=milestone.initiative_id)
    return render(
        request,
        "roadmap/form.html",
        {"form": form, "title": title, "initiative": milestone.initiative},
    )
