"""Personal development plans: the person writes and sends theirs; their line manager (or a
head of digital, for people with no line manager) agrees it or asks for changes.

Every view that takes an id fetches the plan through a helper that checks the user may see it
(the person, or whoever agrees it) and answers 404 otherwise."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from assessments.models import Assessment
from common import roles
from development import selectors, services
from development.forms import ActionForm, FocusForm, PlanDecisionForm
from development.models import DevelopmentPlan, FocusSkill, LearningResource, PlanAction


def _plan(request: HttpRequest, plan_id: int) -> DevelopmentPlan:
    plan = get_object_or_404(
        DevelopmentPlan.objects.select_related(
            "assessment__cycle",
            "assessment__person__user",
            "assessment__person__line_manager",
            "decided_by",
        ),
        pk=plan_id,
    )
    if not (
        services.can_edit_plan(request.user, plan) or services.can_agree_plan(request.user, plan)
    ):
        raise Http404
    return plan


def _own_plan(request: HttpRequest, plan_id: int) -> DevelopmentPlan:
    plan = _plan(request, plan_id)
    if not services.can_edit_plan(request.user, plan):
        raise Http404
    return plan


def my_plans(request: HttpRequest) -> HttpResponse:
    profile = roles.staff_profile(request.user)
    if profile is None:
        raise Http404("You do not have a staff profile, so you have no development plan.")
    latest = (
        Assessment.objects.filter(
            person=profile,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED],
        )
        .select_related("cycle")
        .order_by("-cycle__opens_on")
        .first()
    )
    plans = list(selectors.plans_of(profile))
    current = next((plan for plan in plans if latest and plan.assessment_id == latest.pk), None)
    return render(
        request,
        "development/my_plans.html",
        {
            "latest": latest,
            "current": current,
            "gaps": selectors.plan_gaps(latest) if latest and not current else [],
            "earlier": [plan for plan in plans if plan is not current],
        },
    )


@require_POST
def plan_start(request: HttpRequest, assessment_id: int) -> HttpResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("cycle", "person__user"),
        pk=assessment_id,
        person__user=request.user,
    )
    try:
        plan = services.plan_start(assessment=assessment, user=request.user)
    except services.DevelopmentError as error:
        messages.error(request, error.message)
        return redirect("development:my_plans")
    return redirect("development:plan_focus", plan.pk)


def plan(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan(request, plan_id)
    is_reviewer = services.can_agree_plan(request.user, plan)
    waiting = plan.status == DevelopmentPlan.Status.SUBMITTED
    form = PlanDecisionForm(request.POST or None) if is_reviewer and waiting else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.plan_decide(
                    plan=plan,
                    reviewer=request.user,
                    agree=form.agrees,
                    comment=form.cleaned_data["comment"],
                )
            except services.DevelopmentError as error:
                form.add_error(None, error.message)
            else:
                messages.success(
                    request,
                    f"{plan.assessment.person} has been told "
                    + ("you agree their plan." if form.agrees else "what to change."),
                )
                return redirect("development:team_plans")
    return render(
        request,
        "development/plan.html",
        {
            "plan": plan,
            "progress": selectors.plan_progress(plan),
            "is_owner": services.can_edit_plan(request.user, plan),
            "form": form,
        },
    )


def plan_focus(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _own_plan(request, plan_id)
    if not plan.is_editable:
        return redirect("development:plan", plan.pk)
    gaps = selectors.plan_gaps(plan.assessment)
    chosen = list(plan.focus.values_list("skill_id", flat=True))
    form = FocusForm(request.POST or None, gaps=gaps, initial={"skills": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_set_focus(
                plan=plan, user=request.user, skill_ids=form.cleaned_data["skills"]
            )
        except services.DevelopmentError as error:
            form.add_error("skills", error.message)
        else:
            return redirect("development:plan", plan.pk)
    return render(
        request, "development/plan_focus.html", {"plan": plan, "form": form, "gaps": gaps}
    )


def _resources_for_focus(focus: FocusSkill) -> list[LearningResource]:
    """The skill's resources, those for the level aimed at first."""
    resources = LearningResource.objects.filter(skill_slug=focus.skill.slug)
    return sorted(
        resources, key=lambda r: (r.level != focus.aim_level, -r.mandatory, r.level, r.title)
    )


def plan_action_add(request: HttpRequest, plan_id: int, focus_id: int) -> HttpResponse:
    plan = _own_plan(request, plan_id)
    focus = get_object_or_404(FocusSkill.objects.select_related("skill"), pk=focus_id, plan=plan)
    if not plan.is_editable:
        return redirect("development:plan", plan.pk)
    form = ActionForm(request.POST or None, resources=_resources_for_focus(focus))
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_add_action(
                plan=plan, user=request.user, focus=focus, details=form.details()
            )
        except services.DevelopmentError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"Action added for {focus.skill.name}.")
            return redirect("development:plan", plan.pk)
    return render(
        request, "development/plan_action.html", {"plan": plan, "focus": focus, "form": form}
    )


def _action(plan: DevelopmentPlan, action_id: int) -> PlanAction:
    return get_object_or_404(
        PlanAction.objects.select_related("focus"), pk=action_id, focus__plan=plan
    )


@require_POST
def plan_action_remove(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponse:
    plan = _own_plan(request, plan_id)
    try:
        services.plan_remove_action(plan=plan, user=request.user, action=_action(plan, action_id))
    except services.DevelopmentError as error:
        messages.error(request, error.message)
    return redirect("development:plan", plan.pk)


@require_POST
def plan_action_done(request: HttpRequest, plan_id: int, action_id: int) -> HttpResponse:
    plan = _own_plan(request, plan_id)
    action = _action(plan, action_id)
    services.plan_action_done(
        plan=plan,
        user=request.user,
        action=action,
        done=action.done_on is None,
        today=timezone.localdate(),
    )
    return redirect("development:plan", plan.pk)


@require_POST
def plan_submit(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _own_plan(request, plan_id)
    try:
        services.plan_submit(plan=plan, user=request.user)
    except services.DevelopmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Your plan has been sent for agreement.")
    return redirect("development:plan", plan.pk)


@roles.line_manager_required
def team_plans(request: HttpRequest) -> HttpResponse:
    plans = list(selectors.plans_to_agree(request.user))
    return render(
        request,
        "development/team_plans.html",
        {
            "waiting": [p for p in plans if p.status == DevelopmentPlan.Status.SUBMITTED],
            "others": [p for p in plans if p.status != DevelopmentPlan.Status.SUBMITTED],
        },
    )
