"""Signing in by password, and Django's password reset views, limited and made to unlock the
account. With PASSWORD_SIGN_IN off, staff sign in through single sign-on (people.oidc) and
only superusers may use a password: at /sign-in/administrator/."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect

from people.auth import account_unlock, password_reset_allowed
from people.forms import (
    AdministratorSignInForm,
    ChooseNewPasswordForm,
    ResetPasswordForm,
    SignInForm,
)
from people.models import User


def sign_in_choices() -> dict[str, Any]:
    """What the sign-in pages offer, for their templates."""
    return {
        "single_sign_on": settings.OIDC_ENABLED,
        "password_sign_in": settings.PASSWORD_SIGN_IN,
        "provider_name": settings.OIDC_PROVIDER_NAME,
    }


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **sign_in_choices()}

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not settings.PASSWORD_SIGN_IN:
            messages.error(
                request, f"Sign in with {settings.OIDC_PROVIDER_NAME}: passwords are not used."
            )
            return redirect("login")
        return super().post(request, *args, **kwargs)


class AdministratorSignInView(auth_views.LoginView):
    """Superusers' way in when staff may not use a password (throttled by axes like any
    other)."""

    authentication_form = AdministratorSignInForm
    template_name = "registration/administrator_login.html"
    redirect_authenticated_user = True


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), **sign_in_choices()}

    def form_valid(self, form: ResetPasswordForm) -> HttpResponse:
        # Over the limit, the page is the same "Check your email" but nothing is sent: what the
        # page shows never depends on the address entered, and links already sent still work.
        # So too for anyone but a superuser when passwords are switched off.
        email = form.cleaned_data["email"]
        if not password_reset_allowed(email=email, request=self.request) or not (
            settings.PASSWORD_SIGN_IN
            or User.objects.filter(email__iexact=email.strip(), is_superuser=True).exists()
        ):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class ChooseNewPasswordView(auth_views.PasswordResetConfirmView):
    form_class = ChooseNewPasswordForm

    def get_user(self, uidb64: str) -> User | None:
        user = super().get_user(uidb64)
        # A link sent before passwords were switched off no longer works for staff.
        if user is not None and not (settings.PASSWORD_SIGN_IN or user.is_superuser):
            return None
        return user

    def form_valid(self, form: ChooseNewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The lock page says resetting the password lets you sign in again at once.
        account_unlock(user=form.user)
        return response
