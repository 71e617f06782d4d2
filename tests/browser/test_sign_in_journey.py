import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in, sign_in_with_keyboard

pytestmark = pytest.mark.browser


def test_the_sign_in_page_has_no_accessibility_violations(page):
    page.goto("/sign-in/")
    assert_accessible(page)


def test_the_sign_in_error_page_has_no_accessibility_violations(page, alice):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_signing_in_works_with_the_keyboard_alone(page, alice):
    sign_in_with_keyboard(page, "alice@example.org")
    assert page.get_by_role("heading", level=1).inner_text() == "Alice, welcome"


@pytest.mark.parametrize("who", ["alice", "manager", "head", "leader"])
def test_each_role_home_page_has_no_accessibility_violations(page, request, who, alice):
    person = request.getfixturevalue(who)
    email = person.user.email if hasattr(person, "user") else person.email
    sign_in(page, email)
    assert_accessible(page)


@pytest.mark.parametrize("url", ["/accessibility/", "/privacy/", "/password-reset/"])
def test_public_pages_have_no_accessibility_violations(page, url):
    page.goto(url)
    assert_accessible(page)


def test_the_error_summary_takes_focus_so_keyboard_users_hear_it(page, alice):
    page.goto("/sign-in/")
    with page.expect_navigation():
        page.get_by_label("Email address").press("Enter")
    assert page.evaluate("document.activeElement.className").startswith("govuk-error-summary")


def test_a_bad_people_import_has_no_accessibility_violations_and_links_to_the_field(page, head):
    sign_in(page, "head@example.org")
    page.goto("/people/import/")
    page.get_by_label("Upload a CSV file").set_input_files(
        files=[
            {
                "name": "hr.csv",
                "mimeType": "text/csv",
                "buffer": b"name,email,directorate,team,job title,line manager email,role\n"
                b"A,not-an-email,D,T,J,,\n",
            }
        ]
    )
    page.get_by_label("Some people to add or update").check()
    page.get_by_role("button", name="Check the file").click()
    page.locator(".govuk-error-summary").wait_for()
    expect(
        page.get_by_role("cell", name='"not-an-email" is not a valid email address')
    ).to_be_visible()
    assert_accessible(page)
    page.locator(".govuk-error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "id_file"
