"""The gap engine against small cases worked out by hand."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import changes, services
from assessments.models import Assessment, AssessmentChange, Cycle, Rating
from capability.models import Framework, Skill, Tier
from insights import gaps, publishing
from insights.gaps import Filters
from people.models import StaffProfile, Team, User
from tests.assessments.journey import accept_proposals, submitted
from tests.factories import StaffProfileFactory, TeamFactory, framework_with_skills
from tests.figures import publish

SUBMITTED = Assessment.Status.SUBMITTED


# --- Helpers shared with test_dashboards.py ----------------------------------------------------


def make_cycle(
    framework: Framework,
    name: str = "2026 Q1",
    opens_on: date = date(2026, 1, 1),
    state: str = Cycle.State.OPEN,
) -> Cycle:
    return Cycle.objects.create(
        name=name,
        opens_on=opens_on,
        closes_on=opens_on.replace(day=28),
        framework=framework,
        state=state,
    )


def skill(framework: Framework, slug: str = "all-staff-skill-0") -> Skill:
    return framework.skills.get(slug=slug)


def assess(
    cycle: Cycle,
    person: StaffProfile,
    levels: dict[Skill, int | tuple[int, int | None]],
    *,
    target: int = 2,
    status: str = SUBMITTED,
    tier_slug: str = "all-staff",
) -> Assessment:
    """An assessment with a rating per skill: level, or (self level, agreed level)."""
    framework = cycle.framework
    assessment = Assessment.objects.create(
        cycle=cycle,
        person=person,
        status=status,
        directorate_id=person.team.directorate_id,
        team_id=person.team_id,
        tier=Tier.objects.get(framework=framework, slug=tier_slug),
    )
    by_number = {level.number: level for level in framework.levels.all()}
    for rated_skill, value in levels.items():
        self_level, agreed = value if isinstance(value, tuple) else (value, None)
        Rating.objects.create(
            assessment=assessment,
            skill=rated_skill,
            level=by_number[self_level],
            agreed_level=by_number[agreed] if agreed is not None else None,
            target=target,
        )
    publish(cycle)
    return assessment


def many_people(
    team: Team, count: int, prefix: str = "p", line_manager: StaffProfile | None = None
) -> list[StaffProfile]:
    """People created in bulk (no password hashing), for tests that need a crowd. Without a line
    manager a head of digital reviews them, and so sees their answers."""
    users = User.objects.bulk_create(
        [
            User(email=f"{prefix}{team.pk}-{n}@example.org", full_name=f"{prefix} {n}")
            for n in range(count)
        ]
    )
    return StaffProfile.objects.bulk_create(
        [StaffProfile(user=user, team=team, line_manager=line_manager) for user in users]
    )


def crowd(cycle: Cycle, team: Team, levels: list[int], target: int = 2, **kwargs) -> None:
    """One person per entry in `levels`, each rated at that level on the first all-staff skill."""
    rated = skill(cycle.framework)
    for person, level in zip(many_people(team, len(levels), **kwargs), levels, strict=True):
        assess(cycle, person, {rated: level}, target=target)


@pytest.fixture
def framework(db) -> Framework:
    return framework_with_skills()


@pytest.fixture
def cycle(framework) -> Cycle:
    return make_cycle(framework)


@pytest.fixture
def no_suppression(settings):
    settings.SMALL_GROUP_THRESHOLD = 1


def figure_for(cycle: Cycle, slug: str = "all-staff-skill-0", **filters) -> gaps.SkillFigure:
    return next(
        item
        for item in gaps.skill_figures(cycle=cycle, filters=Filters(**filters))
        if item.skill.slug == slug
    )


# --- Rules ----------------------------------------------------------------------------------


def test_a_level_above_target_counts_as_no_gap_not_a_negative_one(cycle, team, no_suppression):
    # Targets 2: one person at 4 (gap -2, clipped to 0), one at 0 (gap 2). Mean gap (0+2)/2 = 1.
    crowd(cycle, team, [4, 0])

    result = figure_for(cycle)

    assert result.mean_gap.value == pytest.approx(1.0)
    assert result.share_at_target.value == pytest.approx(50.0)


def test_the_managers_agreed_level_overrides_the_self_assessed_one(
    cycle, team, alice, no_suppression
):
    # Alice says 3 (at target 2) but her manager agrees 1: gap 1, not at target.
    assess(cycle, alice, {skill(cycle.framework): (3, 1)})

    result = figure_for(cycle)

    assert result.mean_gap.value == pytest.approx(1.0)
    assert result.share_at_target.value == 0
    assert result.distribution[1] == 1
    assert result.distribution[3] == 0


def test_a_figure_over_one_fewer_than_the_threshold_is_suppressed(cycle, team, settings):
    settings.SMALL_GROUP_THRESHOLD = 5
    crowd(cycle, team, [0, 1, 2, 3])

    result = figure_for(cycle)

    assert result.suppressed is True
    assert result.people == 4
    assert result.mean_gap.value is None
    assert result.mean_gap.display() == "fewer than 5 responses"
    assert result.share_at_target.display() == "fewer than 5 responses"
    assert result.distribution is None


def test_a_figure_over_exactly_the_threshold_is_shown(cycle, team, settings):
    settings.SMALL_GROUP_THRESHOLD = 5
    # Gaps 2, 1, 0, 0, 0: mean 0.6; three of five at target: 60%.
    crowd(cycle, team, [0, 1, 2, 3, 4])

    result = figure_for(cycle)

    assert result.suppressed is False
    assert result.mean_gap.value == pytest.approx(0.6)
    assert result.mean_gap.display(1) == "0.6"
    assert result.share_at_target.display(0, "%") == "60%"
    assert result.distribution == {0: 1, 1: 1, 2: 1, 3: 1, 4: 1}


def test_the_suppression_text_follows_the_setting(cycle, team, settings):
    settings.SMALL_GROUP_THRESHOLD = 10
    crowd(cycle, team, [0, 1, 2, 3, 4])

    assert figure_for(cycle).mean_gap.display() == "fewer than 10 responses"


def test_a_skill_nobody_rated_says_no_responses(cycle):
    result = figure_for(cycle)

    assert result.people == 0
    assert result.suppressed is False
    assert result.mean_gap.display() == "no responses"


def test_assessments_not_yet_submitted_do_not_count(cycle, team, alice, bob, no_suppression):
    assess(cycle, alice, {skill(cycle.framework): 0}, status=Assessment.Status.IN_PROGRESS)
    assess(cycle, bob, {skill(cycle.framework): 2}, status=Assessment.Status.REVIEWED)

    result = figure_for(cycle)

    assert result.people == 1
    assert result.mean_gap.value == 0


def test_change_since_the_previous_cycle(framework, team, no_suppression):
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0, 0, 2, 2], prefix="before")  # mean gap 1.0, 50% at target
    crowd(now, team, [1, 2, 2, 2], prefix="now")  # mean gap 0.25, 75% at target

    result = figure_for(now)

    assert gaps.previous_cycle(now) == before
    assert result.change_mean_gap.value == pytest.approx(-0.75)
    assert result.change_share_at_target.value == pytest.approx(25.0)
    assert result.change_mean_gap.display_change(2) == "-0.75"


def test_change_is_suppressed_when_the_previous_cycle_had_too_few_people(framework, team, settings):
    settings.SMALL_GROUP_THRESHOLD = 3
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0, 0], prefix="before")
    crowd(now, team, [1, 2, 2], prefix="now")

    result = figure_for(now)

    assert result.mean_gap.value == pytest.approx(1 / 3)
    assert result.change_mean_gap.suppressed is True
    assert result.change_mean_gap.display() == "fewer than 3 responses"


def test_change_lines_up_skills_by_slug_across_framework_versions(team, no_suppression):
    old = framework_with_skills(status=Framework.Status.RETIRED)
    new = framework_with_skills()
    before = make_cycle(old, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(new, "2026 Q1", date(2026, 1, 1))
    crowd(before, team, [0], prefix="before")  # gap 2
    crowd(now, team, [1], prefix="now")  # gap 1

    assert figure_for(now).change_mean_gap.value == pytest.approx(-1.0)


def test_there_is_no_change_without_a_previous_cycle(cycle, team, no_suppression):
    crowd(cycle, team, [1])

    result = figure_for(cycle)

    assert result.change_mean_gap.value is None
    assert result.change_mean_gap.display() == "no responses"


# --- Groupings ------------------------------------------------------------------------------


def test_headline_counts_completion_over_everyone_with_an_assessment(
    cycle, team, alice, bob, manager, no_suppression
):
    first, second = skill(cycle.framework), skill(cycle.framework, "all-staff-skill-1")
    assess(cycle, alice, {first: 0, second: 2})  # gaps 2, 0
    assess(cycle, bob, {first: 1, second: 2})  # gaps 1, 0
    assess(cycle, manager, {}, status=Assessment.Status.IN_PROGRESS)

    result = gaps.headline(cycle=cycle)

    assert result["people"] == 3
    assert result["submitted"] == 2
    assert result["completion"].value == pytest.approx(200 / 3)
    # Over the four ratings: two at target, gaps 3 in all.
    assert result["share_at_target"].value == pytest.approx(50.0)
    assert result["mean_gap"].value == pytest.approx(0.75)
    assert result["share_at_target"].people == 2


def test_opening_a_cycle_asks_everyone_active_in_their_team_as_it_is_then(
    framework, team, alice, bob, manager, no_suppression
):
    StaffProfile.objects.filter(pk=bob.pk).update(active=False)  # left: not asked
    cycle = make_cycle(framework, state=Cycle.State.DRAFT)
    services.cycle_open(cycle=cycle)

    asked = Assessment.objects.filter(cycle=cycle)
    assert {row.person_id for row in asked} == {alice.pk, manager.pk}
    assert {row.team_id for row in asked} == {team.pk}
    assert {row.status for row in asked} == {Assessment.Status.NOT_STARTED}
    assert gaps.headline(cycle=cycle)["people"] == 2


def test_completion_is_submitted_over_asked_and_closing_the_cycle_does_not_change_it(
    framework, team, alice, manager, no_suppression
):
    cycle = make_cycle(framework, state=Cycle.State.DRAFT)
    services.cycle_open(cycle=cycle)
    submitted(cycle, alice)
    before = gaps.headline(cycle=cycle)

    services.cycle_close(cycle=cycle)
    after = gaps.headline(cycle=Cycle.objects.get(pk=cycle.pk))

    assert (before["submitted"], before["people"]) == (1, 2)
    assert (after["submitted"], after["people"]) == (1, 2)
    assert after["completion"].display(0, "%") == "50%"


def test_someone_who_moves_after_being_asked_is_counted_in_the_team_they_had(
    framework, team, alice, manager, no_suppression
):
    cycle = make_cycle(framework, state=Cycle.State.DRAFT)
    services.cycle_open(cycle=cycle)
    elsewhere = TeamFactory(directorate=team.directorate)
    StaffProfile.objects.filter(pk=alice.pk).update(team=elsewhere)
    services.assessment_start(cycle=cycle, person=StaffProfile.objects.get(pk=alice.pk))

    assert gaps.headline(cycle=cycle, filters=Filters(team_id=team.pk))["people"] == 2
    assert gaps.headline(cycle=cycle, filters=Filters(team_id=elsewhere.pk))["people"] == 0


def test_someone_who_joins_while_a_cycle_is_open_is_asked_by_the_daily_housekeeping(
    framework, team, alice, no_suppression
):
    cycle = make_cycle(framework, state=Cycle.State.DRAFT)
    services.cycle_open(cycle=cycle)
    asked = gaps.headline(cycle=cycle)["people"]
    joiner = StaffProfileFactory(team=team)

    services.cycles_housekeeping(today=cycle.opens_on)

    assert Assessment.objects.filter(cycle=cycle, person=joiner).exists()
    assert gaps.headline(cycle=cycle)["people"] == asked + 1


def test_area_figures_are_over_every_rating_in_the_area(framework, cycle, team, no_suppression):
    data_skills = [skill(framework), skill(framework, "service-managers-skill-0")]
    (person,) = many_people(team, 1)
    assess(cycle, person, {data_skills[0]: 0, data_skills[1]: 2}, tier_slug="service-managers")

    data, security = gaps.area_figures(cycle=cycle)

    assert data.area.slug == "data"
    assert data.people == 1
    assert data.mean_gap.value == pytest.approx(1.0)
    assert data.distribution == {0: 1, 1: 0, 2: 1, 3: 0, 4: 0}
    assert security.people == 0


def test_heatmap_rows_are_one_per_team_and_suppress_small_teams(cycle, settings):
    settings.SMALL_GROUP_THRESHOLD = 3
    big = TeamFactory(name="Big team")
    other = TeamFactory(name="Other team", directorate=big.directorate)
    small = TeamFactory(name="Small team", directorate=big.directorate)
    crowd(cycle, big, [0, 1, 2])
    crowd(cycle, other, [0, 1, 2])
    crowd(cycle, small, [0, 0])

    rows = gaps.group_area_figures(cycle=cycle, by="team")
    data_area = cycle.framework.areas.get(slug="data")

    by_label = {row.label: row.areas[data_area.pk] for row in rows}
    assert by_label["Small team"].suppressed is True
    assert by_label["Small team"].mean_gap.display() == "fewer than 3 responses"
    # Two hidden people are too few: one more team is hidden so the directorate's figure minus
    # the teams shown cannot give the small team's.
    shown = [label for label in ("Big team", "Other team") if not by_label[label].suppressed]
    assert len(shown) == 1
    assert by_label[shown[0]].mean_gap.value == pytest.approx(1.0)
    hidden = ({"Big team", "Other team"} - set(shown)).pop()
    assert by_label[hidden].mean_gap.display() == "hidden to protect a small group"
    people = {row.label: row.people_text for row in rows}
    assert people == {shown[0]: "3", hidden: "not shown", "Small team": "not shown"}


def test_filters_narrow_figures_to_a_team(cycle, team, other_team, no_suppression):
    crowd(cycle, team, [0, 0])
    crowd(cycle, other_team, [2])

    assert figure_for(cycle, team_id=team.pk).mean_gap.value == pytest.approx(2.0)
    assert figure_for(cycle, team_id=other_team.pk).mean_gap.value == 0
    directorate = other_team.directorate_id
    assert figure_for(cycle, directorate_id=directorate).people == 1


def test_the_tier_filter_keeps_people_in_that_tier(framework, cycle, team, no_suppression):
    first_skill = skill(framework)
    officer, manager = many_people(team, 2)
    assess(cycle, officer, {first_skill: 0})
    assess(cycle, manager, {first_skill: 2}, tier_slug="service-managers")
    managers = Tier.objects.get(framework=framework, slug="service-managers")

    result = figure_for(cycle, tier_id=managers.pk)

    assert result.people == 1
    assert result.mean_gap.value == 0


def test_biggest_gaps_by_tier_weight_the_gap_by_headcount(framework, cycle, team, no_suppression):
    first, second = skill(framework), skill(framework, "all-staff-skill-1")
    people = many_people(team, 4)
    # first: four people with gap 1 (weighted 4). second: one person with gap 2, three with 0
    # (mean 0.5, weighted 2). The first comes first though its mean gap is larger.
    for index, person in enumerate(people):
        assess(cycle, person, {first: 1, second: 0 if index == 0 else 2})

    result = gaps.biggest_gaps_by_tier(cycle=cycle)

    all_staff = Tier.objects.get(framework=framework, slug="all-staff")
    assert [item.skill for item in result[all_staff]] == [first, second]
    assert result[all_staff][0].mean_gap.value * result[all_staff][0].people == 4


def test_measure_value_for_a_computed_key_result(framework, cycle, team, no_suppression):
    crowd(cycle, team, [0, 2, 2, 3])

    share = gaps.measure_value(cycle=cycle, measure="share_at_target", skill=skill(framework))
    completion = gaps.measure_value(cycle=cycle, measure="completion")

    assert share.value == pytest.approx(75.0)
    assert completion.value == pytest.approx(100.0)


def test_people_ratings_show_each_report_with_level_used_and_gap(cycle, alice, bob):
    first = skill(cycle.framework)
    assess(cycle, alice, {first: (3, 1)})

    rows = {
        row.person: row for row in gaps.people_ratings(cycle=cycle, person_ids=[alice.pk, bob.pk])
    }

    assert rows[alice].ratings[first.pk].level == 1
    assert rows[alice].ratings[first.pk].gap == 1
    assert rows[alice].status == "Submitted"
    assert rows[bob].status is None
    assert rows[bob].ratings == {}


def test_latest_cycle_ignores_drafts(framework):
    opened = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    make_cycle(framework, "2026 Q2", date(2026, 4, 1), state=Cycle.State.DRAFT)

    assert gaps.latest_cycle() == opened


# --- Fixed number of queries ---------------------------------------------------------------


def _queries_for_every_function(cycle: Cycle) -> list[int]:
    counts = []
    calls = [
        lambda: gaps.headline(cycle=cycle),
        lambda: gaps.skill_figures(cycle=cycle),
        lambda: gaps.area_figures(cycle=cycle),
        lambda: gaps.group_area_figures(cycle=cycle, by="team"),
        lambda: gaps.group_area_figures(cycle=cycle, by="directorate"),
        lambda: gaps.biggest_gaps_by_tier(cycle=cycle),
        lambda: gaps.measure_value(cycle=cycle, measure="mean_gap", skill=skill(cycle.framework)),
    ]
    for call in calls:
        with CaptureQueriesContext(connection) as captured:
            call()
        counts.append(len(captured))
    return counts


def _organisation(framework: Framework, people: int) -> Cycle:
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    skills = list(framework.skills.filter(tier__slug="all-staff"))
    teams = [TeamFactory() for _ in range(max(1, people // 10))]
    for index, team in enumerate(teams):
        for cycle in (before, now):
            for n, person in enumerate(many_people(team, 10, prefix=f"{cycle.pk}-{index}")):
                assess(cycle, person, dict.fromkeys(skills, n % 5))
    return now


def test_query_counts_are_the_same_for_30_and_100_people(db):
    # The counts depend on the organisation's shape (a group whose people are all in one team
    # is also checked as that team), not its size: 3 teams and 10 have the same shape.
    small = _queries_for_every_function(_organisation(framework_with_skills(), 30))
    Assessment.objects.all().delete()
    Cycle.objects.all().delete()
    Framework.objects.update(status=Framework.Status.RETIRED)
    large = _queries_for_every_function(_organisation(framework_with_skills(), 100))

    assert small == large
    assert max(large) <= 20


# --- Summary tables --------------------------------------------------------------------------


def test_group_figures_from_the_summary_equal_figures_from_the_ratings(framework, team, settings):
    settings.SMALL_GROUP_THRESHOLD = 2
    before = make_cycle(framework, "2025 Q4", date(2025, 10, 1), state=Cycle.State.CLOSED)
    now = make_cycle(framework, "2026 Q1", date(2026, 1, 1))
    skills = list(framework.skills.filter(tier__slug__in=["all-staff", "service-managers"]))
    other = TeamFactory()
    for cycle in (before, now):
        for group, offset in ((team, 0), (other, 2)):
            for n, person in enumerate(many_people(group, 7, prefix=f"{cycle.pk}-{offset}")):
                levels = {s: ((n + offset + i) % 5, (n % 3) or None) for i, s in enumerate(skills)}
                assess(cycle, person, levels, target=1 + n % 3, tier_slug="service-managers")
    everyone = tuple(StaffProfile.objects.values_list("pk", flat=True))

    from_summary = gaps.skill_figures(cycle=now)
    from_ratings = gaps.skill_figures(cycle=now, filters=Filters(person_ids=everyone))
    areas_summary = gaps.area_figures(cycle=now)
    areas_ratings = gaps.area_figures(cycle=now, filters=Filters(person_ids=everyone))

    assert from_summary == from_ratings
    assert areas_summary == areas_ratings
    assert any(item.mean_gap.value for item in from_summary)


def test_a_managers_review_is_published_by_the_worker(cycle, team, manager, no_suppression):
    crowd(cycle, team, [0])
    assessment = Assessment.objects.get()
    assessment.person.line_manager = manager
    assessment.person.save()
    assert figure_for(cycle).mean_gap.value == 2

    services.assessment_review(
        assessment=assessment,
        reviewer=manager.user,
        decisions={
            skill(cycle.framework).pk: services.Decision(
                agreed_level=cycle.framework.levels.get(number=2), comment="Yes, 2"
            )
        },
    )
    assert figure_for(cycle).mean_gap.value == 2  # proposed: the self-assessed level is used

    accept_proposals(assessment)

    assert figure_for(cycle).mean_gap.value == 0


def test_a_rating_corrected_outside_the_service_is_put_right_by_a_rebuild(
    cycle, team, no_suppression
):
    """An administrator's correction in the Django admin or a shell goes round the services,
    so no change is recorded: the nightly rebuild compares every assessment and puts it right."""
    crowd(cycle, team, [0])
    rating = Rating.objects.get()
    rating.agreed_level = cycle.framework.levels.get(number=1)
    rating.save()
    assert figure_for(cycle).mean_gap.value == 2

    assert publishing.rebuild(cycle_id=cycle.pk) == 1

    assert figure_for(cycle).mean_gap.value == 1
    assert publishing.rebuild(cycle_id=cycle.pk) == 0  # idempotent


def test_a_change_recorded_while_the_worker_is_away_waits_in_the_outbox(
    cycle, team, no_suppression, settings
):
    from config.celery import app

    crowd(cycle, team, [0])
    late = assess(cycle, many_people(team, 1, prefix="late")[0], {skill(cycle.framework): 2})
    Assessment.objects.filter(pk=late.pk).update(status=Assessment.Status.IN_PROGRESS)
    publish(cycle)
    assert figure_for(cycle).people == 1

    app.conf.task_always_eager = False  # a broker that never delivers: the nudge waits
    late.refresh_from_db()
    Assessment.objects.filter(pk=late.pk).update(status=SUBMITTED)
    changes.assessments_changed([late])
    assert AssessmentChange.objects.count() == 1
    assert figure_for(cycle).people == 1  # a page never computes figures itself

    assert publishing.apply_changes() == 1

    assert AssessmentChange.objects.count() == 0
    assert figure_for(cycle).people == 2
    assert figure_for(cycle).mean_gap.value == 1
