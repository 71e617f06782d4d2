"""A person's own results: the latest completed self-assessment, or a chosen one, and history."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from assessments import selectors, services
from assessments.forms import ResponseForm
from assessments.models import Assessment, LevelReview
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


def respond(request: HttpRequest, assessment_id: int) -> HttpResponse:
    """The person accepts or replies to each level their reviewer proposed."""
    assessment = own_assessment(request, assessment_id)
    ratings = list(
        assessment.ratings.filter(review_state=LevelReview.PROPOSED)
        .select_related("skill__area", "level", "proposed_level")
        .order_by("skill__area__order", "skill__area__name", "skill__order", "skill__name")
    )
    form = ResponseForm(request.POST if request.method == "POST" else None, ratings=ratings)
    if request.method == "POST" and ratings and assessment.cycle.is_open and form.is_valid():
        try:
            services.review_respond(
                assessment=assessment, user=request.user, responses=form.responses()
            )
        except services.AssessmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, "Your answer has been sent to your reviewer.")
            return redirect("assessments:results_for", assessment.pk)
    return render(
        request,
        "assessments/respond.html",
        {
            "assessment": assessment,
            "form": form,
            "questions": form.questions(),
            "reviewer": assessment.reviewed_by,
        },
    )
