import pytest
from django.urls import reverse

from capability.models import Framework
from tests.factories import UserFactory, framework_with_skills

pytestmark = pytest.mark.django_db

MODELS = [
    "framework",
    "level",
    "tier",
    "capabilityarea",
    "skill",
    "leveldescriptor",
    "roleprofile",
    "roletarget",
]


@pytest.fixture
def admin_client_for_superuser(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def test_every_capability_model_is_in_the_admin(admin_client_for_superuser):
    framework_with_skills()
    for model in MODELS:
        url = reverse(f"admin:capability_{model}_changelist")
        assert admin_client_for_superuser.get(url).status_code == 200, model


def test_a_published_skill_is_read_only_in_the_admin(admin_client_for_superuser):
    framework = framework_with_skills()
    skill = framework.skills.first()
    url = reverse("admin:capability_skill_change", args=[skill.pk])
    response = admin_client_for_superuser.post(
        url, {"name": "Changed in admin", "slug": skill.slug}
    )
    assert response.status_code == 403
    skill.refresh_from_db()
    assert skill.name != "Changed in admin"


def test_a_draft_skill_can_be_opened_for_editing_in_the_admin(admin_client_for_superuser):
    draft = framework_with_skills(status=Framework.Status.DRAFT)
    skill = draft.skills.first()
    url = reverse("admin:capability_skill_change", args=[skill.pk])
    page = admin_client_for_superuser.get(url).content.decode()
    assert 'name="_save"' in page
