"""Single sign-on in a real browser against a real OpenID Connect provider on loopback: the
authorisation-code flow end to end, from the service's button to the provider's sign-in page
and back."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from common.roles import HEAD_OF_DIGITAL
from people.models import User
from tests.browser.conftest import assert_accessible
from tests.factories import PASSWORD, UserFactory
from tests.oidc_provider.server import (
    HEADS_GROUP,
    PROVIDER_PASSWORD,
    running_provider,
    service_settings,
    single_sign_on_settings,
)

pytestmark = pytest.mark.browser

BUTTON = "Sign in with your Example Council account"


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("oidc-provider-browser")
    redirect_uri = f"{live_server.url}/oidc/callback/"
    with running_provider(redirect_uris=[redirect_uri], workdir=workdir) as running:
        yield running


@pytest.fixture
def sso(page, provider):
    with service_settings(**single_sign_on_settings(provider)):
        yield


@pytest.fixture
def groups_mapped(page, provider):
    with service_settings(
        **single_sign_on_settings(provider, OIDC_HEAD_OF_DIGITAL_GROUPS=[HEADS_GROUP])
    ):
        yield


@pytest.fixture
def passwords_off(page, provider):
    with service_settings(**single_sign_on_settings(provider, PASSWORD_SIGN_IN=False)):
        yield


def sign_in_at_provider(page, username: str) -> None:
    """From the service's sign-in page, through the provider's, and back to the service."""
    page.goto("/sign-in/")
    page.get_by_role("button", name=BUTTON).click()
    page.get_by_label("Provider username").fill(username)
    page.get_by_label("Provider password").fill(PROVIDER_PASSWORD)
    page.get_by_role("button", name="Continue to the service").click()
    page.wait_for_url(re.compile(r"^http://localhost:\d+/"))


def test_a_person_signs_in_through_the_provider_and_lands_home(page, sso, alice):
    page.goto("/sign-in/")
    assert_accessible(page)
    sign_in_at_provider(page, "alice")
    assert page.get_by_role("heading", level=1).inner_text() == "Alice, welcome"


def test_an_unknown_email_at_the_provider_sees_whom_to_contact(page, sso, alice):
    sign_in_at_provider(page, "sam")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "You cannot sign in to this service yet"
    )
    assert "contact your digital team" in page.locator("main").inner_text()
    assert_accessible(page)
    page.goto("/")
    assert "/sign-in/" in page.url


def test_the_providers_group_makes_someone_head_of_digital(page, groups_mapped, bob):
    sign_in_at_provider(page, "bob")
    expect(page.get_by_role("link", name="Manage the service")).to_be_visible()
    assert bob.user.groups.filter(name=HEAD_OF_DIGITAL).exists()


def test_a_role_the_providers_groups_no_longer_give_is_taken_away(page, groups_mapped, alice):
    alice.user.groups.add(Group.objects.get_or_create(name=HEAD_OF_DIGITAL)[0])
    sign_in_at_provider(page, "alice")
    assert page.get_by_role("link", name="Manage the service").count() == 0
    assert not alice.user.groups.filter(name=HEAD_OF_DIGITAL).exists()


def test_with_passwords_off_the_sign_in_page_has_no_password_form(page, passwords_off):
    page.goto("/sign-in/")
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    assert page.locator("input[type=password]").count() == 0
    assert_accessible(page)


def test_a_password_form_loaded_before_passwords_were_switched_off_is_refused(
    page, provider, alice
):
    with service_settings(**single_sign_on_settings(provider)):
        page.goto("/sign-in/")
        page.get_by_label("Email address").fill("alice@example.org")
        page.locator("#id_password").fill(PASSWORD)
        with service_settings(**single_sign_on_settings(provider, PASSWORD_SIGN_IN=False)):
            page.get_by_role("button", name="Sign in", exact=True).click()
            page.wait_for_load_state()
            assert "passwords are not used" in page.locator("main").inner_text()
            page.goto("/")
            assert "/sign-in/" in page.url


def test_with_passwords_off_a_superuser_signs_in_at_the_administrator_page(page, passwords_off):
    UserFactory(email="root@example.org", full_name="Rita Root", is_superuser=True, is_staff=True)
    page.goto("/sign-in/administrator/")
    assert_accessible(page)
    page.get_by_label("Email address").fill("root@example.org")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)
    assert page.get_by_role("heading", level=1).inner_text() == "Rita, welcome"
    assert User.objects.get(email="root@example.org").last_login is not None


def test_without_single_sign_on_there_is_no_button_and_no_oidc_pages(page, alice):
    page.goto("/sign-in/")
    assert page.get_by_role("button", name=re.compile("Sign in with")).count() == 0
    assert page.locator("input[type=password]").count() == 1
    assert page.goto("/oidc/authenticate/").status == 404
