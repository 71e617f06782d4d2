"""The dialogue on a level: Mary proposes a level for Alice, who accepts it or replies; after a
reply Mary confirms or changes it. Until the level is agreed, Alice's own level is the one used
in her results and in every figure.

Alice assesses herself at 1 in both skills (target 2); Mary agrees Security and proposes 3 for
Data.
"""

from __future__ import annotations

import pytest
from django.core import mail

from assessments import services
from assessments.models import Assessment, LevelReview, Rating
from assessments.ratings import people_ratings
from insights import gaps
from people.models import StaffProfile
from tests.assessments.journey import (
    DATA_SKILL,
    SECURITY_SKILL,
    committed,
    level,
    skill,
    submitted,
)

pytestmark = pytest.mark.usefixtures("officers")


@pytest.fixture(autouse=True)
def _every_figure_shown(settings):
    settings.SMALL_GROUP_THRESHOLD = 1


def propose(assessment: Assessment, reviewer, data_level: int = 3, comment: str = "You lead it"):
    framework = assessment.cycle.framework
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in assessment.ratings.all()
    }
    decisions[skill(framework, DATA_SKILL).pk] = services.Decision(
        agreed_level=level(framework, data_level), comment=comment
    )
    with committed():
        return services.assessment_review(
            assessment=assessment, reviewer=reviewer, decisions=decisions
        )


def data_rating(assessment: Assessment) -> Rating:
    return Rating.objects.get(assessment=assessment, skill__slug=DATA_SKILL)


def level_used(assessment: Assessment) -> int:
    """The Data level the gap engine uses for Alice (individual) ..."""
    row = people_ratings(cycle=assessment.cycle, person_ids=[assessment.person_id])[0]
    return row.ratings[skill(assessment.cycle.framework, DATA_SKILL).pk].level


def published_mean_gap(assessment: Assessment) -> float:
    """... and the published figure (mean gap over both skills, target 2)."""
    return gaps.headline(cycle=assessment.cycle)["mean_gap"].value


@pytest.fixture
def proposed(open_cycle, alice, manager) -> Assessment:
    assessment = submitted(open_cycle, alice, number=1)
    mail.outbox.clear()
    return propose(assessment, manager.user)


def respond(assessment: Assessment, user, *, accept: bool, reply: str = "") -> Assessment:
    data = skill(assessment.cycle.framework, DATA_SKILL)
    with committed():
        return services.review_respond(
            assessment=assessment,
            user=user,
            responses={data.pk: services.Response(accept=accept, reply=reply)},
        )


def test_a_proposed_level_is_not_used_until_the_person_answers(proposed):
    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.PROPOSED
    assert (rating.proposed_level.number, rating.agreed_level) == (3, None)
    assert level_used(proposed) == 1
    assert published_mean_gap(proposed) == 1  # both skills at 1 against 2
    assert Rating.objects.get(skill__slug=SECURITY_SKILL).review_state == LevelReview.AGREED


def test_the_person_is_emailed_the_proposal_with_a_link_to_answer(proposed):
    [email] = mail.outbox
    assert email.to == ["alice@example.org"]
    assert "propose a different level for 1 skill: All staff skill 0" in email.body
    assert f"/assessments/results/{proposed.pk}/answer/" in email.body


def test_accepting_makes_the_proposed_level_the_one_used_and_tells_the_reviewer(proposed, alice):
    mail.outbox.clear()
    respond(proposed, alice.user, accept=True)

    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.ACCEPTED
    assert rating.agreed_level.number == 3
    assert level_used(proposed) == 3
    assert published_mean_gap(proposed) == 0.5  # Data at target, Security 1 short
    [email] = mail.outbox
    assert email.to == ["mary@example.org"]
    assert "Alice Adams has answered your review" in email.subject
    assert "They accepted the levels you proposed" in email.body


