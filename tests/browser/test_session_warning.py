import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible, sign_in

pytestmark = pytest.mark.browser


def test_people_are_warned_before_their_session_ends_and_can_stay_signed_in(page, alice, settings):
    page.clock.install()
    sign_in(page, "alice@example.org")
    warning = page.locator("#session-timeout-warning")
    assert warning.is_hidden()

    page.clock.run_for((settings.SESSION_IDLE_MINUTES - 5) * 60 * 1000 + 1000)
    expect(warning).to_be_visible()
    assert "You will be signed out in 5 minutes" in warning.inner_text()
    assert page.evaluate("document.activeElement.id") == "session-timeout-warning"
    assert_accessible(page)

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Stay signed in", with the keyboard alone
    warning.wait_for(state="hidden")
