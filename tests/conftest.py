from __future__ import annotations

import pytest
from django.test import Client

from people.models import StaffProfile, User
from tests.factories import (
    PASSWORD,
    StaffProfileFactory,
    TeamFactory,
    UserFactory,
    head_of_digital,
    leadership,
)


@pytest.fixture(autouse=True)
def _plain_test_environment(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SECURE_SSL_REDIRECT = False
    # Real hashing costs seconds per user on this machine; tests check behaviour, not hashing.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_local_cache():
    """Each test starts with nothing remembered (a shared Redis cache is left alone: its keys
    name the figures they were made on)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in the test's own process unless a test starts a real worker."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def team(db):
    return TeamFactory(name="Customer Services", directorate__name="Communities")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="Planning", directorate__name="Place")


@pytest.fixture
def manager(team) -> StaffProfile:
    """Mary manages Alice and Bob."""
    return StaffProfileFactory(
        user__email="mary@example.org", user__full_name="Mary Manager", team=team
    )


@pytest.fixture
def alice(team, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__email="alice@example.org",
        user__full_name="Alice Adams",
        team=team,
        line_manager=manager,
    )


@pytest.fixture
def bob(team, manager) -> StaffProfile:
    return StaffProfileFactory(
        user__email="bob@example.org", user__full_name="Bob Brown", team=team, line_manager=manager
    )


@pytest.fixture
def charlie(other_team) -> StaffProfile:
    """Charlie works in another directorate and manages nobody we know."""
    return StaffProfileFactory(
        user__email="charlie@example.org", user__full_name="Charlie Clark", team=other_team
    )


@pytest.fixture
def head(db) -> User:
    return head_of_digital(email="head@example.org", full_name="Harriet Head")


@pytest.fixture
def leader(db) -> User:
    return leadership(email="leader@example.org", full_name="Lesley Leader")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for():
    """client_for(user_or_profile) gives a test client signed in as that person."""

    def make(person: User | StaffProfile) -> Client:
        user = person.user if isinstance(person, StaffProfile) else person
        return signed_in(user)

    return make


__all__ = ["PASSWORD", "UserFactory"]
