import datetime

import pytest
from django.core import mail

from assessments import services
from assessments.models import Cycle
from tests.assessments.journey import committed, submitted
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills


def cycle_post(name="2027 Q1", opens=(1, 1, 2027), closes=(20, 3, 2027), framework=None):
    return {
        "name": name,
        "opens_on_0": opens[0],
        "opens_on_1": opens[1],
        "opens_on_2": opens[2],
        "closes_on_0": closes[0],
        "closes_on_1": closes[1],
        "closes_on_2": closes[2],
        "framework": framework.pk if framework else "",
    }


def test_a_head_of_digital_creates_a_cycle(client_for, head, framework):
    response = client_for(head).post("/assessments/cycles/new/", cycle_post(framework=framework))
    cycle = Cycle.objects.get(name="2027 Q1")
    assert response.status_code == 302
    assert response.url == f"/assessments/cycles/{cycle.pk}/"
    assert (cycle.opens_on, cycle.closes_on, cycle.state) == (
        datetime.date(2027, 1, 1),
        datetime.date(2027, 3, 20),
        Cycle.State.DRAFT,
    )


def test_the_published_framework_is_chosen_by_default(client_for, head, framework):
    text = client_for(head).get("/assessments/cycles/new/").content.decode()
    assert f'value="{framework.pk}" selected' in text


def test_a_cycle_must_close_after_it_opens(client_for, head, framework):
    response = client_for(head).post(
        "/assessments/cycles/new/", cycle_post(closes=(1, 12, 2026), framework=framework)
    )
    assert "The closing date must be after the opening date" in response.content.decode()
    assert not Cycle.objects.exists()


def test_a_cycle_name_must_be_unique(client_for, head, open_cycle, framework):
    response = client_for(head).post(
        "/assessments/cycles/new/", cycle_post(name="2026 q4", framework=framework)
    )
    assert "There is already a cycle called 2026 q4" in response.content.decode()
    assert Cycle.objects.count() == 1


def test_a_draft_framework_cannot_be_chosen(client_for, head, framework):
    draft = framework_with_skills(status="draft")
    response = client_for(head).post("/assessments/cycles/new/", cycle_post(framework=draft))
    assert "Choose one of the published framework versions" in response.content.decode()
    assert not Cycle.objects.exists()


def test_opening_a_cycle_emails_invitations(client_for, head, framework, alice, bob):
    cycle = Cycle.objects.create(
        name="2027 Q1", opens_on="2027-01-01", closes_on="2027-03-20", framework=framework
    )
    with committed():
        response = client_for(head).post(f"/assessments/cycles/{cycle.pk}/open/", follow=True)
    assert "2027 Q1 is open" in response.content.decode()
    cycle.refresh_from_db()
    assert cycle.is_open
    assert {message.to[0] for message in mail.outbox} == {
        "alice@example.org",
        "bob@example.org",
        "mary@example.org",
    }


def test_opening_a_second_cycle_is_refused_with_a_message(client_for, head, open_cycle, framework):
    cycle = Cycle.objects.create(
        name="2027 Q1", opens_on="2027-01-01", closes_on="2027-03-20", framework=framework
    )
    response = client_for(head).post(f"/assessments/cycles/{cycle.pk}/open/")
    assert response.status_code == 400
    assert "Close 2026 Q4 before you open 2027 Q1" in response.content.decode()


def test_closing_a_cycle_makes_it_read_only(client_for, head, open_cycle):
    client = client_for(head)
    client.post(f"/assessments/cycles/{open_cycle.pk}/close/", {"confirm": "yes"})
    open_cycle.refresh_from_db()
    assert open_cycle.is_closed
    assert open_cycle.closed_by == head
    response = client.post(f"/assessments/cycles/{open_cycle.pk}/close/", {"confirm": "yes"})
    assert "2026 Q4 is not open, so it cannot be closed" in response.content.decode()
    response = client.post(f"/assessments/cycles/{open_cycle.pk}/open/")
    assert "a closed cycle cannot be opened again" in response.content.decode()


