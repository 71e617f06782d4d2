"""Line-manager review: the team list and agreeing (or changing) a report's levels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments import selectors, services
from assessments.forms import ReviewForm
from assessments.models import Assessment, Cycle
from common import roles


def _reviewable_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related(
            "cycle__framework", "person__user", "person__line_manager__user", "reviewed_by"
        ),
        pk=assessment_id,
    )
    if not services.can_review(request.user, assessment):
        raise Http404
    return assessment


def _team_cycle() -> Cycle | None:
    return selectors.current_cycle() or Cycle.objects.closed().first()


@roles.line_manager_required
def team(request: HttpRequest) -> HttpResponse:
    cycle = _team_cycle()
    profile = roles.staff_profile(request.user)
    reports = selectors.direct_reports_with_status(profile, cycle) if profile else []
    without_manager = (
        selectors.awaiting_review_without_manager(cycle)
        if roles.is_head_of_digital(request.user)
        else []
    )
    return render(
        request,
        "assessments/team.html",
        {"cycle": cycle, "reports": reports, "without_manager": without_manager},
    )


def review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _reviewable_assessment(request, assessment_id)
    ratings = list(
        assessment.ratings.select_related("skill__area", "level", "agreed_level").order_by(
            "skill__area__order", "skill__area__name", "skill__order", "skill__name"
        )
    )
    levels = selectors.levels_of(assessment.cycle.framework)
    form = ReviewForm(request.POST or None, ratings=ratings, levels=levels)
    can_change = assessment.is_complete and assessment.cycle.is_open
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_review(
                assessment=assessment, reviewer=request.user, decisions=form.decisions()
            )
        except services.AssessmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Your review of {assessment.person} has been saved.")
            return redirect("assessments:team")
    return render(
        request,
        "assessments/review.html",
        {
            "assessment": assessment,
            "form": form,
            "questions": form.questions(),
            "can_change": can_change,
        },
    )
