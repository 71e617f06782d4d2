import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from capability.models import Framework, Skill
from capability.services import framework_create_draft, framework_export_json
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db


@pytest.fixture
def published() -> Framework:
    return framework_with_skills(version="v1")


@pytest.fixture
def draft(published) -> Framework:
    return framework_create_draft(source=published, version="v2")


def manage_urls(framework: Framework) -> list[tuple[str, str]]:
    """Every page that changes or manages the framework, as (method, url)."""
    skill = framework.skills.first()
    role = framework.roles.first()
    urls = [
        reverse("capability:manage"),
        reverse("capability:draft_create"),
        reverse("capability:import_json"),
        reverse("capability:import_ddat"),
        reverse("capability:import_sfia"),
        reverse("capability:version", args=[framework.pk]),
        reverse("capability:compare", args=[framework.pk]),
        reverse("capability:publish", args=[framework.pk]),
        reverse("capability:export", args=[framework.pk]),
        reverse("capability:skill_add", args=[framework.pk]),
        reverse("capability:skill_edit", args=[framework.pk, skill.pk]),
        reverse("capability:skill_link", args=[framework.pk, skill.pk]),
        reverse("capability:import_skills", args=[framework.pk]),
        reverse("capability:role_targets", args=[framework.pk, role.pk]),
    ]
    return [(method, url) for url in urls for method in ("get", "post")]


@pytest.mark.parametrize("who", ["alice", "manager", "leader"])
def test_only_heads_of_digital_can_manage_the_framework(request, client_for, who, draft):
    client = client_for(request.getfixturevalue(who))
    for method, url in manage_urls(draft):
        assert getattr(client, method)(url).status_code == 403, (method, url)
    draft.refresh_from_db()
    assert draft.status == Framework.Status.DRAFT
    assert Framework.objects.count() == 2


