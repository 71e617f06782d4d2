from decimal import Decimal

from django.contrib.auth.models import Group

from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from demo.capability import seed_framework
from demo.okrs_roadmap import seed_okrs_roadmap
from demo.people import seed_people
from okrs.models import CheckIn, KeyResult, Objective
from roadmap.models import Initiative, Milestone


def counts():
    return [m.objects.count() for m in (Objective, KeyResult, CheckIn, Initiative, Milestone)]


def test_the_demo_okrs_and_roadmap_load_once_and_twice_changes_nothing(db):
    # The groups come from a data migration, which a browser test's flush can remove.
    for name in (HEAD_OF_DIGITAL, LEADERSHIP):
        Group.objects.get_or_create(name=name)
    seed_framework()
    seed_people()
    seed_okrs_roadmap()
    first = counts()
    seed_okrs_roadmap()
    assert counts() == first
    objectives, key_results, _, initiatives, _ = first
    assert objectives >= 3 and key_results >= 6 and initiatives >= 5
    assert Initiative.objects.filter(skills__isnull=False).distinct().count() >= 5
    leaders = KeyResult.objects.get(measure="mean_gap")
    assert (leaders.baseline, leaders.target) == (Decimal("1.4"), Decimal("0.6"))
    assert leaders.area.slug == "leadership-and-culture"
    assert leaders.tier.slug == "senior-leaders"
    privacy = KeyResult.objects.get(skill__slug="data-privacy")
    assert privacy.is_computed and privacy.framework.status == "published"
