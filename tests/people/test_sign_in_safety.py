"""Signing in safely: case-blind emails, lockouts that stay where the failures came from, reset
links that unlock and are limited, a bounded stash for answers, and pages no cache keeps."""

import re
import secrets
from datetime import timedelta

import pytest
from django.conf import settings as project_settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.templatetags.static import static
from django.test import Client
from django.utils import timezone

from people.tasks import clear_expired_sessions
from tests.assessments.journey import committed
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

HERE = "10.0.0.1"
ELSEWHERE = "10.0.0.2"
PROXY = "172.18.0.2"


def sign_in(client: Client, email: str, password: str, **extra: str):
    return client.post("/sign-in/", {"username": email, "password": password}, **extra)


def fail_five_times(client: Client, email: str = "alice@example.org", **extra: str) -> None:
    for _ in range(5):
        sign_in(client, email, "wrong", **extra)


def reset_password(client: Client, email: str, new_password: str) -> None:
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": email})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[-1].body).group(1)
    set_url = client.get(link, follow=True).redirect_chain[-1][0]
    response = client.post(set_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302


# 1. Email case


def test_it_signs_in_with_the_email_in_any_case(client, alice):
    response = sign_in(client, "Alice@Example.ORG", PASSWORD)
    assert response.status_code == 302
    assert response.url == "/"


def test_it_signs_in_with_spaces_around_the_email(client, alice):
    assert sign_in(client, "  alice@example.org ", PASSWORD).status_code == 302


def test_changing_the_case_of_the_email_does_not_evade_the_lock(client, alice):
    for email in ["alice@example.org", "Alice@example.org", "ALICE@example.org"] * 2:
        sign_in(client, email, "wrong", REMOTE_ADDR=HERE)
    response = sign_in(client, "aLiCe@example.org", PASSWORD, REMOTE_ADDR=HERE)
    assert response.status_code == 429


def test_password_reset_finds_the_account_whatever_the_case(client, alice):
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "ALICE@EXAMPLE.ORG"})
    assert [message.to for message in mail.outbox] == [["alice@example.org"]]


# 2. Lockout per account and address


def test_failures_from_one_address_do_not_lock_the_account_out_from_another(client, alice):
    fail_five_times(client, REMOTE_ADDR=HERE)
    assert sign_in(client, "alice@example.org", PASSWORD, REMOTE_ADDR=HERE).status_code == 429
    elsewhere = Client()
    assert (
        sign_in(elsewhere, "alice@example.org", PASSWORD, REMOTE_ADDR=ELSEWHERE).status_code == 302
    )


def test_failures_for_one_account_do_not_lock_out_another_from_the_same_address(client, alice, bob):
    fail_five_times(client, REMOTE_ADDR=HERE)
    assert sign_in(Client(), "bob@example.org", PASSWORD, REMOTE_ADDR=HERE).status_code == 302


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1


def test_behind_the_proxy_the_lock_follows_the_forwarded_address(client, alice, behind_proxy):
    # Every request reaches the app from the proxy: its own address says nothing about the client.
    fail_five_times(client, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=HERE)
    locked = sign_in(
        client, "alice@example.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=HERE
    )
    assert locked.status_code == 429
    response = sign_in(
        Client(), "alice@example.org", PASSWORD, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ELSEWHERE
    )
    assert response.status_code == 302


def test_behind_the_proxy_a_forged_forwarded_address_does_not_evade_the_lock(
    client, alice, behind_proxy
):
    # The proxy appends the address it saw; what the client sent before it is ignored.
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        sign_in(
            client,
            "alice@example.org",
            "wrong",
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"{forged}, {HERE}",
        )
    response = sign_in(
        client,
        "alice@example.org",
        PASSWORD,
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=f"6.6.6.6, {HERE}",
    )
    assert response.status_code == 429


def test_without_a_proxy_the_forwarded_header_is_ignored(client, alice):
    for forged in ["1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"]:
        sign_in(client, "alice@example.org", "wrong", REMOTE_ADDR=HERE, HTTP_X_FORWARDED_FOR=forged)
    response = sign_in(
        client, "alice@example.org", PASSWORD, REMOTE_ADDR=HERE, HTTP_X_FORWARDED_FOR="6.6.6.6"
    )
    assert response.status_code == 429


def test_the_lock_page_says_it_applies_from_here_and_that_a_reset_unlocks(client, alice):
    fail_five_times(client, REMOTE_ADDR=HERE)
    page = sign_in(client, "alice@example.org", PASSWORD, REMOTE_ADDR=HERE).content.decode()
    assert "cannot be signed in to from here for 1 hour" in page
    assert "Once you have chosen a new password you can sign in straight away" in page


# 3. A completed reset unlocks


def test_a_completed_password_reset_unlocks_the_account(client, alice):
    fail_five_times(client, REMOTE_ADDR=HERE)
    reset_password(Client(REMOTE_ADDR=HERE), "alice@example.org", "a-new-long-password-42")
    response = sign_in(client, "alice@example.org", "a-new-long-password-42", REMOTE_ADDR=HERE)
    assert response.status_code == 302


