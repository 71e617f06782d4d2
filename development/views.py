"""Learning resources: the catalogue (everyone), curating and importing them (heads of digital)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments.models import Cycle
from capability.models import Framework
from capability.selectors import published_framework
from common import roles
from common.forms import file_problems_message
from development import figures, selectors, services
from development.forms import ResourceForm, ResourcesImportForm
from development.models import LearningResource
from development.resource_file import ResourcesFileInvalid
from insights import gaps


def _framework() -> Framework:
    framework = published_framework()
    if framework is None:
        raise Http404("No framework is published yet, so there are no skills to learn.")
    return framework


def resources(request: HttpRequest) -> HttpResponse:
    framework = _framework()
    skill_slug = request.GET.get("skill", "")[:100]
    return render(
        request,
        "development/resources.html",
        {
            "framework": framework,
            "catalogue": selectors.catalogue(framework, skill_slug=skill_slug),
            "skill_slug": skill_slug,
            "levels": {level.number: level for level in framework.levels.all()},
            "orphans": selectors.resources_without_a_skill(framework)
            if roles.is_head_of_digital(request.user)
            else [],
            "can_manage": roles.is_head_of_digital(request.user),
        },
    )


@roles.head_of_digital_required
def resource_add(request: HttpRequest) -> HttpResponse:
    framework = _framework()
    initial = {"skill": request.GET.get("skill", "")[:100]}
    form = ResourceForm(request.POST or None, framework=framework, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resource = services.resource_create(details=form.details(), by=request.user)
        except services.DevelopmentError as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, f"{resource.title} has been added.")
            return redirect("development:resources")
    return render(request, "development/resource_form.html", {"form": form, "resource": None})


def _resource_for_head(request: HttpRequest, resource_id: int) -> LearningResource:
    if not roles.is_head_of_digital(request.user):
        raise Http404
    return get_object_or_404(LearningResource, pk=resource_id)


def resource_edit(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource_for_head(request, resource_id)
    form = ResourceForm(
        request.POST or None,
        framework=_framework(),
        initial=ResourceForm.initial_for(resource),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_update(resource=resource, details=form.details())
        except services.DevelopmentError as error:
            form.add_error("url", error.message)
        else:
            messages.success(request, f"{resource.title} has been changed.")
            return redirect("development:resources")
    return render(request, "development/resource_form.html", {"form": form, "resource": resource})


def resource_delete(request: HttpRequest, resource_id: int) -> HttpResponse:
    resource = _resource_for_head(request, resource_id)
    if request.method == "POST":
        services.resource_delete(resource=resource)
        messages.success(request, f"{resource.title} has been removed.")
        return redirect("development:resources")
    return render(request, "development/resource_delete.html", {"resource": resource})


@roles.head_of_digital_required
def resources_import(request: HttpRequest) -> HttpResponse:
    framework = _framework()
    form = ResourcesImportForm(request.POST or None, request.FILES or None)
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.resources_import_csv(
                text=form.cleaned_data["file"], framework=framework, by=request.user
            )
        except ResourcesFileInvalid as invalid:
            row_errors = invalid.errors
            form.add_error("file", file_problems_message(len(row_errors)))
        else:
            messages.success(
                request,
                f"{imported.added} resource(s) added and {imported.updated} updated.",
            )
            return redirect("development:resources")
    return render(
        request,
        "development/resources_import.html",
        {"form": form, "row_errors": row_errors, "framework": framework},
    )


@roles.head_of_digital_required
def development_figures(request: HttpRequest) -> HttpResponse:
    """For heads of digital: focus skills, agreed plans and mandatory learning completed."""
    cycles = list(Cycle.objects.exclude(state=Cycle.State.DRAFT).order_by("-opens_on"))
    chosen = request.GET.get("cycle", "")
    cycle = next((c for c in cycles if str(c.pk) == chosen), None) or gaps.latest_cycle()
    focus, focus_hidden = figures.focus_skill_counts(cycle) if cycle else ([], 0)
    return render(
        request,
        "development/figures.html",
        {
            "cycle": cycle,
            "cycles": cycles,
            "focus": focus,
            "focus_hidden": focus_hidden,
            "agreed": figures.agreed_plans_by_directorate(cycle) if cycle else [],
            "mandatory": figures.mandatory_completion(),
        },
    )
