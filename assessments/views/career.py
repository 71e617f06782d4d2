"""The career view: what the next role level up needs that the signed-in person lacks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from assessments import selectors
from assessments.views._common import signed_in_profile
from capability.selectors import next_role_level, role_in_framework


@require_GET
def career(request: HttpRequest) -> HttpResponse:
    profile = signed_in_profile(request)
    framework = selectors.framework_in_use()
    role = role_in_framework(profile.role_profile, framework) if framework else None
    next_role = next_role_level(role)
    steps = selectors.career_steps(person=profile, next_role=next_role) if next_role else []
    return render(
        request,
        "assessments/career.html",
        {
            "role": role,
            "next_role": next_role,
            "to_grow": [step for step in steps if not step.has_it],
            "already": [step for step in steps if step.has_it],
            "has_results": selectors.completed_assessments(profile).exists(),
        },
    )
