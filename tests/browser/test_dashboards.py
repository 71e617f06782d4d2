"""The gap dashboards in a real browser: drill-downs work and axe finds nothing to fix."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.assessments.test_gaps import assess, crowd, make_cycle, skill
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import (
    StaffProfileFactory,
    TeamFactory,
    framework_with_skills,
    head_of_digital,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def organisation(transactional_db):
    framework = framework_with_skills()
    cycle = make_cycle(framework)
    revenues = TeamFactory(name="Revenues", directorate__name="Resources")
    # With line managers of their own: the head of digital does not review (and see) them.
    lead = StaffProfileFactory()
    crowd(cycle, revenues, [0, 1, 1, 2, 4, 3], line_manager=lead)
    crowd(cycle, TeamFactory(name="Parks", directorate__name="Place"), [0, 2], line_manager=lead)
    # Without a third directorate, everyone minus Resources would be Place's two people, and
    # Resources would be hidden too.
    payroll = TeamFactory(name="Payroll", directorate__name="Finance")
    crowd(cycle, payroll, [1, 1, 2, 2, 2], line_manager=lead)
    manager = StaffProfileFactory(
        user__email="mary@example.org", user__full_name="Mary Manager", team=revenues
    )
    report = StaffProfileFactory(user__full_name="Alice Adams", team=revenues, line_manager=manager)
    assess(cycle, report, {skill(framework): (3, 1)})
    head_of_digital(email="head@example.org", full_name="Harriet Head")
    return framework


def test_the_organisation_dashboard_and_its_drill_downs_are_accessible(page, organisation):
    sign_in(page, "head@example.org")
    page.goto("/assessments/dashboards/organisation/")
    assert page.get_by_role("heading", level=1).inner_text() == "Capability gaps"
    expect(page.get_by_text("fewer than 5 responses").first).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Resources").click()
    page.get_by_role("link", name="Revenues").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Revenues"
    assert_accessible(page)

    page.get_by_role("link", name="All staff skill 0").click()
    title = page.locator("svg[role=img] title").first.text_content()
    assert title.startswith("All staff skill 0")
    assert_accessible(page)


def test_the_team_dashboard_is_accessible(page, organisation):
    sign_in(page, "mary@example.org")
    page.goto("/assessments/dashboards/team/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your team's gaps"
    expect(page.get_by_role("cell", name="1 (gap 1)")).to_be_visible()
    assert_accessible(page)
