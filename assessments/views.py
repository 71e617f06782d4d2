"""The self-assessment journey, results, line-manager review and cycle management.

Every view that takes an id fetches its object through a helper that checks the user may see
it and raises 404 otherwise, so nobody learns whether another person's assessment exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.forms import AreaForm, CycleForm, ReviewForm
from assessments.models import Assessment, Cycle, Rating
from capability.models import CapabilityArea
from people import roles
from people.models import StaffProfile

# Answers posted after the session expired wait here (in the new, anonymous session) until the
# person signs in again and lands back on the page they were filling in.
PENDING_ANSWERS = "assessments_pending_answers"


def _profile(request: HttpRequest) -> StaffProfile:
    profile = roles.staff_profile(request.user)
    if profile is None:
        raise Http404("You do not have a staff profile, so you have no self-assessment.")
    return profile


def _own_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    return get_object_or_404(
        Assessment.objects.select_related(
            "cycle__framework", "person__user", "person__line_manager", "tier", "role_profile"
        ),
        pk=assessment_id,
        person__user=request.user,
    )


def _reviewable_assessment(request: HttpRequest, assessment_id: int) -> Assessment:
    assessment = get_object_or_404(
        Assessment.objects.select_related("cycle__framework", "person__user", "reviewed_by"),
        pk=assessment_id,
    )
    if not services.can_review(request.user, assessment):
        raise Http404
    return assessment


def _cycle_for_head(request: HttpRequest, cycle_id: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("framework"), pk=cycle_id)


def _editable(assessment: Assessment) -> bool:
    return assessment.cycle.is_open and not assessment.is_complete


# The staff journey -------------------------------------------------------------------------------


def mine(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    cycle = selectors.current_cycle()
    assessment = selectors.assessment_for(cycle=cycle, person=profile) if cycle else None
    skills = (
        selectors.scope_for_person(person=profile, framework=cycle.framework).skills
        if cycle
        else []
    )
    return render(
        request,
        "assessments/start.html",
        {"cycle": cycle, "assessment": assessment, "skill_count": len(skills)},
    )


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    profile = _profile(request)
    cycle = selectors.current_cycle()
    if cycle is None:
        raise Http404("There is no self-assessment open at the moment.")
    assessment = services.assessment_start(cycle=cycle, person=profile)
    return redirect("assessments:task_list", assessment.pk)


def task_list(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_id)
    scope = selectors.scope_for_assessment(assessment)
    tasks = selectors.area_tasks(assessment, scope)
    return render(
        request,
        "assessments/task_list.html",
        {
            "assessment": assessment,
            "tasks": tasks,
            "completed": sum(1 for task in tasks if task.status == "Completed"),
            "editable": _editable(assessment),
        },
    )


def _keep_answers_and_sign_in(request: HttpRequest) -> HttpResponse:
    """The session expired: keep what was posted, then send the person to sign in."""
    query = {"next": request.get_full_path()}
    if request.method == "POST":
        data = {
            key: request.POST.getlist(key) for key in request.POST if key != "csrfmiddlewaretoken"
        }
        request.session[PENDING_ANSWERS] = {"path": request.path, "data": data}
        query["timeout"] = "1"
    return redirect(f"{reverse('login')}?{urlencode(query)}")


def _pending_answers(request: HttpRequest) -> QueryDict | None:
    pending = request.session.get(PENDING_ANSWERS)
    if not pending or pending.get("path") != request.path:
        return None
    del request.session[PENDING_ANSWERS]
    data = QueryDict(mutable=True)
    for key, values in pending["data"].items():
        data.setlist(key, values)
    return data


# A change link on "check your answers" adds ?return=check: saving then goes back there.
RETURN_TO_CHECK = "check"


def _next_step(assessment: Assessment, tasks: list[selectors.AreaTask], slug: str) -> str:
    slugs = [task.area.slug for task in tasks]
    later = slugs[slugs.index(slug) + 1 :]
    if later:
        return reverse("assessments:area", args=[assessment.pk, later[0]])
    return reverse("assessments:check", args=[assessment.pk])


@login_not_required
def area(request: HttpRequest, assessment_id: int, area_slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return _keep_answers_and_sign_in(request)
    assessment = _own_assessment(request, assessment_id)
    scope = selectors.scope_for_assessment(assessment)
    capability_area = next((a for a in scope.areas() if a.slug == area_slug), None)
    if capability_area is None:
        raise Http404
    skills = scope.skills_in(capability_area)
    previous_cycle, previous = selectors.previous_answers(assessment)
    ratings = selectors.ratings_by_skill(assessment)
    form_options = {
        "skills": skills,
        "levels": selectors.levels_of(assessment.cycle.framework),
        "previous": previous,
    }
    pending = _pending_answers(request)
    returning = request.GET.get("return") == RETURN_TO_CHECK
    conflicts = {}
    if request.method == "POST" or pending is not None:
        data = request.POST if pending is None else pending
        action = data.get("action", "later")
        form = AreaForm(data, require_all=pending is None and action == "continue", **form_options)
        if form.is_valid():
            try:
                services.assessment_save_answers(
                    assessment=assessment,
                    answers=form.answers(),
                    based_on_revision=form.cleaned_data["revision"],
                )
            except services.StaleSaveError as stale:
                for rating in stale.conflicts:
                    conflicts[rating.skill_id] = rating
                    form.add_error(
                        f"level_{rating.skill_id}",
                        f"{rating.skill.name} was changed in another tab or window: the saved "
                        f"level is now {rating.level.number} {rating.level.name}. Choose the "
                        "level you want and save again",
                    )
            except services.AssessmentError as error:
                form.add_error(None, error.message)
            else:
                if pending is not None:
                    # Shown at once rather than redirecting to this same address again.
                    messages.success(
                        request,
                        "You were signed out before your answers were saved. We kept them, and "
                        "they are now saved.",
                    )
                    assessment.refresh_from_db(fields=["revision", "status"])
                    ratings = selectors.ratings_by_skill(assessment)
                    form = _saved_answers_form(ratings, form_options)
                    return _render_area(
                        request, assessment, capability_area, form, ratings, {}, previous_cycle,
                        returning,
                    )  # fmt: skip
                if returning:
                    return redirect("assessments:check", assessment.pk)
                if action == "continue":
                    tasks = selectors.area_tasks(assessment, scope)
                    return redirect(_next_step(assessment, tasks, area_slug))
                messages.success(
                    request,
                    "Your answers have been saved. You can come back and finish your "
                    f"self-assessment before {assessment.cycle.name} closes.",
                )
                return redirect("assessments:task_list", assessment.pk)
        assessment.refresh_from_db(fields=["revision", "status"])
    else:
        form = _saved_answers_form(ratings, form_options)
    return _render_area(
        request, assessment, capability_area, form, ratings, conflicts, previous_cycle, returning
    )


def _saved_answers_form(ratings: dict[int, Rating], form_options: dict[str, Any]) -> AreaForm:
    initial: dict[str, object] = {}
    for skill_id, rating in ratings.items():
        initial[f"level_{skill_id}"] = rating.level_id
        initial[f"evidence_{skill_id}"] = rating.evidence
    return AreaForm(initial=initial, **form_options)


def _render_area(
    request: HttpRequest,
    assessment: Assessment,
    capability_area: CapabilityArea,
    form: AreaForm,
    ratings: dict[int, Rating],
    conflicts: dict[int, Rating],
    previous_cycle: Cycle | None,
    returning: bool = False,
) -> HttpResponse:
    return render(
        request,
        "assessments/area.html",
        {
            "assessment": assessment,
            "area": capability_area,
            "form": form,
            "questions": form.questions(),
            "ratings": ratings,
            "conflicts": conflicts,
            "previous_cycle": previous_cycle,
            "editable": _editable(assessment),
            "returning": returning,
        },
    )


def _areas_with_answers(assessment: Assessment) -> list[dict[str, object]]:
    scope = selectors.scope_for_assessment(assessment)
    ratings = selectors.ratings_by_skill(assessment)
    return [
        {
            "area": area,
            "rows": [(skill, ratings.get(skill.pk)) for skill in scope.skills_in(area)],
        }
        for area in scope.areas()
    ]


def check(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_id)
    errors = []
    if request.method == "POST":
        try:
            services.assessment_submit(assessment=assessment)
        except services.IncompleteError as incomplete:
            errors = [
                (
                    f"Choose a level for {skill.name}",
                    reverse("assessments:area", args=[assessment.pk, skill.area.slug])
                    + f"?return={RETURN_TO_CHECK}#id_level_{skill.pk}",
                )
                for skill in incomplete.missing
            ]
        except services.AssessmentError as error:
            if assessment.is_complete:
                messages.success(request, error.message)
                return redirect("assessments:confirmation", assessment.pk)
            # The submit button is gone once the cycle has closed: point at the notice instead.
            errors = [(error.message, "#submit" if _editable(assessment) else "#closed-notice")]
        else:
            return redirect("assessments:confirmation", assessment.pk)
    return render(
        request,
        "assessments/check.html",
        {
            "assessment": assessment,
            "areas": _areas_with_answers(assessment),
            "errors": errors,
            "editable": _editable(assessment),
        },
    )


def confirmation(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_id)
    if not assessment.is_complete:
        return redirect("assessments:check", assessment.pk)
    return render(request, "assessments/confirmation.html", {"assessment": assessment})


# Results ----------------------------------------------------------------------------------------


def _render_results(request: HttpRequest, assessment: Assessment | None) -> HttpResponse:
    profile = _profile(request)
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
    profile = _profile(request)
    return _render_results(request, selectors.completed_assessments(profile).first())


def results_for(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = _own_assessment(request, assessment_id)
    if not assessment.is_complete:
        return redirect("assessments:task_list", assessment.pk)
    return _render_results(request, assessment)


# Line-manager review ----------------------------------------------------------------------------


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


# Cycles (head of digital) -----------------------------------------------------------------------


@roles.head_of_digital_required
def cycles(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "assessments/cycles.html",
        {"cycles": Cycle.objects.select_related("framework")},
    )


@roles.head_of_digital_required
def cycle_create(request: HttpRequest) -> HttpResponse:
    form = CycleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_create(**form.cleaned_data)
        except services.AssessmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{cycle.name} has been created. Open it when it is ready.")
            return redirect("assessments:cycle_detail", cycle.pk)
    return render(request, "assessments/cycle_form.html", {"form": form})


def _render_cycle(request: HttpRequest, cycle: Cycle, error: str = "") -> HttpResponse:
    directorates, teams = selectors.cycle_completion(cycle)
    return render(
        request,
        "assessments/cycle_detail.html",
        {"cycle": cycle, "directorates": directorates, "teams": teams, "error": error},
        status=400 if error else 200,
    )


@roles.head_of_digital_required
def cycle_detail(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _render_cycle(request, _cycle_for_head(request, cycle_id))


def _change_cycle_state(
    request: HttpRequest, cycle_id: int, change: Callable[..., Cycle], done: str
) -> HttpResponse:
    cycle = _cycle_for_head(request, cycle_id)
    try:
        change(cycle=cycle)
    except services.AssessmentError as error:
        return _render_cycle(request, cycle, error.message)
    messages.success(request, done.format(name=cycle.name))
    return redirect("assessments:cycle_detail", cycle.pk)


@roles.head_of_digital_required
@require_POST
def cycle_open(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _change_cycle_state(
        request,
        cycle_id,
        services.cycle_open,
        "{name} is open. Everyone is being sent an invitation.",
    )


@roles.head_of_digital_required
@require_POST
def cycle_close(request: HttpRequest, cycle_id: int) -> HttpResponse:
    return _change_cycle_state(
        request,
        cycle_id,
        services.cycle_close,
        "{name} is closed. Its answers can no longer be changed.",
    )
