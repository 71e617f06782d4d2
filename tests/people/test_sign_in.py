import re

import pytest
from django.core import mail
from django.urls import URLPattern, URLResolver, get_resolver

from tests.assessments.journey import committed
from tests.factories import PASSWORD, StaffProfileFactory

PUBLIC = {
    "/sign-in/",
    "/password-reset/",
    "/password-reset/sent/",
    "/password-reset/done/",
    "/accessibility/",
    "/privacy/",
    "/privacy/how-answers-are-protected/",
    "/healthz",
    "/admin/login/",
}


def every_url(resolver: URLResolver | None = None, prefix: str = ""):
    """Every URL pattern with its arguments filled in with sample values."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from every_url(pattern, route)
        elif isinstance(pattern, URLPattern):
            url = "/" + route.lstrip("^").rstrip("$").replace("\\Z", "")
            url = re.sub(r"<int:\w+>", "1", url)
            url = re.sub(r"<(?:slug:|str:|path:|uuid:)?\w+>", "x", url)
            url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url)
            yield url.replace("\\", "")


@pytest.mark.django_db
def test_every_page_but_the_public_ones_needs_sign_in(client):
    checked = 0
    for url in every_url():
        if url in PUBLIC or url.startswith("/password-reset/x/") or "/static/" in url:
            continue
        response = client.get(url)
        location = response.headers.get("Location", "")
        assert response.status_code == 302, url
        assert location.startswith(("/sign-in/", "/admin/login/")), f"{url} -> {location}"
        checked += 1
    assert checked > 5


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(PUBLIC))
def test_public_pages_open_without_sign_in(client, url):
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_signing_in_with_email_and_password_goes_home(client, alice):
    response = client.post(
        "/sign-in/", {"username": "alice@example.org", "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/"
    assert "Alice, welcome" in response.content.decode()


@pytest.mark.django_db
def test_a_wrong_password_shows_the_error_summary(client, alice):
    response = client.post("/sign-in/", {"username": "alice@example.org", "password": "nope"})
    page = response.content.decode()
    assert "govuk-error-summary" in page
    assert "Enter a correct email address and password" in page
    assert "<title>Error: Sign in" in page


@pytest.mark.django_db
def test_empty_fields_get_specific_errors(client):
    page = client.post("/sign-in/", {"username": "", "password": ""}).content.decode()
    assert "Enter your email address" in page
    assert "Enter your password" in page


@pytest.mark.django_db
def test_repeated_failures_lock_the_account_out(client, alice):
    for _ in range(5):
        client.post("/sign-in/", {"username": "alice@example.org", "password": "wrong"})
    response = client.post("/sign-in/", {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts to sign in" in response.content.decode()


@pytest.mark.django_db
def test_signing_out_ends_the_session(client_for, alice):
    client = client_for(alice)
    client.post("/sign-out/")
    assert client.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_link_that_sets_a_new_password(client, alice):
    with committed():  # the outbox sends once the request commits
        client.post("/password-reset/", {"email": "alice@example.org"})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    set_url = form_page.redirect_chain[-1][0]
    response = client.post(
        set_url,
        {"new_password1": "a-new-long-password-42", "new_password2": "a-new-long-password-42"},
    )
    assert response.status_code == 302
    alice.user.refresh_from_db()
    assert alice.user.check_password("a-new-long-password-42")


@pytest.mark.django_db
def test_password_reset_says_nothing_about_unknown_addresses(client):
    with committed():  # the outbox sends once the request commits
        response = client.post("/password-reset/", {"email": "nobody@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


@pytest.mark.django_db
def test_sessions_expire_after_inactivity(settings):
    assert settings.SESSION_SAVE_EVERY_REQUEST is True
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


@pytest.mark.django_db
def test_an_inactive_account_cannot_sign_in(client):
    StaffProfileFactory(user__email="gone@example.org", user__is_active=False)
    response = client.post("/sign-in/", {"username": "gone@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()


@pytest.fixture
def service_hashers(settings):
    """The service's own hashers: the suite otherwise hashes with MD5 for speed."""
    from config import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


@pytest.mark.django_db
def test_a_newly_set_password_is_hashed_with_argon2(service_hashers):
    user = StaffProfileFactory(user__email="new@example.org").user
    user.set_password("a-new-long-password-42")
    user.save()
    user.refresh_from_db()
    assert user.password.startswith("argon2")
    assert user.check_password("a-new-long-password-42")


@pytest.mark.django_db
def test_an_older_pbkdf2_hash_still_signs_in_and_is_upgraded(client, service_hashers):
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    person = StaffProfileFactory(user__email="old@example.org")
    # A real PBKDF2 hash, with few iterations so the test stays fast (the count is in the hash).
    person.user.password = PBKDF2PasswordHasher().encode(PASSWORD, "oldsalt1234", iterations=1000)
    person.user.save()

    response = client.post("/sign-in/", {"username": "old@example.org", "password": PASSWORD})

    assert response.status_code == 302
    person.user.refresh_from_db()
    assert person.user.password.startswith("argon2")  # upgraded at sign-in