def test_asking_for_a_reset_link_alone_does_not_unlock(client, alice):
    fail_five_times(client, REMOTE_ADDR=HERE)
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "alice@example.org"}, REMOTE_ADDR=HERE)
    assert sign_in(client, "alice@example.org", PASSWORD, REMOTE_ADDR=HERE).status_code == 429


# 4. Reset links are limited


def test_a_sixth_reset_request_for_one_email_in_an_hour_sends_nothing(client, alice):
    for number in range(6):
        # From a different address each time, so only the per-email limit applies.
        with committed():  # the outbox sends once the request commits
            response = client.post(
                "/password-reset/", {"email": "Alice@example.org"}, REMOTE_ADDR=f"10.0.1.{number}"
            )
        assert response.status_code == 302
        assert response.url == "/password-reset/sent/"
    assert len(mail.outbox) == 5


def test_a_limited_request_shows_the_same_check_your_email_page(client, alice):
    for _ in range(5):
        with committed():  # the outbox sends once the request commits
            client.post("/password-reset/", {"email": "alice@example.org"})
    with committed():  # the outbox sends once the request commits
        response = client.post("/password-reset/", {"email": "alice@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert len(mail.outbox) == 5


def test_reset_requests_from_one_address_are_limited_across_emails(client, settings, alice):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for number in range(3):
        with committed():  # the outbox sends once the request commits
            client.post(
                "/password-reset/", {"email": f"nobody{number}@example.org"}, REMOTE_ADDR=HERE
            )
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "alice@example.org"}, REMOTE_ADDR=HERE)
    assert mail.outbox == []
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "alice@example.org"}, REMOTE_ADDR=ELSEWHERE)
    assert len(mail.outbox) == 1


# 5. The stash for answers posted after the session expired


AREA = "/assessments/mine/1/areas/data/"


def stored_session_bytes(client: Client) -> int:
    """What this browser's session holds in the session table (nothing if it has none)."""
    cookie = client.cookies.get(project_settings.SESSION_COOKIE_NAME)
    session = Session.objects.filter(pk=cookie.value).first() if cookie else None
    return len(session.session_data) if session else 0


def test_the_stash_refuses_a_two_megabyte_post(client):
    response = client.post(AREA, {"revision": "0", "evidence_1": secrets.token_urlsafe(1_500_000)})
    assert response.status_code == 302
    assert "timeout=1" not in response.url  # the sign-in page does not claim answers were kept
    assert "assessments_pending_answers" not in client.session
    assert stored_session_bytes(client) < 2_000


def test_the_stash_refuses_many_fields_that_add_up_to_too_much(client):
    fields = {f"evidence_{number}": secrets.token_urlsafe(4_000) for number in range(20)}
    client.post(AREA, fields)
    assert "assessments_pending_answers" not in client.session


def test_the_stash_keeps_only_the_area_forms_own_fields(client):
    client.post(AREA, {"revision": "0", "level_7": "3", "junk": secrets.token_urlsafe(40_000)})
    pending = client.session["assessments_pending_answers"]
    assert pending["data"] == {"revision": ["0"], "level_7": ["3"]}
    assert stored_session_bytes(client) < 2_000


def test_the_stash_keeps_evidence_as_long_as_the_form_accepts(client):
    evidence = "x" * 5000
    response = client.post(AREA, {"revision": "0", "level_7": "3", "evidence_7": evidence})
    assert "timeout=1" in response.url
    assert client.session["assessments_pending_answers"]["data"]["evidence_7"] == [evidence]


# 6. Expired sessions are cleared every day


def make_session(expires_in: timedelta) -> str:
    session = SessionStore()
    session["kept"] = True
    session.create()
    Session.objects.filter(pk=session.session_key).update(expire_date=timezone.now() + expires_in)
    return session.session_key


def test_the_daily_beat_task_removes_expired_sessions(settings):
    schedule = project_settings.CELERY_BEAT_SCHEDULE["daily-session-housekeeping"]
    assert schedule["task"] == clear_expired_sessions.name
    expired = make_session(timedelta(minutes=-1))
    live = make_session(timedelta(minutes=30))

    clear_expired_sessions.delay()
    clear_expired_sessions.delay()  # running it again changes nothing

    assert list(Session.objects.values_list("pk", flat=True)) == [live]
    assert expired != live


# 7. Pages for a signed-in person are not cached


def cache_directives(response) -> set[str]:
    return {part.strip() for part in response.headers.get("Cache-Control", "").split(",") if part}


def test_a_signed_in_page_is_private_and_not_stored(client_for, alice):
    response = client_for(alice).get("/")
    assert response.status_code == 200
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_public_page_seen_signed_in_is_private_and_not_stored(client_for, alice):
    response = client_for(alice).get("/accessibility/")
    assert {"private", "no-store"} <= cache_directives(response)


def test_a_public_page_seen_signed_out_may_be_cached(client):
    response = client.get("/accessibility/")
    assert "no-store" not in cache_directives(response)


def test_a_view_that_sets_its_own_cache_control_keeps_it(client_for, alice):
    response = client_for(alice).get("/keep-alive/")
    assert "max-age=0" in cache_directives(response)


def test_static_files_are_still_cached_for_a_signed_in_person(client_for, alice):
    response = client_for(alice).get(static("images/favicon.ico"))
    assert response.status_code == 200
    assert "no-store" not in cache_directives(response)


def test_the_health_check_still_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