def test_a_reply_keeps_the_persons_level_and_asks_the_reviewer_to_decide(proposed, alice):
    mail.outbox.clear()
    respond(proposed, alice.user, accept=False, reply="I led the data audit")

    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.REPLIED
    assert rating.reply == "I led the data audit"
    assert rating.agreed_level is None
    assert level_used(proposed) == 1
    assert published_mean_gap(proposed) == 1
    [email] = mail.outbox
    assert email.to == ["mary@example.org"]
    assert "They replied about 1 skill: All staff skill 0" in email.body
    assert f"/assessments/review/{proposed.pk}/" in email.body


def test_after_a_reply_the_reviewer_confirms_and_the_level_is_used(proposed, alice, manager):
    respond(proposed, alice.user, accept=False, reply="I think 2")
    mail.outbox.clear()

    propose(proposed, manager.user, data_level=3, comment="Still 3: you lead it")

    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.CONFIRMED
    assert rating.agreed_level.number == 3
    assert rating.reply == "I think 2"  # kept, so both sides see what was said
    assert level_used(proposed) == 3
    assert [email.to for email in mail.outbox] == [["alice@example.org"]]
    assert "propose a different level" not in mail.outbox[0].body  # nothing left to answer


def test_after_a_reply_the_reviewer_may_change_the_level_and_that_is_final(
    proposed, alice, manager
):
    respond(proposed, alice.user, accept=False, reply="I think 2")

    propose(proposed, manager.user, data_level=2, comment="Fair: 2")

    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.CHANGED
    assert rating.agreed_level.number == 2
    assert level_used(proposed) == 2
    assert published_mean_gap(proposed) == 0.5


def test_saving_the_review_unchanged_after_a_reply_confirms_the_proposal(
    client_for, proposed, alice, manager, framework
):
    respond(proposed, alice.user, accept=False, reply="Not sure")
    page = client_for(manager).get(f"/assessments/review/{proposed.pk}/").content.decode()
    assert "Not sure" in page
    assert "Confirm the level you proposed or change it" in page
    data_pk = skill(framework, DATA_SKILL).pk
    assert f'name="replies_seen" value="{data_pk}"' in page

    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    proposed.refresh_from_db()
    response = client_for(manager).post(
        f"/assessments/review/{proposed.pk}/",
        {
            "review_revision": proposed.review_revision,
            f"agreed_{data.pk}": level(framework, 3).pk,
            f"comment_{data.pk}": "You lead it",
            f"agreed_{security.pk}": level(framework, 1).pk,
            f"comment_{security.pk}": "",
            "replies_seen": str(data.pk),  # as the page shown above posts
        },
    )
    assert response.status_code == 302
    assert data_rating(proposed).review_state == LevelReview.CONFIRMED


def test_a_new_proposal_after_an_accepted_one_waits_for_the_person_again(proposed, alice, manager):
    respond(proposed, alice.user, accept=True)
    propose(proposed, manager.user, data_level=4, comment="Even better: 4")

    rating = data_rating(proposed)
    assert rating.review_state == LevelReview.PROPOSED
    assert rating.agreed_level is None
    assert level_used(proposed) == 1


def test_only_the_person_may_answer(proposed, manager, bob, head):
    for user in (manager.user, bob.user, head):
        with pytest.raises(services.AssessmentError, match="Only the person assessed"):
            respond(proposed, user, accept=True)
    assert data_rating(proposed).review_state == LevelReview.PROPOSED


def test_the_answer_page_is_not_found_for_anyone_else(client_for, proposed, manager, bob, head):
    url = f"/assessments/results/{proposed.pk}/answer/"
    data = skill(proposed.cycle.framework, DATA_SKILL)
    for person in (manager, bob, head):
        assert client_for(person).get(url).status_code == 404
        assert client_for(person).post(url, {f"answer_{data.pk}": "accept"}).status_code == 404
    assert data_rating(proposed).review_state == LevelReview.PROPOSED


