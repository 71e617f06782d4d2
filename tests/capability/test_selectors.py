import pytest

from capability.models import RoleTarget
from capability.selectors import role_in_framework, skills_for_tier, target_levels, tier_for_role
from capability.services import framework_create_draft
from tests.factories import framework_with_skills

pytestmark = pytest.mark.django_db


def test_tiers_accumulate_the_skills_of_the_tiers_below():
    framework = framework_with_skills()
    tiers = list(framework.tiers.order_by("number"))
    counts = [skills_for_tier(tier).count() for tier in tiers]
    assert counts == [2, 4, 6]
    manager_skills = set(skills_for_tier(tiers[1]).values_list("slug", flat=True))
    assert manager_skills == {
        "all-staff-skill-0",
        "all-staff-skill-1",
        "service-managers-skill-0",
        "service-managers-skill-1",
    }


def test_a_roles_own_target_wins_over_the_tier_default():
    framework = framework_with_skills()
    manager = framework.roles.get(slug="manager")
    targets = target_levels(manager.tier, manager)
    explicit = framework.skills.get(slug="service-managers-skill-0")
    other = framework.skills.get(slug="all-staff-skill-1")
    assert targets[explicit.pk] == 4
    assert targets[other.pk] == 2  # the service managers tier default


def test_without_a_role_every_skill_gets_the_tier_default():
    framework = framework_with_skills()
    senior = framework.tiers.get(slug="senior-leaders")
    assert set(target_levels(senior, None).values()) == {3}
    assert len(target_levels(senior, None)) == 6


def test_someone_with_no_role_is_in_the_lowest_tier():
    framework = framework_with_skills()
    assert tier_for_role(None, framework).slug == "all-staff"


def test_a_role_from_an_older_version_is_found_in_a_newer_one_by_slug():
    old = framework_with_skills()
    new = framework_create_draft(source=old, version="next")
    old_manager = old.roles.get(slug="manager")
    new_manager = role_in_framework(old_manager, new)
    assert new_manager.framework == new
    assert new_manager.slug == "manager"
    assert RoleTarget.objects.filter(role=new_manager).count() == 1
