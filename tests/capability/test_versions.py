import json
from datetime import date

import pytest
from django.db import IntegrityError, transaction

from assessments.models import Cycle
from capability.models import Framework, LevelDescriptor, RoleTarget, Skill
from capability.services import (
    STARTER_FRAMEWORK,
    FrameworkDataInvalid,
    FrameworkNotEditable,
    framework_create_draft,
    framework_export_json,
    framework_load_json,
    framework_publish,
    role_targets_set,
    skill_update,
)
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db


def starter_data() -> dict:
    return json.loads(STARTER_FRAMEWORK.read_text(encoding="utf-8"))


def test_the_database_refuses_a_second_published_version():
    framework_with_skills()
    second = framework_with_skills(status=Framework.Status.DRAFT)
    second.status = Framework.Status.PUBLISHED
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_publishing_a_draft_retires_the_old_published_version():
    old = framework_with_skills()
    draft = framework_create_draft(source=old, version="next")
    framework_publish(framework=draft)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert old.status == Framework.Status.RETIRED
    assert old.retired_at is not None
    assert draft.status == Framework.Status.PUBLISHED
    assert list(Framework.objects.published()) == [draft]


def test_only_a_draft_can_be_published():
    published = framework_with_skills()
    with pytest.raises(FrameworkNotEditable):
        framework_publish(framework=published)
    retired = framework_with_skills(status=Framework.Status.RETIRED)
    with pytest.raises(FrameworkNotEditable):
        framework_publish(framework=retired)
    published.refresh_from_db()
    assert published.status == Framework.Status.PUBLISHED


def test_a_draft_copy_is_deep_and_equal_to_its_source():
    source = framework_with_skills()
    draft = framework_create_draft(source=source, version="next")
    assert draft.status == Framework.Status.DRAFT
    assert draft.based_on == source
    assert draft.skills.count() == source.skills.count() == 6
    assert LevelDescriptor.objects.filter(skill__framework=draft).count() == 24
    assert RoleTarget.objects.filter(role__framework=draft).count() == 1
    assert draft.roles.count() == 3
    source_data = framework_export_json(framework=source)
    assert framework_export_json(framework=draft) == {**source_data, "version": "next"}
    assert not Skill.objects.filter(framework=draft, pk__in=source.skills.values("pk")).exists()


def test_editing_a_draft_copy_leaves_the_published_version_alone():
    source = framework_with_skills()
    draft = framework_create_draft(source=source, version="next")
    skill = draft.skills.get(slug="all-staff-skill-0")
    skill_update(
        skill=skill,
        name="Renamed",
        description="New",
        area=skill.area,
        tier=skill.tier,
        descriptors={1: "", 2: "Changed descriptor."},
    )
    original = source.skills.get(slug="all-staff-skill-0")
    assert original.name == "All staff skill 0"
    assert original.descriptors.count() == 4
    assert original.descriptors.get(level__number=2).text.startswith("You can do")
    assert skill.descriptors.count() == 3


def test_a_published_version_cannot_be_edited():
    published = framework_with_skills()
    skill = published.skills.first()
    with pytest.raises(FrameworkNotEditable):
        skill_update(
            skill=skill,
            name="Renamed",
            description="",
            area=skill.area,
            tier=skill.tier,
            descriptors={},
        )
    role = published.roles.get(slug="officer")
    with pytest.raises(FrameworkNotEditable):
        role_targets_set(role=role, targets={skill.pk: published.levels.get(number=4)})
    skill.refresh_from_db()
    assert skill.name != "Renamed"
    assert not role.targets.exists()


def test_publishing_a_new_version_leaves_a_cycles_framework_unchanged():
    old = framework_with_skills()
    cycle = Cycle.objects.create(
        name="2026 Q1", opens_on=date(2026, 1, 1), closes_on=date(2026, 3, 31), framework=old
    )
    framework_publish(framework=framework_create_draft(source=old, version="next"))
    cycle.refresh_from_db()
    assert cycle.framework == old


