import pytest
from django.core import mail

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

pytestmark = pytest.mark.usefixtures("officers")


def area_post(framework, revision=0, action="continue", **levels):
    """levels: skill slug -> level number."""
    data = {"revision": str(revision), "action": action}
    for slug, number in levels.items():
        skill_id = skill(framework, slug).pk
        data[f"level_{skill_id}"] = str(level(framework, number).pk)
        data[f"evidence_{skill_id}"] = f"Evidence for {slug}"
    return data


def test_the_start_page_says_what_it_is_for_and_who_sees_answers(client_for, alice, open_cycle):
    response = client_for(alice).get("/assessments/mine/")
    text = response.content.decode()
    assert response.status_code == 200
    assert "Start now" in text
    assert "It takes about 20 minutes" in text
    assert "Only you and your line manager see your individual answers" in text
    assert "a head of digital sees them only if you have no line manager" in text
    assert "closes on 19 December 2026" in text


def test_the_start_page_says_when_no_cycle_is_open(client_for, alice, framework):
    response = client_for(alice).get("/assessments/mine/")
    assert "There is no self-assessment open at the moment" in response.content.decode()


def test_starting_shows_a_task_list_with_one_task_per_area(client_for, alice, open_cycle):
    client = client_for(alice)
    response = client.post("/assessments/mine/start/", follow=True)
    text = response.content.decode()
    assessment = Assessment.objects.get(person=alice)
    assert response.redirect_chain[-1][0] == f"/assessments/mine/{assessment.pk}/"
    assert text.count('<li class="govuk-task-list__item') == 3  # Data, Security, check
    assert text.count("Not yet started") == 2


def test_an_area_page_shows_radios_with_descriptors_and_says_when_one_is_missing(
    client_for, alice, open_cycle, framework
):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).get(f"/assessments/mine/{assessment.pk}/areas/data/")
    text = response.content.decode()
    assert '<h1 class="govuk-heading-l">Data</h1>' in text
    assert "You can do All staff skill 0 at Practitioner." in text
    # The factory writes no descriptor for level 0.
    assert "No description has been written for All staff skill 0 at this level yet." in text
    assert "Save and continue" in text and "Save and come back later" in text
    assert "All staff skill 1" not in text  # that skill is in the Security area


def test_save_and_continue_saves_and_goes_to_the_next_area(
    client_for, alice, open_cycle, framework
):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).post(
        f"/assessments/mine/{assessment.pk}/areas/data/", area_post(framework, **{DATA_SKILL: 3})
    )
    assert response.status_code == 302
    assert response.url == f"/assessments/mine/{assessment.pk}/areas/security/"
    rating = Rating.objects.get(assessment=assessment)
    assert (rating.level.number, rating.evidence) == (3, f"Evidence for {DATA_SKILL}")


def test_save_and_continue_needs_a_level_for_each_skill(client_for, alice, open_cycle, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).post(
        f"/assessments/mine/{assessment.pk}/areas/data/", area_post(framework)
    )
    assert response.status_code == 200
    assert "Choose a level for All staff skill 0" in response.content.decode()
    assert not Rating.objects.exists()


def test_save_and_come_back_later_keeps_a_partial_answer(client_for, alice, open_cycle, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    client = client_for(alice)
    response = client.post(
        f"/assessments/mine/{assessment.pk}/areas/data/",
        area_post(framework, action="later", **{DATA_SKILL: 1}),
        follow=True,
    )
    text = response.content.decode()
    assert "Your answers have been saved" in text
    assert "Completed" in text  # the Data area
    assert Rating.objects.get().level.number == 1


def test_last_cycles_answer_is_shown_beside_the_question(
    client_for, alice, manager, open_cycle, framework
):
    from assessments.models import Cycle

    earlier = Cycle.objects.create(
        name="2026 Q3",
        opens_on="2026-07-01",
        closes_on="2026-09-18",
        framework=framework,
        state=Cycle.State.OPEN,
    )
    open_cycle.state = Cycle.State.DRAFT
    open_cycle.save()
    submitted(earlier, alice, number=3)
    services.cycle_close(cycle=earlier)
    open_cycle.state = Cycle.State.OPEN
    open_cycle.save()
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).get(f"/assessments/mine/{assessment.pk}/areas/data/")
    text = response.content.decode()
    assert "Your answer in 2026 Q3:</strong> 3 Practitioner" in text


