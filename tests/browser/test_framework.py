import pytest
from playwright.sync_api import expect

from capability.models import Framework
from capability.services import framework_create_draft
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import framework_with_skills

pytestmark = pytest.mark.browser


@pytest.fixture
def framework(alice) -> Framework:
    framework = framework_with_skills()
    alice.role_profile = framework.roles.get(slug="manager")
    alice.save()
    return framework


def test_the_framework_pages_have_no_accessibility_violations(page, alice, framework):
    sign_in(page, "alice@example.org")
    page.goto("/framework/?tier=service-managers")
    assert page.get_by_role("heading", level=1).inner_text() == "Test framework"
    assert_accessible(page)
    page.goto("/framework/expected/")
    assert page.get_by_role("heading", level=1).inner_text() == "What is expected of you"
    assert_accessible(page)
    page.get_by_role("link", name="Service managers skill 0").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Service managers skill 0"
    assert_accessible(page)


def test_editing_a_draft_skill_has_no_accessibility_violations(page, head, framework):
    draft = framework_create_draft(source=framework, version="next")
    skill = draft.skills.first()
    sign_in(page, "head@example.org")
    page.goto(f"/framework/manage/{draft.pk}/skills/{skill.pk}/")
    page.get_by_label("Skill name").fill("")
    page.get_by_role("button", name="Save skill").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
