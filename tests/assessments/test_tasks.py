import datetime

import pytest
from django.conf import settings
from django.core import mail

from assessments import services
from assessments.models import Assessment, Cycle
from assessments.tasks import daily_cycle_housekeeping
from outbox.models import Email
from people.models import StaffProfile
from tests.assessments.journey import committed, submitted

pytestmark = pytest.mark.usefixtures("officers")


@pytest.fixture
def on_day(monkeypatch):
    def set_today(day: datetime.date) -> None:
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)

    return set_today


@pytest.fixture
def invited(open_cycle, officers):
    """Everyone was asked and invited when the cycle opened (those emails are not under test)."""
    with committed():
        services.cycle_ask_people(cycle=open_cycle)
        services.cycle_queue_invitations(cycle=open_cycle)
    mail.outbox.clear()


def housekeeping() -> dict:
    """The daily task, as beat runs it: its transaction commits, so the outbox sends."""
    with committed():
        return daily_cycle_housekeeping.delay().get()


def recipients() -> list[str]:
    return sorted(message.to[0] for message in mail.outbox)


def test_the_daily_task_is_the_one_in_the_beat_schedule():
    scheduled = settings.CELERY_BEAT_SCHEDULE["daily-cycle-housekeeping"]["task"]
    assert daily_cycle_housekeeping.name == scheduled


def test_seven_days_before_closing_people_who_have_not_submitted_are_reminded(
    invited, on_day, open_cycle, alice, bob, charlie, manager
):
    submitted(open_cycle, alice)
    mail.outbox.clear()
    on_day(datetime.date(2026, 12, 12))  # the cycle closes on 19 December
    result = housekeeping()
    assert result == {"closed": [], "reminders_queued": 3}
    assert recipients() == ["bob@example.org", "charlie@example.org", "mary@example.org"]
    assert "closes in 7 days" in mail.outbox[0].subject


def test_running_the_daily_task_twice_sends_nothing_twice(invited, on_day, open_cycle, alice, bob):
    on_day(datetime.date(2026, 12, 13))
    housekeeping()
    sent = len(mail.outbox)
    housekeeping()
    assert len(mail.outbox) == sent == 4
    assert Email.objects.filter(key__startswith="reminder-7_days:").count() == 4


def test_two_days_before_closing_a_second_reminder_goes(invited, on_day, open_cycle, alice):
    on_day(datetime.date(2026, 12, 12))
    housekeeping()
    mail.outbox.clear()
    on_day(datetime.date(2026, 12, 17))
    housekeeping()
    assert "alice@example.org" in recipients()
    assert all("closes in 2 days" in message.subject for message in mail.outbox)
    on_day(datetime.date(2026, 12, 18))
    mail.outbox.clear()
    housekeeping()
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("day", "subject", "body"),
    [
        (17, "closes in 2 days", "It closes on Saturday 19 December 2026"),
        (18, "closes tomorrow", "It closes tomorrow, Saturday 19 December 2026"),
        (19, "closes today", "It closes today, Saturday 19 December 2026"),
    ],
)
def test_the_last_reminder_says_plainly_when_the_cycle_closes(
    settings, invited, on_day, open_cycle, alice, day, subject, body
):
    settings.SERVICE_URL = "https://capability.example.gov.uk"
    on_day(datetime.date(2026, 12, day))
    housekeeping()
    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert message.subject == f"Reminder: your 2026 Q4 self-assessment {subject}"
    assert body in message.body
    assert "https://capability.example.gov.uk/assessments/mine/" in message.body


def test_the_manager_is_emailed_a_link_to_review_when_a_report_submits(
    settings, open_cycle, alice, manager
):
    settings.SERVICE_URL = "https://capability.example.gov.uk"
    assessment = submitted(open_cycle, alice)
    [message] = mail.outbox
    assert message.to == ["mary@example.org"]
    assert message.subject == "Alice Adams has submitted their 2026 Q4 self-assessment"
    assert f"https://capability.example.gov.uk/assessments/review/{assessment.pk}/" in message.body


def test_a_line_manager_who_has_left_is_not_emailed_when_a_report_submits(
    open_cycle, alice, manager
):
    StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    submitted(open_cycle, alice)
    assert [message.to for message in mail.outbox] == []


def test_no_reminder_goes_earlier_than_seven_days_before(invited, on_day, open_cycle, alice):
    on_day(datetime.date(2026, 12, 1))
    assert housekeeping()["reminders_queued"] == 0
    assert mail.outbox == []


def test_cycles_past_their_closing_date_are_closed_and_nobody_is_reminded(
    on_day, open_cycle, alice
):
    on_day(datetime.date(2026, 12, 20))
    result = housekeeping()
    assert result == {"closed": ["2026 Q4"], "reminders_queued": 0}
    open_cycle.refresh_from_db()
    assert open_cycle.state == Cycle.State.CLOSED
    assert mail.outbox == []


def test_the_invitation_task_sends_links_to_the_service(settings, open_cycle, alice):
    settings.SERVICE_URL = "https://capability.example.gov.uk"
    with committed():
        services.cycle_ask_people(cycle=open_cycle)
        services.cycle_queue_invitations(cycle=open_cycle)
    message = next(m for m in mail.outbox if m.to == ["alice@example.org"])
    assert "https://capability.example.gov.uk/assessments/mine/" in message.body
    assert "closes on 19 December 2026" in message.body


def test_the_review_email_links_to_the_results(settings, open_cycle, alice, manager):
    from tests.assessments.journey import committed

    settings.SERVICE_URL = "https://capability.example.gov.uk"
    assessment = submitted(open_cycle, alice)
    mail.outbox.clear()
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in assessment.ratings.all()
    }
    with committed():
        services.assessment_review(
            assessment=assessment, reviewer=manager.user, decisions=decisions
        )
    assert mail.outbox[0].to == ["alice@example.org"]
    assert (
        f"https://capability.example.gov.uk/assessments/results/{assessment.pk}/"
        in mail.outbox[0].body
    )
    assert Assessment.objects.get().status == Assessment.Status.REVIEWED
