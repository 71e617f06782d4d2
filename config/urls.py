from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from config import views
from people.auth_views import (
    AdministratorSignInView,
    ChooseNewPasswordView,
    ResetPasswordView,
    SignInView,
)
from people.oidc import ProviderCallbackView, SignInWithProviderView

admin.site.site_header = "Digital capability self-assessment: administration"
admin.site.site_title = "Capability administration"

auth_patterns = [
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password-reset/",
        ResetPasswordView.as_view(),
        name="password_reset",
    ),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        ChooseNewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
# Single sign-on's URLs exist only when it is configured (people.oidc).
if settings.OIDC_ENABLED:
    auth_patterns += [
        path(
            "oidc/authenticate/",
            SignInWithProviderView.as_view(),
            name="oidc_authentication_init",
        ),
        path("oidc/callback/", ProviderCallbackView.as_view(), name="oidc_authentication_callback"),
    ]
# When staff may not use a password, superusers still can, here.
if not settings.PASSWORD_SIGN_IN:
    auth_patterns.append(
        path(
            "sign-in/administrator/", AdministratorSignInView.as_view(), name="administrator_login"
        )
    )

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("privacy/how-answers-are-protected/", views.answers_protected, name="answers_protected"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("manage/", views.manage, name="manage"),
    path("manage/emails/", include("outbox.urls")),
    path("manage/audit/", include("audit.urls")),
    # your-data/ and manage/people/<id>/personal-data/, manage/people/<id>/erase/
    path("", include("personal_data.urls")),
    path("", include(auth_patterns)),
    path("people/", include("people.urls")),
    path("framework/", include("capability.urls")),
    path("assessments/", include("assessments.urls")),
    path("assessments/", include("insights.urls")),
    path("development/", include("development.urls")),
    path("okrs/", include("okrs.urls")),
    path("roadmap/", include("roadmap.urls")),
    path("reports/", include("reports.urls")),
    path("admin/", admin.site.urls),
]

handler403 = "config.views.error_403"
handler404 = "config.views.error_404"
handler500 = "config.views.error_500"
