"""Two reviewers of the same assessment: the second never silently overwrites the first.

Alice has no line manager, so both heads of digital, Harriet and Henry, may review her; each
opens the review page before either saves.
"""

from __future__ import annotations

import re
import threading

import pytest
from django.core import mail
from django.db import connection

from assessments import services
from assessments.models import Assessment, Rating
from people.models import StaffProfile
from tests.assessments.journey import (
    DATA_SKILL,
    SECURITY_SKILL,
    committed,
    level,
    skill,
    submitted,
)
from tests.factories import head_of_digital

pytestmark = pytest.mark.usefixtures("officers")


@pytest.fixture
def henry(db):
    return head_of_digital(email="henry@example.org", full_name="Henry Hughes")


@pytest.fixture
def waiting(open_cycle, alice) -> Assessment:
    StaffProfile.objects.filter(pk=alice.pk).update(line_manager=None)
    alice.refresh_from_db()
    return submitted(open_cycle, alice, number=2)


def url(assessment: Assessment) -> str:
    return f"/assessments/review/{assessment.pk}/"


def page_revision(page: str) -> str:
    match = re.search(r'name="review_revision" value="(\d+)"', page)
    assert match, "the review page posts the review revision it was rendered from"
    return match.group(1)


def review_post(framework, revision: str, data: tuple[int, str], security: tuple[int, str]):
    data_skill, security_skill = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    return {
        "review_revision": revision,
        f"agreed_{data_skill.pk}": level(framework, data[0]).pk,
        f"comment_{data_skill.pk}": data[1],
        f"agreed_{security_skill.pk}": level(framework, security[0]).pk,
        f"comment_{security_skill.pk}": security[1],
    }


def saved_review(assessment: Assessment) -> dict[str, tuple[int | None, str]]:
    return {
        rating.skill.slug: (
            rating.manager_level.number if rating.manager_level else None,
            rating.manager_comment,
        )
        for rating in Rating.objects.filter(assessment=assessment).select_related(
            "skill", "agreed_level", "proposed_level"
        )
    }


def test_a_review_from_a_page_opened_before_another_review_is_refused_and_the_first_kept(
    client_for, waiting, head, henry, framework
):
    harriet_page = client_for(head).get(url(waiting)).content.decode()
    henry_page = client_for(henry).get(url(waiting)).content.decode()
    harriet = review_post(framework, page_revision(harriet_page), (3, "Leads it"), (2, ""))
    assert client_for(head).post(url(waiting), harriet).status_code == 302

    henry_post = review_post(framework, page_revision(henry_page), (1, "Not yet"), (2, ""))
    response = client_for(henry).post(url(waiting), henry_post)

    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Harriet Head reviewed this assessment at" in page
    assert "after you opened this page" in page
    waiting.refresh_from_db()
    assert waiting.reviewed_by == head
    assert saved_review(waiting) == {DATA_SKILL: (3, "Leads it"), SECURITY_SKILL: (2, "")}


def test_the_refused_page_shows_the_other_reviewers_levels_and_saves_from_it(
    client_for, waiting, head, henry, framework
):
    henry_page = client_for(henry).get(url(waiting)).content.decode()
    harriet = review_post(framework, "0", (3, "Leads it"), (2, ""))
    assert client_for(head).post(url(waiting), harriet).status_code == 302
    henry_post = review_post(framework, page_revision(henry_page), (1, "Not yet"), (2, ""))

    refused = client_for(henry).post(url(waiting), henry_post).content.decode()

    assert "Saved by Harriet Head at" in refused
    assert "3 Practitioner" in refused and "Leads it" in refused
    assert "the saved level is now 3 Practitioner" in refused
    henry_post["review_revision"] = page_revision(refused)
    assert client_for(henry).post(url(waiting), henry_post).status_code == 302
    waiting.refresh_from_db()
    assert waiting.reviewed_by == henry
    assert saved_review(waiting) == {DATA_SKILL: (1, "Not yet"), SECURITY_SKILL: (2, "")}


def test_a_second_reviewer_who_posts_what_is_saved_is_not_refused(
    client_for, waiting, head, henry, framework
):
    same = review_post(framework, "0", (3, "Leads it"), (2, ""))
    assert client_for(head).post(url(waiting), same).status_code == 302
    response = client_for(henry).post(url(waiting), same, follow=True)
    assert "Your review of Alice Adams has been saved" in response.content.decode()
    waiting.refresh_from_db()
    assert (waiting.reviewed_by, waiting.review_revision) == (head, 1)
    assert saved_review(waiting) == {DATA_SKILL: (3, "Leads it"), SECURITY_SKILL: (2, "")}


