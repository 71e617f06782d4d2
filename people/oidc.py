"""Single sign-on through OpenID Connect (Microsoft Entra ID or any provider).

mozilla-django-oidc runs the authorisation-code flow (with PKCE); this module adapts it:
- the provider's endpoints come from its discovery document, fetched at the first sign-in and
  kept for the life of the process, unless settings name them (OIDC_OP_*);
- a person is matched by email to someone the HR import created (an active staff profile) or
  to an active superuser; nobody else gets in, and nobody is created;
- the "Head of digital" and "Leadership" groups follow the provider's group claim when
  OIDC_HEAD_OF_DIGITAL_GROUPS or OIDC_LEADERSHIP_GROUPS say which groups give them;
- every failure ends on the sign-in page with a message, or on a page saying whom to contact.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView

from common.roles import HEAD_OF_DIGITAL, LEADERSHIP
from people.auth import normalise_email
from people.models import User

log = logging.getLogger(__name__)

# Claims that may carry the person's email, in order. Entra ID often sends no `email` but
# always `preferred_username` (the sign-in name, normally the email); `upn` in older tokens.
EMAIL_CLAIMS = ("email", "preferred_username", "upn")


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read."""


class SignInRefused(Exception):
    """The provider vouched for someone this service does not know (or no longer does)."""

    def __init__(self, email: str) -> None:
        super().__init__(f"no active person with the email {email or '(none given)'}")
        self.email = email


@dataclass(frozen=True)
class ProviderEndpoints:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str


_discovered: dict[str, dict[str, Any]] = {}
_discovery_lock = threading.Lock()


def provider_endpoints() -> ProviderEndpoints:
    """The provider's endpoints: those named in settings, the rest from discovery."""
    named = {
        "authorization_endpoint": settings.OIDC_OP_AUTHORIZATION_ENDPOINT,
        "token_endpoint": settings.OIDC_OP_TOKEN_ENDPOINT,
        "userinfo_endpoint": settings.OIDC_OP_USER_ENDPOINT,
        "jwks_uri": settings.OIDC_OP_JWKS_ENDPOINT,
    }
    if all(named.values()):
        return ProviderEndpoints(issuer=settings.OIDC_ISSUER, **named)
    document = discovery_document(settings.OIDC_ISSUER)
    found = {name: value or str(document.get(name) or "") for name, value in named.items()}
    missing = [name for name in ("authorization_endpoint", "token_endpoint") if not found[name]]
    if missing:
        raise ProviderUnavailable(f"the discovery document has no {', '.join(missing)}")
    # The issuer ID tokens must carry is the document's: for Entra ID given a domain name as
    # tenant, it names the tenant's id instead.
    return ProviderEndpoints(issuer=str(document.get("issuer") or settings.OIDC_ISSUER), **found)


def discovery_document(issuer: str) -> dict[str, Any]:
    """<issuer>/.well-known/openid-configuration, fetched once per process (a failure is not
    kept, so the next sign-in tries again)."""
    with _discovery_lock:
        if issuer not in _discovered:
            url = f"{issuer}/.well-known/openid-configuration"
            try:
                response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
                response.raise_for_status()
                document = response.json()
            except (requests.RequestException, ValueError) as error:
                raise ProviderUnavailable(f"{url} could not be read: {error}") from error
            if not isinstance(document, dict):
                raise ProviderUnavailable(f"{url} is not a discovery document")
            _discovered[issuer] = document
        return _discovered[issuer]


def forget_provider_configuration() -> None:
    """Fetch the discovery document again at the next sign-in."""
    with _discovery_lock:
        _discovered.clear()


def claimed_email(claims: Mapping[str, Any]) -> str:
    """The lower-case email the provider vouches for, or "" when it gives none.

    An `email` the provider marks unverified is not trusted."""
    for name in EMAIL_CLAIMS:
        value = claims.get(name)
        if name == "email" and claims.get("email_verified") is False:
            continue
        if isinstance(value, str) and "@" in value:
            return normalise_email(value)
    return ""


def role_groups_follow_claims(*, user: User, claims: Mapping[str, Any]) -> None:
    """Add the user to, or remove them from, each role group whose provider groups are set."""
    configured = {
        HEAD_OF_DIGITAL: settings.OIDC_HEAD_OF_DIGITAL_GROUPS,
        LEADERSHIP: settings.OIDC_LEADERSHIP_GROUPS,
    }
    wanted = {role: {item.lower() for item in items} for role, items in configured.items() if items}
    if not wanted:
        return
    claim = settings.OIDC_GROUPS_CLAIM
    if claim not in claims and claim in (claims.get("_claim_names") or {}):
        # Entra ID leaves the groups out when someone is in too many (the "overage"): what
        # they are in is unknown, so nothing is changed rather than roles taken away.
        log.warning("Single sign-on: the %r claim was left out; role groups unchanged.", claim)
        return
    given = claims.get(claim) or []
    given = {str(value).lower() for value in ([given] if isinstance(given, str) else given)}
    with transaction.atomic():
        for role, provider_groups in wanted.items():
            group, _ = Group.objects.get_or_create(name=role)
            if given & provider_groups:
                user.groups.add(group)
            else:
                user.groups.remove(group)


