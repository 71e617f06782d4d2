"""The personal data pages in a real browser: axe-core finds nothing, and the erasure form's
error summary works as GOV.UK designs it."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from demo.people import DEMO_PASSWORD
from people.models import StaffProfile
from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", "--allow-without-debug", verbosity=0)


def test_your_data_page_is_accessible(page, demo):
    sign_in(page, "staff@example.org", DEMO_PASSWORD)
    page.goto("/your-data/")
    expect(page.get_by_role("heading", name="Your data", exact=True)).to_be_visible()
    assert_accessible(page)


def test_the_heads_pages_are_accessible_and_erasure_asks_for_confirmation(page, demo):
    person = StaffProfile.objects.get(user__email="staff@example.org")
    sign_in(page, "head@example.org", DEMO_PASSWORD)
    page.goto("/manage/people/personal-data/")
    assert_accessible(page)
    page.get_by_label("Email address of the person who asked").fill("staff@example.org")
    page.get_by_role("button", name="Find this person").click()
    page.wait_for_url(f"**/manage/people/{person.pk}/personal-data/")
    assert_accessible(page)
    page.goto(f"/manage/people/{person.pk}/erase/")
    assert_accessible(page)
    page.get_by_role("button", name="Erase their personal data").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("checkbox").check()
    page.get_by_role("button", name="Erase their personal data").click()
    page.wait_for_url(f"**/manage/people/{person.pk}/personal-data/")
    expect(page.get_by_text("personal data has been erased")).to_be_visible()
    assert_accessible(page)
