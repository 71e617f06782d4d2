"""Everything the service holds about one person (UK GDPR right of access), as one structure
that the "Your data" page shows and the JSON file holds.

Their own answers are shown to them in full, audit entries included (the audit trail's own pages
hide a managed person's answers from heads of digital). Audit entries of what they did to someone
else's record name neither that person nor what changed: that is the other person's data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone

from assessments.models import Assessment, Rating
from audit import selectors as audit_selectors
from development.models import DevelopmentPlan
from outbox.models import Email
from people.models import StaffProfile, User

ANONYMOUS_NAME = "Former member of staff"
PLACEHOLDER_DOMAIN = "invalid.example"
SOMEONE_ELSE = "Someone else's record"
# Audit entries about these kinds of record concern one person (additional_data["person_id"]).
PERSON_KINDS = {
    "assessments.rating",
    "assessments.assessment",
    "development.developmentplan",
    "people.user",
    "people.staffprofile",
}


def placeholder_email(user: User) -> str:
    """The address an anonymised account is left with: unique, and never deliverable."""
    return f"removed-{user.pk}@{PLACEHOLDER_DOMAIN}"


def is_anonymised(user: User) -> bool:
    return user.email == placeholder_email(user)


def profile_data(user: User, profile: StaffProfile | None) -> dict[str, Any]:
    data: dict[str, Any] = {"name": user.full_name, "email": user.email}
    if profile is None:
        return {**data, "staff_profile": False}
    manager = profile.line_manager
    return {
        **data,
        "staff_profile": True,
        "job_title": profile.job_title,
        "team": profile.team.name,
        "directorate": profile.team.directorate.name,
        "role_profile": str(profile.role_profile) if profile.role_profile else "",
        "line_manager": str(manager) if manager else "",
        "active": profile.active and user.is_active,
        "left_at": profile.left_at,
    }


def rating_data(rating: Rating) -> dict[str, Any]:
    return {
        "skill": rating.skill.name,
        "area": rating.skill.area.name,
        "level": str(rating.level),
        "target_level": rating.target,
        "evidence": rating.evidence,
        "agreed_level": str(rating.agreed_level) if rating.agreed_level else "",
        "manager_comment": rating.manager_comment,
        "review": rating.get_review_state_display(),
        "proposed_level": str(rating.proposed_level) if rating.proposed_level else "",
        "reply": rating.reply,
    }


def assessment_data(assessment: Assessment) -> dict[str, Any]:
    return {
        "cycle": assessment.cycle.name,
        "status": assessment.get_status_display(),
        "team": str(assessment.team) if assessment.team else "",
        "tier": str(assessment.tier) if assessment.tier else "",
        "role_profile": str(assessment.role_profile) if assessment.role_profile else "",
        "started_at": assessment.started_at,
        "submitted_at": assessment.submitted_at,
        "reviewed_at": assessment.reviewed_at,
        "reviewed_by": str(assessment.reviewed_by) if assessment.reviewed_by else "",
        "ratings": [rating_data(rating) for rating in assessment.ratings.all()],
    }


def assessments_of(profile: StaffProfile | None) -> list[Assessment]:
    if profile is None:
        return []
    return list(
        Assessment.objects.filter(person=profile)
        .select_related("cycle", "team__directorate", "tier", "role_profile", "reviewed_by")
        .prefetch_related(
            "ratings__skill__area",
            "ratings__level",
            "ratings__agreed_level",
            "ratings__proposed_level",
        )
        .order_by("-cycle__opens_on", "-pk")
    )


def emails_to(user: User) -> list[dict[str, Any]]:
    return [
        {
            "subject": email.subject,
            "status": email.get_status_display(),
            "queued_at": email.created_at,
            "sent_at": email.sent_at,
        }
        for email in Email.objects.filter(to__iexact=user.email).order_by("-created_at", "-pk")
    ]


def audit_entries(user: User, profile: StaffProfile | None) -> list[dict[str, Any]]:
    if profile is None:
        items = audit_selectors.entries().filter(actor_id=user.pk)
    else:
        items = audit_selectors.about_person(profile)
    return [audit_entry(row, profile) for row in audit_selectors.rows(items)]


def audit_entry(row: audit_selectors.Row, profile: StaffProfile | None) -> dict[str, Any]:
    entry = row.entry
    data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
    about_them = profile is not None and (
        data.get("person_id") == profile.pk
        or (row.model == "people.user" and row.object_id == profile.user_id)
        or (row.model == "people.staffprofile" and row.object_id == profile.pk)
    )
    if row.model in PERSON_KINDS and not about_them:
        label, changes = SOMEONE_ELSE, []
    elif row.model == "people.peopleimport":
        # An import's changes list the other people it marked inactive.
        label, changes = row.label, []
    else:
        # Their own answers, unmasked: they may see everything about themselves.
        label = row.label
        changes = row.changes if not about_them else audit_selectors.changes(entry, hidden=False)
    return {
        "when": row.when,
        "who": row.who,
        "action": row.action,
        "what": row.kind,
        "record": label,
        "changes": [
            {"field": change.field, "before": change.before, "after": change.after}
            for change in changes
        ],
    }


def personal_data(user: User) -> dict[str, Any]:
    """Everything held about this account's holder, newest first within each part."""
    profile = (
        StaffProfile.objects.select_related(
            "team__directorate", "role_profile", "line_manager__user"
        )
        .filter(user=user)
        .first()
    )
    assessments = assessments_of(profile)
    return {
        "service": settings.SERVICE_NAME,
        "organisation": settings.ORGANISATION_NAME,
        "produced_at": timezone.now(),
        "profile": profile_data(user, profile),
        "assessments": [assessment_data(assessment) for assessment in assessments],
        "reviews": [
            {
                "cycle": assessment.cycle.name,
                "reviewed_by": str(assessment.reviewed_by) if assessment.reviewed_by else "",
                "reviewed_at": assessment.reviewed_at,
            }
            for assessment in assessments
            if assessment.reviewed_at
        ],
        "development_plans": development_plans_of(profile),
        "learning_completed": [
            {"resource": completion.resource.title, "completed_on": completion.completed_on}
            for completion in (
                profile.learning_completed.select_related("resource").order_by("-completed_on")
                if profile
                else []
            )
        ],
        "emails": emails_to(user),
        "audit_entries": audit_entries(user, profile),
    }


def development_plans_of(profile: StaffProfile | None) -> list[dict[str, Any]]:
    if profile is None:
        return []
    plans = (
        DevelopmentPlan.objects.filter(assessment__person=profile)
        .select_related("assessment__cycle", "decided_by")
        .prefetch_related("focus__skill", "focus__actions__resource")
    )
    return [
        {
            "cycle": plan.assessment.cycle.name,
            "status": plan.get_status_display(),
            "submitted_at": plan.submitted_at,
            "decided_at": plan.decided_at,
            "decided_by": str(plan.decided_by) if plan.decided_by else "",
            "reviewer_comment": plan.reviewer_comment,
            "focus_skills": [
                {
                    "skill": focus.skill.name,
                    "level_when_planned": focus.level_then,
                    "target": focus.target,
                    "actions": [
                        {
                            "resource": action.resource.title if action.resource else "",
                            "task": action.task,
                            "due_on": action.due_on,
                            "done_on": action.done_on,
                        }
                        for action in focus.actions.all()
                    ],
                }
                for focus in plan.focus.all()
            ],
        }
        for plan in plans
    ]
