"""Computed key results read the gap engine for the latest cycle and show the same number."""

from datetime import date
from decimal import Decimal

import pytest

from assessments import services
from assessments.models import Assessment
from insights import gaps
from okrs import selectors
from okrs.models import KeyResult, Objective
from tests.factories import StaffProfileFactory, UserFactory, framework_with_skills
from tests.okrs.cycle_data import make_cycle, people_rated, rate


@pytest.fixture
def framework(db):
    return framework_with_skills(version="2026.1")


@pytest.fixture
def skill(framework):
    return framework.skills.get(slug="all-staff-skill-0")


@pytest.fixture
def all_staff(framework):
    return framework.tiers.get(slug="all-staff")


def computed(framework, measure, baseline, target, **scope):
    objective = Objective.objects.create(period="2026-27", owner=UserFactory(), title="Skills")
    return KeyResult.objects.create(
        objective=objective,
        title="Computed",
        kind=KeyResult.Kind.COMPUTED,
        measure=measure,
        framework=framework,
        baseline=Decimal(str(baseline)),
        target=Decimal(str(target)),
        unit="%",
        **scope,
    )


def only_key_result():
    [objective] = selectors.objectives_with_progress("2026-27")
    [item] = objective.key_results
    return item


def test_share_at_target_equals_the_gap_engine(framework, skill, all_staff):
    cycle = make_cycle(framework)
    people_rated(cycle, all_staff, skill, levels=[0, 1, 2, 3, 4, 2], target=2)
    computed(framework, "share_at_target", 40, 90, skill=skill)

    item = only_key_result()

    expected = gaps.measure_value(cycle=cycle, measure="share_at_target", skill=skill)
    assert float(item.current) == pytest.approx(expected.value)
    assert item.current_display == "67%"
    assert item.progress == 53  # (66.67 - 40) / (90 - 40)
    assert item.cycle == cycle


def test_a_mean_gap_going_down_equals_the_gap_engine_and_counts_as_progress(
    framework, skill, all_staff
):
    cycle = make_cycle(framework)
    people_rated(cycle, all_staff, skill, levels=[0, 0, 1, 2, 2, 2], target=2)
    computed(framework, "mean_gap", "1.4", "0.6", area=skill.area, tier=all_staff)

    item = only_key_result()

    expected = gaps.measure_value(cycle=cycle, measure="mean_gap", area=skill.area, tier=all_staff)
    assert float(item.current) == pytest.approx(expected.value)
    assert float(item.current) == pytest.approx(5 / 6)
    assert item.progress == 71  # (0.833 - 1.4) / (0.6 - 1.4)


def test_completion_for_a_directorate_equals_the_gap_engine(framework, skill, all_staff):
    cycle = make_cycle(framework)
    team = StaffProfileFactory().team
    people_rated(cycle, all_staff, skill, levels=[2, 2, 2, 2, 2], target=2, team=team)
    for _ in range(3):
        rate(
            cycle,
            StaffProfileFactory(team=team, user__password=None),
            all_staff,
            {},
            Assessment.Status.IN_PROGRESS,
        )
    people_rated(cycle, all_staff, skill, levels=[1] * 5, target=2)  # another directorate
    services.cycle_ask_people(cycle=cycle)  # the one who made the team joined: asked too
    computed(framework, "completion", 40, 90, directorate=team.directorate)

    item = only_key_result()

    expected = gaps.measure_value(cycle=cycle, measure="completion", directorate=team.directorate)
    # 5 submitted of 9 active people in the directorate: the one who made the team and the 3
    # in progress have not submitted (a person who never started counts too).
    assert float(item.current) == pytest.approx(expected.value) == pytest.approx(100 * 5 / 9)


def test_a_figure_over_too_few_people_is_suppressed_with_no_progress(framework, skill, all_staff):
    cycle = make_cycle(framework)
    people_rated(cycle, all_staff, skill, levels=[2, 2, 3], target=2)
    computed(framework, "share_at_target", 40, 90, skill=skill)

    item = only_key_result()

    assert gaps.measure_value(cycle=cycle, measure="share_at_target", skill=skill).suppressed
    assert item.suppressed
    assert (item.current, item.progress) == (None, None)
    assert item.current_display == "fewer than 5 responses"


def test_the_latest_cycle_is_used(framework, skill, all_staff):
    earlier = make_cycle(framework, name="2026 Q3", opens=date(2026, 7, 1))
    people_rated(earlier, all_staff, skill, levels=[0] * 5, target=2)
    latest = make_cycle(framework, name="2026 Q4", opens=date(2026, 10, 1))
    people_rated(latest, all_staff, skill, levels=[2] * 5, target=2)
    computed(framework, "share_at_target", 40, 90, skill=skill)

    item = only_key_result()

    assert item.cycle == latest
    assert item.current == Decimal(100)
    assert item.progress == 100


def test_without_a_cycle_a_computed_key_result_says_so(framework, skill):
    computed(framework, "share_at_target", 40, 90, skill=skill)

    item = only_key_result()

    assert (item.current, item.progress) == (None, None)
    assert item.current_display == "No assessment cycle yet"


def test_a_skill_from_an_older_version_is_measured_by_slug_in_the_new_version(framework, skill):
    framework.status = "retired"
    framework.save()
    newer = framework_with_skills(version="2027.1")
    cycle = make_cycle(newer)
    newer_skill = newer.skills.get(slug=skill.slug)
    people_rated(cycle, newer.tiers.get(slug="all-staff"), newer_skill, levels=[2] * 5, target=2)
    computed(framework, "share_at_target", 40, 90, skill=skill)

    item = only_key_result()

    expected = gaps.measure_value(cycle=cycle, measure="share_at_target", skill=newer_skill)
    assert float(item.current) == pytest.approx(expected.value) == 100.0
