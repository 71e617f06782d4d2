"""Figures for heads of digital: most chosen focus skills, agreed plans by directorate and
mandatory learning completed, under the privacy rules; and the roadmap naming gaps many plans
target that no initiative supports. The small-group threshold is 3 here.

Four people in Housing and four in Parks (two directorates) are asked in 2026 Q4. Three in
Housing send plans focusing on Data (two agreed); two in Parks focus on Security; one more in
Parks has a draft on Security, which counts nowhere."""

from __future__ import annotations

import datetime

import pytest

from assessments import services as assessment_services
from assessments.models import Assessment
from development import figures, services
from development.models import DevelopmentPlan, FocusSkill, LearningResource
from insights import publishing
from roadmap.models import Initiative
from roadmap.selectors import planned_but_unsupported
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, skill
from tests.assessments.test_gaps import many_people
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def plans(settings, open_cycle, framework):
    settings.SMALL_GROUP_THRESHOLD = 3
    housing = many_people(TeamFactory(name="Housing", directorate__name="Housing"), 4, "h")
    parks = many_people(TeamFactory(name="Parks", directorate__name="Parks"), 4, "p")
    assessment_services.cycle_ask_people(cycle=open_cycle)
    Assessment.objects.update(status=Assessment.Status.SUBMITTED)
    publishing.rebuild(cycle_id=open_cycle.pk)

    def plan(person, slug, status):
        made = DevelopmentPlan.objects.create(
            assessment=Assessment.objects.get(person=person), status=status
        )
        FocusSkill.objects.create(plan=made, skill=skill(framework, slug), level_then=1, target=2)

    agreed, submitted = DevelopmentPlan.Status.AGREED, DevelopmentPlan.Status.SUBMITTED
    for person, status in zip(housing[:3], [agreed, agreed, submitted], strict=True):
        plan(person, DATA_SKILL, status)
    for person in parks[:2]:
        plan(person, SECURITY_SKILL, submitted)
    plan(parks[2], SECURITY_SKILL, DevelopmentPlan.Status.DRAFT)
    return housing, parks


def test_focus_skills_chosen_by_fewer_than_the_threshold_are_not_counted(plans, open_cycle):
    shown, hidden = figures.focus_skill_counts(open_cycle)
    assert [(item.skill_slug, item.plans) for item in shown] == [(DATA_SKILL, 3)]
    assert hidden == 1  # Security: two sent plans (the draft does not count)


def test_agreed_plans_are_a_share_of_the_people_asked_in_each_directorate(plans, open_cycle):
    rows = {
        row.name: (row.agreed, row.people)
        for row in figures.agreed_plans_by_directorate(open_cycle)
    }
    assert rows == {"Housing": (2, 4), "Parks": (0, 4)}


def test_a_directorate_the_completion_figures_hide_is_hidden_here_too(plans, open_cycle):
    many_people(TeamFactory(name="Libraries", directorate__name="Libraries"), 1, "l")
    assessment_services.cycle_ask_people(cycle=open_cycle)
    publishing.rebuild(cycle_id=open_cycle.pk)
    rows = {row.name: row.agreed for row in figures.agreed_plans_by_directorate(open_cycle)}
    # Libraries has one person; hiding it alone would let it be worked out, so Housing or
    # Parks is hidden as well (complementary suppression).
    assert rows["Libraries"] is None
    assert list(rows.values()).count(None) == 2


def test_mandatory_learning_completed_is_shown_only_for_enough_people(plans, head, framework):
    housing, _ = plans
    resource = LearningResource.objects.create(
        skill_slug=DATA_SKILL, level=1, title="Privacy", url="https://example.org/p"
    )
    officer = framework.roles.get(slug="officer")
    for person in housing[:2]:
        person.role_profile = officer
        person.save()
    services.mandatory_assign(
        resource=resource, due_on=datetime.date(2027, 1, 1), by=head, tier_slug="all-staff"
    )
    services.mandatory_assign(
        resource=resource, due_on=datetime.date(2027, 1, 1), by=head, role_slug=officer.slug
    )
    services.learning_mark_done(
        person=housing[0], resource=resource, done=True, today=datetime.date(2026, 12, 1)
    )
    everyone, officers = figures.mandatory_completion()
    assert (everyone.completed, everyone.people) == (1, 8)
    assert (officers.completed, officers.people) == (None, 2)  # fewer than 3


def test_the_roadmap_names_gaps_many_plans_target_that_no_initiative_supports(
    plans, open_cycle, framework
):
    assert [(item.skill.slug, item.plans) for item in planned_but_unsupported(open_cycle)] == [
        (DATA_SKILL, 3)
    ]
    initiative = Initiative.objects.create(
        title="Data skills", owner=UserFactory(), status="in_progress"
    )
    initiative.skills.set([skill(framework, DATA_SKILL)])
    assert planned_but_unsupported(open_cycle) == []


def test_the_figures_page_is_for_heads_of_digital(client_for, plans, head, open_cycle):
    housing, _ = plans
    assert client_for(housing[0]).get("/development/figures/").status_code == 403
    page = client_for(head).get("/development/figures/").content.decode()
    assert "All staff skill 0" in page
    assert "1 other skill is chosen in fewer than 3 plans" in page
    assert "2 of 4" in page
