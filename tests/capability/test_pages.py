import pytest
from django.urls import reverse

from capability.models import Framework, LevelDescriptor
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework() -> Framework:
    return framework_with_skills()


def test_the_framework_page_lists_skills_by_area(client_for, alice, framework):
    page = client_for(alice).get(reverse("capability:framework")).content.decode()
    assert "Test framework" in page
    assert "Senior leaders skill 1" in page
    assert page.index('<caption class="govuk-table__caption govuk-table__caption--m">Data') < (
        page.index("Security</caption>")
    )


def test_the_tier_filter_shows_that_tier_and_the_ones_below(client_for, alice, framework):
    response = client_for(alice).get(reverse("capability:framework"), {"tier": "service-managers"})
    page = response.content.decode()
    assert "All staff skill 0" in page
    assert "Service managers skill 1" in page
    assert "Senior leaders skill 0" not in page


def test_the_framework_page_says_when_nothing_is_published(client_for, alice):
    framework_with_skills(status=Framework.Status.DRAFT)
    page = client_for(alice).get(reverse("capability:framework")).content.decode()
    assert "No framework has been published yet" in page
    assert "All staff skill 0" not in page


def test_expected_page_shows_the_persons_role_tier_and_targets(client_for, alice, framework):
    alice.role_profile = framework.roles.get(slug="manager")
    alice.save()
    page = client_for(alice).get(reverse("capability:expected")).content.decode()
    assert "Service manager" in page
    assert "Service managers skill 0" in page
    assert "Senior leaders skill 0" not in page
    assert page.count("4 Expert") == 1  # the role's own target for one skill
    assert page.count("2 Working") == 3  # the tier default for the other three


def test_expected_page_treats_someone_without_a_role_as_the_lowest_tier(
    client_for, alice, framework
):
    page = client_for(alice).get(reverse("capability:expected")).content.decode()
    assert "You do not have a role in the framework yet" in page
    assert "you are treated as all staff" in page
    assert "All staff skill 1" in page
    assert "Service managers skill 0" not in page


def test_expected_page_finds_an_older_versions_role_by_slug(client_for, alice, framework):
    from capability.services import framework_create_draft, framework_publish

    alice.role_profile = framework.roles.get(slug="director")
    alice.save()
    framework_publish(framework=framework_create_draft(source=framework, version="next"))
    page = client_for(alice).get(reverse("capability:expected")).content.decode()
    assert "Director" in page
    assert "Senior leaders skill 1" in page


def test_a_skill_page_shows_every_level_and_says_when_a_descriptor_is_missing(
    client_for, alice, framework
):
    skill = framework.skills.get(slug="all-staff-skill-0")
    LevelDescriptor.objects.filter(skill=skill, level__number=3).delete()
    page = client_for(alice).get(reverse("capability:skill", args=[skill.pk])).content.decode()
    assert "You can do All staff skill 0 at Awareness." in page
    assert "You can do All staff skill 0 at Expert." in page
    assert "No description has been written for this level yet." in page


def test_a_skill_page_shows_the_next_level_after_the_persons_target(client_for, alice, framework):
    skill = framework.skills.get(slug="all-staff-skill-0")
    page = client_for(alice).get(reverse("capability:skill", args=[skill.pk])).content.decode()
    next_level = page.split("How to reach the next level")[1]
    assert "Your target of 2 Working is described above. Once you reach it," in next_level
    assert "3 Practitioner" in next_level
    assert "You can do All staff skill 0 at Practitioner." in next_level


def test_a_skill_page_can_start_from_the_level_someone_is_at(client_for, alice, framework):
    skill = framework.skills.get(slug="all-staff-skill-0")
    url = reverse("capability:skill", args=[skill.pk])
    page = client_for(alice).get(url, {"level": "1"}).content.decode()
    next_level = page.split("How to reach the next level")[1]
    assert "You are at 1 Awareness" in next_level
    assert "You can do All staff skill 0 at Working." in next_level


def test_a_skill_page_of_a_draft_is_hidden_from_staff(client_for, alice, head, framework):
    draft = framework_with_skills(status=Framework.Status.DRAFT)
    skill = draft.skills.first()
    url = reverse("capability:skill", args=[skill.pk])
    assert client_for(alice).get(url).status_code == 404
    assert client_for(head).get(url).status_code == 200


def test_a_missing_skill_is_not_found(client_for, alice, framework):
    assert client_for(alice).get(reverse("capability:skill", args=[99999])).status_code == 404


def test_the_framework_pages_need_sign_in(client, framework):
    response = client.get(reverse("capability:framework"))
    assert response.status_code == 302
    assert "/sign-in/" in response["Location"]
