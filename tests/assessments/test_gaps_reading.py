"""One reading (a page, a CSV, a report): the summaries are read once and rolled up, and
completion comes from the counts the freshness check made. The figures must not change."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import services
from assessments.models import Assessment, Cycle
from capability.models import Framework
from insights import gaps
from insights.gaps import Filters
from people.models import StaffProfile
from tests.assessments.test_gaps import assess, make_cycle, many_people
from tests.factories import TeamFactory, framework_with_skills

SUBMITTED = Assessment.Status.SUBMITTED


@pytest.fixture
def framework(db) -> Framework:
    return framework_with_skills()


def _two_directorates(framework: Framework) -> Cycle:
    """Two cycles; three teams in two directorates; people in two tiers, mixed levels."""
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    first = TeamFactory()
    teams = [first, TeamFactory(directorate=first.directorate), TeamFactory()]
    skills = list(framework.skills.filter(tier__slug__in=["all-staff", "service-managers"]))
    for cycle in (before, now):
        for offset, team in enumerate(teams):
            people = many_people(team, 6, prefix=f"{cycle.pk}-{offset}")
            for n, person in enumerate(people):
                levels = {s: ((n + offset + i) % 5, (n % 3) or None) for i, s in enumerate(skills)}
                tier = "service-managers" if n % 2 else "all-staff"
                assess(cycle, person, levels, target=1 + n % 3, tier_slug=tier)
    return now


def test_a_reading_reads_only_published_figures_for_all_the_organisation_figures(framework):
    cycle = _two_directorates(framework)

    with gaps.one_reading(), CaptureQueriesContext(connection) as captured:
        gaps.headline(cycle=cycle)
        gaps.area_figures(cycle=cycle)
        gaps.group_area_figures(cycle=cycle, by="directorate")
        gaps.biggest_gaps_by_tier(cycle=cycle)
    tables = [query["sql"].split(" FROM ")[1].split()[0] for query in captured]

    # Never the assessments or ratings themselves: a page reads what the worker published.
    assert '"assessments_assessment"' not in tables
    assert '"assessments_rating"' not in tables
    assert '"insights_publishedfigure"' in tables
    # Each set of published rows is read once, however many figures use it.
    published = [query["sql"] for query in captured if "insights_publishedfigure" in query["sql"]]
    assert len(published) == len(set(published))


def test_rolled_up_figures_equal_figures_from_the_ratings(framework, settings):
    settings.SMALL_GROUP_THRESHOLD = 2
    cycle = _two_directorates(framework)
    everyone = Filters(person_ids=tuple(StaffProfile.objects.values_list("pk", flat=True)))

    with gaps.one_reading():
        from_summary = (
            gaps.headline(cycle=cycle),
            gaps.area_figures(cycle=cycle),
            gaps.group_area_figures(cycle=cycle, by="directorate"),
            gaps.biggest_gaps_by_tier(cycle=cycle),
            gaps.skill_figures(cycle=cycle),
        )
    from_ratings = (
        gaps.headline(cycle=cycle, filters=everyone),
        gaps.area_figures(cycle=cycle, filters=everyone),
        gaps.group_area_figures(cycle=cycle, by="directorate", filters=everyone),
        gaps.biggest_gaps_by_tier(cycle=cycle, filters=everyone),
        gaps.skill_figures(cycle=cycle, filters=everyone),
    )

    assert from_summary == from_ratings
    assert from_summary[0]["change_mean_gap"].value is not None
    assert any(items for items in from_summary[3].values())


def test_a_directorates_figures_roll_up_its_teams_the_same_as_the_ratings(framework, settings):
    settings.SMALL_GROUP_THRESHOLD = 2
    cycle = _two_directorates(framework)
    directorate_id = StaffProfile.objects.order_by("pk").first().team.directorate_id
    people = StaffProfile.objects.filter(team__directorate_id=directorate_id)
    theirs = Filters(person_ids=tuple(people.values_list("pk", flat=True)))
    filters = Filters(directorate_id=directorate_id)

    with gaps.one_reading():
        rows = gaps.group_area_figures(cycle=cycle, by="team", filters=filters)
        areas = gaps.area_figures(cycle=cycle, filters=filters)

    assert len(rows) == 2
    assert rows == gaps.group_area_figures(cycle=cycle, by="team", filters=theirs)
    assert areas == gaps.area_figures(cycle=cycle, filters=theirs)


def test_completion_for_a_directorate_counts_only_its_people(framework, settings):
    settings.SMALL_GROUP_THRESHOLD = 1  # about who is counted, not what is shown
    cycle = make_cycle(framework)
    first = TeamFactory()
    same_directorate, elsewhere = TeamFactory(directorate=first.directorate), TeamFactory()
    rated = {framework.skills.get(slug="all-staff-skill-0"): 2}
    for person in many_people(first, 3, prefix="a"):
        assess(cycle, person, rated)
    assess(cycle, many_people(same_directorate, 1, prefix="b")[0], rated, status="in_progress")
    many_people(same_directorate, 1, prefix="never")  # active, never started
    services.cycle_ask_people(cycle=cycle)  # as the daily housekeeping does for joiners
    for person in many_people(elsewhere, 4, prefix="c"):
        assess(cycle, person, rated)

    with gaps.one_reading():
        directorate = gaps.headline(
            cycle=cycle, filters=Filters(directorate_id=first.directorate_id)
        )
        team = gaps.headline(cycle=cycle, filters=Filters(team_id=same_directorate.pk))
        everyone = gaps.headline(cycle=cycle)

    assert (directorate["submitted"], directorate["people"]) == (3, 5)
    assert directorate["completion"].display(0, "%") == "60%"
    assert (team["submitted"], team["people"]) == (0, 2)
    assert (everyone["submitted"], everyone["people"]) == (7, 9)
