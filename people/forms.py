from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from common.forms import GovukFormMixin
from common.text import one_line
from outbox.services import OutgoingEmail, email_queue
from people.models import User


class SignInForm(GovukFormMixin, AuthenticationForm):
    submit_label = "Sign in"
    error_messages = {
        "invalid_login": "Enter a correct email address and password",
        "inactive": "This account is inactive",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email address"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false"}
        )
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"


class AdministratorSignInForm(SignInForm):
    """The password form at /sign-in/administrator/: it signs in superusers only (anyone else
    gets the same error as a wrong password, and the failure counts towards a lockout)."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if username is not None and password:
            self.user_cache = authenticate(
                self.request, username=username, password=password, administrators_only=True
            )
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class ResetPasswordForm(GovukFormMixin, PasswordResetForm):
    submit_label = "Send reset link"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "Email address"
        self.fields["email"].widget.attrs.update(autocomplete="email", spellcheck="false")
        self.fields["email"].error_messages.update(
            required="Enter your email address",
            invalid="Enter an email address in the correct format, like name@example.org",
        )

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queue the link through the outbox, like every email: a relay that is down delays it
        and never shows the person an error. Each request is its own intent (the key holds no
        part of the token)."""
        email_queue(
            OutgoingEmail(
                key=f"password-reset:{context['user'].pk}:{uuid.uuid4().hex}",
                kind="password-reset",
                to=to_email,
                subject=one_line(render_to_string(subject_template_name, context))[:300],
                body=render_to_string(email_template_name, context),
            )
        )

    def get_users(self, email: str) -> Iterator[User]:
        """Active people with this email, including those who have never set a password.

        Django leaves out accounts without a usable password, but that is every person the HR
        import creates: this link is how they choose their first one."""
        return iter(User.objects.filter(email__iexact=email.strip(), is_active=True))


class ChooseNewPasswordForm(GovukFormMixin, SetPasswordForm):
    submit_label = "Save password"
