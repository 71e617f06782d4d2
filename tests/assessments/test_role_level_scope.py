"""Assessment by role level: a person is assessed on their tiers' skills plus the skills their role
level requires (the official DDaT framework, from fixtures of our own in its shape)."""

from __future__ import annotations

import datetime

import pytest
from django.test import TestCase

from assessments import services
from assessments.models import Assessment, Cycle, Rating
from assessments.selectors import scope_for_assessment, scope_for_person
from capability.models import Framework, Skill
from capability.selectors import skills_in_scope
from capability.services import (
    framework_install,
    framework_publish,
    starter_framework_data,
)
from tests.factories import ddat_import

pytestmark = pytest.mark.django_db


@pytest.fixture
def ddat() -> Framework:
    framework_install(data=starter_framework_data())
    draft = ddat_import(version="autumn").framework
    return framework_publish(framework=draft)


@pytest.fixture
def cycle(ddat) -> Cycle:
    return Cycle.objects.create(
        name="2026 Q4",
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 12, 19),
        framework=ddat,
        state=Cycle.State.OPEN,
    )


@pytest.fixture
def engineer(alice, ddat):
    alice.role_profile = ddat.roles.get(name="Senior data engineer")
    alice.save()
    return alice


def all_staff_basics(framework: Framework) -> set[str]:
    return set(
        framework.skills.filter(tier__slug="all-staff", role_only=False).values_list(
            "name", flat=True
        )
    )


def test_a_senior_data_engineer_is_assessed_on_the_basics_and_their_role_levels_skills(
    engineer, ddat
):
    scope = scope_for_person(person=engineer, framework=ddat)
    names = {skill.name for skill in scope.skills}
    assert names == all_staff_basics(ddat) | {"Data pipelines", "Data quality", "Data ethics"}
    assert "Agile delivery" not in names
    assert "Strategic data leadership" not in names


def test_the_role_levels_level_is_the_target_and_the_tier_default_elsewhere(engineer, ddat):
    scope = scope_for_person(person=engineer, framework=ddat)
    by_name = {skill.name: scope.targets[skill.pk] for skill in scope.skills}
    assert by_name["Data pipelines"] == 3  # Practitioner
    assert by_name["Data ethics"] == 2  # Working
    assert by_name["Data privacy"] == 2  # an all-staff basic: the tier default


def test_someone_with_no_role_sees_only_the_basics(alice, ddat):
    scope = scope_for_person(person=alice, framework=ddat)
    assert {skill.name for skill in scope.skills} == all_staff_basics(ddat)


def test_the_starter_framework_scope_is_its_tiers_skills(alice):
    starter, _ = framework_install(data=starter_framework_data())
    for role in starter.roles.select_related("tier"):
        assert set(skills_in_scope(role.tier, role)) == set(Skill.objects.up_to_tier(role.tier))


def test_the_task_list_shows_only_the_areas_in_the_persons_scope(client_for, engineer, cycle):
    client = client_for(engineer)
    page = client.post("/assessments/mine/start/", follow=True).content.decode()
    areas = scope_for_person(person=engineer, framework=cycle.framework).areas()
    assert "Data" in {area.name for area in areas}
    assert page.count('<li class="govuk-task-list__item') == len(areas) + 1  # and the check
    assert "Product and delivery" not in page


def test_a_skill_outside_the_persons_scope_cannot_be_answered(engineer, cycle, ddat):
    assessment = services.assessment_start(cycle=cycle, person=engineer)
    agile = ddat.skills.get(name="Agile delivery")
    with pytest.raises(services.AssessmentError, match="a skill you are not assessed on"):
        services.assessment_save_answers(
            assessment=assessment,
            answers={agile.pk: services.Answer(level=ddat.levels.get(number=3))},
            based_on_revision=assessment.revision,
        )
    assert not Rating.objects.filter(assessment=assessment).exists()


def test_a_required_skill_is_saved_with_the_role_levels_target(engineer, cycle, ddat):
    assessment = services.assessment_start(cycle=cycle, person=engineer)
    pipelines = ddat.skills.get(name="Data pipelines")
    services.assessment_save_answers(
        assessment=assessment,
        answers={pipelines.pk: services.Answer(level=ddat.levels.get(number=1))},
        based_on_revision=assessment.revision,
    )
    assert Rating.objects.get(assessment=assessment).target == 3


def test_the_assessment_keeps_its_scope_when_the_person_changes_role(engineer, cycle, ddat):
    assessment = services.assessment_start(cycle=cycle, person=engineer)
    engineer.role_profile = ddat.roles.get(name="Delivery manager")
    engineer.save()
    assessment = Assessment.objects.get(pk=assessment.pk)
    names = {skill.name for skill in scope_for_assessment(assessment).skills}
    assert "Data pipelines" in names
    assert "Agile delivery" not in names


def submit_all(cycle: Cycle, person, number: int) -> Assessment:
    assessment = services.assessment_start(cycle=cycle, person=person)
    level = cycle.framework.levels.get(number=number)
    scope = scope_for_assessment(assessment)
    services.assessment_save_answers(
        assessment=assessment,
        answers={skill.pk: services.Answer(level=level) for skill in scope.skills},
        based_on_revision=assessment.revision,
    )
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.assessment_submit(assessment=Assessment.objects.get(pk=assessment.pk))


def test_the_career_view_lists_what_the_next_level_needs_that_they_lack(
    client_for, engineer, cycle
):
    submit_all(cycle, engineer, 4)
    page = client_for(engineer).get("/assessments/career/").content.decode()
    assert "The next level up is" in page and "Lead data engineer" in page
    lacking = page.split("that you do not have yet")[1].split("</table>")[0]
    assert "Stakeholder relationships" in lacking and "Not assessed" in lacking
    assert "Data pipelines" not in lacking  # Expert needed, Expert reached
    assert "Data pipelines: 4 Expert" in page


def test_the_career_view_for_the_most_senior_level_says_so(client_for, alice, ddat):
    alice.role_profile = ddat.roles.get(name="Lead data engineer")
    alice.save()
    page = client_for(alice).get("/assessments/career/").content.decode()
    assert "is the most senior level of its role" in page


def test_the_expected_page_links_to_the_next_level(client_for, engineer, ddat):
    page = client_for(engineer).get("/framework/expected/").content.decode()
    assert "The next level up is" in page
    assert "/assessments/career/" in page
    assert "Data pipelines" in page and "Agile delivery" not in page


def test_the_career_view_reads_the_open_cycles_version(client_for, engineer, cycle, ddat):
    # A newer version published mid-cycle, whose senior data engineer has no next level.
    from capability.services import framework_create_draft

    newer = framework_create_draft(source=ddat, version="winter")
    newer.roles.filter(name="Lead data engineer").delete()
    framework_publish(framework=newer)
    page = client_for(engineer).get("/assessments/career/").content.decode()
    assert "The next level up is" in page and "Lead data engineer" in page
