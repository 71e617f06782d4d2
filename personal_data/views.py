"""Your data (what the service holds about the signed-in person, as a page and a JSON file), and
for heads of digital: the same file for a person who asks for it, and erasing a person."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET, require_http_methods

from common import roles
from common.exports import attachment_header
from people.models import StaffProfile
from personal_data import selectors, services
from personal_data.forms import ErasureForm, FindPersonForm


def _json_file(data: dict[str, Any], *, name: str) -> HttpResponse:
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = attachment_header(f"{name}-{day}.json")
    patch_cache_control(response, private=True, no_store=True)
    return response


def _person_for_head(person_id: int) -> StaffProfile:
    return get_object_or_404(
        StaffProfile.objects.select_related("user", "team__directorate"), pk=person_id
    )


@require_GET
def your_data(request: HttpRequest) -> HttpResponse:
    """Always the signed-in person's own: there is no id to change."""
    return render(
        request, "personal_data/your_data.html", {"data": selectors.personal_data(request.user)}
    )


@require_GET
def your_data_download(request: HttpRequest) -> HttpResponse:
    return _json_file(selectors.personal_data(request.user), name="your-data")


@require_GET
@roles.head_of_digital_required
def person_find(request: HttpRequest) -> HttpResponse:
    form = FindPersonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("personal_data:person", person_id=form.cleaned_data["email"].pk)
    return render(request, "personal_data/find.html", {"form": form})


@require_GET
@roles.head_of_digital_required
def person_data(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_head(person_id)
    return render(
        request,
        "personal_data/person.html",
        {
            "person": person,
            "anonymised": selectors.is_anonymised(person.user),
            "refusal": services.erasure_refusal(profile=person, by=request.user),
        },
    )


@require_GET
@roles.head_of_digital_required
def person_data_download(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_head(person_id)
    services.personal_data_file_recorded(profile=person, by=request.user)
    return _json_file(selectors.personal_data(person.user), name=f"personal-data-{person.pk}")


@require_http_methods(["GET", "POST"])
@roles.head_of_digital_required
def person_erase(request: HttpRequest, person_id: int) -> HttpResponse:
    person = _person_for_head(person_id)
    refusal = services.erasure_refusal(profile=person, by=request.user)
    form = ErasureForm(request.POST if request.method == "POST" else None, person=person)
    context = {"person": person, "form": form, "refusal": refusal}
    if request.method == "POST" and refusal:
        return render(request, "personal_data/erase.html", context, status=403)
    if request.method == "POST" and form.is_valid():
        name = str(person)
        try:
            services.person_erase(profile=person, by=request.user)
        except services.ErasureRefused as refused:
            context["refusal"] = str(refused)
            return render(request, "personal_data/erase.html", context, status=409)
        messages.success(request, f"{name}'s personal data has been erased.")
        return redirect("personal_data:person", person_id=person.pk)
    status = 400 if form.is_bound else 200
    return render(request, "personal_data/erase.html", context, status=status)
