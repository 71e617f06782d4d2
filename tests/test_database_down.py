"""With the database unreachable, people get a GOV.UK "service unavailable" page (503, Retry-After),
not the web server's bare "Internal Server Error"; the error pages themselves need no database.

The database is made unreachable for real: the default connection is swapped for one pointing at
a database that cannot be opened (SQLite: a file in a directory that does not exist; PostgreSQL:
a port nothing listens on), and put back afterwards.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import OperationalError, connection, connections
from django.test import Client
from django.urls import include, path
from django.utils.functional import empty

from config import views
from tests.conftest import signed_in

UNAVAILABLE = "Sorry, the service is unavailable"


@login_not_required
def _broken_view(request):
    raise RuntimeError("a bug, not an outage")


# This module is also the URLconf of the test of the 500 page (a view that fails on its own).
urlpatterns = [path("broken/", _broken_view), path("", include("config.urls"))]
handler500 = "config.views.error_500"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


@contextmanager
def unreachable_database(directory: Path) -> Iterator[None]:
    real = connections["default"]
    broken_settings = dict(real.settings_dict)
    if real.vendor == "postgresql":
        broken_settings.update(HOST="127.0.0.1", PORT=str(_closed_port()))
    else:
        broken_settings["NAME"] = str(directory / "no-such-directory" / "db.sqlite3")
    connections["default"] = real.__class__(broken_settings, alias="default")
    try:
        with pytest.raises(OperationalError):
            connection.ensure_connection()  # it really is unreachable
        yield
    finally:
        connections["default"].close()
        connections["default"] = real


@pytest.fixture
def database_down(db, tmp_path):
    with unreachable_database(tmp_path):
        yield


@pytest.fixture
def browser(alice) -> Client:
    """A signed-in browser whose session lives in the database; the test client does not
    re-raise the error Django handled (as a real server would not)."""
    client = signed_in(alice.user)
    client.raise_request_exception = False
    return client


def assert_unavailable(response) -> None:
    text = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert f'<h1 class="govuk-heading-l">{UNAVAILABLE}</h1>' in text
    assert f"<title>{UNAVAILABLE} – Digital capability self-assessment" in text
    assert "govuk-service-navigation__service-name" in text  # the site's header
    assert '<link rel="stylesheet" href="/static/css/application.' in text  # GOV.UK styles
    assert "Sign out" not in text  # nothing about the person: it was not read


def test_a_signed_in_page_says_the_service_is_unavailable(browser, database_down):
    assert_unavailable(browser.get("/"))


def test_saving_answers_says_the_service_is_unavailable(browser, database_down):
    response = browser.post("/assessments/mine/1/areas/data/", {"revision": "0"})
    assert_unavailable(response)


def test_the_sign_in_page_says_the_service_is_unavailable(browser, database_down):
    assert_unavailable(browser.get("/sign-in/"))


def test_signing_in_says_the_service_is_unavailable(db, database_down):
    client = Client(raise_request_exception=False)
    response = client.post(
        "/sign-in/", {"username": "alice@example.org", "password": "anything at all"}
    )
    assert_unavailable(response)


def test_a_page_that_is_not_found_says_the_service_is_unavailable(browser, database_down):
    # The 404 page needs the person (for the navigation), so it fails too and becomes the 503.
    assert_unavailable(browser.get("/no-such-page/"))


def test_the_pages_are_back_when_the_database_is(browser, tmp_path):
    with unreachable_database(tmp_path):
        assert browser.get("/").status_code == 503
    assert browser.get("/").status_code == 200


@pytest.mark.urls("tests.test_database_down")
def test_the_500_page_needs_no_database(db, database_down):
    # Signed out: a signed-in person's session would need the database first (the 503).
    response = Client(raise_request_exception=False).get("/broken/")
    text = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in text
    assert UNAVAILABLE not in text
    assert not response.has_header("Retry-After")


def request_with_a_session(rf, settings):
    request = rf.get("/")
    request.COOKIES[settings.SESSION_COOKIE_NAME] = "a-session-that-would-need-the-database"
    SessionMiddleware(lambda request: None).process_request(request)
    AuthenticationMiddleware(lambda request: None).process_request(request)
    return request


def test_the_503_handler_reads_nothing_about_the_request(rf, settings, database_down):
    """Neither the session nor the person is read while the page is made (both would need the
    database), and no connection is opened."""
    request = request_with_a_session(rf, settings)
    session = request.session
    try:
        connection.ensure_connection()
    except OperationalError:
        response = views.error_500(request)
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()
    assert not session.accessed
    assert request.user._wrapped is empty  # the lazy person was never loaded
    assert connections["default"].connection is None


def test_the_500_handler_reads_nothing_about_the_request(rf, settings, database_down):
    request = request_with_a_session(rf, settings)
    session = request.session
    try:
        raise RuntimeError("a bug, not an outage")
    except RuntimeError:
        response = views.error_500(request)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
    assert not session.accessed
    assert request.user._wrapped is empty
