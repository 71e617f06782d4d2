"""Names that reach email subjects, and a mail relay that cannot be reached."""

import pytest
from django.core import mail
from django.core.mail import EmailMessage

from assessments import emails, services
from assessments.models import Assessment, Cycle
from tests.assessments.journey import answer_all, committed


def test_an_email_subject_is_always_one_line(open_cycle, alice):
    Cycle.objects.filter(pk=open_cycle.pk).update(name="2026\r\nQ4\x07")
    alice.user.full_name = "Alice\nBcc: everyone@example.org"
    alice.user.save()
    open_cycle.refresh_from_db()
    email = emails.invitation(open_cycle, alice)
    assert "\n" not in email.subject and "\r" not in email.subject
    # Building the headers: a line break would raise BadHeaderError here.
    EmailMessage(email.subject, email.body, to=[email.to]).message()


def test_a_submission_is_saved_and_confirmed_when_the_mail_relay_is_down(
    client_for, alice, open_cycle, framework, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    with committed():
        response = client_for(alice).post(f"/assessments/mine/{assessment.pk}/check/", follow=True)
    assert response.status_code == 200
    assert "Self-assessment submitted" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


@pytest.mark.django_db
def test_a_cycle_name_with_a_line_break_is_refused(client_for, head, framework):
    from tests.assessments.test_cycles import cycle_post

    response = client_for(head).post(
        "/assessments/cycles/new/", cycle_post(name="2027\nQ1", framework=framework)
    )
    assert "Name must not contain line breaks or control characters" in response.content.decode()
    assert not Cycle.objects.exists()
    assert not mail.outbox
