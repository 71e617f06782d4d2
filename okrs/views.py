"""OKR pages. Everyone signed in reads them; heads of digital and an objective's owner edit."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET

from common import roles
from okrs import selectors
from okrs.forms import CheckInForm, KeyResultForm, ObjectiveForm
from okrs.models import KeyResult, Objective
from okrs.services import COMPUTED_CHECK_IN_REFUSED, check_in_create, key_result_save
from people.models import User


def can_edit_objective(user: User, objective: Objective) -> bool:
    return roles.is_head_of_digital(user) or objective.owner_id == user.pk


def _objective_for_editing(request: HttpRequest, pk: int) -> Objective:
    objective = get_object_or_404(Objective, pk=pk)
    if not can_edit_objective(request.user, objective):
        raise PermissionDenied
    return objective


def _key_result_for_editing(request: HttpRequest, pk: int) -> KeyResult:
    key_result = get_object_or_404(KeyResult.objects.select_related("objective"), pk=pk)
    if not can_edit_objective(request.user, key_result.objective):
        raise PermissionDenied
    return key_result


@require_GET
def objective_list(request: HttpRequest) -> HttpResponse:
    periods = selectors.periods()
    period = request.GET.get("period") or (periods[0] if periods else None)
    known = period is not None and period in periods
    objectives = selectors.objectives_with_progress(period) if known else []
    return render(
        request,
        "okrs/list.html",
        {
            "periods": periods,
            "period": period,
            "objectives": objectives,
            "can_create": roles.is_head_of_digital(request.user),
        },
    )


@require_GET
def objective_detail(request: HttpRequest, pk: int) -> HttpResponse:
    objective = get_object_or_404(Objective, pk=pk)
    return render(
        request,
        "okrs/objective.html",
        {
            "objective_progress": selectors.objective_with_progress(objective),
            "objective": objective,
            "can_edit": can_edit_objective(request.user, objective),
            "can_compute": roles.is_head_of_digital(request.user),
        },
    )


@roles.head_of_digital_required
def objective_create(request: HttpRequest) -> HttpResponse:
    form = ObjectiveForm(
        request.POST or None,
        initial={"owner": request.user, "period": request.GET.get("period", "")},
    )
    if request.method == "POST" and form.is_valid():
        objective = form.save()
        messages.success(request, "Objective added.")
        return redirect("okrs:objective", pk=objective.pk)
    return render(request, "okrs/form.html", {"form": form, "title": "Add an objective"})


def objective_edit(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective_for_editing(request, pk)
    form = ObjectiveForm(request.POST or None, instance=objective)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Objective saved.")
        return redirect("okrs:objective", pk=objective.pk)
    return render(
        request,
        "okrs/form.html",
        {"form": form, "title": "Change the objective", "objective": objective},
    )


def key_result_create(request: HttpRequest, pk: int) -> HttpResponse:
    objective = _objective_for_editing(request, pk)
    return _key_result_form(request, KeyResult(objective=objective), "Add a key result")


def key_result_edit(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = _key_result_for_editing(request, pk)
    return _key_result_form(request, key_result, "Change the key result")


def _key_result_form(request: HttpRequest, key_result: KeyResult, title: str) -> HttpResponse:
    may_compute = roles.is_head_of_digital(request.user)
    if key_result.pk and key_result.is_computed and not may_compute:
        raise PermissionDenied  # an owner edits manual key results; heads of digital the rest
    form = KeyResultForm(request.POST or None, instance=key_result, may_compute=may_compute)
    if request.method == "POST" and form.is_valid():
        try:
            key_result_save(key_result=form.instance)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Key result saved.")
            return redirect("okrs:objective", pk=key_result.objective_id)
    return render(
        request,
        "okrs/form.html",
        {"form": form, "title": title, "objective": key_result.objective},
    )


def check_in(request: HttpRequest, pk: int) -> HttpResponse:
    key_result = _key_result_for_editing(request, pk)
    form = CheckInForm(request.POST or None)
    # A computed key result has nothing to enter: the page explains why and a POST saves nothing.
    refused = COMPUTED_CHECK_IN_REFUSED if key_result.is_computed else None
    if not refused and request.method == "POST" and form.is_valid():
        try:
            check_in_create(key_result=key_result, author=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Check-in saved.")
            return redirect("okrs:objective", pk=key_result.objective_id)
    return render(
        request,
        "okrs/check_in.html",
        {
            "form": form,
            "refused": refused,
            "key_result": key_result,
            "objective": key_result.objective,
        },
    )
