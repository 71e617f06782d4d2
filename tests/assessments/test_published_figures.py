"""Published figures: kept up to date by the worker from each change, moving only when enough
people have changed (the time rule), and always equal to the figures the ratings give."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest
from django.core.management import CommandError, call_command

from assessments import services
from assessments.models import Assessment, AssessmentChange, Cycle, Rating
from insights import gaps, publishing
from insights.gaps import Filters
from insights.models import KEY_FIELDS, SUM_FIELDS, Contribution, PublishedFigure
from people.models import StaffProfile
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, accept_proposals, submitted
from tests.assessments.test_gaps import many_people
from tests.factories import TeamFactory

THRESHOLD = 3


def data_figure(cycle: Cycle, **filters: int) -> gaps.SkillFigure:
    return next(
        item
        for item in gaps.skill_figures(cycle=cycle, filters=Filters(**filters))
        if item.skill.slug == DATA_SKILL
    )


def shown(item: gaps.SkillFigure) -> tuple:
    return (item.people, item.share_at_target, item.mean_gap, item.distribution)


def review(assessment: Assessment, reviewer, number: int) -> None:
    framework = assessment.cycle.framework
    level = framework.levels.get(number=number)
    services.assessment_review(
        assessment=assessment,
        reviewer=reviewer,
        decisions={
            framework.skills.get(slug=slug).pk: services.Decision(agreed_level=level, comment="")
            for slug in (DATA_SKILL, SECURITY_SKILL)
        },
    )
    accept_proposals(assessment)  # the levels proposed are used once the person accepts


@pytest.fixture
def asked(settings, open_cycle, team) -> list[StaffProfile]:
    """Eight people in one team, asked to take part in the open cycle."""
    settings.SMALL_GROUP_THRESHOLD = THRESHOLD
    people = many_people(team, 8)
    services.cycle_ask_people(cycle=open_cycle)
    return people


def test_one_more_submission_does_not_move_the_figures_until_enough_people_have(open_cycle, asked):
    for person in asked[:3]:
        submitted(open_cycle, person, 2)
    before = data_figure(open_cycle)
    assert before.people == 3 and before.as_at is None

    submitted(open_cycle, asked[3], 0)  # reading again must not reveal this person's level
    after_one = data_figure(open_cycle)
    submitted(open_cycle, asked[4], 4)
    after_two = data_figure(open_cycle)

    assert shown(after_one) == shown(before)
    assert shown(after_two) == shown(before)
    assert after_one.as_at is not None  # shown "as at" the time it was published
    # Completion stays live: it says who has submitted, not what anyone answered.
    assert gaps.headline(cycle=open_cycle)["submitted"] == 5

    submitted(open_cycle, asked[5], 2)  # the third person since: the figures move

    moved = data_figure(open_cycle)
    assert moved.people == 6
    assert moved.distribution == {0: 1, 1: 0, 2: 4, 3: 0, 4: 1}
    assert moved.as_at is None


def test_the_dashboard_says_when_figures_are_as_at_an_earlier_time(
    client_for, head, open_cycle, asked
):
    for person in asked[:4]:
        submitted(open_cycle, person, 2)

    text = client_for(head).get("/assessments/dashboards/organisation/").content.decode()

    assert "Some figures on this page are as at" in text
    assert f"at least {THRESHOLD} people in it have submitted or changed" in text


def test_a_person_who_changes_twice_counts_once(open_cycle, asked, head):
    for person in asked[:3]:
        submitted(open_cycle, person, 2)
    before = data_figure(open_cycle)

    fourth = submitted(open_cycle, asked[3], 1)
    review(fourth, head, 3)  # the same person again (nobody in this team has a line manager)
    first = Assessment.objects.get(cycle=open_cycle, person=asked[0])
    review(first, head, 4)  # a second person
    assert shown(data_figure(open_cycle)) == shown(before)

    submitted(open_cycle, asked[4], 2)  # the third different person

    moved = data_figure(open_cycle)
    assert moved.people == 5
    assert moved.distribution == {0: 0, 1: 0, 2: 3, 3: 1, 4: 1}


def test_each_group_waits_for_its_own_people(open_cycle, asked):
    """The organisation's figure and the team's are separate groups: people in another team
    move the organisation's figure, not this team's."""
    other = many_people(TeamFactory(name="Parks"), 3, prefix="parks")
    services.cycle_ask_people(cycle=open_cycle)
    for person in asked[:3]:
        submitted(open_cycle, person, 2)
    team_id = asked[0].team_id
    team_before = data_figure(open_cycle, team_id=team_id)

    for person in other:
        submitted(open_cycle, person, 0)

    assert data_figure(open_cycle).people == 6
    assert shown(data_figure(open_cycle, team_id=team_id)) == shown(team_before)


def test_published_figures_equal_the_ratings_after_any_sequence_and_a_rebuild(
    settings, open_cycle, head, team
):
    """Submissions, reviews, moves between teams and a correction outside the service, in a
    random order; with a threshold of 1 every change publishes, so what is shown must equal
    the figures computed straight from the ratings, for every group."""
    settings.SMALL_GROUP_THRESHOLD = 1
    teams = [team, TeamFactory(name="Parks"), TeamFactory(name="Payroll")]
    people = [person for each in teams for person in many_people(each, 4, prefix=f"t{each.pk}")]
    services.cycle_ask_people(cycle=open_cycle)
    rng = random.Random(7)
    done: list[Assessment] = []
    for step in range(30):
        action = rng.choice(["submit", "submit", "review", "move"])
        waiting = [p for p in people if p.pk not in {a.person_id for a in done}]
        if action == "submit" and waiting:
            done.append(submitted(open_cycle, rng.choice(waiting), rng.randint(0, 4)))
        elif action == "review" and done:
            review(Assessment.objects.get(pk=rng.choice(done).pk), head, rng.randint(0, 4))
        elif action == "move":
            person = rng.choice(people)
            person.team = rng.choice(teams)  # counted in the team they had when asked
            person.save()
        if step == 20 and done:
            # An administrator's correction, outside the services: the rebuild puts it right.
            rating = Assessment.objects.get(pk=done[0].pk).ratings.first()
            rating.level = open_cycle.framework.levels.get(number=0)
            rating.agreed_level = None
            rating.save()
            publishing.rebuild(cycle_id=open_cycle.pk)

    everyone = tuple(StaffProfile.objects.values_list("pk", flat=True))
    groups = [Filters(), *(Filters(team_id=each.pk) for each in teams)]
    groups += [Filters(directorate_id=each.directorate_id) for each in teams]
    for group in groups:
        from_ratings = replace(group, person_ids=everyone)
        assert gaps.skill_figures(cycle=open_cycle, filters=group) == gaps.skill_figures(
            cycle=open_cycle, filters=from_ratings
        )
        assert gaps.area_figures(cycle=open_cycle, filters=group) == gaps.area_figures(
            cycle=open_cycle, filters=from_ratings
        )
    assert gaps.headline(cycle=open_cycle)["submitted"] == len(done)
    assert publishing.rebuild(cycle_id=open_cycle.pk) == 0  # nothing left to put right
    assert AssessmentChange.objects.count() == 0  # every change applied


def test_a_person_deleted_outside_the_service_leaves_the_figures_at_the_rebuild(
    settings, open_cycle, asked
):
    settings.SMALL_GROUP_THRESHOLD = 1
    for person in asked[:3]:
        submitted(open_cycle, person, 2)
    StaffProfile.objects.filter(pk=asked[0].pk).delete()  # the assessment goes with them
    assert data_figure(open_cycle).people == 3

    publishing.rebuild(cycle_id=open_cycle.pk)

    assert data_figure(open_cycle).people == 2
    assert Contribution.objects.filter(cycle_id=open_cycle.pk).count() == 7


def test_rebuild_figures_rebuilds_a_cycle_by_name_and_refuses_an_unknown_one(open_cycle, asked):
    for person in asked[:3]:
        submitted(open_cycle, person, 2)
    PublishedFigure.objects.all().delete()
    Contribution.objects.all().delete()

    from io import StringIO

    out = StringIO()
    call_command("rebuild_figures", "--cycle", open_cycle.name, stdout=out)

    assert f"{open_cycle.name}: 8 assessments changed the figures" in out.getvalue()
    assert data_figure(open_cycle).people == 3
    with pytest.raises(CommandError, match="no open or closed cycle called 'Nope'"):
        call_command("rebuild_figures", "--cycle", "Nope")


def test_a_rebuild_finds_each_change_made_outside_the_services(settings, open_cycle, team):
    """A rebuild rereads only the assessments that differ from what they last added to the
    figures (on PostgreSQL the database compares them): each kind of correction made straight
    in the tables is found alone, the sums it leaves are those of a rebuild from scratch, and
    those give the figures of the ratings at every grain, tiers and role profiles included."""
    settings.SMALL_GROUP_THRESHOLD = 1
    other = TeamFactory(name="Parks")
    people = many_people(team, 4) + many_people(other, 3, prefix="o")
    services.cycle_ask_people(cycle=open_cycle)
    done = [submitted(open_cycle, person, n % 5) for n, person in enumerate(people[:6])]
    framework = open_cycle.framework
    tiers = list(framework.tiers.order_by("pk"))
    roles = list(framework.roles.order_by("pk"))
    ratings = Rating.objects.filter(assessment=done[0]).order_by("skill_id")
    rated = ratings.first()
    assert publishing.rebuild(cycle_id=open_cycle.pk) == 0
    corrections = [
        lambda: ratings.filter(pk=rated.pk).update(agreed_level=framework.levels.get(number=4)),
        lambda: ratings.filter(pk=rated.pk).update(target=0),
        lambda: ratings.filter(pk=rated.pk).update(agreed_level=None),
        lambda: Rating.objects.filter(pk=done[1].ratings.order_by("pk").first().pk).delete(),
        lambda: Assessment.objects.filter(pk=done[2].pk).update(
            status=Assessment.Status.IN_PROGRESS
        ),
        lambda: Assessment.objects.filter(pk=done[3].pk).update(
            team=other, directorate=other.directorate
        ),
        lambda: Assessment.objects.filter(pk=done[4].pk).update(
            tier=tiers[1], role_profile=roles[1]
        ),
        lambda: Assessment.objects.filter(pk=done[5].pk).update(tier=tiers[1]),
        lambda: Assessment.objects.filter(pk__in=[done[0].pk, done[1].pk]).update(
            tier=tiers[1], role_profile=roles[1]
        ),
    ]
    for number, correct in enumerate(corrections):
        correct()
        expected = 2 if number == len(corrections) - 1 else 1
        assert publishing.rebuild(cycle_id=open_cycle.pk, batch=3) == expected, number
        assert publishing.rebuild(cycle_id=open_cycle.pk) == 0, number

    def sums() -> set[tuple]:
        rows = PublishedFigure.objects.filter(cycle_id=open_cycle.pk)
        return {
            row for row in rows.values_list(*KEY_FIELDS, *SUM_FIELDS) if any(row[len(KEY_FIELDS) :])
        }

    kept = sums()
    publishing.rebuild(cycle_id=open_cycle.pk, fresh=True)
    assert sums() == kept
    everyone = tuple(StaffProfile.objects.values_list("pk", flat=True))
    groups = [Filters(), Filters(tier_id=tiers[1].pk), Filters(role_profile_id=roles[1].pk)]
    for each in (team, other):
        groups += [
            Filters(team_id=each.pk),
            Filters(team_id=each.pk, tier_id=tiers[1].pk),
            Filters(team_id=each.pk, tier_id=tiers[1].pk, role_profile_id=roles[1].pk),
            Filters(directorate_id=each.directorate_id),
            Filters(directorate_id=each.directorate_id, tier_id=tiers[1].pk),
            Filters(directorate_id=each.directorate_id, role_profile_id=roles[1].pk),
        ]
    for group in groups:
        from_ratings = replace(group, person_ids=everyone)
        assert gaps.skill_figures(cycle=open_cycle, filters=group) == gaps.skill_figures(
            cycle=open_cycle, filters=from_ratings
        ), group
        assert gaps.area_figures(cycle=open_cycle, filters=group) == gaps.area_figures(
            cycle=open_cycle, filters=from_ratings
        ), group
    assert any(
        item.people for item in gaps.skill_figures(cycle=open_cycle, filters=groups[2])
    )  # the role profile's rows hold people, so the comparison above is not of empty rows