class StaffOIDCBackend(OIDCAuthenticationBackend):
    """Signs in, through the provider, people the service already knows."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The parent reads the endpoints here; Django makes a backend for every request of a
        # signed-in person, which must not wait on the provider, so they are read when used.
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET
        self.OIDC_RP_SIGN_ALGO = settings.OIDC_RP_SIGN_ALGO
        self.OIDC_RP_IDP_SIGN_KEY = None
        self.UserModel = User

    # The parent's attribute names, read through discovery.
    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:
        return provider_endpoints().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:
        return provider_endpoints().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:
        return provider_endpoints().jwks_uri

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        # Only the callback view passes a nonce: a password form posted to a URL with ?code=
        # must not start a token exchange.
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload = super().verify_token(token, **kwargs)
        if "nonce" in kwargs:  # the ID token: it must be for this service, from this provider
            audience = payload.get("aud")
            audiences = [audience] if isinstance(audience, str) else list(audience or [])
            if self.OIDC_RP_CLIENT_ID not in audiences:
                raise SuspiciousOperation("The ID token is for another client.")
            if payload.get("iss") != provider_endpoints().issuer:
                raise SuspiciousOperation(f"The ID token is from {payload.get('iss')!r}.")
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: dict) -> dict[str, Any]:
        """The ID token's claims with the userinfo endpoint's on top: Entra ID puts the
        sign-in name and the groups only in the ID token."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT:
            userinfo = super().get_userinfo(access_token, id_token, payload)
            if userinfo.get("sub") == payload.get("sub"):
                claims.update(userinfo)
            else:  # OpenID Connect Core 5.3.2: such a response must not be used
                log.warning("Single sign-on: userinfo is about another subject; ignored.")
        return claims

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claimed_email(claims))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        """The active person the HR import created with this email, or an active superuser."""
        email = claimed_email(claims)
        if not email:
            return User.objects.none()
        return User.objects.filter(email__iexact=email, is_active=True).filter(
            Q(is_superuser=True) | Q(profile__active=True)
        )

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        user = self.filter_users_by_claims(claims).first() if self.verify_claims(claims) else None
        if user is None:
            log.info("Single sign-on refused: no active person with the email given.")
            raise SignInRefused(claimed_email(claims))
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        name = claims.get("name")
        if not user.full_name and isinstance(name, str) and name.strip():
            user.full_name = name.strip()[:200]
            user.save(update_fields=["full_name"])
        role_groups_follow_claims(user=user, claims=claims)
        return user


def sign_in_problem(request: HttpRequest) -> HttpResponseRedirect:
    messages.error(
        request,
        f"Signing in with {settings.OIDC_PROVIDER_NAME} did not work. Try again, or contact "
        f"{settings.SUPPORT_EMAIL or 'your digital team'} if it keeps happening.",
    )
    return redirect("login")


@method_decorator(login_not_required, name="dispatch")
class SignInWithProviderView(OIDCAuthenticationRequestView):
    """Sends the person to the provider's sign-in page."""

    def __init__(self, **kwargs: Any) -> None:
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_endpoints().authorization_endpoint
        except ProviderUnavailable as error:
            log.warning("Single sign-on unavailable: %s", error)
            return sign_in_problem(request)
        return super().get(request)


@method_decorator(login_not_required, name="dispatch")
class ProviderCallbackView(OIDCAuthenticationCallbackView):
    """Where the provider sends the person back, with a code to exchange for their tokens."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not settings.OIDC_ENABLED:
            raise Http404
        try:
            return super().get(request)
        except SignInRefused as refusal:
            auth.logout(request)
            return render(
                request,
                "registration/sso_refused.html",
                {"email": refusal.email, "provider_name": settings.OIDC_PROVIDER_NAME},
                status=403,
            )
        except (
            SuspiciousOperation,
            ProviderUnavailable,
            requests.RequestException,
            jwt.PyJWTError,
        ) as error:
            log.warning("Single sign-on failed: %s", error)
            return self.login_failure()

    def login_failure(self) -> HttpResponse:
        return sign_in_problem(self.request)
