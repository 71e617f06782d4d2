"""Signing in safely: emails matched without regard to case, lockouts per account and address,
and limits on password reset links.

django-axes locks an account out after repeated failures. It is told (in settings) to count
failures on the lower-case email and the address the request really came from, so changing the
case of the email does not evade a lock, and failures from one place do not lock the account
out everywhere.
"""

from __future__ import annotations

import ipaddress
import logging
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from common import ratelimit
from people.models import User

log = logging.getLogger(__name__)

HOUR = 60 * 60


def normalise_email(email: str) -> str:
    """Emails are stored in lower case (the HR import and create_user lower them)."""
    return email.strip().lower()


class EmailBackend(ModelBackend):
    """Django's ModelBackend, finding the person by email whatever its case.

    With PASSWORD_SIGN_IN off (staff use single sign-on), or when a form asks for
    administrators only, a password signs in superusers alone."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        *,
        administrators_only: bool = False,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User.objects.filter(email__iexact=username.strip()).order_by("pk").first()
        if user is None:
            # Hash anyway, so the time taken does not tell which addresses have accounts.
            User().set_password(password)
            return None
        if not (user.check_password(password) and self.user_can_authenticate(user)):
            return None
        if (administrators_only or not settings.PASSWORD_SIGN_IN) and not user.is_superuser:
            return None
        return user


def axes_username(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The name axes counts failures under (AXES_USERNAME_CALLABLE): the lower-case email."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "data", request.POST).get(settings.AXES_USERNAME_FORM_FIELD)
    return normalise_email(username) if isinstance(username, str) else username


def client_ip_address(request: HttpRequest) -> str | None:
    """The address a request came from (AXES_CLIENT_IP_CALLABLE, and the reset limits).

    Behind a proxy REMOTE_ADDR is the proxy, the same for everyone. Each trusted proxy appends
    the address it saw to X-Forwarded-For, so the real one is that many entries from the right;
    anything further left was sent by the client and could be forged."""
    remote_address = request.META.get("REMOTE_ADDR")
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies < 1:
        return remote_address
    forwarded = [
        address.strip()
        for address in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if address.strip()
    ]
    if len(forwarded) < proxies:
        return remote_address
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote_address


def account_unlock(*, user: User) -> int:
    """Forget the sign-in failures for this account, from every address."""
    return axes_reset(username=normalise_email(user.email))


def password_reset_allowed(*, email: str, request: HttpRequest) -> bool:
    """Count one request for a reset link; False once this email or address has had its share.

    The per-email limit stops someone filling a colleague's inbox; the per-address limit stops
    one machine sending links to many addresses."""
    address = client_ip_address(request) or "unknown"
    allowed = ratelimit.hit(
        f"password-reset-address:{address}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_ADDRESS,
        seconds=HOUR,
    ) and ratelimit.hit(
        f"password-reset-email:{normalise_email(email)}",
        limit=settings.PASSWORD_RESET_LIMIT_PER_EMAIL,
        seconds=HOUR,
    )
    if not allowed:
        log.warning("Password reset link not sent: too many requests in the last hour.")
    return allowed