def test_check_answers_lists_every_answer_with_change_links(
    client_for, alice, open_cycle, framework
):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    response = client_for(alice).get(f"/assessments/mine/{assessment.pk}/check/")
    text = response.content.decode()
    assert text.count("2 Working") == 2
    data = skill(framework, DATA_SKILL)
    assert f"/assessments/mine/{assessment.pk}/areas/data/?return=check#id_level_{data.pk}" in text
    assert 'Change<span class="govuk-visually-hidden"> level for All staff skill 0' in text


@pytest.mark.parametrize("action", ["continue", "later"])
def test_a_change_from_check_answers_returns_to_check_answers_after_saving(
    client_for, alice, open_cycle, framework, action
):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    client = client_for(alice)
    url = f"/assessments/mine/{assessment.pk}/areas/data/?return=check"
    page = client.get(url).content.decode()
    assert f'href="/assessments/mine/{assessment.pk}/check/" class="govuk-back-link"' in page
    response = client.post(
        url, area_post(framework, revision=assessment.revision, action=action, **{DATA_SKILL: 4})
    )
    assert response.status_code == 302
    assert response.url == f"/assessments/mine/{assessment.pk}/check/"
    changed = Rating.objects.get(assessment=assessment, skill__slug=DATA_SKILL)
    assert changed.level.number == 4
    assert "4 Expert" in client.get(response.url).content.decode()


def test_a_change_that_fails_validation_stays_on_the_page_and_still_returns_later(
    client_for, alice, open_cycle, framework
):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    url = f"/assessments/mine/{assessment.pk}/areas/data/?return=check"
    data = area_post(framework, revision=assessment.revision)  # no level chosen
    response = client_for(alice).post(url, data)
    assert response.status_code == 200
    assert "Choose a level for All staff skill 0" in response.content.decode()
    assert "Back to check your answers" in response.content.decode()
    assert Rating.objects.get(assessment=assessment, skill__slug=DATA_SKILL).level.number == 2


def test_submitting_shows_a_confirmation_and_tells_the_manager(
    client_for, alice, open_cycle, framework
):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    with committed():
        response = client_for(alice).post(f"/assessments/mine/{assessment.pk}/check/", follow=True)
    text = response.content.decode()
    assert "govuk-panel--confirmation" in text
    assert "Self-assessment submitted" in text
    assert [message.to for message in mail.outbox] == [["mary@example.org"]]
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_submitting_with_unanswered_skills_lists_them(client_for, alice, open_cycle, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).post(f"/assessments/mine/{assessment.pk}/check/")
    text = response.content.decode()
    assert "There is a problem" in text
    assert "Choose a level for All staff skill 0" in text
    assert "Choose a level for All staff skill 1" in text
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS


def test_results_show_level_target_gap_strengths_and_guidance(
    client_for, alice, manager, open_cycle, framework
):
    assessment = submitted(open_cycle, alice, number=1)
    data = skill(framework, DATA_SKILL)
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in assessment.ratings.all()
    }
    decisions[data.pk] = services.Decision(agreed_level=level(framework, 3), comment="You lead it")
    services.assessment_review(assessment=assessment, reviewer=manager.user, decisions=decisions)
    response = client_for(alice).get("/assessments/results/")
    text = response.content.decode()
    # The level proposed for Data is not used until Alice accepts it: her own 1 is.
    assert "at or above your target in 0 of 2 skills" in text
    # The Security skill: level 1, target 2, so the guidance is the level 2 descriptor.
    assert "You can do All staff skill 1 at Working." in text
    assert "Your reviewer proposes 3 Practitioner" in text
    assert "You lead it" in text
    assert "data-print" in text
    assert "Your history" in text


