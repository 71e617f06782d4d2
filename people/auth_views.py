"""Django's password reset views, limited and made to unlock the account."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse, HttpResponseRedirect

from people.auth import account_unlock, password_reset_allowed
from people.forms import ChooseNewPasswordForm, ResetPasswordForm


class ResetPasswordView(auth_views.PasswordResetView):
    form_class = ResetPasswordForm

    def form_valid(self, form: ResetPasswordForm) -> HttpResponse:
        # Over the limit, the page is the same "Check your email" but nothing is sent: what the
        # page shows never depends on the address entered, and links already sent still work.
        if not password_reset_allowed(email=form.cleaned_data["email"], request=self.request):
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class ChooseNewPasswordView(auth_views.PasswordResetConfirmView):
    form_class = ChooseNewPasswordForm

    def form_valid(self, form: ChooseNewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # The lock page says resetting the password lets you sign in again at once.
        account_unlock(user=form.user)
        return response
