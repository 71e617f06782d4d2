import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment, Cycle, Rating
from capability.models import Framework, Skill
from development.models import DevelopmentPlan, LearningResource, PlanAction
from okrs.models import CheckIn, KeyResult, Objective
from people.models import Directorate, StaffProfile, Team, User
from reports.models import Report
from roadmap.models import Initiative, Milestone

SEEDED = [
    User,
    StaffProfile,
    Team,
    Directorate,
    Framework,
    Skill,
    Cycle,
    Assessment,
    Rating,
    Objective,
    KeyResult,
    CheckIn,
    Initiative,
    Milestone,
    LearningResource,
    DevelopmentPlan,
    PlanAction,
    Report,
]


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in SEEDED}


@pytest.mark.django_db
def test_seed_demo_builds_the_demo_organisation():
    call_command("seed_demo", "--allow-without-debug")
    assert Directorate.objects.count() == 3
    assert Team.objects.count() == 8
    assert 38 <= StaffProfile.objects.count() <= 45
    staff = StaffProfile.objects.get(user__email="staff@example.org")
    other = StaffProfile.objects.get(user__email="other@example.org")
    assert staff.line_manager.user.email == "manager@example.org"
    assert staff.team.directorate != other.team.directorate
    assert User.objects.get(email="admin@example.org").is_superuser
    plans = DevelopmentPlan.objects.all()
    assert {plan.status for plan in plans} == {"agreed", "submitted"}
    assert plans.get(status="agreed").assessment.person == staff
    assert plans.get(status="submitted").assessment.person.line_manager == staff.line_manager
    assert LearningResource.objects.filter(mandatory=True).exists()


@pytest.mark.django_db
def test_seed_demo_builds_the_closed_cycles_organisation_report():
    call_command("seed_demo", "--allow-without-debug")
    report = Report.objects.get()
    assert (report.cycle.name, report.directorate, report.status) == ("2026 Q3", None, "ready")
    assert report.file.storage.exists(report.file.name) and report.page_count > 1
    assert not report.record_interim
    messages = report.record["key_messages"]
    assert messages[0].startswith("Completion: ") and "on 2026 Q2" in messages[0]
    assert any(message.startswith("Since 2026 Q2, largest improvements") for message in messages)
    assert report.record["trends"]["cycles"] == ["2026 Q2", "2026 Q3"]
    # The demo's objectives are for the financial year 2026-27, which holds 2026 Q3.
    assert report.record["okrs"]["period"] == "2026-27" and report.record["okrs"]["objectives"]


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing():
    call_command("seed_demo", "--allow-without-debug")
    before = counts()
    built_at = Report.objects.get().built_at
    call_command("seed_demo", "--allow-without-debug")
    assert counts() == before
    assert Report.objects.get().built_at == built_at  # not built again
    assert all(before.values()), before


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only with DEBUG=true"):
        call_command("seed_demo")
    assert not User.objects.filter(email="staff@example.org").exists()