def test_results_history_shows_each_cycle_and_links_to_earlier_results(
    client_for, alice, bob, open_cycle, framework
):
    from assessments.models import Cycle

    earlier = Cycle.objects.create(
        name="2026 Q3",
        opens_on="2026-07-01",
        closes_on="2026-09-18",
        framework=framework,
        state=Cycle.State.OPEN,
    )
    open_cycle.state = Cycle.State.DRAFT
    open_cycle.save()
    before = submitted(earlier, alice, number=1)
    submitted(earlier, bob, number=4)
    services.cycle_close(cycle=earlier)
    open_cycle.state = Cycle.State.OPEN
    open_cycle.save()
    submitted(open_cycle, alice, number=3)
    client = client_for(alice)
    text = client.get("/assessments/results/").content.decode()
    history = text[text.index("Your history") :]
    assert history.index("2026 Q3") < history.index("2026 Q4")
    assert '<th scope="row" class="govuk-table__header">All staff skill 0</th>' in history
    row = history[history.index("All staff skill 0</th>") :].split("</tr>")[0]
    assert [cell.split("<")[0] for cell in row.split('numeric">')[1:]] == ["1", "3"]
    assert f'href="/assessments/results/{before.pk}/">Your results for 2026 Q3' in history
    earlier_page = client.get(f"/assessments/results/{before.pk}/").content.decode()
    assert "Level, target and gap for each skill in 2026 Q3" in earlier_page
    # Bob's results for the same cycle are not alice's to see.
    bobs = Assessment.objects.get(cycle=earlier, person=bob)
    assert client.get(f"/assessments/results/{bobs.pk}/").status_code == 404


def test_results_before_submitting_say_there_are_none(client_for, alice, open_cycle):
    services.assessment_start(cycle=open_cycle, person=alice)
    response = client_for(alice).get("/assessments/results/")
    assert "You have no results yet" in response.content.decode()


def test_the_team_page_lists_direct_reports_with_their_status(
    client_for, alice, bob, manager, open_cycle
):
    submitted(open_cycle, alice)
    response = client_for(manager).get("/assessments/team/")
    text = response.content.decode()
    assert "Alice Adams" in text and "Bob Brown" in text
    assert "Waiting for your review" in text
    assert "Not started" in text


def test_a_manager_reviews_and_the_person_sees_the_outcome(
    client_for, alice, manager, open_cycle, framework
):
    assessment = submitted(open_cycle, alice, number=2)
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    mail.outbox.clear()
    with committed():
        response = client_for(manager).post(
            f"/assessments/review/{assessment.pk}/",
            {
                f"agreed_{data.pk}": level(framework, 2).pk,
                f"comment_{data.pk}": "",
                f"agreed_{security.pk}": level(framework, 1).pk,
                f"comment_{security.pk}": "Let us plan some training",
            },
        )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.REVIEWED
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]
    text = client_for(alice).get("/assessments/results/").content.decode()
    assert "Let us plan some training" in text
    assert "Reviewed by Mary Manager" in text


def test_proposing_another_level_needs_a_comment(client_for, alice, manager, open_cycle, framework):
    assessment = submitted(open_cycle, alice, number=2)
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    response = client_for(manager).post(
        f"/assessments/review/{assessment.pk}/",
        {
            f"agreed_{data.pk}": level(framework, 4).pk,
            f"agreed_{security.pk}": level(framework, 2).pk,
        },
    )
    assert "Add a comment for All staff skill 0 to explain the level you propose" in (
        response.content.decode()
    )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_the_check_task_is_not_a_link_until_every_area_is_completed(client_for, alice, open_cycle):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    client = client_for(alice)
    text = client.get(f"/assessments/mine/{assessment.pk}/").content.decode()
    assert "Cannot start yet" in text
    assert f'href="/assessments/mine/{assessment.pk}/check/"' not in text
    check = client.get(f"/assessments/mine/{assessment.pk}/check/").content.decode()
    assert "Submit self-assessment" not in check
    assert "Answer every skill before you submit" in check

    answer_all(assessment)
    text = client.get(f"/assessments/mine/{assessment.pk}/").content.decode()
    assert f'href="/assessments/mine/{assessment.pk}/check/"' in text
    assert "Submit self-assessment" in (
        client.get(f"/assessments/mine/{assessment.pk}/check/").content.decode()
    )


def test_the_evidence_box_is_a_character_count(client_for, alice, open_cycle, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    text = client_for(alice).get(f"/assessments/mine/{assessment.pk}/areas/data/").content.decode()
    assert 'data-module="govuk-character-count" data-maxlength="5000"' in text
    assert "You can enter up to 5000 characters" in text
