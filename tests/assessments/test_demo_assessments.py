import pytest
from django.contrib.auth.models import Group

from assessments.models import Assessment, Cycle, Rating
from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from demo.assessments import seed_assessments
from demo.capability import seed_framework
from demo.people import seed_people


@pytest.fixture
def demo(db):
    # The groups come from a data migration, which a browser test's flush may have removed.
    for name in (HEAD_OF_DIGITAL, LEADERSHIP):
        Group.objects.get_or_create(name=name)
    seed_framework()
    seed_people()
    seed_assessments()


def statuses(cycle_name: str) -> set[str]:
    return set(Assessment.objects.filter(cycle__name=cycle_name).values_list("status", flat=True))


def test_the_demo_has_a_closed_cycle_with_results_and_an_open_one(demo):
    assert Cycle.objects.get(name="2026 Q3").is_closed
    assert Cycle.objects.get(name="2026 Q4").is_open
    # Everyone was asked in both cycles; some never started.
    assert statuses("2026 Q3") == {"not_started", "submitted", "reviewed"}
    assert statuses("2026 Q4") == {"not_started", "in_progress", "submitted", "reviewed"}
    assert Assessment.objects.filter(cycle__name="2026 Q3").count() >= 30
    # Some people have not started the open cycle.
    assert Assessment.objects.filter(
        cycle__name="2026 Q4", status=Assessment.Status.NOT_STARTED
    ).exists()


def test_staff_has_a_draft_in_the_open_cycle(demo):
    draft = Assessment.objects.get(cycle__name="2026 Q4", person__user__email="staff@example.org")
    assert draft.status == Assessment.Status.IN_PROGRESS
    assert 0 < draft.ratings.count()


def test_reviewed_assessments_have_agreed_levels_and_nobody_reviewed_themselves(demo):
    reviewed = Assessment.objects.filter(status=Assessment.Status.REVIEWED)
    assert reviewed.exists()
    # Every rating has the reviewer's level: agreed, or (this quarter) proposed and waiting.
    assert not Rating.objects.filter(
        assessment__in=reviewed, agreed_level__isnull=True, proposed_level__isnull=True
    ).exists()
    proposed = Rating.objects.filter(assessment__in=reviewed, review_state="proposed")
    assert proposed.exists()
    assert set(proposed.values_list("assessment__cycle__state", flat=True)) == {"open"}
    assert not any(a.reviewed_by_id == a.person.user_id for a in reviewed)


def test_seeding_twice_changes_nothing(demo):
    before = (Assessment.objects.count(), Rating.objects.count(), Cycle.objects.count())
    seed_assessments()
    assert (Assessment.objects.count(), Rating.objects.count(), Cycle.objects.count()) == before


def test_the_demo_pages_render_for_staff_manager_and_head(demo, client):
    from people.models import User

    draft = Assessment.objects.get(cycle__name="2026 Q4", person__user__email="staff@example.org")
    client.force_login(User.objects.get(email="staff@example.org"))
    assert client.get(f"/assessments/mine/{draft.pk}/").status_code == 200
    area = draft.ratings.select_related("skill__area").first().skill.area
    page = client.get(f"/assessments/mine/{draft.pk}/areas/{area.slug}/").content.decode()
    assert "Your answer in 2026 Q3" in page or "2026 Q3" not in page
    assert client.get("/assessments/results/").status_code == 200
    client.force_login(User.objects.get(email="manager@example.org"))
    assert "Sara Staff" in client.get("/assessments/team/").content.decode()
    client.force_login(User.objects.get(email="head@example.org"))
    cycle = Cycle.objects.get(name="2026 Q4")
    assert (
        "Completion by team"
        in client.get(f"/assessments/cycles/{cycle.pk}/completion/").content.decode()
    )


def test_the_demo_manager_has_a_report_to_review_and_one_reviewed(demo, client):
    from people.models import User

    reports = Assessment.objects.filter(
        cycle__name="2026 Q4", person__line_manager__user__email="manager@example.org"
    )
    assert {"submitted", "reviewed"} <= set(reports.values_list("status", flat=True))
    client.force_login(User.objects.get(email="manager@example.org"))
    page = client.get("/assessments/team/").content.decode()
    assert "Waiting for your review" in page
    waiting = reports.get(status="submitted")
    assert client.get(f"/assessments/review/{waiting.pk}/").status_code == 200
