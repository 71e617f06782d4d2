"""Bad input: each gets a clear message, and nothing already saved is lost."""

import pytest

from assessments import services
from assessments.models import Assessment, Rating
from tests.assessments.journey import (
    DATA_SKILL,
    SECURITY_SKILL,
    answer_all,
    committed,
    level,
    skill,
    submitted,
)
from tests.factories import framework_with_skills

pytestmark = pytest.mark.usefixtures("officers")


@pytest.fixture
def started(open_cycle, alice):
    return services.assessment_start(cycle=open_cycle, person=alice)


def data_url(assessment):
    return f"/assessments/mine/{assessment.pk}/areas/data/"


def post(framework, revision="0", action="continue", level_id=None, number=2):
    data_skill = skill(framework, DATA_SKILL)
    return {
        "revision": revision,
        "action": action,
        f"level_{data_skill.pk}": level_id or level(framework, number).pk,
        f"evidence_{data_skill.pk}": "I ran the team's data audit",
    }


def saved_levels(assessment):
    return dict(
        Rating.objects.filter(assessment=assessment).values_list("skill__slug", "level__number")
    )


def test_a_level_from_another_framework_gets_a_clear_message(client_for, alice, started, framework):
    foreign = framework_with_skills(status="draft").levels.get(number=2)
    response = client_for(alice).post(data_url(started), post(framework, level_id=foreign.pk))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Choose one of the levels shown for All staff skill 0" in text
    assert "I ran the team&#x27;s data audit" in text  # the evidence typed is kept
    assert saved_levels(started) == {}


def test_a_skill_outside_the_persons_tiers_gets_a_clear_message(
    client_for, alice, started, framework
):
    answer_all(started, 3)
    senior = skill(framework, "senior-leaders-skill-0")
    data = post(framework, revision="1")
    data[f"level_{senior.pk}"] = level(framework, 4).pk
    response = client_for(alice).post(data_url(started), data)
    assert "a skill you are not assessed on" in response.content.decode()
    assert saved_levels(started) == {DATA_SKILL: 3, SECURITY_SKILL: 3}


def test_an_area_outside_the_persons_tiers_is_not_found(client_for, alice, started, framework):
    # Every area applies to alice here, so ask for one that does not exist in her scope.
    response = client_for(alice).get(f"/assessments/mine/{started.pk}/areas/leadership/")
    assert response.status_code == 404


def test_another_persons_assessment_id_is_not_found(client_for, bob, started, framework):
    client = client_for(bob)
    for url in (
        f"/assessments/mine/{started.pk}/",
        data_url(started),
        f"/assessments/mine/{started.pk}/check/",
        f"/assessments/results/{started.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(data_url(started), post(framework)).status_code == 404
    assert saved_levels(started) == {}


def test_a_closed_cycle_refuses_a_save_with_a_clear_message(
    client_for, alice, started, open_cycle, framework
):
    answer_all(started, 3)
    services.cycle_close(cycle=open_cycle)
    client = client_for(alice)
    page = client.get(data_url(started)).content.decode()
    assert "2026 Q4 is closed, so these answers can no longer be changed" in page
    assert "Save and continue" not in page
    response = client.post(data_url(started), post(framework, revision="1", number=1))
    assert "2026 Q4 is closed: its answers can no longer be changed" in response.content.decode()
    assert saved_levels(started) == {DATA_SKILL: 3, SECURITY_SKILL: 3}


def test_submitting_after_the_cycle_closed_is_refused_with_a_message_that_links_to_the_notice(
    client_for, alice, started, open_cycle
):
    answer_all(started, 3)
    services.cycle_close(cycle=open_cycle)
    response = client_for(alice).post(f"/assessments/mine/{started.pk}/check/")
    page = response.content.decode()
    assert (
        '<a href="#closed-notice">2026 Q4 is closed: its answers can no longer be changed' in page
    )
    assert 'id="closed-notice"' in page
    assert "Submit self-assessment" not in page
    started.refresh_from_db()
    assert started.status == "in_progress"


def test_a_closed_cycle_refuses_a_review(client_for, alice, manager, open_cycle, framework):
    assessment = submitted(open_cycle, alice)
    services.cycle_close(cycle=open_cycle)
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    response = client_for(manager).post(
        f"/assessments/review/{assessment.pk}/",
        {
            f"agreed_{data.pk}": level(framework, 2).pk,
            f"agreed_{security.pk}": level(framework, 2).pk,
        },
    )
    assert "2026 Q4 is closed" in response.content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_a_double_submit_sends_one_email_and_says_it_was_already_submitted(
    client_for, alice, started, framework
):
    from django.core import mail

    answer_all(started)
    client = client_for(alice)
    with committed():
        client.post(f"/assessments/mine/{started.pk}/check/")
    with committed():
        response = client.post(f"/assessments/mine/{started.pk}/check/", follow=True)
    assert "You have already submitted your 2026 Q4 self-assessment" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/assessments/mine/{started.pk}/submitted/"
    assert len(mail.outbox) == 1


def test_a_stale_tab_is_refused_and_shows_what_changed(client_for, alice, started, framework):
    client = client_for(alice)
    # Tab 1 and tab 2 both show the page at revision 0; tab 1 saves level 3 first.
    client.post(data_url(started), post(framework, revision="0", number=3))
    response = client.post(data_url(started), post(framework, revision="0", number=1))
    text = response.content.decode()
    assert "There is a problem" in text
    assert (
        "All staff skill 0 was changed in another tab or window: the saved level is now 3" in text
    )
    assert "Saved in another tab or window:</strong> 3 Practitioner" in text
    assert 'name="revision" value="1"' in text  # saving again now overwrites deliberately
    assert saved_levels(started) == {DATA_SKILL: 3}


def test_a_stale_tab_saving_other_skills_is_merged(client_for, alice, started, framework):
    client = client_for(alice)
    client.post(data_url(started), post(framework, revision="0", number=3))
    security = skill(framework, SECURITY_SKILL)
    response = client.post(
        f"/assessments/mine/{started.pk}/areas/security/",
        {"revision": "0", "action": "continue", f"level_{security.pk}": level(framework, 1).pk},
    )
    assert response.status_code == 302
    assert saved_levels(started) == {DATA_SKILL: 3, SECURITY_SKILL: 1}


@pytest.mark.parametrize("revision", ["abc", "", "-1", "99"])
def test_a_tampered_revision_is_refused_and_the_answers_kept(
    client_for, alice, started, framework, revision
):
    answer_all(started, 3)
    response = client_for(alice).post(data_url(started), post(framework, revision, number=1))
    text = response.content.decode()
    assert "There is a problem" in text
    assert "check them and save again" in text or "Check your answers and save again" in text
    assert "I ran the team&#x27;s data audit" in text
    assert saved_levels(started) == {DATA_SKILL: 3, SECURITY_SKILL: 3}
