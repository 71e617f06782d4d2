"""The self-assessment fixtures (a framework, an open cycle, officers) for the personal data
tests, and a self-assessment of Alice's with evidence, reviewed by her manager Mary."""

from __future__ import annotations

import pytest
from auditlog.context import set_actor

from assessments import services
from assessments.models import Assessment
from outbox.models import Email
from tests.assessments.conftest import framework, officers, open_cycle  # noqa: F401
from tests.assessments.journey import DATA_SKILL, SECURITY_SKILL, committed, level, skill

ALICE_EVIDENCE = "I built the housing data pipeline"
BOB_EVIDENCE = "Bob wrote the parking dashboard"
COMMENT = "Agreed: let us plan some training"
BOB_COMMENT = "Agreed: Bob could mentor others"


def assessed(cycle, person, evidence: str, manager, comment: str = COMMENT) -> Assessment:
    """A submitted self-assessment with evidence on the data skill, reviewed by `manager`, each
    step made by its person as through the service (the audit trail records who)."""
    version = cycle.framework
    data, security = skill(version, DATA_SKILL), skill(version, SECURITY_SKILL)
    with set_actor(person.user):
        assessment = services.assessment_start(cycle=cycle, person=person)
        for number, text in ((2, ""), (3, evidence)):  # a first draft, then the evidence
            assessment = services.assessment_save_answers(
                assessment=assessment,
                answers={
                    data.pk: services.Answer(level=level(version, number), evidence=text),
                    security.pk: services.Answer(level=level(version, 1)),
                },
                based_on_revision=assessment.revision,
            )
        with committed():
            assessment = services.assessment_submit(assessment=assessment)
    with set_actor(manager.user):
        return services.assessment_review(
            assessment=assessment,
            reviewer=manager.user,
            decisions={
                data.pk: services.Decision(agreed_level=level(version, 2), comment=comment),
                security.pk: services.Decision(agreed_level=level(version, 1)),
            },
        )


@pytest.fixture
def alice_assessed(open_cycle, officers, alice, manager) -> Assessment:  # noqa: F811
    Email.objects.create(
        key="test:alice", kind="test", to=alice.user.email, subject="Your review", body="Hello"
    )
    return assessed(open_cycle, alice, ALICE_EVIDENCE, manager)


@pytest.fixture
def bob_assessed(open_cycle, officers, bob, manager) -> Assessment:  # noqa: F811
    return assessed(open_cycle, bob, BOB_EVIDENCE, manager, BOB_COMMENT)
