import json

import pytest
from django.core.management import call_command

from capability.models import Framework
from capability.selectors import skills_for_tier, target_levels
from capability.services import STARTER_FRAMEWORK, framework_load_json
from demo.capability import seed_framework

pytestmark = pytest.mark.django_db


@pytest.fixture
def starter() -> Framework:
    data = json.loads(STARTER_FRAMEWORK.read_text(encoding="utf-8"))
    return framework_load_json(data=data, status=Framework.Status.PUBLISHED)


def test_the_starter_framework_has_the_ddat_levels(starter):
    assert [(level.number, level.name) for level in starter.levels.order_by("number")] == [
        (0, "Not yet"),
        (1, "Awareness"),
        (2, "Working"),
        (3, "Practitioner"),
        (4, "Expert"),
    ]
    assert all(level.description for level in starter.levels.all())


def test_the_starter_framework_has_three_tiers_areas_and_enough_skills(starter):
    assert list(starter.tiers.order_by("number").values_list("slug", flat=True)) == [
        "all-staff",
        "service-managers",
        "senior-leaders",
    ]
    assert 6 <= starter.areas.count() <= 8
    assert starter.skills.count() >= 30
    for tier in starter.tiers.all():
        assert tier.skills.exists(), tier.name


def test_every_starter_skill_has_four_descriptors_for_levels_one_to_four(starter):
    for skill in starter.skills.prefetch_related("descriptors__level"):
        numbers = sorted(descriptor.level.number for descriptor in skill.descriptors.all())
        assert numbers == [1, 2, 3, 4], skill.slug
        assert all(d.text.startswith("You ") for d in skill.descriptors.all()), skill.slug


def test_every_starter_role_has_a_target_for_every_skill_of_its_tiers(starter):
    assert starter.roles.count() >= 8
    for role in starter.roles.select_related("tier__default_target"):
        targets = target_levels(role.tier, role)
        expected = set(skills_for_tier(role.tier).values_list("pk", flat=True))
        assert set(targets) == expected, role.slug
        assert all(1 <= level <= 4 for level in targets.values()), role.slug


def test_load_framework_loads_and_publishes_the_starter_framework(capsys):
    call_command("load_framework")
    framework = Framework.objects.get()
    assert framework.status == Framework.Status.PUBLISHED
    assert framework.version == "2026.1"
    assert "Loaded DDaT capability framework 2026.1 as published" in capsys.readouterr().out


def test_load_framework_twice_changes_nothing(capsys):
    call_command("load_framework")
    call_command("load_framework")
    assert Framework.objects.count() == 1
    assert "already loaded. Nothing changed." in capsys.readouterr().out


def test_load_framework_reports_a_missing_file():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_framework", "/no/such/file.json")


def test_seed_framework_is_idempotent():
    first = seed_framework()
    second = seed_framework()
    assert first == second
    assert Framework.objects.published().get() == first
    assert first.skills.count() >= 30
