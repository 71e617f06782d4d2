import datetime

import pytest
from django.core import mail

from assessments import services
from assessments.models import Assessment, Cycle, Rating
from tests.assessments.journey import (
    DATA_SKILL,
    SECURITY_SKILL,
    accept_proposals,
    answer_all,
    committed,
    level,
    skill,
    submitted,
)
from tests.factories import framework_with_skills

pytestmark = pytest.mark.usefixtures("officers")


def test_starting_takes_a_snapshot_of_team_tier_and_role(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    assert assessment.status == Assessment.Status.IN_PROGRESS
    assert assessment.team == alice.team
    assert assessment.directorate == alice.team.directorate
    assert assessment.tier.slug == "all-staff"
    assert assessment.role_profile.slug == "officer"
    assert assessment.started_at is not None


def test_starting_twice_resumes_the_same_assessment(open_cycle, alice):
    first = services.assessment_start(cycle=open_cycle, person=alice)
    second = services.assessment_start(cycle=open_cycle, person=alice)
    assert first.pk == second.pk
    assert Assessment.objects.count() == 1


def test_the_role_is_matched_by_slug_in_the_cycles_framework(alice, framework):
    newer = framework_with_skills(status="draft")
    cycle = Cycle.objects.create(
        name="Later",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 3, 1),
        framework=newer,
        state=Cycle.State.OPEN,
    )
    assessment = services.assessment_start(cycle=cycle, person=alice)
    assert assessment.role_profile.framework == newer
    assert assessment.role_profile.slug == "officer"


def test_saved_ratings_record_the_target_from_the_role_or_tier(open_cycle, alice, framework):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    targets = set(Rating.objects.filter(assessment=assessment).values_list("target", flat=True))
    assert targets == {2}  # the all-staff tier default
    assert assessment.revision == 1


def test_a_manager_role_target_overrides_the_tier_default(open_cycle, alice, framework):
    alice.role_profile = framework.roles.get(slug="manager")
    alice.save()
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    manager_skill = skill(framework, "service-managers-skill-0")
    services.assessment_save_answers(
        assessment=assessment,
        answers={manager_skill.pk: services.Answer(level=level(framework, 1))},
        based_on_revision=0,
    )
    assert Rating.objects.get(skill=manager_skill).target == 4


def test_a_level_from_another_framework_is_refused(open_cycle, alice, framework):
    other = framework_with_skills(status="draft")
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    with pytest.raises(services.AssessmentError, match="not part of this cycle's framework"):
        services.assessment_save_answers(
            assessment=assessment,
            answers={skill(framework, DATA_SKILL).pk: services.Answer(level=level(other, 2))},
            based_on_revision=0,
        )
    assert not Rating.objects.exists()


