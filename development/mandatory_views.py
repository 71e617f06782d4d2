"""Mandatory learning: what a person must complete (and marking it done), and heads of digital
making a resource mandatory for a tier or a role profile by a date."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from capability.models import Framework
from capability.selectors import published_framework
from common import roles
from development import selectors, services
from development.forms import MandatoryForm
from development.models import LearningCompletion, LearningResource, MandatoryLearning
from people.models import StaffProfile


def _profile(request: HttpRequest) -> StaffProfile:
    profile = roles.staff_profile(request.user)
    if profile is None:
        raise Http404("You do not have a staff profile, so no learning is assigned to you.")
    return profile


def mandatory(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    return render(
        request,
        "development/mandatory.html",
        {"items": selectors.mandatory_for(profile), "today": timezone.localdate()},
    )


@require_POST
def mandatory_done(request: HttpRequest, resource_id: int) -> HttpResponse:
    """Only resources that are mandatory for the signed-in person can be marked here."""
    profile = _profile(request)
    item = next(
        (item for item in selectors.mandatory_for(profile) if item.resource.pk == resource_id),
        None,
    )
    if item is None:
        raise Http404
    services.learning_mark_done(
        person=profile,
        resource=item.resource,
        done=item.done_on is None,
        today=timezone.localdate(),
    )
    return redirect("development:mandatory")


def _framework() -> Framework:
    framework = published_framework()
    if framework is None:
        raise Http404("No framework is published yet.")
    return framework


@roles.head_of_digital_required
def mandatory_manage(request: HttpRequest) -> HttpResponse:
    framework = _framework()
    form = MandatoryForm(request.POST or None, framework=framework)
    if request.method == "POST" and form.is_valid():
        resource = get_object_or_404(LearningResource, pk=form.cleaned_data["resource"])
        services.mandatory_assign(
            resource=resource,
            due_on=form.cleaned_data["due_on"],
            by=request.user,
            **form.audience_slugs(),
        )
        messages.success(request, f"{resource.title} is now mandatory.")
        return redirect("development:mandatory_manage")
    tiers = dict(framework.tiers.values_list("slug", "name"))
    role_names = dict(framework.roles.values_list("slug", "name"))
    assignments = [
        {
            "assignment": assignment,
            "audience": tiers.get(assignment.tier_slug, assignment.tier_slug)
            if assignment.tier_slug
            else role_names.get(assignment.role_slug, assignment.role_slug),
            "completed": LearningCompletion.objects.filter(
                resource_id=assignment.resource_id
            ).count(),
        }
        for assignment in MandatoryLearning.objects.select_related("resource")
    ]
    return render(
        request,
        "development/mandatory_manage.html",
        {"form": form, "assignments": assignments, "today": timezone.localdate()},
    )


@require_POST
def mandatory_remove(request: HttpRequest, assignment_id: int) -> HttpResponse:
    if not roles.is_head_of_digital(request.user):
        raise Http404
    assignment = get_object_or_404(MandatoryLearning, pk=assignment_id)
    services.mandatory_remove(assignment=assignment)
    messages.success(request, f"{assignment.resource.title} is no longer due by that date.")
    return redirect("development:mandatory_manage")