def test_wrong_ids_are_not_found_for_a_head(client_for, head, draft, published):
    client = client_for(head)
    other_skill = published.skills.first()
    other_role = published.roles.first()
    for url in [
        reverse("capability:version", args=[99999]),
        reverse("capability:publish", args=[99999]),
        reverse("capability:export", args=[99999]),
        reverse("capability:skill_edit", args=[draft.pk, 99999]),
        reverse("capability:skill_edit", args=[draft.pk, other_skill.pk]),
        reverse("capability:role_targets", args=[draft.pk, other_role.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_the_versions_page_lists_every_version_with_its_status(client_for, head, draft):
    page = client_for(head).get(reverse("capability:manage")).content.decode()
    assert "Test framework v1" in page
    assert "Test framework v2" in page
    assert ">Published<" in page
    assert ">Draft<" in page


def test_a_head_creates_a_draft_from_the_published_version(client_for, head, published):
    response = client_for(head).post(reverse("capability:draft_create"), {"version": "v9"})
    new = Framework.objects.get(version="v9")
    assert response.status_code == 302
    assert response["Location"] == reverse("capability:version", args=[new.pk])
    assert new.status == Framework.Status.DRAFT
    assert new.skills.count() == published.skills.count()


def test_creating_a_draft_with_a_version_in_use_is_refused(client_for, head, published):
    response = client_for(head).post(reverse("capability:draft_create"), {"version": "v1"})
    assert response.status_code == 200
    assert "A version called &quot;v1&quot; already exists" in response.content.decode()
    assert Framework.objects.count() == 1


def test_a_head_edits_a_skill_and_its_descriptors_in_a_draft(client_for, head, draft):
    skill = draft.skills.get(slug="all-staff-skill-0")
    response = client_for(head).post(
        reverse("capability:skill_edit", args=[draft.pk, skill.pk]),
        {
            "name": "Using data well",
            "description": "New description",
            "area": draft.areas.get(slug="security").pk,
            "tier": draft.tiers.get(slug="service-managers").pk,
            "descriptor_1": "You can spot data.",
            "descriptor_2": "",
            "descriptor_3": "You can use data.",
            "descriptor_4": "You can lead on data.",
        },
    )
    assert response.status_code == 302
    skill.refresh_from_db()
    assert skill.name == "Using data well"
    assert skill.area.slug == "security"
    assert skill.tier.slug == "service-managers"
    texts = dict(skill.descriptors.values_list("level__number", "text"))
    assert texts == {1: "You can spot data.", 3: "You can use data.", 4: "You can lead on data."}


def test_editing_a_skill_with_no_name_shows_an_error_summary(client_for, head, draft):
    skill = draft.skills.first()
    response = client_for(head).post(
        reverse("capability:skill_edit", args=[draft.pk, skill.pk]),
        {"name": "", "area": skill.area_id, "tier": skill.tier_id},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter a name for the skill" in page
    skill.refresh_from_db()
    assert skill.name != ""


def test_a_head_adds_a_skill_to_a_draft(client_for, head, draft):
    response = client_for(head).post(
        reverse("capability:skill_add", args=[draft.pk]),
        {
            "name": "Open data",
            "description": "Publishing data openly",
            "area": draft.areas.get(slug="data").pk,
            "tier": draft.tiers.get(slug="all-staff").pk,
            "descriptor_1": "You can find open data.",
        },
    )
    assert response.status_code == 302
    skill = draft.skills.get(slug="open-data")
    assert skill.descriptors.get().text == "You can find open data."


def test_a_head_sets_and_clears_role_targets(client_for, head, draft):
    role = draft.roles.get(slug="manager")
    skills = {skill.slug: skill for skill in draft.skills.all()}
    level_3 = draft.levels.get(number=3)
    data = {f"skill_{skill.pk}": "" for skill in skills.values()}
    data[f"skill_{skills['all-staff-skill-1'].pk}"] = str(level_3.pk)
    response = client_for(head).post(
        reverse("capability:role_targets", args=[draft.pk, role.pk]), data
    )
    assert response.status_code == 302
    targets = dict(role.targets.values_list("skill__slug", "level__number"))
    assert targets == {"all-staff-skill-1": 3}


def test_published_and_retired_versions_cannot_be_edited(client_for, head, published):
    client = client_for(head)
    skill = published.skills.first()
    url = reverse("capability:skill_edit", args=[published.pk, skill.pk])
    response = client.post(url, {"name": "Hacked", "area": skill.area_id, "tier": skill.tier_id})
    assert response.status_code == 403
    assert "This version cannot be changed" in response.content.decode()
    skill.refresh_from_db()
    assert skill.name != "Hacked"
    assert client.post(reverse("capability:publish", args=[published.pk])).status_code == 403


def test_compare_lists_added_removed_and_changed_skills_and_targets(client_for, head, draft):
    from capability.models import RoleTarget

    draft.skills.get(slug="senior-leaders-skill-1").delete()
    changed = draft.skills.get(slug="all-staff-skill-0")
    changed.name = "Renamed skill"
    changed.save()
    changed.descriptors.filter(level__number=2).update(text="You can do it differently.")
    Skill.objects.create(
        framework=draft,
        area=changed.area,
        tier=changed.tier,
        slug="brand-new",
        name="Brand new skill",
    )
    RoleTarget.objects.filter(role__framework=draft).update(level=draft.levels.get(number=3))
    page = client_for(head).get(reverse("capability:compare", args=[draft.pk])).content.decode()
    assert "Skills added (1)" in page and "Brand new skill" in page
    assert "Skills removed (1)" in page and "Senior leaders skill 1" in page
    assert "Skills changed (1)" in page and "Renamed skill" in page
    assert "2 Working" in page  # the changed descriptor's level
    assert "Targets changed (1)" in page
    assert "4 Expert" in page and "3 Practitioner" in page


def test_publishing_needs_confirmation_then_retires_the_old_version(
    client_for, head, draft, published
):
    client = client_for(head)
    url = reverse("capability:publish", args=[draft.pk])
    confirm = client.get(url).content.decode()
    assert "Version v1 will be retired" in confirm
    draft.refresh_from_db()
    assert draft.status == Framework.Status.DRAFT
    response = client.post(url)
    assert response.status_code == 302
    draft.refresh_from_db()
    published.refresh_from_db()
    assert draft.status == Framework.Status.PUBLISHED
    assert published.status == Framework.Status.RETIRED


def test_export_downloads_the_whole_framework_as_json(client_for, head, published):
    response = client_for(head).get(reverse("capability:export", args=[published.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="framework-v1.json"'
    assert json.loads(response.content) == framework_export_json(framework=published)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_importing_an_exported_framework_creates_an_identical_draft(client_for, head, published):
    data = framework_export_json(framework=published)
    data["version"] = "imported"
    response = client_for(head).post(
        reverse("capability:import_json"),
        {"file": upload("f.json", json.dumps(data).encode())},
    )
    imported = Framework.objects.get(version="imported")
    assert response.status_code == 302
    assert imported.status == Framework.Status.DRAFT
    assert framework_export_json(framework=imported) == data


def test_importing_malformed_json_says_so(client_for, head, published):
    response = client_for(head).post(
        reverse("capability:import_json"), {"file": upload("f.json", b'{"name": ')}
    )
    page = response.content.decode()
    assert "The selected file cannot be used: it is not valid JSON" in page
    assert Framework.objects.count() == 1


def test_importing_json_with_missing_keys_lists_them(client_for, head, published):
    data = framework_export_json(framework=published)
    data["version"] = "imported"
    del data["roles"]
    del data["areas"][0]["skills"][0]["name"]
    response = client_for(head).post(
        reverse("capability:import_json"),
        {"file": upload("f.json", json.dumps(data).encode())},
    )
    page = response.content.decode()
    assert "The file has 2 problems and nothing was imported" in page
    assert "The file is missing &quot;roles&quot;" in page
    assert "Skill 1 in area 1 is missing &quot;name&quot;" in page
    assert not Framework.objects.filter(version="imported").exists()


def test_importing_a_skills_csv_into_a_draft(client_for, head, draft):
    csv = b"Skill name,Description,Awareness,Working,Practitioner,Expert\nNew one,D,a,b,c,d\n"
    response = client_for(head).post(
        reverse("capability:import_skills", args=[draft.pk]),
        {
            "file": upload("skills.csv", csv),
            "area": draft.areas.get(slug="data").pk,
            "tier": draft.tiers.get(slug="all-staff").pk,
        },
    )
    assert response.status_code == 302
    assert draft.skills.filter(name="New one").exists()


def test_a_bad_skills_csv_lists_every_bad_row_and_imports_nothing(client_for, head, draft):
    csv = (
        b"Skill name,Description,Awareness,Working,Practitioner,Expert\n"
        b"Fine,D,a,b,c,d\n,D,a,b,c,d\nFine,D,a,b,c,d\n"
    )
    before = draft.skills.count()
    response = client_for(head).post(
        reverse("capability:import_skills", args=[draft.pk]),
        {
            "file": upload("skills.csv", csv),
            "area": draft.areas.get(slug="data").pk,
            "tier": draft.tiers.get(slug="all-staff").pk,
        },
    )
    page = response.content.decode()
    assert "2 problems found. Nothing was imported." in page
    assert "Enter a skill name" in page
    assert "is already on line 2 of this file" in page
    assert draft.skills.count() == before


def test_importing_json_with_repeated_slugs_lists_them_instead_of_failing(
    client_for, head, published
):
    data = framework_export_json(framework=published)
    data["version"] = "imported"
    data["roles"].append(dict(data["roles"][0]))
    response = client_for(head).post(
        reverse("capability:import_json"),
        {"file": upload("f.json", json.dumps(data).encode())},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<a href="#id_file">The file has 1 problem and nothing was imported.' in page
    assert f"repeats the slug &quot;{data['roles'][0]['slug']}&quot;" in page
    assert not Framework.objects.filter(version="imported").exists()
