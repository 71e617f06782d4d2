"""Fixtures for the self-assessment tests.

alice and bob (managed by Mary) are officers in the framework from framework_with_skills (with the
`officers` fixture): they are assessed on the two "all staff" skills, one in the Data area and one
in the Security area.
"""

from __future__ import annotations

import datetime

import pytest

from assessments.models import Cycle
from capability.models import Framework, RoleProfile
from tests.factories import framework_with_skills


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The factories hash a password for every person; the production hasher takes a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def framework(db) -> Framework:
    return framework_with_skills()


@pytest.fixture
def open_cycle(framework) -> Cycle:
    return Cycle.objects.create(
        name="2026 Q4",
        opens_on=datetime.date(2026, 10, 1),
        closes_on=datetime.date(2026, 12, 19),
        framework=framework,
        state=Cycle.State.OPEN,
    )


@pytest.fixture
def officers(framework, alice, bob, charlie, manager) -> None:
    officer = RoleProfile.objects.get(framework=framework, slug="officer")
    for person in (alice, bob, charlie, manager):
        person.role_profile = officer
        person.save()
