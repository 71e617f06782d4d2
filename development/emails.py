"""Emails about development plans, as outbox rows: one per submission and one per decision
(each keyed by its time, so a plan sent again after changes is news again)."""

from __future__ import annotations

from assessments.emails import service_link
from development.models import DevelopmentPlan
from outbox.services import OutgoingEmail, render
from people.models import User


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
