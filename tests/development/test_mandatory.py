"""Mandatory learning: a head makes a resource mandatory for a tier (and those above it) or a
role by a date; people mark it done; overdue learning is reminded with the cycle reminders."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from capability.models import RoleProfile
from development import services
from development.models import LearningCompletion, LearningResource
from development.selectors import mandatory_for
from tests.assessments.journey import committed

pytestmark = pytest.mark.usefixtures("officers")

DUE = datetime.date(2026, 11, 30)


@pytest.fixture
def privacy(db) -> LearningResource:
    return LearningResource.objects.create(
        skill_slug="all-staff-skill-0", level=1, title="Data privacy", url="https://example.org/p"
    )


def titles(person) -> list[str]:
    return [item.resource.title for item in mandatory_for(person)]


def test_a_tier_covers_that_tier_and_those_above_and_a_role_only_that_role(
    privacy, alice, manager, head, framework
):
    leaders = LearningResource.objects.create(
        skill_slug="all-staff-skill-0", level=2, title="Leading", url="https://example.org/l"
    )
    services.mandatory_assign(resource=privacy, due_on=DUE, by=head, tier_slug="all-staff")
    services.mandatory_assign(resource=leaders, due_on=DUE, by=head, tier_slug="service-managers")
    manager.role_profile = RoleProfile.objects.get(framework=framework, slug="manager")
    manager.save()
    assert titles(alice) == ["Data privacy"]
    assert titles(manager) == ["Data privacy", "Leading"]
    privacy.refresh_from_db()
    assert privacy.mandatory  # marking it mandatory for someone makes it a mandatory resource

    services.mandatory_assign(resource=leaders, due_on=DUE, by=head, role_slug="officer")
    assert titles(alice) == ["Data privacy", "Leading"]


def test_a_tier_or_a_role_must_be_chosen(privacy, head):
    with pytest.raises(services.DevelopmentError, match="a tier or a role"):
        services.mandatory_assign(resource=privacy, due_on=DUE, by=head)
    with pytest.raises(services.DevelopmentError, match="a tier or a role"):
        services.mandatory_assign(
            resource=privacy, due_on=DUE, by=head, tier_slug="all-staff", role_slug="officer"
        )


def test_people_mark_their_mandatory_learning_done_and_only_their_own(
    client_for, privacy, alice, bob, head
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    services.mandatory_assign(resource=privacy, due_on=yesterday, by=head, role_slug="officer")
    other = LearningResource.objects.create(
        skill_slug="all-staff-skill-1", level=1, title="Not for you", url="https://example.org/n"
    )
    client = client_for(alice)
    assert "Data privacy" in client.get("/development/mandatory/").content.decode()
    assert client.post(f"/development/mandatory/{privacy.pk}/done/").status_code == 302
    assert client.post(f"/development/mandatory/{other.pk}/done/").status_code == 404
    assert list(LearningCompletion.objects.values_list("person", "resource")) == [
        (alice.pk, privacy.pk)
    ]
    assert "Done" in client.get("/development/mandatory/").content.decode()
    # Its date has passed and Bob has not done it.
    assert "Overdue" in client_for(bob).get("/development/mandatory/").content.decode()


def test_only_heads_of_digital_make_learning_mandatory(client_for, privacy, alice, manager, head):
    assignment = services.mandatory_assign(
        resource=privacy, due_on=DUE, by=head, tier_slug="all-staff"
    )
    for person in (alice, manager):
        client = client_for(person)
        assert client.get("/development/mandatory/manage/").status_code == 403
        url = f"/development/mandatory/manage/{assignment.pk}/remove/"
        assert client.post(url).status_code == 404
    page = (
        client_for(head)
        .post(
            "/development/mandatory/manage/",
            {
                "resource": privacy.pk,
                "audience": "tier:nowhere",
                "due_on_0": "",
                "due_on_1": "",
                "due_on_2": "",
            },
        )
        .content.decode()
    )
    assert "Choose one of the tiers or role profiles shown" in page
    assert "Enter the date it must be completed by" in page
    added = client_for(head).post(
        "/development/mandatory/manage/",
        {
            "resource": privacy.pk,
            "audience": "role:officer",
            "due_on_0": "31",
            "due_on_1": "1",
            "due_on_2": "2027",
        },
    )
    assert added.status_code == 302
    assert privacy.assignments.count() == 2


def test_overdue_learning_is_reminded_on_the_cycle_reminder_days_once(
    open_cycle, privacy, alice, bob, head
):
    services.mandatory_assign(resource=privacy, due_on=DUE, by=head, role_slug="officer")
    services.learning_mark_done(person=bob, resource=privacy, done=True, today=DUE)
    seven_days_before = open_cycle.closes_on - datetime.timedelta(days=7)
    assert services.mandatory_queue_reminders(today=seven_days_before - datetime.timedelta(1)) == 0
    mail.outbox.clear()
    with committed():
        queued = services.mandatory_queue_reminders(today=seven_days_before)
    # Alice, Charlie and Mary are officers who have not done it; Bob has.
    assert queued == 3
    assert "bob@example.org" not in {email.to[0] for email in mail.outbox}
    alice_email = next(email for email in mail.outbox if email.to == ["alice@example.org"])
    assert "Data privacy" in alice_email.body
    assert "/development/mandatory/" in alice_email.body
    assert services.mandatory_queue_reminders(today=seven_days_before) == 0  # once


def test_nothing_is_reminded_before_the_date(open_cycle, privacy, head):
    later = open_cycle.closes_on
    services.mandatory_assign(resource=privacy, due_on=later, by=head, role_slug="officer")
    seven_days_before = open_cycle.closes_on - datetime.timedelta(days=7)
    assert services.mandatory_queue_reminders(today=seven_days_before) == 0
