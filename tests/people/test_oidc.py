"""Single sign-on through a real OpenID Connect provider on loopback (tests/oidc_provider).

The test client plays the service's side and `requests` the person's browser at the provider:
the service fetches the provider's discovery document, sends the person to it, and exchanges
the code it gets back for tokens that it checks against the provider's keys. The browser
journey itself is in tests/browser/test_single_sign_on.py."""

from __future__ import annotations

import re
from contextlib import ExitStack
from urllib.parse import urlencode, urljoin

import pytest
import requests
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from people.models import User
from people.oidc import claimed_email, role_groups_follow_claims
from tests.assessments.journey import committed
from tests.factories import PASSWORD, StaffProfileFactory, UserFactory
from tests.oidc_provider.server import (
    HEADS_GROUP,
    LEADERS_GROUP,
    PROVIDER_PASSWORD,
    running_provider,
    service_settings,
    single_sign_on_settings,
)
from tests.test_settings import run_manage

SERVICE = "http://testserver"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc-provider")
    with running_provider(redirect_uris=[f"{SERVICE}/oidc/callback/"], workdir=workdir) as running:
        yield running


@pytest.fixture
def switch_on(provider, db):
    """switch_on(**settings) turns single sign-on on, pointed at the provider, for this test."""
    with ExitStack() as stack:

        def apply(**overrides):
            stack.enter_context(service_settings(**single_sign_on_settings(provider, **overrides)))

        yield apply


@pytest.fixture
def sso(switch_on):
    switch_on()


def at_provider(client: Client, username: str, *, start: str = "/oidc/authenticate/") -> str:
    """Start signing in at the service, sign in at the provider as `username`, and return the
    service URL the provider sends the browser back to (the callback with its code)."""
    started = client.get(start)
    assert started.status_code == 302, started
    browser = requests.Session()
    login_page = browser.get(started["Location"], timeout=10)  # the provider asks who you are
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page.text).group(1)
    next_url = re.search(r'name="next" value="([^"]*)"', login_page.text).group(1)
    response = browser.post(
        login_page.url,
        data={
            "csrfmiddlewaretoken": csrf,
            "username": username,
            "password": PROVIDER_PASSWORD,
            "next": next_url.replace("&amp;", "&"),
        },
        allow_redirects=False,
        timeout=10,
    )
    while response.is_redirect:
        location = urljoin(response.url, response.headers["Location"])
        if location.startswith(SERVICE):
            return location.removeprefix(SERVICE)
        response = browser.get(location, allow_redirects=False, timeout=10)
    raise AssertionError(f"The provider did not send the browser back: {response.text[:500]}")


def sign_in_through_provider(client: Client, username: str, **kwargs):
    return client.get(at_provider(client, username, **kwargs), follow=True)


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def role_names(user: User) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


# Signing in


def test_a_person_from_the_hr_import_signs_in_through_the_provider(client, sso, alice):
    response = sign_in_through_provider(client, "alice")
    assert response.redirect_chain[-1][0] == "/"
    assert "Alice, welcome" in response.content.decode()
    assert signed_in_user(client) == alice.user


def test_the_email_is_matched_whatever_its_case(client, sso, alice):
    # The provider has Alice@Example.org; the HR import stored alice@example.org.
    sign_in_through_provider(client, "alice")
    assert signed_in_user(client) == alice.user


def test_signing_in_returns_to_the_page_first_asked_for(client, sso, alice):
    response = sign_in_through_provider(
        client, "alice", start="/oidc/authenticate/?" + urlencode({"next": "/framework/"})
    )
    assert response.redirect_chain[-1][0] == "/framework/"


def test_an_empty_full_name_is_filled_from_the_provider(client, sso, team):
    person = StaffProfileFactory(user__email="alice@example.org", user__full_name="", team=team)
    sign_in_through_provider(client, "alice")
    person.user.refresh_from_db()
    assert person.user.full_name == "Alice Adams"


def test_a_full_name_from_the_hr_import_is_kept(client, sso, team):
    person = StaffProfileFactory(
        user__email="alice@example.org", user__full_name="Alice Adams-Smith", team=team
    )
    sign_in_through_provider(client, "alice")
    person.user.refresh_from_db()
    assert person.user.full_name == "Alice Adams-Smith"


def test_a_superuser_without_a_staff_profile_signs_in(client, sso):
    root = UserFactory(email="charlie@example.org", is_superuser=True, is_staff=True)
    sign_in_through_provider(client, "charlie")
    assert signed_in_user(client) == root