def test_json_round_trip_is_exact():
    framework = framework_with_skills()
    data = framework_export_json(framework=framework)
    data["version"] = "copy"
    copy = framework_load_json(data=json.loads(json.dumps(data)))
    assert json.dumps(framework_export_json(framework=copy)) == json.dumps(data)


def test_the_starter_framework_loads_and_exports_back_to_the_same_document():
    data = starter_data()
    framework = framework_load_json(data=data, status=Framework.Status.PUBLISHED)
    assert framework.status == Framework.Status.PUBLISHED
    assert framework_export_json(framework=framework) == data


def test_loading_json_with_missing_keys_lists_every_problem_and_writes_nothing():
    data = starter_data()
    del data["levels"][1]["name"]
    del data["areas"][0]["skills"][0]["tier"]
    data["roles"][0]["targets"]["no-such-skill"] = 2
    with pytest.raises(FrameworkDataInvalid) as failure:
        framework_load_json(data=data)
    assert failure.value.errors == [
        'Level 2 is missing "name"',
        'Skill 1 in area 1 is missing "tier"',
        'Role 1 sets a target for an unknown skill "no-such-skill"',
    ]
    assert not Framework.objects.exists()


def test_loading_a_version_that_already_exists_is_refused():
    framework_load_json(data=starter_data())
    with pytest.raises(FrameworkDataInvalid, match="already exists"):
        framework_load_json(data=starter_data())
    assert Framework.objects.count() == 1


def test_loading_json_that_breaks_database_rules_lists_each_problem_and_writes_nothing():
    data = starter_data()
    data["version"] = "v" * 51
    data["levels"].append({"number": 1, "name": "Awareness"})
    data["tiers"][1]["slug"] = data["tiers"][0]["slug"]
    data["areas"][1]["slug"] = data["areas"][0]["slug"]
    data["roles"][1]["slug"] = data["roles"][0]["slug"]
    data["areas"][0]["skills"][0]["name"] = "n" * 201
    with pytest.raises(FrameworkDataInvalid) as failure:
        framework_load_json(data=data)
    problems = failure.value.errors
    assert 'The "version" of the file must be 50 characters or fewer' in problems
    assert 'Level 6 repeats the number "1" of an earlier level' in problems
    assert 'Level 6 repeats the name "Awareness" of an earlier level' in problems
    assert f'Tier 2 repeats the slug "{data["tiers"][0]["slug"]}" of an earlier tier' in problems
    assert f'Area 2 repeats the slug "{data["areas"][0]["slug"]}" of an earlier area' in problems
    assert f'Role 2 repeats the slug "{data["roles"][0]["slug"]}" of an earlier role' in problems
    assert 'The "name" of skill 1 in area 1 must be 200 characters or fewer' in problems
    assert not Framework.objects.exists()


def test_loading_json_with_values_of_the_wrong_type_says_so_instead_of_failing():
    data = starter_data()
    data["version"] = 2
    data["levels"][0]["number"] = -1
    data["areas"][0]["skills"][0]["slug"] = ["not", "text"]
    data["areas"][0]["skills"][1]["tier"] = {"slug": "all-staff"}
    data["roles"][0]["targets"][data["areas"][0]["skills"][2]["slug"]] = [3]
    with pytest.raises(FrameworkDataInvalid) as failure:
        framework_load_json(data=data)
    problems = failure.value.errors
    assert 'The file must have some text as its "version"' in problems
    assert 'Level 1 must have a whole number from 0 to 32767 as its "number"' in problems
    assert 'Skill 1 in area 1 must have some text as its "slug"' in problems
    assert "Skill 2 in area 1 names a tier \"{'slug': 'all-staff'}\" that is not in \"tiers\"" in (
        problems
    )
    assert 'Role 1 sets a target level "[3]" not in "levels"' in problems
    assert not Framework.objects.exists()
