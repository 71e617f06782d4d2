"""The staff journey: start, task list, an area's questions, check your answers, submit.

An answer posted after the session expired is kept and replayed once the person signs in again.
"""

from __future__ import annotations

import json
import re
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from assessments import selectors, services
from assessments.forms import EVIDENCE_MAX, AreaForm
from assessments.models import Assessment, Cycle, Rating
from assessments.views._common import assessment_is_editable, own_assessment, signed_in_profile
from capability.models import CapabilityArea

# Answers posted after the session expired wait here (in the new, anonymous session) until the
# person signs in again and lands back on the page they were filling in.
PENDING_ANSWERS = "assessments_pending_answers"
# Anyone can post to an area's address, so the stash holds only what the area form could accept:
# its own fields (with what the page showed, which the merge with other tabs needs), one value
# each, within the form's lengths, and no more than this in all (evidence twice over).
PENDING_FIELD = re.compile(r"revision|action|(shown_)?(level|evidence)_[0-9]{1,12}")
PENDING_SHORT_VALUE_MAX = 20
PENDING_ANSWERS_MAX_BYTES = 128 * 1024


def mine(request: HttpRequest) -> HttpResponse:
    profile = signed_in_profile(request)
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
    profile = signed_in_profile(request)
    cycle = selectors.current_cycle()
    if cycle is None:
        raise Http404("There is no self-assessment open at the moment.")
    assessment = services.assessment_start(cycle=cycle, person=profile)
    return redirect("assessments:task_list", assessment.pk)


