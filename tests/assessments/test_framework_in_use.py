"""An open cycle keeps the framework version it opened with until it closes: a version published
mid-cycle changes neither what people are assessed on nor what the framework pages tell them."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.services import cycle_close
from capability.models import Framework, LevelDescriptor
from capability.services import framework_create_draft, framework_publish
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db

OLD_TEXT = "You can do Service managers skill 0 at Working."
NEW_TEXT = "You can run Service managers skill 0 for a whole service."


@pytest.fixture
def framework(db) -> Framework:
    return framework_with_skills(version="autumn")


@pytest.fixture
def manager_role(alice, framework):
    alice.role_profile = framework.roles.get(slug="manager")
    alice.save()
    return alice.role_profile


@pytest.fixture
def winter(framework, open_cycle, manager_role) -> Framework:
    """A newer version, with new text for one descriptor and one role, published mid-cycle."""
    draft = framework_create_draft(source=framework, version="winter")
    LevelDescriptor.objects.filter(
        skill__framework=draft, skill__slug="service-managers-skill-0", level__number=2
    ).update(text=NEW_TEXT)
    draft.roles.filter(slug="manager").update(description="Runs the winter service.")
    return framework_publish(framework=draft)


def page(client, name: str, *args: int) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    return response.content.decode()


def test_what_is_expected_shows_the_open_cycles_version(client_for, alice, winter):
    text = page(client_for(alice), "capability:expected")
    assert "version autumn" in text
    assert "the open assessment cycle uses it until the cycle closes" in text
    assert "Version winter, published since, applies from the next cycle" in text


def test_the_skill_page_linked_in_the_open_cycle_shows_its_versions_text(
    client_for, alice, framework, winter
):
    client = client_for(alice)
    skill = framework.skills.get(slug="service-managers-skill-0")
    assert reverse("capability:skill", args=[skill.pk]) in page(client, "capability:expected")
    text = page(client, "capability:skill", skill.pk)
    assert OLD_TEXT in text and NEW_TEXT not in text
    assert "not the one in use now" not in text


def test_the_newly_published_skill_says_it_is_not_the_one_in_use_yet(client_for, alice, winter):
    skill = winter.skills.get(slug="service-managers-skill-0")
    text = page(client_for(alice), "capability:skill", skill.pk)
    assert "published version winter of the framework, not the one in use now" in text
    assert "(version autumn)" in text


def test_the_role_pages_show_the_open_cycles_version(client_for, alice, manager_role, winter):
    client = client_for(alice)
    roles = page(client, "capability:role_families")
    assert reverse("capability:role_level", args=[manager_role.pk]) in roles
    mine = page(client, "capability:role_level", manager_role.pk)
    assert "Runs the winter service." not in mine
    assert "not the one in use now" not in mine


def test_the_framework_page_shows_the_open_cycles_version(client_for, alice, winter):
    text = page(client_for(alice), "capability:framework")
    assert "Version autumn" in text and "Version winter, published since" in text


def test_once_the_cycle_closes_people_see_the_published_version(
    client_for, alice, open_cycle, manager_role, winter
):
    cycle_close(cycle=open_cycle)
    client = client_for(alice)
    expected = page(client, "capability:expected")
    assert "version winter" in expected and "published since" not in expected
    new_skill = winter.skills.get(slug="service-managers-skill-0")
    assert reverse("capability:skill", args=[new_skill.pk]) in expected
    assert NEW_TEXT in page(client, "capability:skill", new_skill.pk)
    new_role = winter.roles.get(slug="manager")
    assert reverse("capability:role_level", args=[new_role.pk]) in page(
        client, "capability:role_families"
    )
    assert "Runs the winter service." in page(client, "capability:role_level", new_role.pk)
    old_skill = open_cycle.framework.skills.get(slug="service-managers-skill-0")
    assert "retired version autumn of the framework, not the one in use now" in page(
        client, "capability:skill", old_skill.pk
    )


def test_the_journey_and_the_pages_agree_on_the_version(client_for, alice, open_cycle, winter):
    from assessments.selectors import framework_in_use, scope_for_person
    from capability.selectors import framework_in_use as pages_version

    assert framework_in_use() == pages_version() == open_cycle.framework
    skills = scope_for_person(person=alice, framework=pages_version()).skills
    assert {skill.framework_id for skill in skills} == {open_cycle.framework_id}
