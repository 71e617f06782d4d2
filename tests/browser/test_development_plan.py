"""A development plan from gaps to agreement, and the learning resources pages, with axe on
every page reached."""

from __future__ import annotations

import datetime

import pytest

from assessments import services
from assessments.models import Cycle
from development.models import DevelopmentPlan, LearningResource
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import framework_with_skills

pytestmark = pytest.mark.browser


@pytest.fixture
def submitted(alice, manager):
    framework = framework_with_skills()
    officer = framework.roles.get(slug="officer")
    for person in (alice, manager):
        person.role_profile = officer
        person.save()
    cycle = Cycle.objects.create(
        name="2026 Q4",
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 12, 19),
        framework=framework,
        state=Cycle.State.OPEN,
    )
    assessment = services.assessment_start(cycle=cycle, person=alice)
    services.assessment_save_answers(
        assessment=assessment,
        answers={
            skill.pk: services.Answer(level=framework.levels.get(number=1))
            for skill in framework.skills.filter(tier__slug="all-staff")
        },
        based_on_revision=0,
    )
    services.assessment_submit(assessment=assessment)
    LearningResource.objects.create(
        skill_slug="all-staff-skill-0",
        level=2,
        title="Data essentials",
        url="https://example.org/data",
        provider="GDS Academy",
        minutes=90,
    )
    return assessment


def test_a_plan_is_written_sent_sent_back_and_agreed(page, alice, manager, submitted):
    sign_in(page, "alice@example.org")
    page.goto("/assessments/results/")
    assert "Data essentials" in page.locator("main").inner_text()  # learning for the next level
    page.get_by_role("link", name="Plan how to close your gaps with your line manager").click()
    assert_accessible(page)
    page.get_by_role("button", name="Start your development plan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Choose the skills to focus on"
    page.get_by_role("button", name="Save and continue").click()
    assert "Choose at least one skill" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("All staff skill 0", exact=False).check()
    page.get_by_role("button", name="Save and continue").click()
    assert_accessible(page)

    page.get_by_role("link", name="Add an action for All staff skill 0").click()
    page.get_by_role("button", name="Add action").click()
    assert "Enter the date you will do it by" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Data essentials", exact=False).check()
    page.get_by_label("What will you do?").fill("Then run our team's data audit")
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("3")
    page.get_by_label("Year").fill("2027")
    page.get_by_role("button", name="Add action").click()
    assert "Then run our team's data audit" in page.locator("main").inner_text()
    page.get_by_role("button", name="Send for agreement").click()
    assert "Waiting for agreement" in page.locator("main").inner_text()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "mary@example.org")
    page.goto("/development/team/")
    assert_accessible(page)
    page.get_by_role("link", name="Alice Adams's 2026 Q4 plan").click()
    page.get_by_label("No, ask for changes").check()
    page.get_by_role("button", name="Save decision").click()
    assert "Say what you would like changed" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Yes, agree the plan").check()
    page.get_by_role("button", name="Save decision").click()
    assert "has been told you agree their plan" in page.locator("main").inner_text()
    plan = DevelopmentPlan.objects.get()
    assert plan.status == DevelopmentPlan.Status.AGREED


def test_the_learning_resources_pages_are_accessible(page, head, submitted):
    sign_in(page, "head@example.org")
    page.goto("/development/resources/")
    assert "Data essentials" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Add a resource").click()
    page.get_by_role("button", name="Save resource").click()
    assert "Enter the title of the resource" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto("/development/resources/import/")
    page.get_by_label("Upload a CSV file of learning resources").set_input_files(
        files=[
            {
                "name": "resources.csv",
                "mimeType": "text/csv",
                "buffer": b"skill,level,title,link\nNo such skill,2,A,https://example.org\n",
            }
        ]
    )
    page.get_by_role("button", name="Import resources").click()
    assert "nothing was imported" in page.locator(".govuk-error-summary").inner_text()
    assert "No such skill" in page.locator("#problems").inner_text()
    assert_accessible(page)
