"""Who may see and change what: each rule with a test that the wrong person is refused."""

import pytest

from assessments.models import Assessment, Cycle
from people.models import StaffProfile, User
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, level, skill, submitted

pytestmark = pytest.mark.usefixtures("officers")


def review_post(framework):
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    return {
        f"agreed_{data.pk}": level(framework, 2).pk,
        f"agreed_{security.pk}": level(framework, 2).pk,
    }


def test_staff_cannot_open_another_persons_assessment(client_for, alice, bob, open_cycle):
    assessment = submitted(open_cycle, alice)
    client = client_for(bob)
    assert client.get(f"/assessments/mine/{assessment.pk}/").status_code == 404
    assert client.get(f"/assessments/results/{assessment.pk}/").status_code == 404
    assert client.get(f"/assessments/review/{assessment.pk}/").status_code == 404


def test_the_line_manager_can_see_the_review_page(client_for, alice, manager, open_cycle):
    assessment = submitted(open_cycle, alice)
    response = client_for(manager).get(f"/assessments/review/{assessment.pk}/")
    assert response.status_code == 200
    assert "Review Alice Adams" in response.content.decode()


def test_a_manager_of_another_team_is_refused(client_for, alice, open_cycle, other_team, framework):
    from tests.factories import StaffProfileFactory

    other_manager = StaffProfileFactory(team=other_team)
    StaffProfileFactory(team=other_team, line_manager=other_manager)
    assessment = submitted(open_cycle, alice)
    client = client_for(other_manager)
    assert client.get(f"/assessments/review/{assessment.pk}/").status_code == 404
    assert (
        client.post(f"/assessments/review/{assessment.pk}/", review_post(framework)).status_code
        == 404
    )
    assert "Alice" not in client.get("/assessments/team/").content.decode()
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_charlie_cannot_review_or_see_the_team_page(
    client_for, alice, charlie, open_cycle, framework
):
    assessment = submitted(open_cycle, alice)
    client = client_for(charlie)
    assert client.get(f"/assessments/review/{assessment.pk}/").status_code == 404
    assert (
        client.post(f"/assessments/review/{assessment.pk}/", review_post(framework)).status_code
        == 404
    )
    assert client.get("/assessments/team/").status_code == 403


def test_leadership_cannot_see_individual_ratings(client_for, alice, leader, open_cycle):
    assessment = submitted(open_cycle, alice)
    assert client_for(leader).get(f"/assessments/review/{assessment.pk}/").status_code == 404


def test_a_head_of_digital_may_not_review_someone_with_a_line_manager(
    client_for, alice, head, open_cycle, framework
):
    assert alice.line_manager is not None
    assessment = submitted(open_cycle, alice)
    url = f"/assessments/review/{assessment.pk}/"

    assert client_for(head).get(url).status_code == 404
    assert client_for(head).post(url, review_post(framework)).status_code == 404
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_a_head_of_digital_reviews_someone_whose_line_manager_has_left(
    client_for, alice, manager, head, open_cycle, framework
):
    StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    assessment = submitted(open_cycle, alice)
    response = client_for(head).post(
        f"/assessments/review/{assessment.pk}/", review_post(framework)
    )
    assert response.status_code == 302


def test_a_head_of_digital_may_review_someone_with_no_line_manager(
    client_for, alice, head, open_cycle, framework
):
    StaffProfile.objects.filter(pk=alice.pk).update(line_manager=None)
    assessment = submitted(open_cycle, alice)
    response = client_for(head).post(
        f"/assessments/review/{assessment.pk}/", review_post(framework)
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.REVIEWED


def test_a_head_of_digital_cannot_open_the_answers_of_someone_with_a_line_manager(
    client_for, alice, head, open_cycle
):
    assessment = submitted(open_cycle, alice)
    client = client_for(head)
    for url in ("mine", "results", "review"):
        assert client.get(f"/assessments/{url}/{assessment.pk}/").status_code == 404


def test_a_head_of_digital_reviews_someone_whose_line_manager_cannot_sign_in(
    client_for, alice, manager, head, open_cycle, framework
):
    User.objects.filter(pk=manager.user_id).update(is_active=False)
    assessment = submitted(open_cycle, alice)
    response = client_for(head).post(
        f"/assessments/review/{assessment.pk}/", review_post(framework)
    )
    assert response.status_code == 302


def test_a_line_manager_who_has_left_no_longer_sees_their_former_reports(
    client_for, alice, manager, open_cycle, framework
):
    StaffProfile.objects.filter(pk=manager.pk).update(active=False)
    assessment = submitted(open_cycle, alice)
    url = f"/assessments/review/{assessment.pk}/"
    client = client_for(manager)

    assert client.get(url).status_code == 404
    assert client.post(url, review_post(framework)).status_code == 404
    assert client.get("/assessments/team/").status_code == 403
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_heads_of_digital_are_offered_only_people_with_no_active_line_manager(
    client_for, alice, bob, manager, head, open_cycle
):
    bob_assessment = submitted(open_cycle, bob)
    alice_assessment = submitted(open_cycle, alice)
    StaffProfile.objects.filter(pk=bob.pk).update(line_manager=None)

    page = client_for(head).get("/assessments/team/").content.decode()

    assert f"/assessments/review/{bob_assessment.pk}/" in page
    assert f"/assessments/review/{alice_assessment.pk}/" not in page
    StaffProfile.objects.filter(pk=manager.pk).update(active=False)  # Alice's manager leaves
    page = client_for(head).get("/assessments/team/").content.decode()
    assert f"/assessments/review/{alice_assessment.pk}/" in page


def test_nobody_reviews_their_own_assessment(client_for, open_cycle, framework):
    from tests.factories import StaffProfileFactory, head_of_digital

    head_profile = StaffProfileFactory(user=head_of_digital(email="own@example.org"))
    assessment = submitted(open_cycle, head_profile)
    assert client_for(head_profile).get(f"/assessments/review/{assessment.pk}/").status_code == 404


@pytest.mark.parametrize("who", ["alice", "manager", "leader"])
def test_only_heads_of_digital_manage_cycles(client_for, request, who, open_cycle):
    client = client_for(request.getfixturevalue(who))
    assert client.get("/assessments/cycles/").status_code == 403
    assert client.get("/assessments/cycles/new/").status_code == 403
    assert client.get(f"/assessments/cycles/{open_cycle.pk}/").status_code == 403
    assert client.get(f"/assessments/cycles/{open_cycle.pk}/completion/").status_code == 403
    assert client.post(f"/assessments/cycles/{open_cycle.pk}/close/").status_code == 403
    open_cycle.refresh_from_db()
    assert open_cycle.is_open


def test_signed_out_people_are_sent_to_sign_in(client, open_cycle):
    for url in ("/assessments/mine/", "/assessments/results/", "/assessments/team/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith("/sign-in/")
    assert Cycle.objects.count() == 1