def test_the_person_answers_on_the_page_and_a_reply_needs_words(client_for, proposed, alice):
    client = client_for(alice)
    results = client.get("/assessments/results/").content.decode()
    assert "Your reviewer proposes a different level for 1 skill" in results
    url = f"/assessments/results/{proposed.pk}/answer/"
    assert "Accept 3 Practitioner" in client.get(url).content.decode()
    data = skill(proposed.cycle.framework, DATA_SKILL)

    refused = client.post(url, {f"answer_{data.pk}": "reply", f"reply_{data.pk}": "  "})
    assert refused.status_code == 200
    assert "Write your reply about All staff skill 0" in refused.content.decode()
    assert data_rating(proposed).review_state == LevelReview.PROPOSED

    unanswered = client.post(url, {})
    assert "Choose whether you accept the level proposed for All staff skill 0" in (
        unanswered.content.decode()
    )

    sent = client.post(url, {f"answer_{data.pk}": "reply", f"reply_{data.pk}": "I think 2"})
    assert sent.status_code == 302
    assert data_rating(proposed).review_state == LevelReview.REPLIED
    after = client.get(sent.url).content.decode()
    assert "you replied and they will confirm or change it" in after


def test_an_answer_to_a_proposal_the_reviewer_has_since_changed_is_refused(
    proposed, alice, manager
):
    propose(proposed, manager.user, data_level=1, comment="")  # agrees with Alice after all
    with pytest.raises(services.AssessmentError, match="no longer waiting for you"):
        respond(proposed, alice.user, accept=True)
    rating = data_rating(proposed)
    assert (rating.review_state, rating.agreed_level.number) == (LevelReview.AGREED, 1)


def test_a_closed_cycle_takes_no_answers_and_keeps_the_persons_level(proposed, alice):
    services.cycle_close(cycle=proposed.cycle)
    with pytest.raises(services.ClosedCycleError):
        respond(proposed, alice.user, accept=True)
    assert level_used(proposed) == 1


def test_the_team_page_shows_who_is_waiting_for_whom(client_for, proposed, alice, manager):
    assert (
        "Proposed: waiting for Alice"
        in client_for(manager).get("/assessments/team/").content.decode()
    )
    respond(proposed, alice.user, accept=False, reply="I think 2")
    assert (
        "Replied: confirm or change 1 level"
        in client_for(manager).get("/assessments/team/").content.decode()
    )


def test_a_head_of_digital_sees_replies_from_people_with_no_line_manager(
    client_for, open_cycle, alice, head
):
    StaffProfile.objects.filter(pk=alice.pk).update(line_manager=None)
    alice.refresh_from_db()
    assessment = propose(submitted(open_cycle, alice, number=1), head)
    respond(assessment, alice.user, accept=False, reply="I think 2")
    assert [email.to for email in mail.outbox][-1] == ["head@example.org"]
    page = client_for(head).get("/assessments/team/").content.decode()
    assert "Read the reply to your review of Alice Adams" in page


def test_a_review_page_opened_before_a_reply_does_not_decide_it_unread(
    client_for, proposed, alice, manager, framework
):
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    proposed.refresh_from_db()
    opened_before = {
        "review_revision": proposed.review_revision,
        f"agreed_{data.pk}": level(framework, 3).pk,
        f"comment_{data.pk}": "You lead it",
        f"agreed_{security.pk}": level(framework, 1).pk,
        f"comment_{security.pk}": "",
    }
    respond(proposed, alice.user, accept=False, reply="I think 2")

    refused = client_for(manager).post(f"/assessments/review/{proposed.pk}/", opened_before)
    assert "Alice Adams replied about All staff skill 0 after you opened this page" in (
        refused.content.decode()
    )
    assert data_rating(proposed).review_state == LevelReview.REPLIED

    read = client_for(manager).post(
        f"/assessments/review/{proposed.pk}/", {**opened_before, "replies_seen": str(data.pk)}
    )
    assert read.status_code == 302
    assert data_rating(proposed).review_state == LevelReview.CONFIRMED
