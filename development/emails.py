"""Emails about development plans, as outbox rows: one per submission and one per decision
(each keyed by its time, so a plan sent again after changes is news again)."""

from __future__ import annotations

from assessments.emails import service_link
from assessments.models import Cycle
from development.models import DevelopmentPlan, LearningResource
from outbox.services import OutgoingEmail, render
from people.models import StaffProfile, User


def _email(key: str, kind: str, to: str, template: str, context: dict) -> OutgoingEmail:
    subject, body = render(template, context)
    return OutgoingEmail(key=key, kind=kind, to=to, subject=subject, body=body)


def submitted(plan: DevelopmentPlan, manager: User) -> OutgoingEmail:
    return _email(
        f"plan-submitted:{plan.pk}:{plan.submitted_at:%Y%m%dT%H%M%S.%f}",
        "plan_submitted",
        manager.email,
        "plan_submitted",
        {"plan": plan, "manager": manager, "link": service_link("development:plan", plan.pk)},
    )


def decided(plan: DevelopmentPlan) -> OutgoingEmail:
    return _email(
        f"plan-decided:{plan.pk}:{plan.decided_at:%Y%m%dT%H%M%S.%f}",
        "plan_decided",
        plan.assessment.person.user.email,
        "plan_decided",
        {"plan": plan, "link": service_link("development:plan", plan.pk)},
    )


def mandatory_overdue(
    cycle: Cycle, kind: str, person: StaffProfile, resources: list[LearningResource]
) -> OutgoingEmail:
    """Sent with the cycle's reminders: one per person per reminder of a cycle."""
    return _email(
        f"mandatory-overdue-{kind}:{cycle.pk}:{person.pk}",
        "mandatory_overdue",
        person.user.email,
        "mandatory_overdue",
        {
            "cycle": cycle,
            "person": person,
            "resources": resources,
            "link": service_link("development:mandatory"),
        },
    )
