"""Helpers shared by the assessment views: whose profile, and fetching one's own assessment.

Every view that takes an id fetches its object through a helper that checks the user may see
it and raises 404 otherwise, so nobody learns whether another person's assessment exists.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from assessments.models import Assessment
from common import roles
from people.models import StaffProfile


def signed_in_profile(request: HttpRequest) -> StaffProfile:
    profile = roles.staff_profile(request.user)
    if profile is None:
        raise Http404("You do not have a staff profile, so you have no self-assessment.")
    return profile


def own_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related(
            "cycle__framework", "person__user", "person__line_manager", "tier", "role_profile"
        ),
        pk=assessment_id,
        person__user=request.user,
    )


def assessment_is_editable(assessment: Assessment) -> bool:
    return assessment.cycle.is_open and not assessment.is_complete
