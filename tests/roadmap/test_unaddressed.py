"""Unaddressed gaps: the biggest gaps in the latest cycle that no active initiative covers."""

import pytest

from insights import gaps
from roadmap.models import Initiative
from roadmap.selectors import unaddressed_gaps
from tests.factories import StaffProfileFactory, UserFactory, framework_with_skills
from tests.okrs.cycle_data import make_cycle, rate


@pytest.fixture
def framework(db):
    return framework_with_skills(version="2026.1")


@pytest.fixture
def cycle(framework):
    """Gaps weighted by people: A 2 x 5 = 10, C 1 x 6 = 6, B 1 x 5 = 5; D is over 3 people."""
    cycle = make_cycle(framework)
    skill = {name: framework.skills.get(slug=slug) for name, slug in SKILLS.items()}
    tier = framework.tiers.get(slug="all-staff")
    for index in range(6):
        ratings = {skill["C"]: (1, 2)}
        if index < 5:
            ratings |= {skill["A"]: (0, 2), skill["B"]: (1, 2)}
        if index < 3:
            ratings |= {skill["D"]: (0, 2)}
        rate(cycle, StaffProfileFactory(user__password=None), tier, ratings)
    return cycle


SKILLS = {
    "A": "all-staff-skill-0",  # data area
    "B": "all-staff-skill-1",  # security area
    "C": "service-managers-skill-0",  # data area
    "D": "service-managers-skill-1",  # security area
}


def slugs(found):
    return [item.skill.slug for item in found]


def initiative(status, skills=(), areas=()):
    made = Initiative.objects.create(title=f"{status} work", owner=UserFactory(), status=status)
    made.skills.set(skills)
    made.areas.set(areas)
    return made


def test_the_biggest_gaps_come_first_and_suppressed_ones_are_left_out(cycle):
    found = unaddressed_gaps(cycle, limit=10)
    assert slugs(found) == [SKILLS["A"], SKILLS["C"], SKILLS["B"]]
    engine = {item.skill.slug: item for item in gaps.skill_figures(cycle=cycle)}
    assert engine[SKILLS["D"]].suppressed
    assert [item.mean_gap.value for item in found] == [
        engine[slug].mean_gap.value for slug in slugs(found)
    ]
    assert [item.mean_gap.value * item.people for item in found] == [10, 6, 5]


def test_the_limit_keeps_only_the_biggest(cycle):
    assert slugs(unaddressed_gaps(cycle, limit=1)) == [SKILLS["A"]]


def test_a_skill_linked_to_an_in_progress_initiative_is_addressed(cycle, framework):
    initiative("in_progress", skills=[framework.skills.get(slug=SKILLS["A"])])
    assert slugs(unaddressed_gaps(cycle)) == [SKILLS["C"], SKILLS["B"]]


def test_a_planned_initiative_on_an_area_addresses_every_skill_in_it(cycle, framework):
    initiative("planned", areas=[framework.areas.get(slug="data")])
    assert slugs(unaddressed_gaps(cycle)) == [SKILLS["B"]]


@pytest.mark.parametrize("status", ["done", "paused"])
def test_a_done_or_paused_initiative_does_not_address_a_gap(cycle, framework, status):
    initiative(status, skills=[framework.skills.get(slug=SKILLS["A"])])
    assert slugs(unaddressed_gaps(cycle)) == [SKILLS["A"], SKILLS["C"], SKILLS["B"]]


def test_links_to_an_older_framework_version_still_count(cycle, framework):
    older = framework_with_skills(status="retired", version="2025.1")
    initiative("in_progress", skills=[older.skills.get(slug=SKILLS["A"])])
    assert slugs(unaddressed_gaps(cycle)) == [SKILLS["C"], SKILLS["B"]]


def test_the_unaddressed_gaps_page_lists_them_biggest_first(cycle, client_for, head):
    response = client_for(head).get("/roadmap/unaddressed-gaps/")
    page = response.content.decode()
    assert response.status_code == 200
    names = ["All staff skill 0", "Service managers skill 0", "All staff skill 1"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
    assert "Service managers skill 1" not in page  # suppressed: 3 people
