from datetime import date

import pytest
from django.urls import reverse

from roadmap.models import Initiative, Milestone
from tests.factories import framework_with_skills


@pytest.fixture
def apprentices(head):
    initiative = Initiative.objects.create(
        title="Digital apprenticeship programme",
        owner=head,
        status="in_progress",
        horizon="now",
        start_on=date(2026, 4, 1),
        end_on=date(2027, 3, 31),
    )
    Milestone.objects.create(
        initiative=initiative, title="First cohort starts", due_on=date(2026, 9, 14), done=True
    )
    return initiative


@pytest.fixture
def pay_review(head):
    return Initiative.objects.create(
        title="Pay review against SFIA", owner=head, status="paused", horizon="next"
    )


def initiative_data(**overrides):
    data = {
        "title": "Career pathways",
        "summary": "Clear pathways.",
        "status": "planned",
        "horizon": "next",
        "start_on_0": "1",
        "start_on_1": "10",
        "start_on_2": "2026",
        "end_on_0": "30",
        "end_on_1": "6",
        "end_on_2": "2027",
    }
    return data | overrides


def test_staff_see_the_roadmap_by_horizon(client_for, alice, apprentices, pay_review):
    response = client_for(alice).get(reverse("roadmap:list"))
    page = response.content.decode()
    assert response.status_code == 200
    now, after_now = page.split('id="horizon-now"')[1].split('id="horizon-next"')
    assert "Digital apprenticeship programme" in now
    assert "Pay review against SFIA" in after_now
    assert "In progress" in now and "Paused" in after_now
    assert "Add an initiative" not in page


def test_the_timeline_is_an_svg_image_with_a_table_beneath(client_for, alice, apprentices):
    response = client_for(alice).get(reverse("roadmap:timeline"))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="img"' in page and 'aria-labelledby="timeline-title timeline-desc"' in page
    assert '<title id="timeline-title">Roadmap timeline by quarter</title>' in page
    assert "2026 Q2 to 2027 Q1" in page  # the table row
    assert 'style="' not in page


def test_staff_see_an_initiative_with_its_milestones(client_for, alice, apprentices):
    response = client_for(alice).get(reverse("roadmap:initiative", args=[apprentices.pk]))
    assert response.status_code == 200
    assert "First cohort starts" in response.content.decode()
    assert "14 September 2026" in response.content.decode()


def test_an_unknown_initiative_is_not_found(client_for, alice):
    response = client_for(alice).get(reverse("roadmap:initiative", args=[999999]))
    assert response.status_code == 404


def test_staff_cannot_see_unaddressed_gaps(client_for, alice):
    assert client_for(alice).get(reverse("roadmap:unaddressed")).status_code == 403


def test_leadership_see_unaddressed_gaps_even_before_any_cycle(client_for, leader):
    response = client_for(leader).get(reverse("roadmap:unaddressed"))
    assert response.status_code == 200
    assert "There is no self-assessment cycle yet" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("roadmap:initiative_create", []),
        ("roadmap:initiative_edit", ["initiative"]),
        ("roadmap:milestone_create", ["initiative"]),
        ("roadmap:milestone_edit", ["milestone"]),
    ],
)
def test_staff_and_leadership_cannot_change_the_roadmap(
    client_for, alice, leader, apprentices, name, args
):
    ids = {"initiative": apprentices.pk, "milestone": apprentices.milestones.get().pk}
    url = reverse(name, args=[ids[arg] for arg in args])
    for person in (alice, leader):
        assert client_for(person).get(url).status_code == 403
        assert client_for(person).post(url, initiative_data()).status_code == 403
    assert Initiative.objects.count() == 1
    assert Initiative.objects.get().title == "Digital apprenticeship programme"


def test_a_head_of_digital_adds_an_initiative_linked_to_skills(client_for, head):
    framework = framework_with_skills()
    skill = framework.skills.first()
    response = client_for(head).post(
        reverse("roadmap:initiative_create"),
        initiative_data(owner=head.pk, skills=[skill.pk], areas=[framework.areas.first().pk]),
    )
    initiative = Initiative.objects.get()
    assert response.status_code == 302
    assert (initiative.start_on, initiative.end_on) == (date(2026, 10, 1), date(2027, 6, 30))
    assert list(initiative.skills.all()) == [skill]


def test_an_end_date_before_the_start_is_refused(client_for, head):
    response = client_for(head).post(
        reverse("roadmap:initiative_create"),
        initiative_data(owner=head.pk, end_on_0="30", end_on_1="9", end_on_2="2026"),
    )
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in response.content.decode()
    assert not Initiative.objects.exists()


def test_the_database_refuses_an_end_date_before_the_start(head):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Initiative.objects.create(
            title="Backwards", owner=head, start_on=date(2026, 10, 1), end_on=date(2026, 9, 1)
        )


def test_an_initiative_without_a_title_gets_a_specific_error(client_for, head):
    response = client_for(head).post(
        reverse("roadmap:initiative_create"), initiative_data(owner=head.pk, title="")
    )
    assert "Enter the name of the initiative" in response.content.decode()


def test_a_head_of_digital_marks_a_milestone_done(client_for, head, apprentices):
    milestone = Milestone.objects.create(
        initiative=apprentices, title="Mentors in place", due_on=date(2026, 12, 18)
    )
    response = client_for(head).post(
        reverse("roadmap:milestone_edit", args=[milestone.pk]),
        {
            "title": "Mentors in place",
            "due_on_0": "18",
            "due_on_1": "12",
            "due_on_2": "2026",
            "done": "on",
        },
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.done


def test_a_milestone_without_a_due_date_gets_a_specific_error(client_for, head, apprentices):
    response = client_for(head).post(
        reverse("roadmap:milestone_create", args=[apprentices.pk]), {"title": "Something"}
    )
    assert "Enter the due date" in response.content.decode()
    assert apprentices.milestones.count() == 1


def test_initiatives_and_milestones_are_in_the_django_admin(admin_client):
    for model in ("initiative", "milestone"):
        assert admin_client.get(f"/admin/roadmap/{model}/").status_code == 200
