"""Emails about cycles and assessments, as outbox rows. Links use settings.SERVICE_URL: emails
leave the site.

Each email's key names its intent, so queueing it again (a retried request, a redelivered task, a
second housekeeping run) queues nothing more: one invitation per person per cycle, one reminder
of each kind, one "submitted" per submission, one "reviewed" per review and one "responded" per
answer to a review.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse

from assessments.models import Assessment, Cycle, LevelReview
from outbox.services import OutgoingEmail, render
from people.models import StaffProfile, User


def service_link(name: str, *args: object) -> str:
    return settings.SERVICE_URL.rstrip("/") + reverse(name, args=args)


def invitation_key(cycle: Cycle, person: StaffProfile) -> str:
    return f"invitation:{cycle.pk}:{person.pk}"


def reminder_key(cycle: Cycle, person: StaffProfile, kind: str) -> str:
    return f"reminder-{kind}:{cycle.pk}:{person.pk}"


def _email(key: str, kind: str, to: str, template: str, context: dict) -> OutgoingEmail:
    subject, body = render(template, context)
    return OutgoingEmail(key=key, kind=kind, to=to, subject=subject, body=body)


def invitation(cycle: Cycle, person: StaffProfile) -> OutgoingEmail:
    return _email(
        invitation_key(cycle, person),
        "invitation",
        person.user.email,
        "invitation",
        {"cycle": cycle, "person": person, "link": service_link("assessments:mine")},
    )


def reminder(cycle: Cycle, person: StaffProfile, kind: str, days_left: int) -> OutgoingEmail:
    return _email(
        reminder_key(cycle, person, kind),
        "reminder",
        person.user.email,
        "reminder",
        {
            "cycle": cycle,
            "person": person,
            "days_left": days_left,
            "link": service_link("assessments:mine"),
        },
    )


def submitted_to_manager(assessment: Assessment, manager: StaffProfile) -> OutgoingEmail:
    # A submission is identified by its time: one reopened and submitted again is news again.
    return _email(
        f"submitted:{assessment.pk}:{assessment.submitted_at:%Y%m%dT%H%M%S.%f}",
        "submitted",
        manager.user.email,
        "submitted",
        {
            "assessment": assessment,
            "manager": manager,
            "link": service_link("assessments:review", assessment.pk),
        },
    )


def reviewed_to_person(assessment: Assessment) -> OutgoingEmail:
    return _email(
        f"reviewed:{assessment.pk}:{assessment.reviewed_at:%Y%m%dT%H%M%S.%f}",
        "reviewed",
        assessment.person.user.email,
        "reviewed",
        {
            "assessment": assessment,
            "proposed": list(
                assessment.ratings.filter(review_state=LevelReview.PROPOSED).select_related("skill")
            ),
            "respond_link": service_link("assessments:respond", assessment.pk),
            "link": service_link("assessments:results_for", assessment.pk),
        },
    )


def responded_to_reviewer(
    assessment: Assessment, reviewer: User, responded_at: datetime.datetime
) -> OutgoingEmail:
    """To the reviewer: the person accepted or replied to the levels they proposed."""
    ratings = list(
        assessment.ratings.filter(replied_at=responded_at).select_related("skill", "proposed_level")
    )
    return _email(
        f"responded:{assessment.pk}:{responded_at:%Y%m%dT%H%M%S.%f}",
        "responded",
        reviewer.email,
        "responded",
        {
            "assessment": assessment,
            "reviewer": reviewer,
            "replies": ratings,
            "link": service_link("assessments:review", assessment.pk),
        },
    )
