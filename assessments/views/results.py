"""A person's own results: the latest completed self-assessment, or a chosen one, and history."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments import selectors
from assessments.models import Assessment
from assessments.views._common import own_assessment, signed_in_profile


def _render_results(request: HttpRequest, assessment: Assessment | None) -> HttpResponse:
    profile = signed_in_profile(request)
    history_assessments, history = selectors.history_for(profile)
    return render(
        request,
        "assessments/results.html",
        {
            "assessment": assessment,
            "results": selectors.results_for(assessment) if assessment else None,
            "history_assessments": history_assessments,
            "history": history,
            "in_progress": assessment is None
            and Assessment.objects.filter(
                person=profile, status=Assessment.Status.IN_PROGRESS
            ).exists(),
        },
    )


def results(request: HttpRequest) -> HttpResponse:
    profile = signed_in_profile(request)
    return _render_results(request, selectors.completed_assessments(profile).first())


def results_for(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = own_assessment(request, assessment_id)
    if not assessment.is_complete:
        return redirect("assessments:task_list", assessment.pk)
    return _render_results(request, assessment)