def test_closing_early_asks_first_and_says_who_has_not_submitted(
    client_for, head, open_cycle, alice, bob
):
    services.cycle_ask_people(cycle=open_cycle)
    client = client_for(head)
    detail = client.get(f"/assessments/cycles/{open_cycle.pk}/").content.decode()
    assert f'href="/assessments/cycles/{open_cycle.pk}/close/"' in detail
    page = client.get(f"/assessments/cycles/{open_cycle.pk}/close/").content.decode()
    asked = open_cycle.assessments.count()
    assert f"{asked} of the {asked} people asked have not submitted" in page
    assert "Yes, close 2026 Q4 now" in page
    client.post(f"/assessments/cycles/{open_cycle.pk}/close/")  # no confirmation: asks again
    open_cycle.refresh_from_db()
    assert open_cycle.is_open


def test_a_head_reopens_a_closed_cycle_with_a_new_closing_date(client_for, head, open_cycle):
    services.cycle_close(cycle=open_cycle)
    client = client_for(head)
    new_date = datetime.date.today() + datetime.timedelta(days=14)
    response = client.post(
        f"/assessments/cycles/{open_cycle.pk}/reopen/",
        {"closes_on_0": new_date.day, "closes_on_1": new_date.month, "closes_on_2": new_date.year},
        follow=True,
    )
    assert "2026 Q4 is open again" in response.content.decode()
    open_cycle.refresh_from_db()
    assert open_cycle.is_open
    assert open_cycle.closes_on == new_date
    assert open_cycle.reopened_by == head
    assert "Reopened" in response.content.decode()


def test_reopening_refuses_a_closing_date_in_the_past(client_for, head, open_cycle):
    services.cycle_close(cycle=open_cycle)
    past = datetime.date.today() - datetime.timedelta(days=1)
    response = client_for(head).post(
        f"/assessments/cycles/{open_cycle.pk}/reopen/",
        {"closes_on_0": past.day, "closes_on_1": past.month, "closes_on_2": past.year},
    )
    assert response.status_code == 400
    assert "The new closing date must be today or in the future" in response.content.decode()
    open_cycle.refresh_from_db()
    assert open_cycle.is_closed


def test_staff_cannot_close_or_reopen_a_cycle(client_for, alice, open_cycle):
    client = client_for(alice)
    assert client.get(f"/assessments/cycles/{open_cycle.pk}/close/").status_code == 403
    assert (
        client.post(f"/assessments/cycles/{open_cycle.pk}/close/", {"confirm": "yes"}).status_code
        == 403
    )
    services.cycle_close(cycle=open_cycle)
    assert client.post(f"/assessments/cycles/{open_cycle.pk}/reopen/").status_code == 403
    open_cycle.refresh_from_db()
    assert open_cycle.is_closed


@pytest.mark.usefixtures("officers")
def test_completion_is_shown_only_for_groups_of_enough_people(
    client_for, head, settings, open_cycle, alice, bob, manager, team, charlie
):
    settings.SMALL_GROUP_THRESHOLD = 4
    StaffProfileFactory.create_batch(2, team=team)  # Customer Services now has 5 people
    StaffProfileFactory.create_batch(4, team=TeamFactory(directorate__name="Resources"))
    services.cycle_ask_people(cycle=open_cycle)
    submitted(open_cycle, alice)
    text = client_for(head).get(f"/assessments/cycles/{open_cycle.pk}/completion/").content.decode()
    # Communities / Customer Services: 5 people, 1 submitted. Place / Planning: only charlie.
    assert ">20%<" in text
    assert "Communities – Customer Services" in text
    assert text.count(">fewer than 4 people<") == 2  # Place, and Place – Planning
    # Everyone minus Communities and Resources would be charlie alone: Resources, the smaller,
    # and its team are hidden too.
    assert text.count(">hidden to protect a small group<") == 2
