"""Helpers for the self-assessment tests (the fixtures are in conftest.py).

alice and bob (managed by Mary) are officers in the framework from framework_with_skills: they are
assessed on the two "all staff" skills, one in the Data area and one in the Security area.
"""

from __future__ import annotations

from django.test import TestCase

from assessments import services
from assessments.models import Assessment, Cycle, LevelReview
from capability.models import Framework, Level, Skill
from people.models import StaffProfile


def level(framework: Framework, number: int) -> Level:
    return framework.levels.get(number=number)


def skill(framework: Framework, slug: str) -> Skill:
    return framework.skills.get(slug=slug)


DATA_SKILL = "all-staff-skill-0"  # area "data"
SECURITY_SKILL = "all-staff-skill-1"  # area "security"


def answer_all(assessment: Assessment, number: int = 2) -> Assessment:
    framework = assessment.cycle.framework
    answers = {
        framework.skills.get(slug=slug).pk: services.Answer(level=level(framework, number))
        for slug in (DATA_SKILL, SECURITY_SKILL)
    }
    return services.assessment_save_answers(
        assessment=assessment, answers=answers, based_on_revision=assessment.revision
    )


def committed():
    """Run on_commit callbacks (the Celery tasks that send email) when the block ends."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def submitted(cycle: Cycle, person: StaffProfile, number: int = 2) -> Assessment:
    assessment = services.assessment_start(cycle=cycle, person=person)
    answer_all(assessment, number)
    with committed():
        return services.assessment_submit(assessment=assessment)


def accept_proposals(assessment: Assessment) -> Assessment:
    """The person accepts every level their reviewer proposed (they become the levels used)."""
    proposed = assessment.ratings.filter(review_state=LevelReview.PROPOSED)
    responses = {rating.skill_id: services.Response(accept=True) for rating in proposed}
    if not responses:
        return assessment
    with committed():
        return services.review_respond(
            assessment=assessment, user=assessment.person.user, responses=responses
        )
