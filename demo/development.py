"""Demo learning resources (fixtures/demo_learning_resources.csv, imported through the same
service heads of digital use) and two development plans: staff@example.org's plan after the
closed cycle, agreed by manager@example.org with one action done, and a plan one of
manager@'s other reports has sent for agreement in the open cycle; the two mandatory resources
are mandatory for all staff (the first overdue, done by about half).

Idempotent: the import updates the resources it finds, and a person with a plan keeps it.
Plans are written directly (no emails are queued for demo people)."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from assessments.models import Assessment
from capability.selectors import published_framework
from development.models import (
    DevelopmentPlan,
    FocusSkill,
    LearningCompletion,
    LearningResource,
    MandatoryLearning,
    PlanAction,
)
from development.selectors import plan_gaps
from development.services import resources_import_csv
from people.models import StaffProfile, User

FIXTURE = Path(settings.BASE_DIR) / "fixtures" / "demo_learning_resources.csv"
STAFF_EMAIL = "staff@example.org"
MANAGER_EMAIL = "manager@example.org"
TASKS = [
    "Use it on a real piece of work and talk it through at our next one-to-one.",
    "Shadow a colleague who works at the next level for a morning.",
]


def seed_development() -> None:
    framework = published_framework()
    if framework is None:
        return
    head = User.objects.filter(groups__name="Head of digital").order_by("pk").first()
    resources_import_csv(text=FIXTURE.read_text(), framework=framework, by=head)
    _mandatory(head)
    manager = User.objects.filter(email=MANAGER_EMAIL).first()
    staff = StaffProfile.objects.filter(user__email=STAFF_EMAIL).first()
    if staff is not None:
        closed = _latest(staff, closed=True)
        if closed is not None:
            _plan(closed, DevelopmentPlan.Status.AGREED, manager, datetime.date(2026, 12, 18))
    if manager is not None:
        for report in (
            StaffProfile.objects.filter(line_manager__user=manager)
            .exclude(user__email=STAFF_EMAIL)
            .order_by("user__email")
        ):
            current = _latest(report, closed=False)
            if current is not None and plan_gaps(current):
                _plan(current, DevelopmentPlan.Status.SUBMITTED, None, datetime.date(2027, 2, 26))
                break


def _latest(person: StaffProfile, *, closed: bool) -> Assessment | None:
    return (
        Assessment.objects.filter(
            person=person,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.REVIEWED],
            cycle__state="closed" if closed else "open",
        )
        .select_related("cycle")
        .order_by("-cycle__opens_on")
        .first()
    )


def _plan(
    assessment: Assessment, status: str, agreed_by: User | None, due_on: datetime.date
) -> None:
    if DevelopmentPlan.objects.filter(assessment=assessment).exists():
        return
    gaps = plan_gaps(assessment)[:2]
    if not gaps:
        return
    now = timezone.now()
    plan = DevelopmentPlan.objects.create(
        assessment=assessment,
        status=status,
        submitted_at=now,
        decided_at=now if agreed_by else None,
        decided_by=agreed_by,
        reviewer_comment="A good, short plan: let's check in on it monthly." if agreed_by else "",
    )
    for index, gap in enumerate(gaps):
        focus = FocusSkill.objects.create(
            plan=plan, skill=gap.skill, level_then=gap.level, target=gap.target
        )
        resource = LearningResource.objects.filter(
            skill_slug=gap.skill.slug, level=gap.level + 1
        ).first()
        PlanAction.objects.create(
            focus=focus,
            resource=resource,
            task=TASKS[index % len(TASKS)],
            due_on=due_on,
            done_on=due_on - datetime.timedelta(days=30) if agreed_by and index == 0 else None,
        )


MANDATORY = [
    ("https://www.ncsc.gov.uk/training/top-tips-for-staff-web", datetime.date(2026, 11, 13)),
    (
        "https://ico.org.uk/for-organisations/advice-for-small-organisations/",
        datetime.date(2027, 1, 29),
    ),
]


def _mandatory(head: User | None) -> None:
    """The two mandatory resources, for all staff: the first past its date, done by about half
    of the organisation (staff@ among those who have not)."""
    tier = published_framework().tiers.order_by("number").first()
    for url, due_on in MANDATORY:
        resource = LearningResource.objects.filter(url=url).first()
        if resource is None or tier is None:
            continue
        MandatoryLearning.objects.get_or_create(
            resource=resource,
            tier_slug=tier.slug,
            defaults={"due_on": due_on, "created_by": head},
        )
    first = LearningResource.objects.filter(url=MANDATORY[0][0]).first()
    if first is None or LearningCompletion.objects.filter(resource=first).exists():
        return
    people = StaffProfile.objects.active().exclude(user__email=STAFF_EMAIL).order_by("user__email")
    LearningCompletion.objects.bulk_create(
        LearningCompletion(person=person, resource=first, completed_on=datetime.date(2026, 11, 6))
        for person in list(people)[::2]
    )
