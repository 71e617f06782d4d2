"""What a person typed on an area page survives a save that never reached the service: the browser
keeps it and offers it back. The failure is real from the browser's side: the page's POST is
aborted, as when the network drops or the service cannot be reached."""

from __future__ import annotations

import datetime
import re

import pytest
from playwright.sync_api import Page, Route

from assessments import services
from assessments.models import Cycle, Rating
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import framework_with_skills

pytestmark = pytest.mark.browser

TYPED = "I ran the data audit for the whole directorate"
BANNER_TEXT = re.compile(
    r"You have answers you typed on \d{1,2} \w+ \d{4} at \d{1,2}:\d{2}(am|pm) that were not saved"
)


@pytest.fixture
def open_cycle(alice, bob, manager):
    framework = framework_with_skills()
    officer = framework.roles.get(slug="officer")
    for person in (alice, bob, manager):
        person.role_profile = officer
        person.save()
    return Cycle.objects.create(
        name="2026 Q4",
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 12, 19),
        framework=framework,
        state=Cycle.State.OPEN,
    )


@pytest.fixture
def started(open_cycle, alice):
    return services.assessment_start(cycle=open_cycle, person=alice)


def area_url(assessment) -> str:
    return f"/assessments/mine/{assessment.pk}/areas/data/"


def _abort_posts(route: Route) -> None:
    if route.request.method == "POST":
        route.abort("internetdisconnected")
    else:
        route.continue_()


def type_answers_and_fail_to_save(page: Page, assessment) -> None:
    page.goto(area_url(assessment))
    page.get_by_label("3 Practitioner").check()
    page.get_by_label("Evidence for All staff skill 0 (optional)").fill(TYPED)
    page.route(f"**{area_url(assessment)}", _abort_posts)
    page.get_by_role("button", name="Save and come back later").click()
    page.wait_for_url(lambda url: url.startswith("chrome-error://"))
    page.unroute(f"**{area_url(assessment)}")
    assert not Rating.objects.exists()


def kept_keys(page: Page) -> list[str]:
    return page.evaluate("Object.keys(localStorage).filter((key) => key.includes('kept-answers'))")


def test_answers_typed_before_a_failed_save_are_offered_back_and_saved(page, alice, started):
    sign_in(page, "alice@example.org")
    type_answers_and_fail_to_save(page, started)

    page.goto(area_url(started))
    banner = page.get_by_role("region", name="Important")
    assert BANNER_TEXT.search(banner.inner_text())
    # The page shows what is saved (nothing) until the person chooses.
    assert not page.get_by_label("3 Practitioner").is_checked()
    assert page.get_by_label("Evidence for All staff skill 0 (optional)").input_value() == ""
    assert page.evaluate("document.activeElement.dataset.keptAnswersBanner") == ""
    assert_accessible(page)

    # With the keyboard alone: from the banner, Tab to "Put them back" and press Enter.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Put them back"
    page.keyboard.press("Enter")
    assert "Your answers have been put back" in banner.inner_text()
    assert page.get_by_label("3 Practitioner").is_checked()
    assert page.get_by_label("Evidence for All staff skill 0 (optional)").input_value() == TYPED
    assert_accessible(page)

    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers have been saved" in page.locator("main").inner_text()
    rating = Rating.objects.get(assessment=started)
    assert (rating.level.number, rating.evidence) == (3, TYPED)

    # The save landed: the kept copy goes without a word.
    page.goto(area_url(started))
    assert page.get_by_role("region", name="Important").count() == 0
    assert page.locator("[data-kept-answers-banner]").is_hidden()
    assert kept_keys(page) == []


def test_kept_answers_can_be_discarded(page, alice, started):
    sign_in(page, "alice@example.org")
    type_answers_and_fail_to_save(page, started)
    page.goto(area_url(started))
    page.get_by_role("button", name="Discard them").click()
    assert "discarded" in page.get_by_role("region", name="Important").inner_text()
    assert kept_keys(page) == []
    assert not page.get_by_label("3 Practitioner").is_checked()
    page.reload()
    assert page.locator("[data-kept-answers-banner]").is_hidden()


def test_answers_that_were_saved_are_not_offered_back(page, alice, started):
    sign_in(page, "alice@example.org")
    page.goto(area_url(started))
    page.get_by_label("3 Practitioner").check()
    page.get_by_role("button", name="Save and come back later").click()
    assert "Your answers have been saved" in page.locator("main").inner_text()
    page.goto(area_url(started))
    assert page.locator("[data-kept-answers-banner]").is_hidden()
    assert kept_keys(page) == []


def test_kept_answers_are_not_kept_for_the_next_person_on_the_browser(
    page, alice, bob, open_cycle, started
):
    sign_in(page, "alice@example.org")
    type_answers_and_fail_to_save(page, started)
    page.goto("/")
    assert len(kept_keys(page)) == 1

    page.context.clear_cookies()  # alice leaves; bob signs in on the same browser
    bobs = services.assessment_start(cycle=open_cycle, person=bob)
    sign_in(page, "bob@example.org")
    page.goto(area_url(bobs))
    assert page.locator("[data-kept-answers-banner]").is_hidden()
    assert kept_keys(page) == []


def test_nothing_is_kept_once_the_assessment_is_submitted(page, alice, open_cycle, started):
    sign_in(page, "alice@example.org")
    type_answers_and_fail_to_save(page, started)
    framework = open_cycle.framework
    services.assessment_save_answers(
        assessment=started,
        answers={
            skill.pk: services.Answer(level=framework.levels.get(number=2))
            for skill in framework.skills.filter(tier__slug="all-staff")
        },
        based_on_revision=0,
    )
    page.goto(f"/assessments/mine/{started.pk}/check/")
    page.get_by_role("button", name="Submit self-assessment").click()
    assert page.locator(".govuk-panel__title").inner_text() == "Self-assessment submitted"
    assert kept_keys(page) == []


def test_answers_on_a_page_shown_again_with_an_error_are_kept(page, alice, started):
    sign_in(page, "alice@example.org")
    page.goto(area_url(started))
    page.get_by_label("Evidence for All staff skill 0 (optional)").fill(TYPED)
    page.get_by_role("button", name="Save and come back later").click()
    assert "or delete the evidence you gave" in page.locator(".govuk-error-summary").inner_text()

    page.goto(f"/assessments/mine/{started.pk}/")  # the person leaves without fixing it
    page.goto(area_url(started))
    assert BANNER_TEXT.search(page.get_by_role("region", name="Important").inner_text())
    page.get_by_role("button", name="Put them back").click()
    assert page.get_by_label("Evidence for All staff skill 0 (optional)").input_value() == TYPED