def test_nobody_is_created_by_signing_in(client, sso, alice):
    before = User.objects.count()
    sign_in_through_provider(client, "sam")
    assert User.objects.count() == before


# Refusals


def test_an_unknown_email_is_refused_with_a_page_saying_whom_to_contact(client, sso, alice):
    response = sign_in_through_provider(client, "sam")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You cannot sign in to this service yet" in page
    assert "sam.stranger@example.org" in page
    assert "contact your digital team" in page
    assert signed_in_user(client) is None
    assert client.get("/").status_code == 302


def test_the_refusal_page_names_the_support_email_when_there_is_one(client, switch_on):
    switch_on(SUPPORT_EMAIL="digital.help@example.org")
    page = sign_in_through_provider(client, "sam").content.decode()
    assert 'href="mailto:digital.help@example.org"' in page


@pytest.mark.parametrize("who_left", ["profile", "user"])
def test_someone_who_has_left_is_refused(client, sso, alice, who_left):
    if who_left == "profile":
        alice.active = False
        alice.save()
    else:
        alice.user.is_active = False
        alice.user.save()
    response = sign_in_through_provider(client, "alice")
    assert response.status_code == 403
    assert "You cannot sign in to this service yet" in response.content.decode()
    assert signed_in_user(client) is None


def test_a_user_without_a_staff_profile_who_is_not_a_superuser_is_refused(client, sso):
    UserFactory(email="charlie@example.org")
    response = sign_in_through_provider(client, "charlie")
    assert response.status_code == 403
    assert signed_in_user(client) is None


def test_someone_already_signed_in_is_signed_out_when_the_provider_vouches_for_a_stranger(
    client, sso, alice
):
    client.force_login(alice.user)
    sign_in_through_provider(client, "sam")
    assert signed_in_user(client) is None


# Failures end on the sign-in page with a message


def message_on(response) -> str:
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == "/sign-in/"
    return page


def test_a_code_is_used_only_once(client, sso, alice):
    callback = at_provider(client, "alice")
    client.get(callback)
    client.post("/sign-out/")
    page = message_on(client.get(callback, follow=True))
    assert "Signing in with your Example Council account did not work. Try again" in page
    assert signed_in_user(client) is None


def test_a_callback_this_browser_did_not_start_is_refused(client, sso, alice):
    callback = at_provider(client, "alice")
    other_browser = Client()
    other_browser.get("/oidc/authenticate/")  # it has a sign-in of its own under way
    page = message_on(other_browser.get(callback, follow=True))
    assert "did not work" in page
    assert signed_in_user(other_browser) is None


def test_a_callback_with_no_sign_in_under_way_goes_to_the_sign_in_page(client, sso):
    page = message_on(client.get("/oidc/callback/?code=abc&state=xyz", follow=True))
    assert "did not work" in page


def test_a_forged_code_is_refused_by_the_provider_and_gives_a_message(client, sso, alice):
    callback = at_provider(client, "alice")
    forged = re.sub(r"code=[^&]+", "code=forged", callback)
    page = message_on(client.get(forged, follow=True))
    assert "did not work" in page
    assert signed_in_user(client) is None


def test_an_error_from_the_provider_gives_a_message(client, sso):
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    response = client.get(f"/oidc/callback/?error=access_denied&state={state}", follow=True)
    assert "did not work" in message_on(response)


def test_an_unreachable_provider_gives_a_message_not_an_error(client, switch_on):
    switch_on(OIDC_ISSUER="http://127.0.0.1:9/openid")
    response = client.get("/oidc/authenticate/", follow=True)
    assert "did not work" in message_on(response)


def test_an_id_token_from_another_issuer_is_refused(client, switch_on, provider, alice):
    # The same endpoints, but the service expects tokens issued by someone else.
    switch_on(
        OIDC_ISSUER="https://login.example.com/other",
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{provider.issuer}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{provider.issuer}/token",
        OIDC_OP_USER_ENDPOINT=f"{provider.issuer}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{provider.issuer}/jwks",
    )
    page = message_on(sign_in_through_provider(client, "alice"))
    assert "did not work" in page
    assert signed_in_user(client) is None


def test_endpoints_named_in_settings_are_used_without_discovery(client, switch_on, provider, alice):
    switch_on(
        OIDC_OP_AUTHORIZATION_ENDPOINT=f"{provider.issuer}/authorize",
        OIDC_OP_TOKEN_ENDPOINT=f"{provider.issuer}/token",
        OIDC_OP_USER_ENDPOINT=f"{provider.issuer}/userinfo",
        OIDC_OP_JWKS_ENDPOINT=f"{provider.issuer}/jwks",
    )
    sign_in_through_provider(client, "alice")
    assert signed_in_user(client) == alice.user