def test_two_reviewers_saving_the_same_review_send_the_person_one_email(
    client_for, waiting, head, henry, framework
):
    mail.outbox.clear()
    same = review_post(framework, "0", (3, "Leads it"), (2, ""))
    with committed():
        client_for(head).post(url(waiting), same)
    with committed():
        client_for(henry).post(url(waiting), same)
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_a_refused_review_tells_nobody(client_for, waiting, head, henry, framework):
    with committed():
        client_for(head).post(url(waiting), review_post(framework, "0", (3, "Leads it"), (2, "")))
    mail.outbox.clear()
    with committed():
        client_for(henry).post(url(waiting), review_post(framework, "0", (1, "Not yet"), (2, "")))
    assert mail.outbox == []


def test_the_same_reviewer_in_two_tabs_is_told_it_was_another_tab(
    client_for, waiting, head, framework
):
    client = client_for(head)
    client.post(url(waiting), review_post(framework, "0", (3, "Leads it"), (2, "")))
    page = client.post(
        url(waiting), review_post(framework, "0", (1, "Not yet"), (2, ""))
    ).content.decode()
    assert "You saved a review of this assessment in another tab or window" in page
    assert saved_review(waiting)[DATA_SKILL] == (3, "Leads it")


def test_a_reviewer_may_change_their_review_from_a_fresh_page_while_the_cycle_is_open(
    client_for, waiting, head, framework
):
    client = client_for(head)
    client.post(url(waiting), review_post(framework, "0", (3, "Leads it"), (2, "")))
    fresh = client.get(url(waiting)).content.decode()
    assert "You reviewed this on" in fresh
    changed = review_post(framework, page_revision(fresh), (4, "On reflection"), (2, ""))
    assert client.post(url(waiting), changed).status_code == 302
    assert saved_review(waiting)[DATA_SKILL] == (4, "On reflection")


@pytest.mark.parametrize("revision", ["abc", "-1", "7", "²", "9" * 5000])
def test_a_changed_review_revision_is_a_plain_error_and_saves_nothing(
    client_for, waiting, head, framework, revision
):
    response = client_for(head).post(
        url(waiting), review_post(framework, revision, (3, "Leads it"), (2, ""))
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "save your review again" in page or "save again" in page
    waiting.refresh_from_db()
    assert waiting.status == Assessment.Status.SUBMITTED
    assert saved_review(waiting) == {DATA_SKILL: (None, ""), SECURITY_SKILL: (None, "")}


def test_the_service_refuses_an_older_revision_only_when_a_decision_differs(
    waiting, head, henry, framework
):
    def decisions(data_level: int, comment: str) -> dict[int, services.Decision]:
        return {
            skill(framework, DATA_SKILL).pk: services.Decision(
                agreed_level=level(framework, data_level), comment=comment
            ),
            skill(framework, SECURITY_SKILL).pk: services.Decision(
                agreed_level=level(framework, 2)
            ),
        }

    services.assessment_review(
        assessment=waiting,
        reviewer=head,
        decisions=decisions(3, "Leads it"),
        based_on_review_revision=0,
    )
    services.assessment_review(
        assessment=waiting,
        reviewer=henry,
        decisions=decisions(3, "Leads it"),
        based_on_review_revision=0,
    )
    with pytest.raises(services.StaleReviewError) as refused:
        services.assessment_review(
            assessment=waiting,
            reviewer=henry,
            decisions=decisions(3, "Leads it, and teaches it"),
            based_on_review_revision=0,
        )
    assert refused.value.differing == {skill(framework, DATA_SKILL).pk}
    waiting.refresh_from_db()
    assert waiting.review_revision == 1
    assert saved_review(waiting)[DATA_SKILL] == (3, "Leads it")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks: PostgreSQL, not SQLite"
)
@pytest.mark.django_db(transaction=True)
def test_two_reviews_at_the_same_moment_save_one_and_refuse_the_other(
    waiting, head, henry, framework
):
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def review(name, reviewer, data_level: int) -> None:
        decisions = {
            skill(framework, DATA_SKILL).pk: services.Decision(
                agreed_level=level(framework, data_level), comment=f"{name} says {data_level}"
            ),
            skill(framework, SECURITY_SKILL).pk: services.Decision(
                agreed_level=level(framework, 2)
            ),
        }
        start.wait()
        try:
            services.assessment_review(
                assessment=waiting,
                reviewer=reviewer,
                decisions=decisions,
                based_on_review_revision=0,
            )
            outcomes[name] = "saved"
        except services.StaleReviewError:
            outcomes[name] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=review, args=("Harriet", head, 3)),
        threading.Thread(target=review, args=("Henry", henry, 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    waiting.refresh_from_db()
    assert waiting.review_revision == 1
    assert waiting.reviewed_by.full_name.startswith(winner)
    number = 3 if winner == "Harriet" else 1
    assert saved_review(waiting)[DATA_SKILL] == (number, f"{winner} says {number}")