def task_list(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = own_assessment(request, assessment_id)
    scope = selectors.scope_for_assessment(assessment)
    tasks = selectors.area_tasks(assessment, scope)
    return render(
        request,
        "assessments/task_list.html",
        {
            "assessment": assessment,
            "tasks": tasks,
            "completed": sum(1 for task in tasks if task.status == "Completed"),
            "editable": assessment_is_editable(assessment),
        },
    )


def _keep_answers_and_sign_in(request: HttpRequest) -> HttpResponse:
    """The session expired: keep what was posted, then send the person to sign in."""
    query = {"next": request.get_full_path()}
    if request.method == "POST":
        request.session.pop(PENDING_ANSWERS, None)
        data = _answers_to_keep(request.POST)
        if data is not None:
            request.session[PENDING_ANSWERS] = {"path": request.path, "data": data}
            # The sign-in page then says the answers were kept.
            query["timeout"] = "1"
    return redirect(f"{reverse('login')}?{urlencode(query)}")


def _answers_to_keep(posted: QueryDict) -> dict[str, list[str]] | None:
    """The area form's fields from a post, or None if it is more than the form would accept."""
    data: dict[str, list[str]] = {}
    for key in posted:
        if not PENDING_FIELD.fullmatch(key):
            continue
        value = posted.get(key, "")
        limit = EVIDENCE_MAX if "evidence_" in key else PENDING_SHORT_VALUE_MAX
        if len(value.strip()) > limit:
            return None
        data[key] = [value]
    if len(json.dumps(data)) > PENDING_ANSWERS_MAX_BYTES:
        return None
    return data


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
    assessment = own_assessment(request, assessment_id)
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
    conflicts: dict[int, Rating] = {}
    if request.method == "POST" or pending is not None:
        data = request.POST if pending is None else pending
        action = data.get("action", "later")
        require_all = pending is None and action == "continue"
        form = AreaForm(data, require_all=require_all, **form_options)
        if form.is_valid():
            try:
                services.assessment_save_answers(
                    assessment=assessment,
                    answers=form.answers(),
                    based_on_revision=form.cleaned_data["revision"],
                    shown=form.shown(),
                )
            except services.StaleSaveError as stale:
                conflicts = {rating.skill_id: rating for rating in stale.conflicts}
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
                    form = _saved_answers_form(ratings, form_options, assessment.revision)
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
        ratings = selectors.ratings_by_skill(assessment)
        if conflicts:
            form = _form_after_conflict(form, ratings, conflicts, assessment.revision, require_all)
    else:
        form = _saved_answers_form(ratings, form_options, assessment.revision)
    return _render_area(
        request, assessment, capability_area, form, ratings, conflicts, previous_cycle, returning
    )


def _saved_answers_form(
    ratings: dict[int, Rating], form_options: dict[str, Any], revision: int
) -> AreaForm:
    """The area as saved, at this revision: what the page shows is also what it says it showed."""
    initial: dict[str, object] = {"revision": revision}
    for skill_id, rating in ratings.items():
        for prefix in ("", "shown_"):
            initial[f"{prefix}level_{skill_id}"] = rating.level_id
            initial[f"{prefix}evidence_{skill_id}"] = rating.evidence
    return AreaForm(initial=initial, **form_options)


def _form_after_conflict(
    form: AreaForm,
    ratings: dict[int, Rating],
    conflicts: dict[int, Rating],
    revision: int,
    require_all: bool,
) -> AreaForm:
    """The page again after another tab changed some of the skills this page changed.

    It is now at the latest revision. A skill this page did not change shows what is saved now.
    One it did change keeps what the person chose; a conflicting one is marked as shown at its
    saved answer, so that saving again keeps the person's choice deliberately.
    """
    shown = form.shown() or {}
    changed = {
        skill_id
        for skill_id, answer in form.answers().items()
        if skill_id not in shown or shown[skill_id] != answer
    }
    data = form.data.copy()
    data["revision"] = str(revision)
    for skill in form.skills:
        rating = ratings.get(skill.pk)
        saved = (str(rating.level_id), rating.evidence) if rating else ("", "")
        if skill.pk not in changed:
            data[f"level_{skill.pk}"], data[f"evidence_{skill.pk}"] = saved
        if skill.pk not in changed or skill.pk in conflicts or skill.pk not in shown:
            data[f"shown_level_{skill.pk}"], data[f"shown_evidence_{skill.pk}"] = saved
    again = AreaForm(
        data,
        skills=form.skills,
        levels=list(form.levels.values()),
        previous=form.previous,
        require_all=require_all,
    )
    again.is_valid()
    for rating in conflicts.values():
        again.add_error(
            f"level_{rating.skill_id}",
            f"{rating.skill.name} was changed in another tab or window: the saved level is now "
            f"{rating.level.number} {rating.level.name}. Choose the level you want and save again",
        )
    return again


def _page_revision(form: AreaForm, assessment: Assessment) -> int:
    """The revision a page shown again says it was rendered from: the one it was posted with,
    so what another tab saved meanwhile is still noticed; the latest if that is not a revision."""
    posted = str(form.data.get("revision", "")).strip() if form.is_bound else ""
    if posted.isdigit() and int(posted) <= assessment.revision:
        return int(posted)
    return assessment.revision


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
            "page_revision": _page_revision(form, assessment),
            "questions": form.questions(),
            "ratings": ratings,
            "conflicts": conflicts,
            "previous_cycle": previous_cycle,
            "editable": assessment_is_editable(assessment),
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
    assessment = own_assessment(request, assessment_id)
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
                messages.info(request, error.message)
                return redirect("assessments:confirmation", assessment.pk)
            # The submit button is gone once the cycle has closed: point at the notice instead.
            errors = [
                (
                    error.message,
                    "#submit" if assessment_is_editable(assessment) else "#closed-notice",
                )
            ]
        else:
            return redirect("assessments:confirmation", assessment.pk)
    areas = _areas_with_answers(assessment)
    return render(
        request,
        "assessments/check.html",
        {
            "assessment": assessment,
            "areas": areas,
            "unanswered": sum(
                1 for group in areas for _skill, rating in group["rows"] if rating is None
            ),
            "errors": errors,
            "editable": assessment_is_editable(assessment),
        },
    )


def confirmation(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = own_assessment(request, assessment_id)
    if not assessment.is_complete:
        return redirect("assessments:check", assessment.pk)
    return render(request, "assessments/confirmation.html", {"assessment": assessment})
