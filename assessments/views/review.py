"""Line-manager review: the team list and agreeing (or changing) a report's levels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assessments import selectors, services
from assessments.forms import ReviewForm
from assessments.models import Assessment, Cycle, Rating
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


def _ratings(assessment: Assessment) -> list[Rating]:
    return list(
        assessment.ratings.select_related(
            "skill__area", "level", "agreed_level", "proposed_level"
        ).order_by("skill__area__order", "skill__area__name", "skill__order", "skill__name")
    )


def _posted_review_revision(request: HttpRequest, assessment: Assessment) -> int:
    """The revision to render again after a refused post: the one the page was rendered from,
    so a review saved meanwhile is still found when the reviewer saves again."""
    posted = (request.POST.get("review_revision") or "0").strip()
    if not (posted.isascii() and posted.isdigit() and len(posted) <= 18):
        return assessment.review_revision
    return min(int(posted), assessment.review_revision)


def _stale_review_errors(form: ReviewForm, saved: dict[int, Rating], differing: set[int]) -> None:
    for skill_id in differing:
        rating = saved[skill_id]
        agreed = rating.manager_level
        if agreed is not None and agreed.pk != form.cleaned_data.get(f"agreed_{skill_id}"):
            message = (
                f"{rating.skill.name} was reviewed since you opened this page: the saved level "
                f"is now {agreed.number} {agreed.name}. Choose the level you want and save again"
            )
        else:
            message = (
                f"The comment on {rating.skill.name} was changed since you opened this page. "
                "Check the saved comment and save again"
            )
        form.add_error(f"agreed_{skill_id}", message)


def _replies_seen(request: HttpRequest) -> set[int]:
    """The skills whose reply the posted page showed (anything else posted is ignored)."""
    return {
        int(value)
        for value in request.POST.getlist("replies_seen")
        if value.isascii() and value.isdigit() and len(value) <= 18
    }


def review(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _reviewable_assessment(request, assessment_id)
    ratings = _ratings(assessment)
    levels = selectors.levels_of(assessment.cycle.framework)
    form = ReviewForm(request.POST or None, ratings=ratings, levels=levels)
    review_revision = assessment.review_revision
    saved_by_someone_else: dict[int, Rating] = {}
    if request.method == "POST":
        review_revision = _posted_review_revision(request, assessment)
        if form.is_valid():
            try:
                services.assessment_review(
                    assessment=assessment,
                    reviewer=request.user,
                    decisions=form.decisions(),
                    based_on_review_revision=form.cleaned_data["review_revision"],
                    replies_seen=_replies_seen(request),
                )
            except services.StaleReviewError as stale:
                # Show what was saved meanwhile, and render the page from it: saving again
                # is then a choice made knowing the other review.
                assessment.refresh_from_db(
                    fields=["status", "reviewed_at", "reviewed_by", "review_revision"]
                )
                review_revision = assessment.review_revision
                saved = {rating.skill_id: rating for rating in _ratings(assessment)}
                saved_by_someone_else = {skill_id: saved[skill_id] for skill_id in stale.differing}
                form.add_error(None, stale.message)
                _stale_review_errors(form, saved, stale.differing)
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
            "can_change": assessment.is_complete and assessment.cycle.is_open,
            "review_revision": review_revision,
            "saved_by_someone_else": saved_by_someone_else,
        },
    )
