from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from okrs.models import CheckIn, KeyResult, Objective
from roadmap.models import Initiative, Milestone
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import framework_with_skills
from tests.okrs.cycle_data import make_cycle, people_rated

pytestmark = pytest.mark.browser


@pytest.fixture
def okrs_and_roadmap(head):
    framework = framework_with_skills()
    skill = framework.skills.get(slug="all-staff-skill-0")
    cycle = make_cycle(framework)
    people_rated(cycle, framework.tiers.get(slug="all-staff"), skill, [0, 1, 2, 2, 3], target=2)
    objective = Objective.objects.create(
        period="2026-27", owner=head, title="Staff are confident with technology"
    )
    manual = KeyResult.objects.create(
        objective=objective,
        title="Staff who completed digital essentials",
        baseline=Decimal(0),
        target=Decimal(90),
        unit="%",
    )
    CheckIn.objects.create(
        key_result=manual, date=date(2026, 9, 30), value=Decimal(41), confidence="at_risk"
    )
    KeyResult.objects.create(
        objective=objective,
        title="Staff at target in data privacy",
        kind="computed",
        measure="share_at_target",
        framework=framework,
        skill=skill,
        baseline=Decimal(55),
        target=Decimal(85),
        unit="%",
    )
    initiative = Initiative.objects.create(
        title="Digital essentials",
        owner=head,
        status="in_progress",
        horizon="now",
        start_on=date(2026, 4, 1),
        end_on=date(2027, 3, 31),
    )
    Milestone.objects.create(initiative=initiative, title="Course live", due_on=date(2026, 6, 1))
    return objective


def test_okr_and_roadmap_pages_have_no_accessibility_violations(page, head, okrs_and_roadmap):
    sign_in(page, head.email)
    page.goto("/okrs/")
    expect(page.get_by_text("46% of the way to the target").first).to_be_visible()
    assert_accessible(page)
    page.goto(f"/okrs/objectives/{okrs_and_roadmap.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == okrs_and_roadmap.title
    assert_accessible(page)
    page.goto("/roadmap/")
    assert_accessible(page)
    page.goto("/roadmap/timeline/")
    expect(page.get_by_role("img", name="Roadmap timeline by quarter")).to_be_visible()
    assert_accessible(page)
    page.goto("/roadmap/unaddressed-gaps/")
    expect(page.get_by_role("row", name="All staff skill 0")).to_be_visible()
    assert_accessible(page)


def test_the_key_result_form_and_its_errors_have_no_accessibility_violations(
    page, head, okrs_and_roadmap
):
    sign_in(page, head.email)
    page.goto(f"/okrs/objectives/{okrs_and_roadmap.pk}/key-results/new/")
    page.get_by_role("button", name="Save key result").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
