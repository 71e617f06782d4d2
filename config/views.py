"""Pages that belong to the service rather than to one app: home, health, statements."""

from __future__ import annotations

import sys

import psycopg
from django import db
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from common import roles


def _links(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"label": label, "url": reverse(name)} for label, name in pairs]


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    sections = [
        {
            "title": "Your capability",
            "links": _links(
                ("Your self-assessment", "assessments:mine"),
                ("Your results and gaps", "assessments:results"),
                ("Your development plan", "development:my_plans"),
                ("Your mandatory learning", "development:mandatory"),
                ("What is expected of you", "capability:expected"),
                ("Your data", "personal_data:mine"),
                ("The capability framework", "capability:framework"),
                ("Learning resources", "development:resources"),
                ("OKRs", "okrs:list"),
                ("Roadmap", "roadmap:list"),
            ),
        }
    ]
    if roles.is_line_manager(user):
        sections.append(
            {
                "title": "Your team",
                "links": _links(
                    ("Review your direct reports", "assessments:team"),
                    ("Development plans to agree", "development:team_plans"),
                    ("Your team's gaps", "insights:team_dashboard"),
                ),
            }
        )
    if roles.can_see_organisation(user):
        links = _links(
            ("Capability gaps dashboard", "insights:organisation_dashboard"),
            ("Quarterly reports", "reports:list"),
            ("Gaps no initiative addresses", "roadmap:unaddressed"),
        )
        if roles.is_head_of_digital(user):
            links += _links(("Manage the service", "manage"))
        sections.append({"title": "The organisation", "links": links})
    return render(
        request,
        "pages/home.html",
        {"profile": roles.staff_profile(user), "sections": sections},
    )


@login_not_required
def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/accessibility.html")


@login_not_required
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/privacy.html", {"retention_months": settings.RETENTION_MONTHS})


@login_not_required
def answers_protected(request: HttpRequest) -> HttpResponse:
    """How your answers are protected: the privacy rules of the gap engine in plain English."""
    return render(request, "pages/answers_protected.html")


@require_GET
@never_cache
def keep_alive(request: HttpRequest) -> HttpResponse:
    """Touching the session resets the idle timer (SESSION_SAVE_EVERY_REQUEST)."""
    return HttpResponse(status=204)


def _check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure means the database is unwell
        return f"database: {error.__class__.__name__}"
    return None


def _check_redis() -> str | None:
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
        client.ping()
    except Exception as error:  # noqa: BLE001
        return f"redis: {error.__class__.__name__}"
    return None


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    failures = [failure for failure in (_check_database(), _check_redis()) if failure]
    if failures:
        return JsonResponse({"status": "unavailable", "failing": failures}, status=503)
    checked = ["database"] + (["redis"] if settings.REDIS_URL else [])
    return JsonResponse({"status": "ok", "checked": checked})


@roles.head_of_digital_required
def manage(request: HttpRequest) -> HttpResponse:
    return render(request, "pages/manage.html")


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


# How long a browser or a client is asked to wait before trying again when the database is down.
DATABASE_DOWN_RETRY_AFTER_SECONDS = 30
DATABASE_DOWN_ERRORS: tuple[type[BaseException], ...] = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
)


def _database_is_down(error: BaseException | None) -> bool:
    """The error, or one it was raised from or while handling, is a failure to reach the database
    (Django's wrappers, and psycopg's own errors, which they carry as their cause)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, DATABASE_DOWN_ERRORS):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False


def _page_without_the_database(request: HttpRequest, template: str, status: int) -> HttpResponse:
    """An error page that reads nothing from the request: no user, session or messages, so no
    context processor and nothing in the template can reach for the database."""
    # On the way out, SessionMiddleware would load the session (from the database) to decide on
    # its cookie, although it saves nothing for an error page: without request.session it leaves
    # the response, and the person's cookie, as they are.
    request.__dict__.pop("session", None)
    context = {
        "service_name": settings.SERVICE_NAME,
        "organisation_name": settings.ORGANISATION_NAME,
        "support_email": settings.SUPPORT_EMAIL,
    }
    response = HttpResponse(render_to_string(template, context), status=status)
    # Set here, so the middleware on the way out need not look at request.user (the database).
    patch_cache_control(response, no_store=True)
    return response


def error_500(request: HttpRequest) -> HttpResponse:
    """Django calls this while it handles the exception (from a view, a middleware or another
    error page), so sys.exc_info() says what went wrong. The database being down is a 503 the
    person can wait out; anything else is a 500. Neither page needs the database."""
    if _database_is_down(sys.exc_info()[1]):
        response = _page_without_the_database(request, "503.html", status=503)
        response["Retry-After"] = str(DATABASE_DOWN_RETRY_AFTER_SECONDS)
        return response
    return _page_without_the_database(request, "500.html", status=500)