# Role groups from the provider's group claim


@pytest.fixture
def groups_mapped(switch_on):
    switch_on(OIDC_HEAD_OF_DIGITAL_GROUPS=[HEADS_GROUP], OIDC_LEADERSHIP_GROUPS=[LEADERS_GROUP])


def test_a_person_in_the_providers_heads_group_becomes_head_of_digital(client, groups_mapped, bob):
    sign_in_through_provider(client, "bob")
    assert role_names(bob.user) == {HEAD_OF_DIGITAL}
    assert "Manage the service" in client.get("/").content.decode()


def test_a_person_in_the_providers_leadership_group_joins_leadership(
    client, groups_mapped, manager
):
    sign_in_through_provider(client, "mary")
    assert role_names(manager.user) == {LEADERSHIP}


def test_a_role_the_provider_no_longer_gives_is_taken_away(client, groups_mapped, alice):
    alice.user.groups.add(Group.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    sign_in_through_provider(client, "alice")
    assert role_names(alice.user) == set()


def test_roles_are_left_alone_when_no_groups_are_mapped(client, sso, alice, bob):
    alice.user.groups.add(Group.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    sign_in_through_provider(client, "alice")
    sign_in_through_provider(Client(), "bob")
    assert role_names(alice.user) == {HEAD_OF_DIGITAL}
    assert role_names(bob.user) == set()


def test_only_the_mapped_role_follows_the_claim(client, switch_on, alice):
    switch_on(OIDC_HEAD_OF_DIGITAL_GROUPS=[HEADS_GROUP])
    alice.user.groups.add(Group.objects.get_or_create(name=LEADERSHIP)[0])
    sign_in_through_provider(client, "alice")
    assert role_names(alice.user) == {LEADERSHIP}


@pytest.mark.django_db
def test_roles_are_unchanged_when_entra_leaves_the_groups_out_for_having_too_many(settings, alice):
    settings.OIDC_HEAD_OF_DIGITAL_GROUPS = ["a1b2"]
    alice.user.groups.add(Group.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    claims = {"email": "alice@example.org", "_claim_names": {"groups": "src1"}}
    role_groups_follow_claims(user=alice.user, claims=claims)
    assert role_names(alice.user) == {HEAD_OF_DIGITAL}


@pytest.mark.django_db
def test_group_ids_are_matched_whatever_their_case(settings, alice):
    settings.OIDC_LEADERSHIP_GROUPS = ["0F2C9E1A-77B4-4E2B-9C1D-3A5B6C7D8E9F"]
    claims = {"groups": ["0f2c9e1a-77b4-4e2b-9c1d-3a5b6c7d8e9f"]}
    role_groups_follow_claims(user=alice.user, claims=claims)
    assert role_names(alice.user) == {LEADERSHIP}


# Which claim gives the email


def test_entras_preferred_username_gives_the_email_when_there_is_no_email_claim():
    assert claimed_email({"preferred_username": "Alice@Example.org"}) == "alice@example.org"


def test_an_older_tokens_upn_gives_the_email():
    assert claimed_email({"upn": "alice@example.org"}) == "alice@example.org"


def test_an_email_the_provider_has_not_verified_is_not_trusted():
    claims = {"email": "head@example.org", "email_verified": False}
    assert claimed_email(claims) == ""
    assert claimed_email({**claims, "preferred_username": "alice@example.org"}) == (
        "alice@example.org"
    )


def test_a_sign_in_name_that_is_not_an_email_gives_none():
    assert claimed_email({"preferred_username": "alice"}) == ""


# The sign-in page


def test_the_sign_in_page_offers_the_provider_above_the_password_form(client, sso):
    page = client.get("/sign-in/").content.decode()
    button = page.index('href="/oidc/authenticate/"')
    assert "Sign in with your Example Council account" in page
    assert button < page.index('name="password"')


def test_the_provider_button_carries_the_page_asked_for(client, sso):
    page = client.get("/sign-in/?next=/framework/").content.decode()
    assert 'href="/oidc/authenticate/?next=/framework/"' in page


def test_without_single_sign_on_there_is_no_button_and_no_oidc_pages(client, alice):
    page = client.get("/sign-in/").content.decode()
    assert "/oidc/" not in page
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=a&state=b").status_code == 404
    response = client.post("/sign-in/", {"username": "alice@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert signed_in_user(client) == alice.user


# Password sign-in switched off


@pytest.fixture
def passwords_off(switch_on):
    switch_on(PASSWORD_SIGN_IN=False)


@pytest.fixture
def root(db) -> User:
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


def test_with_passwords_off_the_sign_in_page_has_only_the_provider_button(client, passwords_off):
    page = client.get("/sign-in/").content.decode()
    assert "Sign in with your Example Council account" in page
    assert 'name="password"' not in page
    assert "Forgotten your password?" not in page


def test_with_passwords_off_a_staff_password_is_refused(client, passwords_off, alice):
    response = client.post(
        "/sign-in/", {"username": "alice@example.org", "password": PASSWORD}, follow=True
    )
    assert "passwords are not used" in response.content.decode()
    assert signed_in_user(client) is None


def test_with_passwords_off_a_superuser_cannot_use_the_staff_sign_in_page(
    client, passwords_off, root
):
    client.post("/sign-in/", {"username": "root@example.org", "password": PASSWORD})
    assert signed_in_user(client) is None


def test_with_passwords_off_a_superuser_signs_in_at_the_administrator_page(
    client, passwords_off, root
):
    response = client.post(
        "/sign-in/administrator/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert signed_in_user(client) == root


def test_the_administrator_page_refuses_staff_with_their_correct_password(
    client, passwords_off, alice
):
    response = client.post(
        "/sign-in/administrator/", {"username": "alice@example.org", "password": PASSWORD}
    )
    assert "Enter a correct email address and password" in response.content.decode()
    assert signed_in_user(client) is None


def test_the_administrator_page_locks_out_after_repeated_failures(client, passwords_off, root):
    for _ in range(5):
        client.post("/sign-in/administrator/", {"username": "root@example.org", "password": "x"})
    response = client.post(
        "/sign-in/administrator/", {"username": "root@example.org", "password": PASSWORD}
    )
    assert response.status_code == 429
    assert signed_in_user(client) is None


def test_with_passwords_off_the_django_admin_refuses_staff_passwords(client, passwords_off):
    UserFactory(email="clerk@example.org", is_staff=True)
    client.post("/admin/login/", {"username": "clerk@example.org", "password": PASSWORD})
    assert signed_in_user(client) is None


def test_with_passwords_off_staff_still_sign_in_through_the_provider(client, passwords_off, alice):
    sign_in_through_provider(client, "alice")
    assert signed_in_user(client) == alice.user


def test_with_passwords_off_no_reset_link_is_sent_to_staff(client, passwords_off, alice):
    with committed():
        response = client.post("/password-reset/", {"email": "alice@example.org"}, follow=True)
    assert "Check your email" in response.content.decode()
    assert mail.outbox == []


def test_with_passwords_off_a_superuser_can_still_reset_their_password(client, passwords_off, root):
    with committed():
        client.post("/password-reset/", {"email": "root@example.org"})
    assert len(mail.outbox) == 1


def test_with_passwords_off_a_link_sent_to_staff_before_no_longer_works(client, switch_on, alice):
    with committed():
        client.post("/password-reset/", {"email": "alice@example.org"})
    link = re.search(r"http://testserver(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    switch_on(PASSWORD_SIGN_IN=False)
    page = client.get(link, follow=True).content.decode()
    assert "This link has expired" in page


def test_with_passwords_on_there_is_no_administrator_page(client, sso):
    assert client.get("/sign-in/administrator/").status_code == 404


# Start-up checks


def test_an_entra_tenant_gives_the_issuer():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.OIDC_ISSUER, settings.OIDC_ENABLED)",
        DEBUG="true",
        OIDC_TENANT="0f2c9e1a-77b4-4e2b-9c1d-3a5b6c7d8e9f",
        OIDC_CLIENT_ID="app",
        OIDC_CLIENT_SECRET="secret",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "https://login.microsoftonline.com/0f2c9e1a-77b4-4e2b-9c1d-3a5b6c7d8e9f/v2.0",
        "True",
    ]


def test_start_up_stops_when_single_sign_on_is_half_configured():
    result = run_manage("check", DEBUG="true", OIDC_CLIENT_ID="app")
    assert result.returncode != 0
    assert "Single sign-on needs both OIDC_CLIENT_ID and OIDC_ISSUER" in result.stderr


def test_start_up_stops_when_passwords_are_off_without_single_sign_on():
    result = run_manage("check", DEBUG="true", PASSWORD_SIGN_IN="false")
    assert result.returncode != 0
    assert "PASSWORD_SIGN_IN=false needs single sign-on" in result.stderr