def test_a_skill_above_the_persons_tier_is_refused(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    senior = skill(framework, "senior-leaders-skill-0")
    with pytest.raises(services.AssessmentError, match="not assessed on"):
        services.assessment_save_answers(
            assessment=assessment,
            answers={senior.pk: services.Answer(level=level(framework, 2))},
            based_on_revision=0,
        )
    assert not Rating.objects.exists()


def test_a_stale_save_of_a_skill_changed_elsewhere_is_refused(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    data = skill(framework, DATA_SKILL)
    services.assessment_save_answers(
        assessment=assessment,
        answers={data.pk: services.Answer(level=level(framework, 3))},
        based_on_revision=0,
    )
    with pytest.raises(services.StaleSaveError) as stale:
        services.assessment_save_answers(
            assessment=assessment,
            answers={data.pk: services.Answer(level=level(framework, 1))},
            based_on_revision=0,
        )
    assert [rating.skill for rating in stale.value.conflicts] == [data]
    assert Rating.objects.get(skill=data).level.number == 3


def test_a_stale_save_of_other_skills_is_merged(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    data, security = skill(framework, DATA_SKILL), skill(framework, SECURITY_SKILL)
    services.assessment_save_answers(
        assessment=assessment,
        answers={data.pk: services.Answer(level=level(framework, 3))},
        based_on_revision=0,
    )
    services.assessment_save_answers(
        assessment=assessment,
        answers={security.pk: services.Answer(level=level(framework, 1))},
        based_on_revision=0,
    )
    levels = dict(Rating.objects.values_list("skill__slug", "level__number"))
    assert levels == {DATA_SKILL: 3, SECURITY_SKILL: 1}


def test_a_revision_from_the_future_is_refused(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    with pytest.raises(services.AssessmentError, match="does not match your saved answers"):
        services.assessment_save_answers(
            assessment=assessment,
            answers={skill(framework, DATA_SKILL).pk: services.Answer(level=level(framework, 1))},
            based_on_revision=7,
        )


def test_submitting_needs_every_skill_answered(open_cycle, alice, framework):
    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    with pytest.raises(services.IncompleteError) as incomplete:
        services.assessment_submit(assessment=assessment)
    assert {s.slug for s in incomplete.value.missing} == {DATA_SKILL, SECURITY_SKILL}
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.IN_PROGRESS


def test_submitting_tells_the_line_manager_once(open_cycle, alice, manager):
    assessment = submitted(open_cycle, alice)
    assert assessment.status == Assessment.Status.SUBMITTED
    assert [message.to for message in mail.outbox] == [["mary@example.org"]]
    assert "Alice Adams has submitted" in mail.outbox[0].subject
    assert f"http://testserver.example/assessments/review/{assessment.pk}/" in mail.outbox[0].body
    with pytest.raises(services.AssessmentError, match="already submitted"):
        services.assessment_submit(assessment=assessment)
    assert len(mail.outbox) == 1


@pytest.fixture(autouse=True)
def _service_url(settings):
    settings.SERVICE_URL = "http://testserver.example"


def test_answers_cannot_change_after_submitting(open_cycle, alice, framework):
    assessment = submitted(open_cycle, alice)
    with pytest.raises(services.AssessmentError, match="already submitted"):
        answer_all(assessment, 4)
    assert set(Rating.objects.values_list("level__number", flat=True)) == {2}


def test_a_closed_cycle_refuses_every_write(open_cycle, alice, bob, manager, framework):
    draft = services.assessment_start(cycle=open_cycle, person=alice)
    done = submitted(open_cycle, bob)
    services.cycle_close(cycle=open_cycle)
    with pytest.raises(services.ClosedCycleError, match="2026 Q4 is closed"):
        answer_all(draft)
    with pytest.raises(services.ClosedCycleError):
        services.assessment_start(cycle=open_cycle, person=manager)
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in done.ratings.all()
    }
    with pytest.raises(services.ClosedCycleError):
        services.assessment_review(assessment=done, reviewer=manager.user, decisions=decisions)
    assert not Rating.objects.filter(assessment=draft).exists()
    assert not Rating.objects.filter(agreed_level__isnull=False).exists()


def test_reviewing_records_agreed_levels_and_tells_the_person(
    open_cycle, alice, manager, framework
):
    assessment = submitted(open_cycle, alice)
    mail.outbox.clear()
    data = skill(framework, DATA_SKILL)
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in assessment.ratings.all()
    }
    decisions[data.pk] = services.Decision(agreed_level=level(framework, 1), comment="Not yet")
    with committed():
        services.assessment_review(
            assessment=assessment, reviewer=manager.user, decisions=decisions
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.REVIEWED
    assert assessment.reviewed_by == manager.user
    rating = Rating.objects.get(skill=data)
    assert (rating.level.number, rating.proposed_level.number, rating.manager_comment) == (
        2,
        1,
        "Not yet",
    )
    assert rating.review_state == "proposed"
    assert rating.agreed_level is None  # proposed, not agreed, until Alice answers
    assert Rating.objects.exclude(skill=data).get().review_state == "agreed"
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


def test_someone_elses_manager_cannot_review(open_cycle, alice, charlie):
    assessment = submitted(open_cycle, alice)
    decisions = {
        rating.skill_id: services.Decision(agreed_level=rating.level)
        for rating in assessment.ratings.all()
    }
    with pytest.raises(services.AssessmentError, match="line manager"):
        services.assessment_review(
            assessment=assessment, reviewer=charlie.user, decisions=decisions
        )
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.SUBMITTED


def test_an_in_progress_assessment_cannot_be_reviewed(open_cycle, alice, manager):
    assessment = answer_all(services.assessment_start(cycle=open_cycle, person=alice))
    with pytest.raises(services.AssessmentError, match="has not submitted"):
        services.assessment_review(assessment=assessment, reviewer=manager.user, decisions={})


def test_opening_a_cycle_invites_every_active_person_once(framework, alice, bob, charlie):
    cycle = services.cycle_create(
        name="2027 Q1",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 3, 20),
        framework=framework,
    )
    with pytest.raises(services.AssessmentError, match="not open"):
        services.cycle_close(cycle=cycle)
    with committed():
        services.cycle_open(cycle=cycle)
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == [
        "alice@example.org",
        "bob@example.org",
        "charlie@example.org",
        "mary@example.org",
    ]
    assert "http://testserver.example/assessments/mine/" in mail.outbox[0].body
    assert services.cycle_queue_invitations(cycle=cycle) == 0
    assert len(mail.outbox) == 4


def test_only_one_cycle_can_be_open(open_cycle, framework):
    second = Cycle.objects.create(
        name="Second",
        opens_on=datetime.date(2027, 1, 1),
        closes_on=datetime.date(2027, 2, 1),
        framework=framework,
    )
    with pytest.raises(services.AssessmentError, match="Close 2026 Q4 before you open Second"):
        services.cycle_open(cycle=second)
    second.refresh_from_db()
    assert second.state == Cycle.State.DRAFT


def test_a_closed_cycle_cannot_be_opened_again(open_cycle):
    services.cycle_close(cycle=open_cycle)
    with pytest.raises(services.ClosedCycleError, match="cannot be opened again"):
        services.cycle_open(cycle=open_cycle)


def test_a_cycle_cannot_use_a_draft_framework(db):
    draft = framework_with_skills(status="draft")
    with pytest.raises(services.AssessmentError, match="published framework"):
        services.cycle_create(
            name="X",
            opens_on=datetime.date(2027, 1, 1),
            closes_on=datetime.date(2027, 2, 1),
            framework=draft,
        )
    assert not Cycle.objects.exists()


def test_each_write_that_changes_ratings_is_seen_by_the_next_gap_engine_read(
    settings, open_cycle, alice, manager, framework
):
    """The gap engine's summary is refreshed from each (cycle, team)'s assessment stamps, so
    every write that changes what it counts must also save the assessment."""
    from insights import gaps

    settings.SMALL_GROUP_THRESHOLD = 1

    def mean_gap() -> float | None:
        return gaps.headline(cycle=open_cycle)["mean_gap"].value

    assessment = services.assessment_start(cycle=open_cycle, person=alice)
    answer_all(assessment, number=0)
    assert mean_gap() is None  # a draft is not counted (and the summary is now built)
    with committed():
        services.assessment_submit(assessment=assessment)
    assert mean_gap() == 2  # level 0 against a target of 2, in both skills
    decisions = {
        rating.skill_id: services.Decision(agreed_level=level(framework, 2), comment="Agreed 2")
        for rating in assessment.ratings.all()
    }
    with committed():
        services.assessment_review(
            assessment=assessment, reviewer=manager.user, decisions=decisions
        )
    assert mean_gap() == 2  # proposed: Alice's own levels are used until she answers
    accept_proposals(assessment)
    assert mean_gap() == 0
    decisions[skill(framework, DATA_SKILL).pk] = services.Decision(
        agreed_level=level(framework, 1), comment="On reflection, 1"
    )
    with committed():
        services.assessment_review(
            assessment=assessment, reviewer=manager.user, decisions=decisions
        )
    assert mean_gap() == 1  # a new proposal for Data: her own 0 is used again until she answers
    accept_proposals(assessment)
    assert mean_gap() == 0.5
