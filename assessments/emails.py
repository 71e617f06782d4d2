"""Emails about cycles and assessments. Links use settings.SERVICE_URL: emails leave the site."""

from __future__ import annotations

import smtplib
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse

from assessments.models import Assessment, Cycle
from common.text import one_line
from people.models import StaffProfile

# What sending raises when the mail relay cannot be reached or refuses the message.
SEND_FAILURES = (OSError, smtplib.SMTPException)


def service_link(name: str, *args: object) -> str:
    return settings.SERVICE_URL.rstrip("/") + reverse(name, args=args)


def _message(template: str, to: str, context: dict[str, Any]) -> EmailMessage:
    context = {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        **context,
    }
    # A subject is one line: names with line breaks or control characters (refused at input,
    # but older rows may hold them) are flattened, never allowed to break the header.
    subject = one_line(render_to_string(f"emails/{template}_subject.txt", context))
    body = render_to_string(f"emails/{template}.txt", context)
    return EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def send_one(message: EmailMessage) -> None:
    get_connection().send_messages([message])


def invitation(cycle: Cycle, person: StaffProfile) -> EmailMessage:
    return _message(
        "invitation",
        person.user.email,
        {"cycle": cycle, "person": person, "link": service_link("assessments:mine")},
    )


def reminder(cycle: Cycle, person: StaffProfile, days_left: int) -> EmailMessage:
    return _message(
        "reminder",
        person.user.email,
        {
            "cycle": cycle,
            "person": person,
            "days_left": days_left,
            "link": service_link("assessments:mine"),
        },
    )


def submitted_to_manager(assessment: Assessment, manager: StaffProfile) -> EmailMessage:
    return _message(
        "submitted",
        manager.user.email,
        {
            "assessment": assessment,
            "manager": manager,
            "link": service_link("assessments:review", assessment.pk),
        },
    )


def reviewed_to_person(assessment: Assessment) -> EmailMessage:
    return _message(
        "reviewed",
        assessment.person.user.email,
        {
            "assessment": assessment,
            "link": service_link("assessments:results_for", assessment.pk),
        },
    )
