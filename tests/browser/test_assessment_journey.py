"""The self-assessment journey with the keyboard alone, and a manager's review, with axe on every
page reached."""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import Page

from assessments import services
from assessments.models import Assessment, Cycle
from tests.browser.conftest import assert_accessible, sign_in, sign_in_with_keyboard
from tests.factories import framework_with_skills

pytestmark = pytest.mark.browser


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


def tab_to(page: Page, condition: str, limit: int = 80) -> None:
    """Press Tab until the focused element satisfies the JavaScript `condition` (on `el`)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {condition}")


def focused_text(page: Page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def answer_area_with_keyboard(page: Page, arrow_presses: int, evidence: str) -> None:
    """Tab to the first radio, Space picks level 0, arrows move to the level wanted."""
    tab_to(page, "el.type === 'radio'")
    page.keyboard.press("Space")
    for _ in range(arrow_presses):
        page.keyboard.press("ArrowDown")
    tab_to(page, "el.tagName === 'TEXTAREA'")
    page.keyboard.type(evidence)
    tab_to(page, "el.textContent.trim() === 'Save and continue'")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_the_whole_self_assessment_with_the_keyboard_alone(page, alice, open_cycle):
    sign_in_with_keyboard(page, "alice@example.org")
    tab_to(page, "el.textContent.trim() === 'My assessment'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)

    tab_to(page, "el.textContent.trim().startsWith('Start now')")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Your self-assessment"
    assert_accessible(page)

    tab_to(page, "el.textContent.trim() === 'Data'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_accessible(page)

    # Saving with nothing chosen shows the error summary, which takes focus.
    tab_to(page, "el.textContent.trim() === 'Save and continue'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert (
        "Choose a level for All staff skill 0" in page.locator(".govuk-error-summary").inner_text()
    )
    assert_accessible(page)

    answer_area_with_keyboard(page, arrow_presses=2, evidence="I keep our team's records tidy")
    assert page.get_by_role("heading", level=1).inner_text() == "Security"
    assert_accessible(page)
    answer_area_with_keyboard(page, arrow_presses=3, evidence="")

    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check your answers before submitting"
    )
    assert "2 Working" in page.locator("main").inner_text()
    assert "3 Practitioner" in page.locator("main").inner_text()
    assert_accessible(page)

    # A change link leads to the area and saving returns to check your answers.
    tab_to(page, "el.textContent.trim() === 'Change level for All staff skill 0'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == "Data"
    assert_accessible(page)
    tab_to(page, "el.type === 'radio' && el.checked")
    page.keyboard.press("ArrowDown")  # from 2 Working to 3 Practitioner
    tab_to(page, "el.textContent.trim() === 'Save and continue'")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Check your answers before submitting"
    )
    assert page.locator("main").inner_text().count("3 Practitioner") == 2

    tab_to(page, "el.textContent.trim() === 'Submit self-assessment'")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator(".govuk-panel__title").inner_text() == "Self-assessment submitted"
    assert_accessible(page)
    assessment = Assessment.objects.get(person=alice)
    assert assessment.status == Assessment.Status.SUBMITTED
    assert dict(assessment.ratings.values_list("skill__slug", "level__number")) == {
        "all-staff-skill-0": 3,
        "all-staff-skill-1": 3,
    }


def test_a_managers_review_and_the_persons_results_are_accessible(page, alice, manager, open_cycle):
    framework = open_cycle.framework
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    skills = {s.slug: s for s in framework.skills.filter(tier__slug="all-staff")}
    services.assessment_save_answers(
        assessment=assessment,
        answers={
            s.pk: services.Answer(level=framework.levels.get(number=2), evidence="Did it")
            for s in skills.values()
        },
        based_on_revision=0,
    )
    services.assessment_submit(assessment=assessment)

    sign_in(page, "mary@example.org")
    page.goto("/assessments/team/")
    assert "Waiting for your review" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Review Alice Adams's self-assessment").click()
    assert_accessible(page)
    page.get_by_label("1 Awareness").first.check()
    page.get_by_label("Comment on All staff skill 0").fill("Let's plan some training together")
    page.get_by_role("button", name="Save review").click()
    assert "Your review of Alice Adams has been saved" in page.locator("main").inner_text()
    assert "Proposed: waiting for Alice" in page.locator("main").inner_text()
    assert_accessible(page)

    # The dialogue: Alice sees the proposal, replies; Mary reads the reply and confirms.
    page.context.clear_cookies()
    sign_in(page, "alice@example.org")
    page.goto("/assessments/results/")
    assert "Let's plan some training together" in page.locator("main").inner_text()
    assert "Your reviewer proposes 1 Awareness" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Accept or reply to the proposed level").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Answer your reviewer"
    assert_accessible(page)
    page.get_by_role("button", name="Send your answer").click()
    assert "Choose whether you accept" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Reply to your reviewer").check()
    page.get_by_label("Your reply about All staff skill 0").fill("I ran the records audit alone")
    page.get_by_role("button", name="Send your answer").click()
    assert "Your answer has been sent to your reviewer" in page.locator("main").inner_text()
    assert "you replied and they will confirm or change it" in page.locator("main").inner_text()
    assert_accessible(page)

    page.context.clear_cookies()
    sign_in(page, "mary@example.org")
    page.goto("/assessments/team/")
    assert "Replied: confirm or change 1 level" in page.locator("main").inner_text()
    page.get_by_role("link", name="Read the reply Alice Adams's self-assessment").click()
    assert "I ran the records audit alone" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("2 Working (their own level)").first.check()
    page.get_by_role("button", name="Save review").click()
    assert "Reviewed" in page.locator("main").inner_text()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.REVIEWED
    rating = assessment.ratings.get(skill__slug="all-staff-skill-0")
    assert (rating.review_state, rating.agreed_level.number) == ("changed", 2)


def test_the_cycle_pages_are_accessible(page, head, alice, open_cycle):
    sign_in(page, "head@example.org")
    page.goto("/assessments/cycles/")
    assert_accessible(page)
    page.get_by_role("button", name="Create a cycle").click()
    page.get_by_role("button", name="Create cycle").click()
    assert "Enter a name for the cycle" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.goto(f"/assessments/cycles/{open_cycle.pk}/")
    assert_accessible(page)
    page.get_by_role("link", name="See how many people have submitted").click()
    assert "Completion by team" in page.locator("main").inner_text()
    assert_accessible(page)
